"""The trip pages: the application, its group and countries, the steps, the public notice."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from intlportal.models import WorkflowTransition
from tests.factories import INVITATION_PDF, StaffMemberFactory, TripCountryFactory, TripFactory, TripMemberFactory
from trips.models import Trip

pytestmark = pytest.mark.django_db
S = Trip.Status


@pytest.fixture
def trip(faculty_a):
    trip = TripFactory(faculty=faculty_a)
    TripMemberFactory(trip=trip)
    TripCountryFactory(trip=trip)
    return trip


def step(client, trip, action, comment=""):
    return client.post(reverse("trips:trip-step", args=[trip.pk, action]), {"comment": comment}, follow=True)


def test_a_coordinator_applies_adds_the_group_and_submits(coord_a_client, faculty_a):
    today = timezone.localdate()
    response = coord_a_client.post(reverse("trips:trip-create"), {
        "faculty": faculty_a.pk, "title": "赴德国参加学术会议", "purpose": "conference",
        "inviting_institution": "慕尼黑工业大学", "departs_on": today + datetime.timedelta(days=40),
        "returns_on": today + datetime.timedelta(days=46), "funding_source": "host", "in_annual_plan": "on",
        "budget_travel": "9000", "budget_accommodation": "0", "budget_meals": "0", "budget_incidentals": "0",
        "budget_registration": "0", "budget_other": "0",
        "invitation": SimpleUploadedFile("邀请函.pdf", INVITATION_PDF, content_type="application/pdf"),
    })
    assert response.status_code == 302, response.context["form"].errors
    trip = Trip.objects.get(title="赴德国参加学术会议")
    person = StaffMemberFactory(faculty=faculty_a, name="李明")
    coord_a_client.post(reverse("trips:trip-member-add", args=[trip.pk]), {"staff_member": person.pk,
                                                                           "role": "leader"})
    coord_a_client.post(reverse("trips:trip-country-add", args=[trip.pk]), {
        "country": "DE", "arrives_on": trip.departs_on, "leaves_on": trip.returns_on})
    page = coord_a_client.get(trip.get_absolute_url()).content.decode()
    assert "李明" in page and 'id="h-countries"' in page
    step(coord_a_client, trip, "submit")
    trip.refresh_from_db()
    assert trip.status == S.FACULTY_APPROVED


def test_another_faculty_cannot_see_or_change_the_trip(coord_b_client, trip):
    assert coord_b_client.get(trip.get_absolute_url()).status_code == 404
    assert coord_b_client.post(reverse("trips:trip-member-add", args=[trip.pk]), {}).status_code == 404
    assert coord_b_client.post(reverse("trips:trip-step", args=[trip.pk, "submit"])).status_code == 404


def test_a_member_of_another_faculty_is_not_offered(coord_a_client, trip, faculty_b):
    stranger = StaffMemberFactory(faculty=faculty_b)
    form = coord_a_client.get(trip.get_absolute_url()).context["member_form"]
    assert stranger not in form.fields["staff_member"].queryset
    refused = coord_a_client.post(reverse("trips:trip-member-add", args=[trip.pk]),
                                  {"staff_member": stranger.pk, "role": "member", "senior_post": "on"})
    assert trip.members.count() == 1
    # The trip's page again, the form as typed (the post ticked) and the reason on its field.
    form = refused.context["member_form"]
    assert refused.status_code == 400 and form.errors["staff_member"] and form["senior_post"].value() is True


def test_the_chain_through_the_pages_with_a_leader(coord_a_client, office_client, leader_client, trip):
    trip.members.update(senior_post=True)
    step(coord_a_client, trip, "submit")
    page = office_client.get(trip.get_absolute_url())
    assert page.context["can_approve"] and not page.context["can_clear"]
    step(office_client, trip, "approve")
    trip.refresh_from_db()
    assert trip.status == S.OFFICE_APPROVED and trip.needs_leader
    queue = leader_client.get(reverse("trips:trip-list") + "?stage=leader")
    assert [t.pk for t in queue.context["object_list"]] == [trip.pk]
    assert leader_client.get(trip.get_absolute_url()).context["can_leader_approve"]
    step(leader_client, trip, "leader-approve")
    trip.refresh_from_db()
    assert trip.status == S.ON_NOTICE
    notice = office_client.get(reverse("trips:notice"))
    assert trip in notice.context["page_obj"].object_list
    refused = step(office_client, trip, "clear")
    trip.refresh_from_db()
    assert trip.status == S.ON_NOTICE  # the notice has not ended
    assert any("notice" in str(m) or "公示" in str(m) for m in refused.context["messages"])


def test_a_leader_only_approves_and_returns(leader_client, trip):
    for action in ("submit", "approve", "withdraw", "clear"):
        assert leader_client.post(reverse("trips:trip-step", args=[trip.pk, action])).status_code == 403
    assert leader_client.post(reverse("trips:trip-member-add", args=[trip.pk]), {}).status_code == 403


def test_returning_needs_a_comment_and_shows_it(office_client, coord_a_client, trip):
    step(coord_a_client, trip, "submit")
    step(office_client, trip, "return")
    trip.refresh_from_db()
    assert trip.status == S.FACULTY_APPROVED
    step(office_client, trip, "return", comment="请补充邀请函")
    trip.refresh_from_db()
    assert trip.status == S.CHANGES_REQUESTED
    page = coord_a_client.get(trip.get_absolute_url()).content.decode()
    assert "请补充邀请函" in page
    assert WorkflowTransition.objects.filter(object_id=trip.pk, to_state=S.CHANGES_REQUESTED).exists()


def test_an_unknown_step_is_404(office_client, trip):
    assert office_client.post(reverse("trips:trip-step", args=[trip.pk, "teleport"])).status_code == 404


def test_a_submitted_trip_can_no_longer_be_edited(coord_a_client, trip):
    step(coord_a_client, trip, "submit")
    assert coord_a_client.get(reverse("trips:trip-edit", args=[trip.pk])).status_code == 403


def test_the_office_work_queue_lists_trips_waiting_for_it(office_client, coord_a_client, trip):
    step(coord_a_client, trip, "submit")
    sections = {s.key: s for s in office_client.get(reverse("workqueue:index")).context["sections"]}
    assert sections["trips"].total == 1 and sections["trips"].items[0].url == trip.get_absolute_url()
    listed = office_client.get(sections["trips"].more_url)
    assert [t.pk for t in listed.context["object_list"]] == [trip.pk]


def test_a_leader_is_told_on_the_dashboard_of_trips_awaiting_a_leader(leader_client, office_client, coord_a_client,
                                                                     trip):
    assert leader_client.get(reverse("assessment:dashboard")).context["trips_for_leader"] == 0
    trip.members.update(senior_post=True)
    step(coord_a_client, trip, "submit")
    step(office_client, trip, "approve")
    page = leader_client.get(reverse("assessment:dashboard"))
    assert page.context["trips_for_leader"] == 1
    assert reverse("trips:trip-list") + "?stage=leader" in page.content.decode()
    assert office_client.get(reverse("assessment:dashboard")).context["trips_for_leader"] == 0
