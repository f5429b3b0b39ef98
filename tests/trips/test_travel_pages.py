"""The travel panel of a trip's page (trips/views_travel.py, _travel_panel.html): briefing, visas,
the travel steps, the report, the spending, the mobilities; and the office's visa work queue."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from exchanges.models import Mobility
from tests.factories import StaffMemberFactory, TripCountryFactory, TripFactory, TripMemberFactory, VisaFactory
from trips.models import Trip, Visa

pytestmark = pytest.mark.django_db
S = Trip.Status
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english(request, settings):
    """The pages in English (the messages are matched by their English wording)."""
    for name in request.fixturenames:
        if name.endswith("_client"):
            request.getfixturevalue(name).cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def trip_of(faculty, *, status=S.CLEARED, members=2, days_ahead=0, **fields) -> Trip:
    departs = timezone.localdate() + datetime.timedelta(days=days_ahead)
    trip = TripFactory(faculty=faculty, status=status, departs_on=departs,
                       returns_on=departs + datetime.timedelta(days=5), **fields)
    for n in range(members):
        TripMemberFactory(trip=trip, staff_member=StaffMemberFactory(faculty=faculty, name=f"教师{n}"),
                          role="leader" if n == 0 else "member")
    TripCountryFactory(trip=trip, country="JP")
    return trip


def page(client, trip) -> str:
    response = client.get(trip.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_panel_lists_briefings_and_visas_and_offers_the_departure(coord_a_client, faculty_a):
    trip = trip_of(faculty_a)
    VisaFactory(member=trip.members.first(), status=Visa.Status.APPLIED)
    body = page(coord_a_client, trip)
    assert "Pre-departure briefing" in body and "Not confirmed" in body
    assert "Still without a granted visa" in body and "Applied for" in body
    assert reverse("trips:trip-step", args=[trip.pk, "depart"]) in body
    assert reverse("trips:trip-step", args=[trip.pk, "close"]) not in body


def test_a_draft_shows_no_travel_panel(coord_a_client, faculty_a):
    body = page(coord_a_client, trip_of(faculty_a, status=S.DRAFT))
    assert "Pre-departure briefing" not in body


def test_a_leader_reads_the_panel_without_its_forms(leader_client, faculty_a):
    trip = trip_of(faculty_a)
    body = page(leader_client, trip)
    assert "Pre-departure briefing" in body
    assert reverse("trips:trip-visa-add", args=[trip.pk]) not in body
    assert reverse("trips:trip-step", args=[trip.pk, "depart"]) not in body


def test_confirming_the_briefings_then_departing(coord_a_client, faculty_a):
    trip = trip_of(faculty_a)
    for member in trip.members.all():
        response = coord_a_client.post(reverse("trips:trip-briefing", args=[trip.pk, member.pk]), follow=True)
        assert "briefing of" in messages_of(response)[0]
        VisaFactory(member=member, status=Visa.Status.NOT_NEEDED)
    response = coord_a_client.post(reverse("trips:trip-step", args=[trip.pk, "depart"]), {"comment": "出发"},
                                   follow=True)
    assert messages_of(response) == ["The departure was recorded: the group is travelling."]
    assert Trip.objects.get(pk=trip.pk).status == S.TRAVELLING


def test_a_refused_departure_names_who_is_not_briefed(coord_a_client, faculty_a):
    trip = trip_of(faculty_a, members=1)
    response = coord_a_client.post(reverse("trips:trip-step", args=[trip.pk, "depart"]), follow=True)
    assert "briefing is not confirmed for: 教师0" in messages_of(response)[0]
    assert Trip.objects.get(pk=trip.pk).status == S.CLEARED


def test_the_travel_steps_are_refused_to_a_leader_and_hidden_from_another_faculty(leader_client, coord_b_client,
                                                                                  coord_a_client, faculty_a):
    trip = trip_of(faculty_a)
    assert leader_client.post(reverse("trips:trip-step", args=[trip.pk, "depart"])).status_code == 403
    assert coord_b_client.post(reverse("trips:trip-step", args=[trip.pk, "depart"])).status_code == 404
    assert coord_b_client.post(reverse("trips:trip-visa-add", args=[trip.pk])).status_code == 404
    back = trip_of(faculty_a, status=S.BACK)
    assert coord_a_client.post(reverse("trips:trip-step", args=[back.pk, "close"])).status_code == 403
    assert Trip.objects.get(pk=back.pk).status == S.BACK


def test_adding_a_visa_and_a_refusal_with_its_reason(coord_a_client, faculty_a):
    trip = trip_of(faculty_a, members=1)
    member = trip.members.get()
    url = reverse("trips:trip-visa-add", args=[trip.pk])
    bad = {"visa-member": member.pk, "visa-country": "JP", "visa-status": "granted",
           "visa-valid_from": str(trip.departs_on + datetime.timedelta(days=1)),
           "visa-valid_until": str(trip.returns_on)}
    response = coord_a_client.post(url, bad)
    # Refused: the trip's page again (400) with the form as typed and the reason on it.
    form = response.context["travel_visa_form"]
    assert response.status_code == 400 and not Visa.objects.exists()
    assert "does not cover the days in Japan" in " ".join(e for errors in form.errors.values() for e in errors)
    assert form["valid_from"].value() == bad["visa-valid_from"]
    good = bad | {"visa-valid_from": str(trip.departs_on), "visa-kind": "official"}
    response = coord_a_client.post(url, good, follow=True)
    assert messages_of(response) == ["The visa was added."]
    assert Visa.objects.get().status == Visa.Status.GRANTED


def test_editing_and_removing_a_visa_asks_first(coord_a_client, faculty_a):
    trip = trip_of(faculty_a, members=1)
    visa = VisaFactory(member=trip.members.get(), status=Visa.Status.APPLIED)
    response = coord_a_client.post(reverse("trips:trip-visa-edit", args=[trip.pk, visa.pk]),
                                   {f"visa{visa.pk}-status": "refused", f"visa{visa.pk}-kind": "business"}, follow=True)
    assert messages_of(response) == ["The visa was changed."]
    visa.refresh_from_db()
    assert (visa.status, visa.kind, visa.country.code) == ("refused", "business", "JP")
    url = reverse("trips:trip-visa-delete", args=[trip.pk, visa.pk])
    response = coord_a_client.post(url, follow=True)
    assert "confirm the removal" in messages_of(response)[0] and Visa.objects.exists()
    coord_a_client.post(url, {"confirmed": "1"})
    assert not Visa.objects.exists()


def test_the_report_takes_a_pdf_checked_by_content_and_downloads_for_its_faculty(
        coord_a_client, coord_b_client, office_client, faculty_a):
    trip = trip_of(faculty_a, status=S.BACK)
    url = reverse("trips:trip-report", args=[trip.pk])
    fake = SimpleUploadedFile("report.pdf", b"not a pdf at all", content_type="application/pdf")
    typed = "与东京大学商定明年互派教师。"
    response = coord_a_client.post(url, {"report-version": trip.version, "report-report_text": typed,
                                         "report-report_file": fake})
    form = response.context["travel_report_form"]
    assert response.status_code == 400 and "not a PDF" in " ".join(form.errors["report_file"])
    assert typed in response.content.decode()  # what was typed is still there
    assert Trip.objects.get(pk=trip.pk).report_submitted_at is None
    real = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    response = coord_a_client.post(url, {"report-version": trip.version, "report-report_text": "出访总结",
                                         "report-report_file": real}, follow=True)
    assert messages_of(response) == ["The trip report was filed."]
    trip.refresh_from_db()
    assert trip.report_submitted_at is not None and trip.report_file
    download = reverse("trips:trip-report-download", args=[trip.pk])
    got = office_client.get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert "attachment" in got["Content-Disposition"]
    assert coord_b_client.get(download).status_code == 404


def test_a_stale_report_form_saves_nothing(coord_a_client, faculty_a):
    trip = trip_of(faculty_a, status=S.BACK)
    Trip.objects.filter(pk=trip.pk).update(version=trip.version + 1)
    response = coord_a_client.post(reverse("trips:trip-report", args=[trip.pk]),
                                   {"report-version": trip.version, "report-report_text": "旧版本"}, follow=True)
    assert "someone changed this trip" in messages_of(response)[0]
    assert Trip.objects.get(pk=trip.pk).report_submitted_at is None


def test_the_report_shows_its_due_date_and_the_overdue_badge(coord_a_client, faculty_a):
    trip = trip_of(faculty_a, status=S.BACK, days_ahead=-50)
    body = page(coord_a_client, trip)
    due = trip.returns_on + datetime.timedelta(days=30)
    assert f"Due on {due:%Y-%m-%d}" in body and "overdue" in body


def test_spending_then_closing_links_the_mobilities(coord_a_client, office_client, faculty_a):
    trip = trip_of(faculty_a, status=S.BACK, days_ahead=-10)
    Trip.objects.filter(pk=trip.pk).update(report_text="总结", report_submitted_at=timezone.now())
    data = {f"spending-{name}": "0" for name in ("spent_accommodation", "spent_meals", "spent_incidentals",
                                                 "spent_registration", "spent_other")}
    data |= {"spending-spent_travel": "8000", "spending-version": Trip.objects.get(pk=trip.pk).version}
    response = coord_a_client.post(reverse("trips:trip-spending", args=[trip.pk]), data, follow=True)
    assert messages_of(response) == ["The spending was recorded."]
    assert Trip.objects.get(pk=trip.pk).spent_total == Decimal("8000")
    assert reverse("trips:trip-step", args=[trip.pk, "close"]) in page(office_client, trip)
    response = office_client.post(reverse("trips:trip-step", args=[trip.pk, "close"]), follow=True)
    assert messages_of(response) == ["The trip was closed: each member's outbound mobility is recorded."]
    body = page(office_client, trip)
    for mobility in Mobility.objects.all():
        assert mobility.get_absolute_url() in body
    assert Mobility.objects.count() == 2


def test_the_trip_page_reads_a_constant_number_of_queries(coord_a_client, faculty_a):
    """The same queries for a group of 1 and a group of 12 (each with a visa): nothing is read
    per member."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size, title in ((1, "赴日本参加学术会议"), (12, "赴日本开展联合研究")):
        trip = trip_of(faculty_a, members=size, title=title)
        for member in trip.members.all():
            VisaFactory(member=member)
        page(coord_a_client, trip)  # warm the per-process caches (content types, the session)
        with CaptureQueriesContext(connection) as queries:
            page(coord_a_client, trip)
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[1] <= 60, counts


