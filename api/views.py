"""The read-only endpoints: one generic viewset, specialised per record kind.

Every endpoint answers what ``intlportal.access`` lets the caller see, exactly like the pages:
``scope_for`` narrows each list, a record outside the scope answers 404, and the serializer
drops personal fields for everyone but the office.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.utils.translation import get_language, gettext
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers, viewsets
from rest_framework.response import Response

from api import filters as api_filters
from api import serializers
from api.filtering import ApiPagination, ScopedFilterBackend, StableOrderingFilter
from api.permissions import HasPortalRole
from exchanges import filters as exchange_filters
from exchanges.models import Agreement, Event, FundingScheme, Mobility, PartnerInstitution, StudentLanguageTest
from faculties import filters as faculty_filters
from faculties import plan_filters
from faculties.models import Discipline, Faculty, FacultyYear, InternationalizationPlan, LeadingGroupMember
from intlportal import access
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


class ApiViewMixin:
    """DRF authenticates API requests and answers 401/403 itself; Django's
    LoginRequiredMiddleware must not turn them into a redirect to the login page.  (DRF
    already marks its views so; saying it here keeps that true whatever DRF does.)"""

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))


class RecordViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail of one record kind, scoped to what the caller may see.

    Subclasses set ``queryset`` (with the ``select_related`` / ``prefetch_related`` its
    serializer needs, so the query count does not grow with rows), ``serializer_class``,
    ``filterset_class`` or ``filterset_fields``, and ``ordering_fields``.
    """

    permission_classes = [HasPortalRole]
    pagination_class = ApiPagination
    filter_backends = [ScopedFilterBackend, StableOrderingFilter]

    def get_queryset(self):
        return access.scope_for(self.request.user, super().get_queryset())


# --- faculties ---------------------------------------------------------------------------


class FacultyViewSet(RecordViewSet):
    """Faculties (二级学院)."""

    queryset = Faculty.objects.all()
    serializer_class = serializers.FacultySerializer
    filterset_class = faculty_filters.FacultyFilter
    ordering_fields = ["code", "name_zh", "name_en", "foreign_site_updated_on"]


class DisciplineViewSet(RecordViewSet):
    """Disciplines of the faculties, with key-discipline and first-class-major flags."""

    queryset = Discipline.objects.all()
    serializer_class = serializers.DisciplineSerializer
    filterset_class = faculty_filters.DisciplineFilter
    ordering_fields = ["name_zh", "name_en", "faculty__code", "is_key", "is_national_first_class"]


class FacultyYearViewSet(RecordViewSet):
    """Full-time teachers and enrolled students per faculty and year: the denominators of rates."""

    queryset = FacultyYear.objects.all()
    serializer_class = serializers.FacultyYearSerializer
    filterset_class = faculty_filters.FacultyYearFilter
    ordering_fields = ["faculty__code", "year", "teachers", "students"]


class LeadingGroupMemberViewSet(RecordViewSet):
    """Members of the faculties' foreign-affairs leading groups."""

    queryset = LeadingGroupMember.objects.all()
    serializer_class = serializers.LeadingGroupMemberSerializer
    filterset_class = faculty_filters.LeadingGroupMemberFilter
    ordering_fields = ["faculty__code", "name", "group_role"]


class PlanViewSet(RecordViewSet):
    """Internationalization plans with their planned targets."""

    queryset = InternationalizationPlan.objects.select_related("submitted_by").prefetch_related("targets")
    serializer_class = serializers.PlanSerializer
    filterset_class = plan_filters.PlanFilter
    ordering_fields = ["faculty__code", "first_year", "last_year", "title", "status", "submitted_at"]


# --- exchanges ---------------------------------------------------------------------------


class PartnerViewSet(RecordViewSet):
    """Partner institutions abroad: shared by every faculty."""

    queryset = PartnerInstitution.objects.all()
    serializer_class = serializers.PartnerSerializer
    filterset_class = exchange_filters.PartnerFilter
    ordering_fields = ["name", "name_en", "name_zh", "country", "kind"]


class AgreementViewSet(RecordViewSet):
    """Agreements with partners; no faculties listed means university-wide."""

    queryset = Agreement.objects.prefetch_related("faculties")
    serializer_class = serializers.AgreementSerializer
    filterset_class = exchange_filters.AgreementFilter
    ordering_fields = ["title", "kind", "status", "signed_on", "starts_on", "ends_on"]


class FundingSchemeViewSet(RecordViewSet):
    """Funding schemes (such as the Overseas Study fund) with their yearly budgets."""

    queryset = FundingScheme.objects.all()
    serializer_class = serializers.FundingSchemeSerializer
    filterset_class = exchange_filters.FundingSchemeFilter
    ordering_fields = ["name", "year", "budget"]


class MobilityViewSet(RecordViewSet):
    """One person's exchange, outbound or inbound."""

    queryset = Mobility.objects.all()
    serializer_class = serializers.MobilitySerializer
    filterset_class = exchange_filters.MobilityFilter
    ordering_fields = ["starts_on", "ends_on", "person_name", "country", "activity", "status", "amount"]


class EventViewSet(RecordViewSet):
    """International events hosted at home."""

    queryset = Event.objects.prefetch_related("partners")
    serializer_class = serializers.EventSerializer
    filterset_class = exchange_filters.EventFilter
    ordering_fields = ["date", "title", "kind", "participants_total", "participants_foreign"]


