"""The trip list's filters."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from faculties.filters import FacultyScopedFilterSet
from faculties.models import Faculty
from intlportal.filters import YearFilter
from trips.models import Trip, TripPlan


class TripFilter(FacultyScopedFilterSet):
    STAGES = [("leader", _("Awaiting a university leader")), ("office", _("Awaiting the office")),
              ("notice", _("On public notice"))]

    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Title or inviting institution."))
    faculty = django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all())
    status = django_filters.ChoiceFilter(label=_("status"), choices=Trip.Status.choices)
    stage = django_filters.ChoiceFilter(label=_("needs attention"), choices=STAGES, method="filter_stage")
    purpose = django_filters.ChoiceFilter(label=_("purpose"), choices=Trip.Purpose.choices)
    year = YearFilter(label=_("year"), field_name="departs_on", lookup_expr="year",
                      help_text=_("The year the trip departs."))

    class Meta:
        model = Trip
        fields = ["q", "faculty", "status", "stage", "purpose", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(inviting_institution__icontains=value)
                               | Q(partner__name__icontains=value) | Q(partner__name_en__icontains=value))

    def filter_stage(self, queryset, name, value):
        if value == "leader":
            return queryset.awaiting_leader()
        if value == "office":
            return queryset.awaiting_office()
        return queryset.filter(status=Trip.Status.ON_NOTICE)


class TripPlanFilter(FacultyScopedFilterSet):
    faculty = django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all())
    year = YearFilter(label=_("year"))

    class Meta:
        model = TripPlan
        fields = ["faculty", "year"]
