"""The office's pages for issuing and revoking API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from api import services
from api.forms import TokenIssueForm
from api.models import ApiToken
from intlportal import access


def _office_only(request) -> None:
    if not access.is_office(request.user):
        raise PermissionDenied


def token_list(request):
    _office_only(request)
    tokens = ApiToken.objects.select_related("user", "created_by", "revoked_by")
    return render(request, "api/token_list.html", {"tokens": tokens, "title": _("API tokens")})


@never_cache
@require_http_methods(["GET", "POST"])
def token_issue(request):
    _office_only(request)
    form = TokenIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, key = services.token_issue(user=form.cleaned_data["user"], name=form.cleaned_data["name"],
                                          by=request.user)
        # The key is shown on this response only: it is stored nowhere, so a reload cannot
        # show it again (and never_cache keeps it out of caches).
        return render(request, "api/token_issued.html", {"token": token, "key": key, "title": _("Token issued")})
    return render(request, "api/token_form.html", {"form": form, "title": _("Issue an API token")})


@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    _office_only(request)
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        if token.is_active:
            services.token_revoke(token=token, by=request.user)
            messages.success(request, _("The token “%(name)s” is revoked: it no longer opens the API.")
                             % {"name": token.name})
        return redirect("api:token-list")
    return render(request, "api/token_confirm_revoke.html", {"token": token, "title": _("Revoke API token")})