class StudentLanguageTestViewSet(RecordViewSet):
    """Students' IELTS, TOEFL and other language test results."""

    queryset = StudentLanguageTest.objects.all()
    serializer_class = serializers.StudentLanguageTestSerializer
    filterset_class = exchange_filters.StudentLanguageTestFilter
    ordering_fields = ["date", "test", "score", "student_id"]


# --- staff -------------------------------------------------------------------------------


class StaffMemberViewSet(RecordViewSet):
    """Teaching staff, domestic and foreign."""

    queryset = StaffMember.objects.all()
    serializer_class = serializers.StaffMemberSerializer
    filterset_class = staff_filters.StaffMemberFilter
    ordering_fields = ["staff_no", "name", "category", "title", "hired_on", "left_on"]


class ContractViewSet(RecordViewSet):
    """Foreign teachers' contracts; salary and work permit are the office's alone."""

    queryset = ForeignTeacherContract.objects.all()
    serializer_class = serializers.ContractSerializer
    filterset_class = api_filters.ContractFilter
    ordering_fields = ["starts_on", "ends_on", "category", "status"]


class TeachingAssignmentViewSet(RecordViewSet):
    """Courses taught per semester (2025-2026-1 is autumn 2025, 2025-2026-2 spring 2026)."""

    queryset = TeachingAssignment.objects.all()
    serializer_class = serializers.TeachingAssignmentSerializer
    filterset_class = staff_filters.TeachingAssignmentFilter
    ordering_fields = ["semester", "course", "hours", "context"]


class TeachingEvaluationViewSet(RecordViewSet):
    """Evaluations of teaching by students, peers and supervisors."""

    queryset = TeachingEvaluation.objects.all()
    serializer_class = serializers.TeachingEvaluationSerializer
    filterset_class = staff_filters.TeachingEvaluationFilter
    ordering_fields = ["semester", "source", "score"]


class LanguageAssessmentViewSet(RecordViewSet):
    """Teachers' foreign-language assessments."""

    queryset = LanguageAssessment.objects.all()
    serializer_class = serializers.LanguageAssessmentSerializer
    filterset_class = staff_filters.LanguageAssessmentFilter
    ordering_fields = ["date", "language", "result", "score"]


class PublicationViewSet(RecordViewSet):
    """Publications by a faculty's staff as first or corresponding author."""

    queryset = Publication.objects.all()
    serializer_class = serializers.PublicationSerializer
    filterset_class = staff_filters.PublicationFilter
    ordering_fields = ["year", "title", "journal", "is_international"]


# --- programs ----------------------------------------------------------------------------


class ProgramViewSet(RecordViewSet):
    """Sino-foreign cooperative programs (中外合作办学)."""

    queryset = CooperativeProgram.objects.prefetch_related("partners")
    serializer_class = serializers.ProgramSerializer
    filterset_class = program_filters.CooperativeProgramFilter
    ordering_fields = ["code", "name_zh", "name_en", "level", "status", "approved_on", "expires_on"]


class ProgramEnrollmentViewSet(RecordViewSet):
    """Students enrolled in a cooperative program per year."""

    queryset = ProgramEnrollment.objects.all()
    serializer_class = serializers.ProgramEnrollmentSerializer
    filterset_class = program_filters.ProgramEnrollmentFilter
    ordering_fields = ["year", "students"]


class ProgramCourseViewSet(RecordViewSet):
    """A cooperative program's courses, for the Ministry's one-third rules."""

    queryset = ProgramCourse.objects.all()
    serializer_class = serializers.ProgramCourseSerializer
    filterset_class = program_filters.ProgramCourseFilter
    ordering_fields = ["course", "credits", "hours", "partner_taught_hours"]


class ProgramTrainingViewSet(RecordViewSet):
    """The yearly training of a cooperative program's teachers."""

    queryset = ProgramTeacherTraining.objects.all()
    serializer_class = serializers.ProgramTrainingSerializer
    filterset_class = program_filters.ProgramTeacherTrainingFilter
    ordering_fields = ["date", "year", "title", "participants"]


@login_not_required
def not_found(request):
    return JsonResponse({"detail": gettext("Not found.")}, status=404)


# --- schema and documentation ------------------------------------------------------------


class SchemaView(ApiViewMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, for any caller with a portal role (session or token).

    The schema depends on the code and the language only, and generating it takes seconds:
    it is built once per process and language, after the permission check (a page cache
    in front of the view would answer before authentication).
    """

    permission_classes = [HasPortalRole]
    _generated: dict[tuple, dict] = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, get_language())
        if key not in self._generated:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            self._generated[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=self._generated[key],
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from local files.  Its init script is a second URL (``?script``) instead of
    an inline block, and its page styles a static file: the CSP allows neither inline."""

    permission_classes = [HasPortalRole]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = "intlportal API"

    def options(self, request, *args, **kwargs):
        # An HTML page only: answer with the methods (DRF adds ``Allow``) instead of rendering
        # the page's template around DRF's metadata, which fails (TemplateDoesNotExist, a 500).
        return HttpResponse()

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        # DRF exempts its views from LoginRequiredMiddleware; this one is a browser page, so
        # an anonymous visitor goes to the login page like on every other page.
        view.login_required = True
        return view


class ApiRootView(ApiViewMixin, routers.APIRootView):
    """The list of endpoints."""

    permission_classes = [HasPortalRole]


class ApiRouter(routers.DefaultRouter):
    APIRootView = ApiRootView
    include_format_suffixes = False
