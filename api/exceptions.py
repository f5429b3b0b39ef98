"""The API answers JSON (``{"detail": …}``) whatever goes wrong, never the portal's HTML pages.

* ``exception_handler`` (REST_FRAMEWORK's EXCEPTION_HANDLER): the database unavailable inside
  an endpoint answers 503 with ``Retry-After``; everything else as DRF answers it.
* ``ApiErrorMiddleware``: an error answered outside the endpoints (an unknown address under
  /api/, an unexpected exception, the database failing in a middleware such as the session's)
  is rewritten as JSON with the same status, and 503 when the database was the cause.  The
  office's browser pages under /api/ (tokens) keep their HTML pages.

The messages are DRF's own (translated by its catalogue), and one for the outage.
"""

from __future__ import annotations

import logging
import sys
from http import HTTPStatus

from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 30
UNAVAILABLE = _("The service is temporarily unavailable; try again shortly.")


def is_database_outage(exc: BaseException | None) -> bool:
    """The database is unreachable or dropped the connection (a later request may succeed),
    as opposed to a fault in the query (integrity, programming or data errors: 500)."""
    return isinstance(exc, (OperationalError, InterfaceError)) or type(exc) is DatabaseError


def _is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def unavailable_response() -> JsonResponse:
    response = JsonResponse({"detail": str(UNAVAILABLE)}, status=HTTPStatus.SERVICE_UNAVAILABLE)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def exception_handler(exc, context):
    if is_database_outage(exc):
        logger.warning("API request failed: the database is unavailable (%s)", exc)
        set_rollback()
        return Response({"detail": str(UNAVAILABLE)},
                        status=HTTPStatus.SERVICE_UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return drf_exception_handler(exc, context)


def _detail(status: int, request) -> str:
    known = {
        400: exceptions.ParseError.default_detail,
        401: exceptions.NotAuthenticated.default_detail,
        403: exceptions.PermissionDenied.default_detail,
        404: exceptions.NotFound.default_detail,
        500: exceptions.APIException.default_detail,
        503: UNAVAILABLE,
    }
    if status in known:
        return str(known[status])
    if status == 405:
        return str(exceptions.MethodNotAllowed.default_detail).format(method=request.method)
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(exceptions.APIException.default_detail)


@receiver(got_request_exception, dispatch_uid="api.exceptions.remember_exception")
def _remember_exception(sender, request=None, **kwargs):
    """Django is about to answer an unhandled exception with its 500 page: note the exception
    on an API request, so the middleware can tell a database outage (503) from a fault."""
    if request is not None and _is_api_request(request):
        request._api_exception = sys.exc_info()[1]


def _is_browser_page(request) -> bool:
    """The office's HTML pages under /api/ (the token pages): Django views, not DRF's."""
    match = getattr(request, "resolver_match", None)
    return match is not None and not hasattr(match.func, "cls")


class ApiErrorMiddleware:
    """Rewrites an HTML (or empty) error answer to an API request as JSON ``{"detail": …}``.

    Place it outside every middleware that may fail (right after SecurityMiddleware): an
    exception raised inside is already Django's error page when it gets here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not _is_api_request(request):
            return response
        if "json" in response.get("Content-Type", "") or _is_browser_page(request):
            return response
        if is_database_outage(getattr(request, "_api_exception", None)):
            return unavailable_response()
        rewritten = JsonResponse({"detail": _detail(response.status_code, request)}, status=response.status_code)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                rewritten[header] = response[header]
        return rewritten