def test_the_work_queue_shows_who_lacks_a_visa_a_week_before(office_client, faculty_a):
    soon = trip_of(faculty_a, days_ahead=5, title="赴日本参加学术会议")
    trip_of(faculty_a, days_ahead=20, title="赴日本开展联合研究")
    response = office_client.get(reverse("workqueue:index"))
    section = {s.key: s for s in response.context["sections"]}["visas"]
    assert section.total == 1 and section.items[0].url.startswith(soon.get_absolute_url())
    assert "2 members lack a visa" in section.items[0].detail


def test_the_work_queue_lists_the_trip_reports_overdue(office_client, faculty_a):
    late = trip_of(faculty_a, status=S.BACK, days_ahead=-50, title="赴德国参加学术会议")
    trip_of(faculty_a, status=S.BACK, days_ahead=-10, title="赴法国访问")  # still within its 30 days
    filed = trip_of(faculty_a, status=S.BACK, days_ahead=-60, title="赴英国访问")
    Trip.objects.filter(pk=filed.pk).update(report_submitted_at=timezone.now())
    section = {s.key: s for s in office_client.get(reverse("workqueue:index")).context["sections"]}["trip_reports"]
    assert section.total == 1 and section.items[0].url.startswith(late.get_absolute_url())
    assert section.items[0].due == late.returns_on + datetime.timedelta(days=30)


@pytest.mark.parametrize("status", [S.CLEARED, S.BACK])
def test_the_panel_has_no_duplicate_ids(office_client, faculty_a, status):
    import re
    from collections import Counter

    trip = trip_of(faculty_a, status=status)
    for member in trip.members.all():
        VisaFactory(member=member)
    ids = Counter(re.findall(r'\sid="([^"]+)"', page(office_client, trip)))
    assert [name for name, n in ids.items() if n > 1] == []
