"""The API's record endpoints as data: one row per record kind.

Each row gives ``/api/v1/<prefix>/`` (list) and ``/api/v1/<prefix>/{id}/`` (detail), named
``api:<basename>-list`` and ``api:<basename>-detail``; ``api.views.viewset_for`` turns it into
a read-only viewset scoped by ``intlportal.access`` and ``api.serializers.record_serializer``
into its serializer.  Filters are the pages' FilterSets, so the API filters on exactly the
fields the pages do.  A kind whose endpoint adds behaviour (assessment runs) keeps a class of
its own (``api.assessment_views``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import FilterSet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers as drf

from api import filters as api_filters
from api.serializers import PlanTargetSerializer
from exchanges import filters as exchange_filters
from exchanges.models import Agreement, Event, FundingScheme, Mobility, PartnerInstitution, StudentLanguageTest
from faculties import filters as faculty_filters
from faculties import plan_filters
from faculties.models import (
    Discipline,
    Faculty,
    FacultyYear,
    InternationalizationPlan,
    LeadingGroupMember,
    SiteUpdate,
)
from programs import filters as program_filters
from programs.models import CooperativeProgram, ProgramCourse, ProgramEnrollment, ProgramTeacherTraining
from staff import filters as staff_filters
from staff.models import (
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    TeachingAssignment,
    TeachingEvaluation,
)
from trips import filters as trip_filters
from trips.models import Trip, TripCountry, TripMember
from visits import filters as visit_filters
from visits.models import ProgrammeItem, Visit, VisitMember


@dataclass(frozen=True)
class Endpoint:
    prefix: str
    basename: str
    model: type[Model]
    filterset: type[FilterSet]
    # The fields ``?ordering=`` accepts; without it, the model's ordering (then the id).
    ordering: tuple[str, ...]
    # The endpoint's description in the schema and the OPTIONS answer.
    doc: str
    # Names the classes and the schema's component (``Contract``, ``PaginatedContractList``);
    # by default the basename's words: ``faculty-year`` is ``FacultyYear``.
    name: str = ""
    # The joins the serializer needs, so the query count does not grow with rows.
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # Serializer fields beyond the model's own (related records, computed properties); a
    # function, so each serializer gets fields of its own.
    extra_fields: Callable[[], dict[str, drf.Field]] = field(default=dict)

    @property
    def component(self) -> str:
        return self.name or "".join(word.capitalize() for word in self.basename.split("-"))

    def queryset(self) -> QuerySet:
        queryset = self.model._default_manager.all()
        # Never call these without names: select_related() alone follows every foreign key.
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset


def _plan_fields() -> dict[str, drf.Field]:
    return {
        "submitted_by": drf.SlugRelatedField(slug_field="username", read_only=True, allow_null=True),
        "targets": PlanTargetSerializer(many=True, read_only=True),
    }


def _agreement_fields() -> dict[str, drf.Field]:
    return {"is_expired": drf.BooleanField(read_only=True, help_text=_("The end date has passed."))}


class TripMemberSerializer(drf.ModelSerializer):
    """A member of a trip's group: name and role, never a travel document."""

    name = drf.CharField(source="staff_member.name", read_only=True)
    staff_no = drf.CharField(source="staff_member.staff_no", read_only=True)

    class Meta:
        model = TripMember
        fields = ["staff_member", "staff_no", "name", "role", "senior_post"]
        read_only_fields = fields


class TripCountrySerializer(drf.ModelSerializer):
    class Meta:
        model = TripCountry
        fields = ["country", "arrives_on", "leaves_on"]
        read_only_fields = fields


def _trip_fields() -> dict[str, drf.Field]:
    # The trip's group and countries, and its budget in total.  Passports and permits have no
    # endpoint at all: their numbers are the office's alone, and never leave through the API.
    return {
        "members": TripMemberSerializer(many=True, read_only=True),
        "countries": TripCountrySerializer(many=True, read_only=True),
        "budget_total": drf.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                         help_text=_("The budget's lines added up, in yuan.")),
        "approved_version": drf.HiddenField(default=None),
    }


