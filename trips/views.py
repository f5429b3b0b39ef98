"""Trips abroad: list, application form, page (members, countries, the next step, timeline),
the approval steps, and the public notice every signed-in user can read."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from intlportal import access
from intlportal.views import Column, RecordDeleteView, RecordPages, RecordUpdateView, take_step
from trips import changes, filters, forms, page, services, travel
from trips.models import Trip, TripCountry, TripDay, TripMember
from trips.page import TripDetail

S = Trip.Status
can_change = services.can_change


class TripUpdate(RecordUpdateView):
    def get_object(self, queryset=None):
        trip = super().get_object(queryset)
        if not can_change(self.request.user, trip):
            raise PermissionDenied
        return trip


class TripDelete(RecordDeleteView):
    def get_object(self, queryset=None):
        trip = super().get_object(queryset)
        if not (can_change(self.request.user, trip) and trip.status == S.DRAFT):
            raise PermissionDenied
        return trip


trips = RecordPages(
    Trip, "trips", name="trip", form=forms.TripForm, filterset=filters.TripFilter,
    columns=[
        Column("title", gettext_lazy("title"), sort="title", link=True),
        Column("faculty", gettext_lazy("faculty"), sort="faculty__code"),
        Column("purpose", gettext_lazy("purpose"), sort="purpose"),
        Column("departs_on", gettext_lazy("departs on"), sort="departs_on"),
        Column("returns_on", gettext_lazy("returns on"), sort="returns_on"),
        Column("status", gettext_lazy("status"), sort="status"),
    ],
    sort_default="-departs_on",
    # The calendar's link above the list, and the import/export kind (trips/views_calendar.py,
    # trips/dataexchange.py).
    list_template="trips/calendar_trip_list.html", export_kind="trips",
    empty_hint=gettext_lazy("No trip matches. Change the filters, or apply for a trip: fill in the application, "
                            "add the members and the countries, then submit it."),
    detail_fields=["faculty", "purpose", "partner", "inviting_institution", "departs_on", "returns_on",
                   "funding_source", "funding_scheme", "grant_number", "in_annual_plan", "outside_plan_reason",
                   "submitted_by", "submitted_at", "notice_starts_on", "notice_ends_on"],
    detail_view=TripDetail, update_view=TripUpdate, delete_view=TripDelete,
)


def _trip(request, pk: int) -> Trip:
    return access.get_visible_or_404(request.user, Trip.objects.select_related("faculty"), pk=pk)


def _changeable(request, pk: int) -> Trip:
    trip = _trip(request, pk)
    if not can_change(request.user, trip):
        raise PermissionDenied
    return trip


@require_POST
def member_add(request, pk: int):
    trip = _changeable(request, pk)
    form = forms.TripMemberForm(request.POST, user=request.user, trip=trip)
    if form.is_valid():
        form.save()
        messages.success(request, _("%(person)s was added to the group.") % {"person": form.instance.staff_member})
        return redirect(trip)
    return page.show_invalid(request, trip, member_form=form)


@require_POST
def country_add(request, pk: int):
    trip = _changeable(request, pk)
    form = forms.TripCountryForm(request.POST, user=request.user, trip=trip)
    if form.is_valid():
        form.save()
        messages.success(request, _("%(country)s was added to the trip.") % {"country": form.instance.country.name})
        return redirect(trip)
    return page.show_invalid(request, trip, country_form=form)


@require_POST
def part_delete(request, pk: int, kind: str, part_pk: int):
    trip = _changeable(request, pk)
    model = {"member": TripMember, "country": TripCountry, "day": TripDay}.get(kind)
    if model is None:
        raise Http404
    deleted, _detail = model.objects.filter(trip=trip, pk=part_pk).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("Removed from the trip."))
    return redirect(trip)


ACTIONS = {
    "submit": (services.submit, gettext_lazy("The trip was submitted. The office has been notified.")),
    "approve": (services.office_approve, gettext_lazy("The trip was approved.")),
    "leader-approve": (services.leader_approve, gettext_lazy("The trip was approved.")),
    "return": (services.return_for_changes, gettext_lazy("The trip was returned to the faculty with your comment.")),
    "withdraw": (services.withdraw, gettext_lazy("The trip was withdrawn.")),
    "clear": (services.clear_for_travel, gettext_lazy("The trip was approved for travel.")),
    "change": (changes.open_change, gettext_lazy("The change is being prepared: edit the application, then "
                                                 "submit it for approval again.")),
    # A trip from approval to closing (trips/travel.py).
    "depart": (travel.depart, gettext_lazy("The departure was recorded: the group is travelling.")),
    "come-back": (travel.come_back, gettext_lazy("The return was recorded. The trip report is now due.")),
    "close": (travel.close, gettext_lazy("The trip was closed: each member's outbound mobility is recorded.")),
}


@require_POST
def step(request, pk: int, action: str):
    """One step of the approval chain: 403 for someone who may never take it
    (``services.may_ask``); a refusal by the trip's state is shown on the trip's page."""
    if action not in ACTIONS:
        raise Http404
    trip = _trip(request, pk)
    if not services.may_ask(action, request.user, trip):
        raise PermissionDenied
    service, done = ACTIONS[action]
    return take_step(request, trip, service, done, keyword="trip")


def notice(request):
    """出访公示: the trips whose public notice began in the last 60 days (on notice, approved for
    travel or travelling), for every signed-in user (no personal data beyond names)."""
    today = timezone.localdate()
    shown = (Trip.objects.filter(status__in=[S.ON_NOTICE, S.CLEARED, S.TRAVELLING])
             .filter(notice_starts_on__gte=today - timedelta(days=60))
             .select_related("faculty", "partner", "funding_scheme").prefetch_related("members__staff_member",
                                                                                      "countries")
             .order_by("-notice_starts_on", "-pk"))
    page = Paginator(shown, 20).get_page(request.GET.get("page"))
    return render(request, "trips/notice.html", {"title": _("Public notice of trips abroad"), "page_obj": page,
                                                 "is_paginated": page.has_other_pages(), "today": today})
