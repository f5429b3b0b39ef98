"""The list of foreign visits' filters."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from faculties.filters import FacultyScopedFilterSet
from faculties.models import Faculty
from intlportal.filters import YearFilter
from intlportal.forms import DateInput
from visits.models import Visit


class VisitFilter(FacultyScopedFilterSet):
    STAGES = [("office", _("Awaiting the office")), ("leader", _("Awaiting a university leader"))]

    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  help_text=_("Title, visiting institution or head of the delegation."))
    faculty = django_filters.ModelChoiceFilter(label=_("host faculty"), queryset=Faculty.objects.all())
    status = django_filters.ChoiceFilter(label=_("status"), choices=Visit.Status.choices)
    stage = django_filters.ChoiceFilter(label=_("needs attention"), choices=STAGES, method="filter_stage")
    purpose = django_filters.ChoiceFilter(label=_("purpose of the visit"), choices=Visit.Purpose.choices)
    country = django_filters.ChoiceFilter(label=_("country or region"), choices=countries)
    year = YearFilter(label=_("year"), field_name="arrives_on", lookup_expr="year",
                      help_text=_("The year the delegation arrives."))
    arrives_from = django_filters.DateFilter(label=_("arrives from"), field_name="arrives_on", lookup_expr="gte",
                                             widget=DateInput)
    arrives_until = django_filters.DateFilter(label=_("arrives until"), field_name="arrives_on", lookup_expr="lte",
                                              widget=DateInput)

    class Meta:
        model = Visit
        fields = ["q", "faculty", "status", "stage", "purpose", "country", "year", "arrives_from", "arrives_until"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(institution__icontains=value)
                               | Q(partner__name__icontains=value) | Q(partner__name_en__icontains=value)
                               | Q(delegation_leader__icontains=value))

    def filter_stage(self, queryset, name, value):
        if value == "leader":
            return queryset.awaiting_leader()
        return queryset.awaiting_office()
