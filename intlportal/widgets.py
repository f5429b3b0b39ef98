"""Select boxes rendered in Python.

Django renders each ``<option>`` of a select through two templates (``select_option.html``
and ``attrs.html``). A list page's filter form holds selects of 250 countries, 60 faculties
and every funding scheme: rendering them took two thirds of the mobility list's time
(bench/RESULTS.md). ``install`` (``IntlportalConfig.ready``) makes ``Select`` and its
subclasses that keep Django's own two templates build the same HTML with string operations;
a widget with other templates, or a project that overrides Django's widget templates, keeps
the template path. ``tests/intlportal/test_widgets.py`` holds the output byte-identical.
"""

from __future__ import annotations

import html

from django import forms
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import ChoiceWidget
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"

_template_render = forms.Select.render


def _text(value) -> str:
    """``{{ value|stringformat:'s' }}``: a string as it is (a safe one stays safe), else ``%s``."""
    return value if isinstance(value, str) else str(value)


def _attrs(attrs: dict) -> str:
    """``attrs.html``: `` name="value"``, `` name`` for True, nothing for False."""
    html = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            html.append(f" {conditional_escape(name)}")
        else:
            html.append(f' {conditional_escape(name)}="{conditional_escape(_text(value))}"')
    return "".join(html)


def _escape(text) -> str:
    """``conditional_escape`` without its detours for the common case, a plain string."""
    if type(text) is str:
        return html.escape(text)
    return conditional_escape(text)


def _option(option: dict) -> str:
    label = option["label"]
    if type(label) is not str:
        label = localize(label)
    attrs = _attrs(option["attrs"]) if option["attrs"] else ""
    return f'<option value="{_escape(_text(option["value"]))}"{attrs}>{_escape(label)}</option>\n'


def _select(name: str, attrs: dict, groups) -> str:
    """``select.html``: ``groups`` yields (group name or None, the option dicts of the group)."""
    html = [f'<select name="{conditional_escape(name)}"{_attrs(attrs)}>']
    for group_name, options in groups:
        if group_name:
            html.append(f'\n  <optgroup label="{conditional_escape(localize(group_name))}">')
        html.extend("\n  " + _option(option) for option in options)
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")  # the renderer strips the template's final newline
    return "".join(html)


def select_html(widget: dict) -> str:
    """``select.html`` for the ``widget`` context Django's ``Select.get_context`` builds."""
    return _select(widget["name"], widget["attrs"], ((name, options) for name, options, _i in widget["optgroups"]))


def _plain(widget) -> bool:
    """A select whose options are Django's own (``optgroups`` and ``create_option`` not
    overridden, options not inheriting the select's attributes): its options can be written
    straight from ``choices``."""
    cls = type(widget)
    return (not widget.option_inherits_attrs and cls.optgroups is ChoiceWidget.optgroups
            and cls.create_option is ChoiceWidget.create_option
            and cls.get_context is forms.Select.get_context)


def _choice_groups(widget, values: list[str]):
    """``ChoiceWidget.optgroups`` without ``create_option``: (group name or None, options)."""
    has_selected = False
    for option_value, option_label in widget.choices:
        if option_value is None:
            option_value = ""
        if isinstance(option_label, (list, tuple)):
            group_name, choices = option_value, option_label
        else:
            group_name, choices = None, [(option_value, option_label)]
        options = []
        for subvalue, sublabel in choices:
            selected = (not has_selected or widget.allow_multiple_selected) and str(subvalue) in values
            has_selected |= selected
            options.append({"value": subvalue, "label": sublabel,
                            "attrs": dict(widget.checked_attribute) if selected else {}})
        yield group_name, options


def _render(self, name, value, attrs=None, renderer=None):
    if (self.template_name != SELECT or self.option_template_name != OPTION
            or not isinstance(renderer or _form_renderer(), DjangoTemplates)):
        return _template_render(self, name, value, attrs, renderer)
    if _plain(self):
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        html = _select(widget["name"], widget["attrs"], _choice_groups(self, widget["value"]))
        return mark_safe(html)  # noqa: S308  # nosec B308 B703 - every value escaped
    context = self.get_context(name, value, attrs)
    if any(option.get("template_name") != OPTION for _n, group, _i in context["widget"]["optgroups"]
           for option in group):
        return _template_render(self, name, value, attrs, renderer)
    return mark_safe(select_html(context["widget"]))  # noqa: S308  # nosec B308 B703 - every value escaped


def _form_renderer():
    from django.forms.renderers import get_default_renderer

    return get_default_renderer()


def install() -> None:
    forms.Select.render = _render
