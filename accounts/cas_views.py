"""CAS sign-in and sign-out: django-cas-ng's views, with the portal's answers around them.

* ``cas_login`` sends the person to the university's CAS server and, back with a ticket, has
  the ticket validated by the CAS server (``accounts.backends.CampusCASBackend``); a ticket the
  portal refuses gets a page saying why (``accounts.signin``'s reasons), not a bare 403.  The
  CAS server's single sign-out request is POSTed to the same address.
* ``sign_out`` is the portal's sign-out ("logout"): a session opened through CAS also ends the
  CAS session (the CAS server then signs the person out of its other services): the page that
  answers sends the browser on to the CAS server's sign-out.
* Both CAS addresses answer 404 while ``CAS_SERVER_URL`` is unset.
"""

from __future__ import annotations

import logging
from xml.etree.ElementTree import ParseError

import requests
from cas import SingleLogoutMixin
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_cas_ng import views as cas
from django_cas_ng.utils import RedirectException, get_cas_client

from accounts import signin

logger = logging.getLogger(__name__)

TICKET = "ticket"  # the ticket was not valid (reused, forged, expired): no reason from accounts.signin
UNAVAILABLE = signin.UNAVAILABLE  # the CAS server did not answer the validation

# What the refusal page says, by reason: a heading and what the person can do about it.
REFUSALS = {
    signin.PENDING: (
        _("Your account awaits activation"),
        _("The university's identity service confirmed who you are, and a portal account has been created "
          "for you. It awaits activation by the Foreign Affairs Office, which also gives it the role you "
          "work in. You can sign in once the office has activated it.")),
    signin.INACTIVE: (
        _("Your account has been deactivated"),
        _("Your portal account is no longer active. If you still need the portal, contact the Foreign "
          "Affairs Office to have it activated again.")),
    signin.UNKNOWN: (
        _("You have no portal account"),
        _("The university's identity service confirmed who you are, but the portal has no account for you. "
          "Ask the Foreign Affairs Office to create one.")),
    signin.CONFLICT: (
        _("Your account could not be matched"),
        _("The portal account with your user name belongs to someone with another staff number, so the "
          "portal cannot tell which account is yours. Contact the Foreign Affairs Office to sort it out.")),
    signin.LOCKED: (
        _("Too many failed sign-in attempts"),
        _("Your account is locked for a while after repeated failed attempts. Try again later, or ask the "
          "Foreign Affairs Office to unlock it.")),
    TICKET: (
        _("The sign-in could not be completed"),
        _("The sign-in from the university's identity service was not valid: it may have expired or been "
          "used already. Please sign in again.")),
    UNAVAILABLE: (
        _("The identity service did not answer"),
        _("The portal could not reach the university's identity service to confirm your sign-in. Please try "
          "again in a few minutes.")),
}


def _require_cas() -> None:
    if not settings.CAS_SERVER_URL:
        raise Http404("CAS sign-in is not configured")


def _set_next(request, next_page: str) -> None:
    """``?next=`` as django-cas-ng's views read it: they fall back on the Referer, which the
    portal does not want, and do not check it when it comes from the query string."""
    query = request.GET.copy()
    query["next"] = next_page
    request.GET = query


def _safe_next(request) -> str:
    next_page = request.GET.get("next", "")
    if next_page and url_has_allowed_host_and_scheme(
            next_page, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return next_page
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class CampusLoginView(cas.LoginView):
    def get(self, request):
        _set_next(request, _safe_next(request))
        try:
            return super().get(request)
        except PermissionDenied:
            return refused(request, getattr(request, "campus_refusal", TICKET))
        except (requests.RequestException, ParseError) as error:
            logger.warning("CAS sign-in: the CAS server did not validate the ticket: %s", error)
            return refused(request, UNAVAILABLE, status=502)

    def post(self, request):
        # django-cas-ng answers 500 to a logoutRequest that is not XML.
        logout_request = request.POST.get("logoutRequest")
        if not logout_request or SingleLogoutMixin.get_saml_slos(logout_request) is None:
            return HttpResponseBadRequest("a POST here is the CAS server's single sign-out request")
        return super().post(request)


def refused(request, reason: str, *, status: int = 403):
    heading, message = REFUSALS.get(reason, REFUSALS[TICKET])
    logger.info("CAS sign-in refused: %s", reason)
    client = get_cas_client(request=request)
    return render(request, "accounts/sign_in_refused.html", {
        "reason": reason, "heading": heading, "message": message,
        # Signed in at the CAS server as someone the portal refuses: another campus account
        # needs a CAS sign-out first.
        "cas_sign_out_url": client.get_logout_url(request.build_absolute_uri(reverse("login"))),
    }, status=status)


@csrf_exempt  # the CAS server's single sign-out POST carries no CSRF token; nothing else is POSTed here
@login_not_required
def cas_login(request):
    _require_cas()
    try:
        return CampusLoginView.as_view()(request)
    except RedirectException:
        return HttpResponseBadRequest("next must be an address of the portal")


def _cas_sign_out(request):
    """End the portal session and send the browser on to the CAS server's sign-out, which
    comes back to the portal's sign-in page.

    Not with a redirect: the sign-out is a form, and the Content-Security-Policy's
    ``form-action 'self'`` makes browsers block a form whose answer redirects to another site
    (the portal session would not even end).  The page that answers moves on at once by itself
    (a zero-second refresh, no script), with a link for a browser that does not."""
    _set_next(request, resolve_url(settings.LOGOUT_REDIRECT_URL))
    to_cas = cas.LogoutView.as_view()(request)
    return render(request, "accounts/cas_signed_out.html", {"cas_sign_out_url": to_cas["Location"]})


@login_not_required
def cas_logout(request):
    """Sign out of the portal and of the university's identity service (POST)."""
    _require_cas()
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _cas_sign_out(request)


@require_POST
def sign_out(request):
    """The portal's sign-out.  A session opened through CAS ends the CAS session too (single
    sign-out: the CAS server then signs the person out of its other services)."""
    if settings.CAS_SERVER_URL and request.session.get(signin.SESSION_METHOD_KEY) == signin.CAS:
        return _cas_sign_out(request)
    return auth_views.LogoutView.as_view()(request)
