"""The read-only REST API under /api/v1/, its schema and documentation, and the office's
token pages."""

from django.urls import include, path, re_path

from api import token_views, views
from api.assessment_views import AssessmentDocumentView, AssessmentRunViewSet
from api.endpoints import ENDPOINTS

app_name = "api"

router = views.ApiRouter()
for endpoint in ENDPOINTS:
    router.register(endpoint.prefix, views.viewset_for(endpoint), basename=endpoint.basename)
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
