"""List filters shared by every app.

``YearFilter`` is the one year filter of the portal: every FilterSet that filters by a year
(a year column, the year of a date, "in force in that year", "covers that year") declares it,
and the API bounds its ``year`` parameters with the same numbers (``api.filtering``).

A date holds the years 1 to 9999; asking for the year 0 or 10000 of a date made the database
lookup fail (a 500, and a truncated CSV export).  Out of range, or not a whole number, the
year is a form error on the list (the list shows the message next to the field and no rows).
"""

from __future__ import annotations

import operator

import django_filters
from django import forms
from django.utils.functional import lazy

MIN_YEAR = 1
MAX_YEAR = 9999


class AllYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter's choices: 全部 (no filter), 是, 否 — not the form widget's 未知."""

    def __init__(self, attrs=None):
        from django.utils.translation import gettext_lazy as _

        super().__init__(attrs)
        self.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]


class AllYesNoField(forms.NullBooleanField):
    widget = AllYesNoSelect


def install() -> None:
    """Every yes/no filter of the portal, declared or generated from a model's BooleanField,
    offers 全部/是/否 (``IntlportalConfig.ready``)."""
    django_filters.BooleanFilter.field_class = AllYesNoField


class YearFilter(django_filters.NumberFilter):
    """A calendar year, a whole number from ``MIN_YEAR`` to ``MAX_YEAR``.

    Takes what ``NumberFilter`` takes (``field_name``, ``lookup_expr="year"`` for the year of a
    date, ``method``, ``label``, ``help_text``); the filter method then receives an ``int``.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None  # max_value bounds it (NumberFilter's default allows 1e50)


def label_with(message, **values):
    """A label such as ``gettext_lazy("Expiring within %(days)s days")`` with ``values`` filled
    in each time it is shown, in the language of that request.  ``gettext_lazy(…) % values``
    translates once, when the module is imported, and freezes that language for everyone."""
    return lazy(operator.mod, str)(message, values)