class VisitMemberSerializer(drf.ModelSerializer):
    """A member of a visiting delegation: never a passport number nor a date of birth, whoever
    asks (they are for the visa invitation, on the visit's page, the office's alone)."""

    class Meta:
        model = VisitMember
        fields = ["name", "nationality", "position", "institution"]
        read_only_fields = fields


@extend_schema_field({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "14:30"})
class ClockTimeField(drf.TimeField):
    """A time of day as the programme shows it, "14:30": a time without a zone, which the
    schema's ``format: time`` (RFC 3339, with an offset) would not describe."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ProgrammeItemSerializer(drf.ModelSerializer):
    """An entry of a visit's programme; ``event`` is the lecture event it became once the visit closed."""

    starts_at = ClockTimeField(read_only=True, allow_null=True, help_text=_("When the entry starts, if known."))

    class Meta:
        model = ProgrammeItem
        fields = ["day", "starts_at", "kind", "title", "speaker", "place", "participants", "event"]
        read_only_fields = fields


def _visit_fields() -> dict[str, drf.Field]:
    # The delegation and the programme, and the budget in total.  The members' personal data
    # (VisitMember.PERSONAL_FIELDS) never leaves through the API, not even for the office.
    return {
        "members": VisitMemberSerializer(many=True, read_only=True),
        "programme": ProgrammeItemSerializer(many=True, read_only=True),
        "institution_name": drf.CharField(read_only=True, help_text=_(
            "The visiting institution: the partner's name, or the name given when it is not a partner.")),
        "budget_total": drf.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                         help_text=_("The reception budget's lines added up, in yuan.")),
        "submitted_by": drf.SlugRelatedField(slug_field="username", read_only=True, allow_null=True),
    }


