"""Filters for the record kinds whose pages do not (yet) declare a FilterSet.

Where an app's ``filters.py`` has the page's FilterSet, the API uses it, so the API filters on
exactly the fields the pages do; these mirror the pages' fields until then.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from exchanges.models import Agreement, Event, FundingScheme, Mobility, PartnerInstitution, StudentLanguageTest
from faculties.filters import FacultyScopedFilterSet
from faculties.models import Faculty
from intlportal import access
from programs.models import CooperativeProgram, ProgramCourse, ProgramEnrollment, ProgramTeacherTraining
from staff import filters as staff_filters


def faculty_filter(field_name: str = "faculty"):
    return django_filters.ModelChoiceFilter(label=_("faculty"), field_name=field_name,
                                            queryset=Faculty.objects.all())


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = PartnerInstitution
        fields = ["country", "kind", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(name_zh__icontains=value))


class AgreementFilter(FacultyScopedFilterSet):
    faculty = faculty_filter("faculties")
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Agreement
        fields = ["faculty", "partner", "kind", "status", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(partner__name__icontains=value))


class FundingSchemeFilter(django_filters.FilterSet):
    class Meta:
        model = FundingScheme
        fields = ["year"]


class MobilityFilter(FacultyScopedFilterSet):
    faculty = faculty_filter()
    year = django_filters.NumberFilter(label=_("year"), field_name="starts_on", lookup_expr="year")
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Mobility
        fields = ["faculty", "direction", "person_kind", "activity", "status", "country", "partner",
                  "funding_scheme", "year", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(person_name__icontains=value) | Q(person_id__icontains=value))


class EventFilter(FacultyScopedFilterSet):
    faculty = faculty_filter()
    year = django_filters.NumberFilter(label=_("year"), field_name="date", lookup_expr="year")
    q = django_filters.CharFilter(label=_("Search"), field_name="title", lookup_expr="icontains")

    class Meta:
        model = Event
        fields = ["faculty", "kind", "year", "q"]


class StudentLanguageTestFilter(FacultyScopedFilterSet):
    faculty = faculty_filter()
    year = django_filters.NumberFilter(label=_("year"), field_name="date", lookup_expr="year")

    class Meta:
        model = StudentLanguageTest
        fields = ["faculty", "test", "year"]


class ProgramFilter(FacultyScopedFilterSet):
    faculty = faculty_filter()
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = CooperativeProgram
        fields = ["faculty", "level", "form", "status", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name_zh__icontains=value) | Q(name_en__icontains=value))


class ProgramEnrollmentFilter(FacultyScopedFilterSet):
    faculty = faculty_filter("program__faculty")

    class Meta:
        model = ProgramEnrollment
        fields = ["faculty", "program", "year"]


class ProgramCourseFilter(FacultyScopedFilterSet):
    faculty = faculty_filter("program__faculty")

    class Meta:
        model = ProgramCourse
        fields = ["faculty", "program", "is_core", "is_introduced"]


class ProgramTrainingFilter(FacultyScopedFilterSet):
    faculty = faculty_filter("program__faculty")

    class Meta:
        model = ProgramTeacherTraining
        fields = ["faculty", "program", "year"]


class ContractFilter(staff_filters.ContractFilter):
    """The contracts page's filters, with one schema for every caller: ``expiring=work_permit``
    is offered to all, and for anyone but the office (work-permit dates are personal) it
    matches no contract instead of being refused as an unknown choice."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["expiring"].extra["choices"] = self.EXPIRING_CHOICES

    def filter_expiring(self, queryset, name, value):
        if value == "work_permit" and not access.can_see_personal_data(self.request.user):
            return queryset.none()
        return super().filter_expiring(queryset, name, value)
