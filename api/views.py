"""The read-only endpoints: one generic viewset, made for each row of ``api.endpoints``.

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

from api import serializers
from api.endpoints import Endpoint
from api.filtering import ApiPagination, ScopedFilterBackend, StableOrderingFilter
from api.permissions import HasPortalRole
from intlportal import access


class ApiViewMixin:
    """DRF authenticates API requests and answers 401/403 itself; Django's
    LoginRequiredMiddleware must not turn them into a redirect to the login page.  (DRF
    already marks its views so; saying it here keeps that true whatever DRF does.)"""

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))


class RecordViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail of one record kind, scoped to what the caller may see.

    ``viewset_for`` sets ``queryset`` (with the ``select_related`` / ``prefetch_related`` its
    serializer needs, so the query count does not grow with rows), ``serializer_class``,
    ``filterset_class`` and ``ordering_fields`` from an endpoint's row; a kind whose endpoint
    adds behaviour subclasses it (``api.assessment_views``).
    """

    permission_classes = [HasPortalRole]
    pagination_class = ApiPagination
    filter_backends = [ScopedFilterBackend, StableOrderingFilter]

    def get_queryset(self):
        return access.scope_for(self.request.user, super().get_queryset())


def viewset_for(endpoint: Endpoint) -> type[RecordViewSet]:
    """The list and detail of one row of ``api.endpoints.ENDPOINTS``."""
    return type(f"{endpoint.component}ViewSet", (RecordViewSet,), {
        "__module__": __name__,
        # The docstring is what the schema and the OPTIONS answer describe the endpoint with.
        "__doc__": endpoint.doc,
        "endpoint": endpoint,
        "queryset": endpoint.queryset(),
        "serializer_class": serializers.record_serializer(endpoint.model, endpoint.component,
                                                          endpoint.extra_fields()),
        "filterset_class": endpoint.filterset,
        "ordering_fields": list(endpoint.ordering),
    })


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