ENDPOINTS = [
    # --- faculties
    Endpoint("faculties", "faculty", Faculty, faculty_filters.FacultyFilter,
             ordering=("code", "name_zh", "name_en", "foreign_site_updated_on"),
             doc=_("Faculties (二级学院).")),
    Endpoint("faculty-years", "faculty-year", FacultyYear, faculty_filters.FacultyYearFilter,
             ordering=("faculty__code", "year", "teachers", "students"),
             doc=_("Full-time teachers and enrolled students per faculty and year: the denominators of rates.")),
    Endpoint("site-updates", "site-update", SiteUpdate, faculty_filters.SiteUpdateFilter,
             ordering=("faculty__code", "updated_on"),
             doc=_("The dated log of updates of the faculties' foreign-language websites.")),
    Endpoint("disciplines", "discipline", Discipline, faculty_filters.DisciplineFilter,
             ordering=("name_zh", "name_en", "faculty__code", "is_key", "is_national_first_class"),
             doc=_("Disciplines of the faculties, with key-discipline and first-class-major flags.")),
    Endpoint("leading-group-members", "leading-group-member", LeadingGroupMember,
             faculty_filters.LeadingGroupMemberFilter,
             ordering=("faculty__code", "name", "group_role"),
             doc=_("Members of the faculties' foreign-affairs leading groups.")),
    Endpoint("plans", "plan", InternationalizationPlan, plan_filters.PlanFilter,
             ordering=("faculty__code", "first_year", "last_year", "title", "status", "submitted_at"),
             doc=_("Internationalization plans with their planned targets."),
             select_related=("submitted_by",), prefetch_related=("targets",), extra_fields=_plan_fields),
    # --- exchanges
    Endpoint("partners", "partner", PartnerInstitution, exchange_filters.PartnerFilter,
             ordering=("name", "name_en", "name_zh", "country", "kind"),
             doc=_("Partner institutions abroad: shared by every faculty.")),
    Endpoint("agreements", "agreement", Agreement, exchange_filters.AgreementFilter,
             ordering=("title", "kind", "status", "signed_on", "starts_on", "ends_on"),
             doc=_("Agreements with partners; no faculties listed means university-wide."),
             prefetch_related=("faculties",), extra_fields=_agreement_fields),
    Endpoint("funding-schemes", "funding-scheme", FundingScheme, exchange_filters.FundingSchemeFilter,
             ordering=("name", "year", "budget"),
             doc=_("Funding schemes (such as the Overseas Study fund) with their yearly budgets.")),
    Endpoint("mobilities", "mobility", Mobility, exchange_filters.MobilityFilter,
             ordering=("starts_on", "ends_on", "person_name", "country", "activity", "status", "amount"),
             doc=_("One person's exchange, outbound or inbound.")),
    Endpoint("events", "event", Event, exchange_filters.EventFilter,
             ordering=("date", "title", "kind", "participants_total", "participants_foreign"),
             doc=_("International events hosted at home."),
             prefetch_related=("partners",)),
    Endpoint("student-language-tests", "student-language-test", StudentLanguageTest,
             exchange_filters.StudentLanguageTestFilter,
             ordering=("date", "test", "score", "student_id"),
             doc=_("Students' IELTS, TOEFL and other language test results.")),
    # --- staff
    Endpoint("staff", "staff-member", StaffMember, staff_filters.StaffMemberFilter,
             ordering=("staff_no", "name", "category", "title", "hired_on", "left_on"),
             doc=_("Teaching staff, domestic and foreign.")),
    Endpoint("contracts", "contract", ForeignTeacherContract, api_filters.ContractFilter,
             ordering=("starts_on", "ends_on", "category", "status"),
             doc=_("Foreign teachers' contracts; salary and work permit are the office's alone.")),
    Endpoint("teaching-assignments", "teaching-assignment", TeachingAssignment,
             staff_filters.TeachingAssignmentFilter,
             ordering=("semester", "course", "hours", "context"),
             doc=_("Courses taught per semester (2025-2026-1 is autumn 2025, 2025-2026-2 spring 2026).")),
    Endpoint("evaluations", "evaluation", TeachingEvaluation, staff_filters.TeachingEvaluationFilter,
             ordering=("semester", "source", "course", "score"),
             doc=_("Evaluations of teaching by students, peers and supervisors."),
             name="TeachingEvaluation"),
    Endpoint("language-assessments", "language-assessment", LanguageAssessment,
             staff_filters.LanguageAssessmentFilter,
             ordering=("date", "language", "result", "score"),
             doc=_("Teachers' foreign-language assessments.")),
    Endpoint("publications", "publication", Publication, staff_filters.PublicationFilter,
             ordering=("year", "title", "journal", "is_international"),
             doc=_("Publications by a faculty's staff as first or corresponding author.")),
    # --- programs
    Endpoint("programs", "program", CooperativeProgram, program_filters.CooperativeProgramFilter,
             ordering=("code", "name_zh", "name_en", "level", "status", "approved_on", "expires_on"),
             doc=_("Sino-foreign cooperative programs (中外合作办学)."),
             prefetch_related=("partners",)),
    Endpoint("program-enrollments", "program-enrollment", ProgramEnrollment,
             program_filters.ProgramEnrollmentFilter,
             ordering=("year", "students"),
             doc=_("Students enrolled in a cooperative program per year.")),
    Endpoint("program-courses", "program-course", ProgramCourse, program_filters.ProgramCourseFilter,
             ordering=("course", "credits", "hours", "partner_taught_hours"),
             doc=_("A cooperative program's courses, for the Ministry's one-third rules.")),
    Endpoint("program-trainings", "program-training", ProgramTeacherTraining,
             program_filters.ProgramTeacherTrainingFilter,
             ordering=("date", "year", "title", "participants"),
             doc=_("The yearly training of a cooperative program's teachers.")),
    # --- trips abroad
    Endpoint("trips", "trip", Trip, trip_filters.TripFilter,
             ordering=("departs_on", "returns_on", "title", "status", "purpose"),
             doc=_("Official trips abroad (因公出国（境）) with their members, countries and budget; "
                   "travel documents are never in the API."),
             prefetch_related=(Prefetch("members", queryset=TripMember.objects.select_related("staff_member")
                                                                     .order_by("role", "pk")),
                               "countries"),
             extra_fields=_trip_fields),
    # --- foreign visits
    Endpoint("visits", "visit", Visit, visit_filters.VisitFilter,
             ordering=("arrives_on", "leaves_on", "title", "status", "purpose", "country"),
             doc=_("Foreign delegations received by a faculty (来访接待) with their members, programme and "
                   "budget; the members' passport numbers and dates of birth are never in the API."),
             select_related=("partner", "submitted_by"),
             prefetch_related=(Prefetch("members", queryset=VisitMember.objects.order_by("pk")), "programme"),
             extra_fields=_visit_fields),
]
