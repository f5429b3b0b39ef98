"""List filters.  Choices of faculties are limited to what the user may see."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from exchanges.models import (
    EXPIRY_WARNING_DAYS,
    Agreement,
    Event,
    FundingScheme,
    Mobility,
    PartnerInstitution,
    StudentLanguageTest,
)
from exchanges.widgets import PartnerComboboxInput
from faculties.filters import FacultyScopedFilterSet
from faculties.models import Faculty
from intlportal.filters import YearFilter, label_with


def _partner_filter():
    return django_filters.CharFilter(label=_("partner"), method="filter_partner", widget=PartnerComboboxInput())


class PartnerSearchMixin:
    """``partner``: records whose partner's names or domains contain the text typed."""

    def filter_partner(self, queryset, name, value):
        partners = PartnerInstitution.objects.search(value).values("pk")
        if queryset.model is Event:  # several partners: keep one row per event
            return queryset.filter(pk__in=Event.objects.filter(partners__in=partners).values("pk"))
        return queryset.filter(partner__in=partners)


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  help_text=_("Name in any language, or a web domain."))
    country = django_filters.ChoiceFilter(label=_("country"), choices=countries)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=PartnerInstitution.Kind.choices)
    with_agreement = django_filters.BooleanFilter(label=_("has an active agreement"), method="filter_with_agreement")

    class Meta:
        model = PartnerInstitution
        fields = ["q", "country", "kind", "with_agreement"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_with_agreement(self, queryset, name, value):
        active = Agreement.objects.in_effect().values("partner_id")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


class AgreementFilter(PartnerSearchMixin, FacultyScopedFilterSet):
    VALIDITY_CHOICES = [
        ("in_effect", _("In effect")),
        ("expiring", label_with(_("Expiring within %(days)s days"), days=EXPIRY_WARNING_DAYS)),
        ("expired", _("Expired")),
    ]
    q = django_filters.CharFilter(label=_("Search"), field_name="title", lookup_expr="icontains")
    partner = _partner_filter()
    # Agreements list faculties in an M2M, so the schema cannot infer the type: a faculty id.
    faculty = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all(), method="filter_faculty"))
    university_wide = django_filters.BooleanFilter(label=_("university-wide"), method="filter_university_wide")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Agreement.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Agreement.Status.choices)
    validity = django_filters.ChoiceFilter(label=_("validity"), choices=VALIDITY_CHOICES, method="filter_validity")
    country = django_filters.ChoiceFilter(label=_("country"), choices=countries, field_name="partner__country")
    year = YearFilter(label=_("year"), method="filter_year",
                      help_text=_("Agreements in force at some time in that year."))

    class Meta:
        model = Agreement
        fields = ["q", "partner", "faculty", "university_wide", "kind", "status", "validity", "country", "year"]

    def filter_faculty(self, queryset, name, value):
        return queryset.filter(pk__in=Agreement.objects.filter(faculties=value).values("pk"))

    def filter_university_wide(self, queryset, name, value):
        return queryset.filter(faculties__isnull=value) if value else \
            queryset.filter(pk__in=Agreement.objects.filter(faculties__isnull=False).values("pk"))

    def filter_validity(self, queryset, name, value):
        if value == "expiring":
            return queryset.expiring_within(EXPIRY_WARNING_DAYS)
        if value == "expired":
            return queryset.expired()
        return queryset.in_effect()

    def filter_year(self, queryset, name, value):
        return queryset.overlapping_year(value)


class FundingSchemeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    year = YearFilter(label=_("year"))

    class Meta:
        model = FundingScheme
        fields = ["q", "year"]


class MobilityFilter(PartnerSearchMixin, FacultyScopedFilterSet):
    STAGE_CHOICES = [
        ("awaiting", _("Awaiting approval")),
        ("report_overdue", _("Report overdue")),
    ]
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Name or staff/student number."))
    faculty = django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all())
    direction = django_filters.ChoiceFilter(label=_("direction"), choices=Mobility.Direction.choices)
    person_kind = django_filters.ChoiceFilter(label=_("person kind"), choices=Mobility.PersonKind.choices)
    activity = django_filters.ChoiceFilter(label=_("activity"), choices=Mobility.Activity.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Mobility.Status.choices)
    stage = django_filters.ChoiceFilter(label=_("needs attention"), choices=STAGE_CHOICES, method="filter_stage")
    year = YearFilter(label=_("year"), field_name="starts_on", lookup_expr="year",
                      help_text=_("The year the mobility starts."))
    country = django_filters.ChoiceFilter(label=_("country"), choices=countries)
    partner = _partner_filter()
    funding_scheme = django_filters.ModelChoiceFilter(label=_("funding scheme"), queryset=FundingScheme.objects.all())

    class Meta:
        model = Mobility
        fields = ["q", "faculty", "direction", "person_kind", "activity", "status", "stage", "year", "country",
                  "partner", "funding_scheme"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(person_name__icontains=value) | Q(person_id__icontains=value))

    def filter_stage(self, queryset, name, value):
        if value == "awaiting":
            return queryset.awaiting_approval()
        return queryset.report_overdue()


class EventFilter(PartnerSearchMixin, FacultyScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="title", lookup_expr="icontains")
    faculty = django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all())
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Event.Kind.choices)
    year = YearFilter(label=_("year"), field_name="date", lookup_expr="year")
    partner = _partner_filter()

    class Meta:
        model = Event
        fields = ["q", "faculty", "kind", "year", "partner"]


class StudentLanguageTestFilter(FacultyScopedFilterSet):
    q = django_filters.CharFilter(label=_("student number"), field_name="student_id", lookup_expr="icontains")
    faculty = django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all())
    test = django_filters.ChoiceFilter(label=_("test"), choices=StudentLanguageTest.Test.choices)
    year = YearFilter(label=_("year"), field_name="date", lookup_expr="year")
    min_score = django_filters.NumberFilter(label=_("minimum score"), field_name="score", lookup_expr="gte")

    class Meta:
        model = StudentLanguageTest
        fields = ["q", "faculty", "test", "year", "min_score"]
