"""Who is abroad when: the month calendar for the office and leaders (a coordinator sees their
own faculty's trips), and each user's iCalendar feed of the trips they may see and their
deadlines (``icalendar``), read by calendar programs with a secret address instead of a session.

Neither shows a travel document: the calendar is names, countries and dates only."""

from __future__ import annotations

import calendar
import datetime
import secrets
from dataclasses import dataclass

import icalendar
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from intlportal import access
from trips import passports
from trips.models import CalendarFeed, Trip, TripMember

S = Trip.Status
#: The trips the calendar shows: approved for travel or later (a change being prepared keeps the
#: approved trip), and those on public notice, shown apart (not yet approved for travel).
APPROVED = (S.CLEARED, S.CHANGING, S.TRAVELLING, S.BACK, S.CLOSED)
SHOWN = (S.ON_NOTICE, *APPROVED)
#: How far back the feed reaches: a calendar program keeps what it read before.
FEED_PAST_DAYS = 400


def visible_trips(user, states=SHOWN):
    """The trips ``user`` may see in ``states``, with what the calendar shows of each fetched
    up front (a constant number of queries, whatever the number of trips)."""
    members = TripMember.objects.select_related("staff_member").order_by("role", "pk")
    return (access.scope_for(user, Trip.objects.filter(status__in=states))
            .select_related("faculty")
            .prefetch_related(Prefetch("members", queryset=members), "countries")
            .order_by("departs_on", "returns_on", "pk"))


def _month(value: str | None) -> datetime.date:
    """The first day of the month ``?month=YYYY-MM`` names, else of this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.replace(day=1)


@dataclass
class Bar:
    """A trip's row in the month: the empty days before it, the days it covers, the days after."""

    trip: Trip
    before: int
    span: int
    after: int
    first: datetime.date
    last: datetime.date

    @property
    def on_notice(self) -> bool:
        return self.trip.status == S.ON_NOTICE


def _bars(trips, first: datetime.date, last: datetime.date, days: int) -> list[Bar]:
    bars = []
    for trip in trips:
        start, end = max(trip.departs_on, first), min(trip.returns_on, last)
        before = (start - first).days
        span = (end - start).days + 1
        bars.append(Bar(trip, before, span, days - before - span, start, end))
    return bars


def month_calendar(request):
    """The month view: one row per trip abroad in the month, a bar over its days."""
    user = request.user
    if not (access.sees_everything(user) or access.is_coordinator(user)):
        raise PermissionDenied
    first = _month(request.GET.get("month"))
    days = calendar.monthrange(first.year, first.month)[1]
    last = first.replace(day=days)
    trips = list(visible_trips(user).filter(departs_on__lte=last, returns_on__gte=first))
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = last + datetime.timedelta(days=1)
    today = timezone.localdate()
    day_list = [first + datetime.timedelta(days=n) for n in range(days)]
    return render(request, "trips/calendar.html", {
        "title": _("Who is abroad when"),
        "month": first, "days": day_list, "today": today,
        "bars": _bars(trips, first, last, days),
        "previous": f"{previous:%Y-%m}", "following": f"{following:%Y-%m}", "this_month": f"{today:%Y-%m}",
        "own_faculties_only": not access.sees_everything(user),
        "has_feed": CalendarFeed.objects.filter(user=user).exists(),
    })


# --- the iCalendar feed ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def feed_page(request):
    """The user's secret feed address: create it, or reset it (the old address stops working)."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        token = secrets.token_urlsafe(32)
        if feed is None:
            CalendarFeed.objects.create(user=request.user, token=token)
            messages.success(request, _("Your calendar address was created. Copy it into your calendar program."))
        else:
            feed.token = token
            feed.save(update_fields=["token"])
            messages.success(request, _("Your calendar address was reset. The old address no longer works: "
                                        "give the new one to your calendar program."))
        return redirect("trips:calendar-feed")
    url = request.build_absolute_uri(reverse("trips:ical", args=[feed.token])) if feed else ""
    return render(request, "trips/calendar_feed.html", {
        "title": _("Your calendar of trips abroad"), "feed": feed, "feed_url": url,
        "report_due_days": settings.TRIP_REPORT_DUE_DAYS,
    })


def _feed_user(token: str):
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed.user


def _event(uid: str, summary: str, start: datetime.date, end: datetime.date, *, stamp, description: str = "",
           url: str = "") -> icalendar.Event:
    """An all-day event from ``start`` to ``end`` (the last day; DTEND is the day after it)."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end + datetime.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    return event


def feed_calendar(user, *, base_url: str) -> icalendar.Calendar:
    """The feed of ``user``: each trip they may see that is approved for travel or later, the
    end of each public notice, and the trip reports due; in the user's language."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//intlportal//trips abroad//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    host = base_url.split("//", 1)[-1].split("/", 1)[0] or "intlportal"
    today = timezone.localdate()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        cal.add("x-wr-calname", _("Trips abroad"))
        trips = visible_trips(user).filter(returns_on__gte=today - datetime.timedelta(days=FEED_PAST_DAYS))
        for trip in trips:
            names = [member.staff_member.name for member in trip.members.all()]
            link = base_url + trip.get_absolute_url()
            stamp = trip.updated_at.astimezone(datetime.UTC)  # DTSTAMP is in UTC (RFC 5545)
            if trip.status in APPROVED:
                countries = "\n".join(
                    _("%(country)s: %(start)s – %(end)s") % {
                        "country": place.country.name, "start": formats.date_format(place.arrives_on),
                        "end": formats.date_format(place.leaves_on)}
                    for place in trip.countries.all())
                description = "\n".join(filter(None, [
                    _("Faculty: %(faculty)s") % {"faculty": trip.faculty},
                    _("Members: %(names)s") % {"names": ", ".join(names)},
                    _("Countries and regions:") if countries else "", countries,
                    _("Status: %(status)s") % {"status": trip.get_status_display()},
                ]))
                summary = _("Abroad: %(title)s (%(names)s)") % {"title": trip.title, "names": ", ".join(names)}
                cal.add_component(_event(f"trip-{trip.pk}@{host}", summary, trip.departs_on, trip.returns_on,
                                         stamp=stamp, description=description, url=link))
            if trip.notice_ends_on and trip.status in (S.ON_NOTICE, S.CLEARED):
                cal.add_component(_event(
                    f"trip-{trip.pk}-notice@{host}",
                    _("Public notice ends: %(title)s") % {"title": trip.title},
                    trip.notice_ends_on, trip.notice_ends_on, stamp=stamp, url=link))
            if trip.status == S.BACK and trip.report_submitted_at is None:
                due = passports.report_due_on(trip)
                cal.add_component(_event(
                    f"trip-{trip.pk}-report@{host}",
                    _("Trip report due: %(title)s") % {"title": trip.title},
                    due, due, stamp=stamp, url=link,
                    description=_("The report of the trip is due %(days)s days after the return.")
                    % {"days": settings.TRIP_REPORT_DUE_DAYS}))
    return cal


@login_not_required
def ical(request, token: str):
    """The feed, for a calendar program: the token alone signs it in (no session)."""
    user = _feed_user(token)
    base_url = request.build_absolute_uri("/").rstrip("/")
    body = feed_calendar(user, base_url=base_url).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="trips.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("calendar/", month_calendar, name="calendar"),
    path("calendar/feed/", feed_page, name="calendar-feed"),
    path("calendar/<str:token>.ics", ical, name="ical"),
]


def detail_context(request, trip) -> dict:
    """Nothing on the trip's page: the calendar is a page of its own."""
    return {}
