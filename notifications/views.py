"""The user's notifications: list (filter, sort, pages), open, mark read."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import services
from notifications.models import Kind, Notification

STATES = {"unread": {"read_at__isnull": True}, "read": {"read_at__isnull": False}, "all": {}}
SORTS = {"-created_at": ("-created_at", "-pk"), "created_at": ("created_at", "pk")}


def notification_list(request):
    state = request.GET.get("state", "all")
    if state not in STATES:
        state = "all"
    kind = request.GET.get("kind", "")
    sort = request.GET.get("sort", "-created_at")
    if sort not in SORTS:
        sort = "-created_at"
    qs = Notification.objects.for_user(request.user).filter(**STATES[state]).select_related("actor")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(qs.order_by(*SORTS[sort]), settings.PAGINATE_BY).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "notifications/notification_list.html", {
        "title": _("Notifications"),
        "page_obj": page,
        "object_list": page.object_list,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "query_string": query.urlencode(),
        "state": state,
        "kind": kind,
        "sort": sort,
        "kinds": Kind.choices,
        "states": [("all", _("All")), ("unread", _("Unread")), ("read", _("Read"))],
        "sorts": [("-created_at", _("Newest first")), ("created_at", _("Oldest first"))],
        "digest": request.user.email_digest,
        "has_email": bool(request.user.email),
    })


@require_POST
def notification_preferences(request):
    """One e-mail per notification, or one a day: the user's own choice."""
    choice = request.POST.get("email", "")
    if choice not in ("each", "daily"):
        messages.error(request, _("Choose one e-mail per notification or one e-mail a day."))
        return redirect("notifications:list")
    user = request.user
    user.email_digest = choice == "daily"
    user.save(update_fields=["email_digest"])
    messages.success(request, _("From now on you receive one e-mail a day.") if user.email_digest
                     else _("From now on you receive one e-mail per notification."))
    return redirect("notifications:list")


@require_POST
def notification_open(request, pk: int):
    """Mark the notification read and go to the record it is about."""
    note = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    target = note.url if url_has_allowed_host_and_scheme(note.url, {request.get_host()}) else ""
    return redirect(target or "notifications:list")


@require_POST
def notification_mark_read(request, pk: int):
    note = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.mark_read(user=request.user, ids=[note.pk])
    return redirect(_back(request))


@require_POST
def notification_mark_all_read(request):
    count = services.mark_read(user=request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect(_back(request))


def _back(request) -> str:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        return nxt
    return "notifications:list"
