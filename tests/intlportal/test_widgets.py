"""Select boxes built in Python (``intlportal.widgets``) are byte-identical to Django's
templates, for every select the portal shows: plain, multiple, yes/no, grouped, model
choices, countries, values and labels that need escaping, selected and disabled options."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe
from django_countries.fields import CountryField

from exchanges.filters import MobilityFilter
from exchanges.forms import MobilityForm
from faculties.models import Faculty
from intlportal import widgets
from intlportal.filters import AllYesNoSelect
from tests.factories import FacultyFactory, FundingSchemeFactory

pytestmark = pytest.mark.django_db


def both(widget, name, value, attrs=None) -> tuple[str, str]:
    assert forms.Select.render is widgets._render  # installed by IntlportalConfig.ready
    fast = widget.render(name, value, attrs)
    templated = widgets._template_render(widget, name, value, attrs)
    return str(fast), str(templated)


CHOICES = [("", "请选择"), ("a&b", 'A <"quoted"> & b'), (1, "one"), (2025, 2025), ("x", mark_safe("<b>safe</b>"))]
GROUPED = [("亚洲", [("JP", "日本"), ("KR", "韩国")]), ("Europe", [("GB", "United Kingdom")]), ("", "none")]


@pytest.mark.parametrize(("widget", "value"), [
    (forms.Select(choices=CHOICES), "a&b"),
    (forms.Select(choices=CHOICES), None),
    (forms.Select(choices=CHOICES, attrs={"class": "form-select", "disabled": True, "data-x": '"q"', "hidden": False}),
     2025),
    (forms.SelectMultiple(choices=CHOICES), ["a&b", "1"]),
    (forms.Select(choices=GROUPED), "KR"),
    (forms.NullBooleanSelect(), True),
    (AllYesNoSelect(), None),
])
def test_the_python_select_equals_the_template(widget, value):
    fast, templated = both(widget, "field", value, {"id": "id_field", "required": True})
    assert fast == templated


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_mobility_list_filters_and_form_equal_the_template(language, office):
    FacultyFactory.create_batch(3)
    FundingSchemeFactory()
    with translation.override(language):
        form = MobilityFilter(data={"country": "JP", "faculty": Faculty.objects.first().pk},
                              queryset=None, request=None).form
        country = forms.Form()
        country.fields["country"] = CountryField().formfield()
        for bound in [*form, *MobilityForm(user=office), *country]:
            widget = bound.field.widget
            if isinstance(widget, forms.Select):
                attrs = bound.build_widget_attrs({"id": bound.auto_id})
                fast, templated = both(widget, bound.html_name, bound.value(), attrs)
                assert fast == templated, bound.name


def test_a_widget_with_its_own_template_keeps_it():
    class Flagged(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Flagged(choices=CHOICES)
    assert "<option" not in str(widget.render("f", "1"))
