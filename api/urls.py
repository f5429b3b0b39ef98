"""The read-only REST API under /api/v1/, its schema and documentation, and the office's
token pages."""

from django.urls import include, path, re_path

from api import token_views, views
from api.assessment_views import AssessmentRunViewSet
from assessment.api import AssessmentDocumentView

app_name = "api"

router = views.ApiRouter()
router.register("faculties", views.FacultyViewSet, basename="faculty")
router.register("faculty-years", views.FacultyYearViewSet, basename="faculty-year")
router.register("disciplines", views.DisciplineViewSet, basename="discipline")
router.register("leading-group-members", views.LeadingGroupMemberViewSet, basename="leading-group-member")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("partners", views.PartnerViewSet, basename="partner")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("funding-schemes", views.FundingSchemeViewSet, basename="funding-scheme")
router.register("mobilities", views.MobilityViewSet, basename="mobility")
router.register("events", views.EventViewSet, basename="event")
router.register("student-language-tests", views.StudentLanguageTestViewSet, basename="student-language-test")
router.register("staff", views.StaffMemberViewSet, basename="staff-member")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("teaching-assignments", views.TeachingAssignmentViewSet, basename="teaching-assignment")
router.register("evaluations", views.TeachingEvaluationViewSet, basename="evaluation")
router.register("language-assessments", views.LanguageAssessmentViewSet, basename="language-assessment")
router.register("publications", views.PublicationViewSet, basename="publication")
router.register("programs", views.ProgramViewSet, basename="program")
router.register("program-enrollments", views.ProgramEnrollmentViewSet, basename="program-enrollment")
router.register("program-courses", views.ProgramCourseViewSet, basename="program-course")
router.register("program-trainings", views.ProgramTrainingViewSet, basename="program-training")
router.register("assessment-runs", AssessmentRunViewSet, basename="assessment-run")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("tokens/", token_views.token_list, name="token-list"),
    path("tokens/new/", token_views.token_issue, name="token-issue"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token-revoke"),
    path("assessment/<int:year>/", AssessmentDocumentView.as_view(), name="assessment-document"),
    path("", include(router.urls)),
    # Keep last: any other address under /api/v1/ (a malformed id such as 0.5) answers a JSON
    # 404 like the endpoints do, not the portal's HTML page.
    re_path(r"^.*$", views.not_found),
]
