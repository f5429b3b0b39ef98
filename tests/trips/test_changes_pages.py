"""The pages of change requests, annual outbound plans, the itinerary, the invitation letter and
objections (trips/views_changes.py, trips/_changes_panel.html)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    INVITATION_PDF,
    FacultyFactory,
    TripCountryFactory,
    TripDayFactory,
    TripFactory,
    TripMemberFactory,
    TripObjectionFactory,
    TripPlanFactory,
)
from trips import changes, services
from trips.models import Trip, TripPlan

pytestmark = pytest.mark.django_db
D = datetime.date
S = Trip.Status
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.fixture(autouse=True)
def _english(english):
    yield


@pytest.fixture
def trip(faculty_a):
    trip = TripFactory(faculty=faculty_a)
    TripMemberFactory(trip=trip)
    TripCountryFactory(trip=trip)
    return trip


def page(client, trip):
    return client.get(trip.get_absolute_url())


def post_step(client, trip, action, comment=""):
    return client.post(reverse("trips:trip-step", args=[trip.pk, action]), {"comment": comment}, follow=True)


def texts(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def make_cleared(trip, coord, office) -> Trip:
    today = timezone.localdate()
    services.submit(trip=trip, by=coord)
    services.office_approve(trip=trip, by=office)
    return services.clear_for_travel(trip=trip, by=office, today=today + datetime.timedelta(days=20))


# --- the annual outbound plan ------------------------------------------------------------------------------

def plan_data(faculty, **overrides) -> dict:
    data = {"faculty": faculty.pk, "year": 2027, "planned_trips": 5, "planned_people": 12,
            "countries": "日本、德国", "budget": "180000", "notes": "赴日本参加学术会议"}
    data.update(overrides)
    return data


def test_a_coordinator_files_the_plan_of_their_faculty(coord_a_client, coord_a, faculty_a, faculty_b):
    response = coord_a_client.post(reverse("trips:tripplan-create"), plan_data(faculty_a))
    plan = TripPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("trips:tripplan-detail", args=[plan.pk])
    assert (plan.faculty, plan.filed_by, plan.budget) == (faculty_a, coord_a, Decimal("180000"))
    refused = coord_a_client.post(reverse("trips:tripplan-create"), plan_data(faculty_b, year=2028))
    assert refused.status_code == 200 and "faculty" in refused.context["form"].errors
    twice = coord_a_client.post(reverse("trips:tripplan-create"), plan_data(faculty_a))
    assert twice.status_code == 200 and TripPlan.objects.count() == 1


def test_another_faculty_plan_is_404_and_a_leader_only_reads(coord_b_client, leader_client, faculty_a):
    plan = TripPlanFactory(faculty=faculty_a)
    for name in ("detail", "edit", "delete"):
        assert coord_b_client.get(reverse(f"trips:tripplan-{name}", args=[plan.pk])).status_code == 404
    assert plan not in coord_b_client.get(reverse("trips:tripplan-list")).context["object_list"]
    assert leader_client.get(reverse("trips:tripplan-detail", args=[plan.pk])).status_code == 200
    assert leader_client.get(reverse("trips:tripplan-create")).status_code == 403
    assert leader_client.post(reverse("trips:tripplan-edit", args=[plan.pk]), plan_data(faculty_a)).status_code == 403
    assert leader_client.post(reverse("trips:tripplan-delete", args=[plan.pk])).status_code == 403
    assert TripPlan.objects.filter(pk=plan.pk, planned_trips=4).exists()


def test_the_plan_is_edited_and_deleted_after_a_confirmation(coord_a_client, faculty_a):
    plan = TripPlanFactory(faculty=faculty_a, year=2027)
    response = coord_a_client.post(reverse("trips:tripplan-edit", args=[plan.pk]),
                                   plan_data(faculty_a, planned_trips=7, version=plan.version))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.planned_trips == 7
    confirm = coord_a_client.get(reverse("trips:tripplan-delete", args=[plan.pk]))
    assert confirm.status_code == 200 and TripPlan.objects.filter(pk=plan.pk).exists()
    coord_a_client.post(reverse("trips:tripplan-delete", args=[plan.pk]))
    assert not TripPlan.objects.filter(pk=plan.pk).exists()


def test_the_plan_list_filters_by_year_and_faculty_in_bounded_queries(office_client, faculty_a, faculty_b,
                                                                      django_assert_max_num_queries):
    for year in (2025, 2026, 2027):
        TripPlanFactory(faculty=faculty_a, year=year)
        TripPlanFactory(faculty=faculty_b, year=year)
    for n in range(6):
        TripPlanFactory(faculty=FacultyFactory(), year=2026 + n % 2)
    listed = office_client.get(reverse("trips:tripplan-list") + f"?year=2026&faculty={faculty_a.pk}")
    assert [(p.faculty, p.year) for p in listed.context["object_list"]] == [(faculty_a, 2026)]
    assert len(office_client.get(reverse("trips:tripplan-list") + "?year=2026").context["object_list"]) == 5
    with django_assert_max_num_queries(12):
        office_client.get(reverse("trips:tripplan-list"))


def test_the_plan_page_compares_the_plan_with_the_trips_applied_for(coord_a_client, trip):
    plan = TripPlanFactory(faculty=trip.faculty, year=trip.departs_on.year, planned_trips=1, budget=Decimal("5000"))
    response = coord_a_client.get(reverse("trips:tripplan-detail", args=[plan.pk]))
    assert list(response.context["year_trips"]) == [trip] and response.context["standing"]["over"]
    assert trip.title in response.content.decode()


def test_the_trip_page_shows_the_plan_next_to_the_in_plan_flag(coord_a_client, trip):
    empty = page(coord_a_client, trip).content.decode()
    assert "has filed no outbound plan" in empty
    plan = TripPlanFactory(faculty=trip.faculty, year=trip.departs_on.year, planned_trips=3)
    shown = page(coord_a_client, trip)
    assert shown.context["plan_standing"]["plan"] == plan and shown.context["plan_standing"]["trips"] == 1
    assert reverse("trips:tripplan-detail", args=[plan.pk]) in shown.content.decode()
    form = coord_a_client.get(reverse("trips:trip-edit", args=[trip.pk])).context["form"]
    assert reverse("trips:tripplan-list") in str(form.fields["in_annual_plan"].help_text)


def test_the_office_sees_the_reason_of_a_trip_outside_the_plan(office_client, coord_a_client, trip):
    Trip.objects.filter(pk=trip.pk).update(in_annual_plan=False, outside_plan_reason="应邀临时参加会议")
    office_page = page(office_client, trip).content.decode()
    assert 'id="outside-plan"' in office_page and "应邀临时参加会议" in office_page
    assert 'id="outside-plan"' not in page(coord_a_client, trip).content.decode()


# --- change requests -------------------------------------------------------------------------------------------

def test_a_change_through_the_pages_shows_old_and_new(coord_a_client, office_client, leader_client, coord_a,
                                                      office, trip):
    trip = make_cleared(trip, coord_a, office)
    assert page(coord_a_client, trip).context["can_open_change"]
    assert leader_client.post(reverse("trips:trip-step", args=[trip.pk, "change"]),
                              {"comment": "改期"}).status_code == 403
    refused = post_step(coord_a_client, trip, "change")
    trip.refresh_from_db()
    assert trip.status == S.CLEARED and "comment is required" in texts(refused)
    post_step(coord_a_client, trip, "change", comment="返程推迟一天")
    trip.refresh_from_db()
    assert trip.status == S.CHANGING
    assert coord_a_client.get(reverse("trips:trip-edit", args=[trip.pk])).status_code == 200
    assert coord_a_client.get(reverse("trips:trip-delete", args=[trip.pk])).status_code == 403
    old_return = trip.returns_on
    Trip.objects.filter(pk=trip.pk).update(returns_on=old_return + datetime.timedelta(days=1))
    post_step(coord_a_client, trip, "submit")
    trip.refresh_from_db()
    assert trip.status == S.FACULTY_APPROVED
    office_page = page(office_client, trip)
    assert office_page.context["can_approve"] and office_page.context["change_pending"]
    html = office_page.content.decode()
    assert 'id="change-diff"' in html and f"<del>{old_return:%Y-%m-%d}</del>" in html
    assert f"<ins>{old_return + datetime.timedelta(days=1):%Y-%m-%d}</ins>" in html


def test_withdrawing_a_change_on_the_page_restores_the_approved_trip(coord_a_client, coord_a, office, trip):
    trip = make_cleared(trip, coord_a, office)
    approved_title = trip.title
    post_step(coord_a_client, trip, "change", comment="更换团组名称")
    Trip.objects.filter(pk=trip.pk).update(title="新的团组名称")
    response = post_step(coord_a_client, trip, "withdraw")
    trip.refresh_from_db()
    assert trip.status == S.CLEARED and trip.title == approved_title
    assert "withdrawn" in texts(response)
    assert not page(coord_a_client, trip).context["change_pending"]


def day_data(day, place, activities) -> dict:
    return {"itinerary-day": day, "itinerary-place": place, "itinerary-activities": activities}


# --- the itinerary ---------------------------------------------------------------------------------------------

def test_the_itinerary_is_added_and_removed_within_the_trip(coord_a_client, leader_client, trip):
    url = reverse("trips:trip-day-add", args=[trip.pk])
    shown = page(coord_a_client, trip).content.decode()
    assert "No itinerary yet" in shown
    after = trip.returns_on + datetime.timedelta(days=1)
    outside = coord_a_client.post(url, day_data(after, "东京", "返程乘机"))
    assert outside.status_code == 400 and not trip.days.exists()
    assert "within the trip" in " ".join(e for errors in outside.context["day_form"].errors.values() for e in errors)
    assert "返程乘机" in outside.content.decode()  # the form keeps what was typed
    coord_a_client.post(url, day_data(trip.departs_on, "东京", "抵达东京"))
    twice = coord_a_client.post(url, day_data(trip.departs_on, "大阪", "会议"))
    assert twice.status_code == 400 and trip.days.count() == 1
    assert "already" in " ".join(e for errors in twice.context["day_form"].errors.values() for e in errors)
    day = trip.days.get()
    assert "抵达东京" in page(coord_a_client, trip).content.decode()
    assert leader_client.post(url, day_data(trip.departs_on, "东京", "x")).status_code == 403
    assert coord_a_client.post(reverse("trips:trip-part-delete", args=[trip.pk, "visa", day.pk])).status_code == 404
    coord_a_client.post(reverse("trips:trip-part-delete", args=[trip.pk, "day", day.pk]))
    assert not trip.days.exists()


def test_the_itinerary_of_a_submitted_trip_is_read_only(coord_a_client, coord_a, trip):
    TripDayFactory(trip=trip)
    services.submit(trip=trip, by=coord_a)
    assert page(coord_a_client, trip).context["day_form"] is None
    response = coord_a_client.post(reverse("trips:trip-day-add", args=[trip.pk]),
                                   day_data(trip.returns_on, "东京", "返程"))
    assert response.status_code == 403


# --- the invitation letter -------------------------------------------------------------------------------------

def trip_form_data(trip, **files) -> dict:
    data = {"faculty": trip.faculty_id, "title": trip.title, "purpose": trip.purpose,
            "inviting_institution": trip.inviting_institution, "departs_on": trip.departs_on,
            "returns_on": trip.returns_on, "funding_source": trip.funding_source, "in_annual_plan": "on",
            "budget_travel": "8000", "budget_accommodation": "0", "budget_meals": "0", "budget_incidentals": "0",
            "budget_registration": "0", "budget_other": "0", "version": trip.version}
    data.update(files)
    return data


def test_a_text_file_named_pdf_is_refused_as_invitation(coord_a_client, trip):
    before = trip.invitation.name
    response = coord_a_client.post(reverse("trips:trip-edit", args=[trip.pk]), trip_form_data(
        trip, invitation=SimpleUploadedFile("邀请函.pdf", b"Dear Professor Li, we invite you.",
                                            content_type="application/pdf")))
    assert response.status_code == 200 and "neither a PDF nor" in str(response.context["form"].errors)
    trip.refresh_from_db()
    assert trip.invitation.name == before


def test_a_scanned_translation_is_stored_under_a_random_name_by_its_content(coord_a_client, trip):
    response = coord_a_client.post(reverse("trips:trip-edit", args=[trip.pk]), trip_form_data(
        trip, invitation_translation=SimpleUploadedFile("译文 李明.pdf", PNG, content_type="application/pdf")))
    assert response.status_code == 302
    trip.refresh_from_db()
    name = trip.invitation_translation.name
    assert name.startswith("trips/invitations/") and name.endswith(".png") and "李明" not in name


def test_the_invitation_is_downloaded_through_the_access_check(coord_a_client, coord_b_client, leader_client, trip):
    url = reverse("trips:trip-invitation", args=[trip.pk, "letter"])
    response = coord_a_client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == INVITATION_PDF
    assert leader_client.get(url).status_code == 200
    assert coord_b_client.get(url).status_code == 404
    assert coord_a_client.get(reverse("trips:trip-invitation", args=[trip.pk, "translation"])).status_code == 404
    assert coord_a_client.get(reverse("trips:trip-invitation", args=[trip.pk, "other"])).status_code == 404


# --- objections ------------------------------------------------------------------------------------------------

def test_the_office_records_an_objection_and_its_outcome(office_client, coord_a_client, leader_client, coord_a,
                                                         office, trip):
    services.submit(trip=trip, by=coord_a)
    services.office_approve(trip=trip, by=office)
    assert page(office_client, trip).context["objection_form"] is not None
    assert page(coord_a_client, trip).context["objection_form"] is None
    assert coord_a_client.post(reverse("trips:trip-objection-add", args=[trip.pk]),
                               {"text": "异议"}).status_code == 403
    office_client.post(reverse("trips:trip-objection-add", args=[trip.pk]), {"text": "名单与公示不一致"})
    objection = trip.objections.get()
    assert objection.text == "名单与公示不一致" and objection.recorded_by == office
    coord_page = page(coord_a_client, trip)
    assert "名单与公示不一致" in coord_page.content.decode()
    assert page(leader_client, trip).context["objections"] == []
    blocked = post_step(office_client, trip, "clear")
    assert "objection" in texts(blocked)
    office_client.post(reverse("trips:trip-objection-outcome", args=[trip.pk, objection.pk]),
                       {"outcome": "经核实无误"})
    assert trip.objections.get().outcome == "经核实无误"
    assert list(changes.open_objections(trip)) == []


def test_an_objection_of_another_trip_is_404(office_client, trip, faculty_a):
    other = TripObjectionFactory(trip=TripFactory(faculty=faculty_a))
    response = office_client.post(reverse("trips:trip-objection-outcome", args=[trip.pk, other.pk]),
                                  {"outcome": "无"})
    assert response.status_code == 404


def test_the_plan_history_is_the_offices(office_client, coord_a_client, faculty_a):
    plan = TripPlanFactory(faculty=faculty_a)
    url = reverse("history:record", args=["trips", "tripplan", plan.pk])
    assert office_client.get(url).status_code == 200
    assert coord_a_client.get(url).status_code == 403
