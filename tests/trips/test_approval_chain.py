"""A trip abroad through its approval chain (trips/services.py): each step, each refusal."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from intlportal.models import WorkflowTransition
from intlportal.workflow import WorkflowError
from notifications.models import Notification
from tests.factories import INVITATION_PDF, StaffMemberFactory, UserFactory
from trips import services
from trips.models import Trip, TripCountry, TripMember

pytestmark = pytest.mark.django_db
D = datetime.date
S = Trip.Status
TODAY = D(2026, 2, 12)  # a Thursday before the 2026 Spring Festival


@pytest.fixture(autouse=True)
def english():
    """The refusals are matched by their English wording (the Chinese is the catalogue's)."""
    with translation.override("en"):
        yield


DEPARTS, RETURNS = D(2026, 3, 20), D(2026, 3, 27)
TITLES = itertools.count(1)


def make_trip(faculty, *, senior=False, countries=("JP",), departs=DEPARTS, returns=RETURNS, **fields) -> Trip:
    # A title of its own: a faculty's trip is unique by title and departure (trips 0003).
    values = {"faculty": faculty, "title": f"赴日本参加学术会议 {next(TITLES)}", "purpose": Trip.Purpose.CONFERENCE,
              "inviting_institution": "东京大学", "departs_on": departs, "returns_on": returns,
              "funding_source": Trip.Funding.HOST, "in_annual_plan": True, "budget_travel": Decimal("8000")}
    values.update(fields)
    trip = Trip(**values)
    # A submission needs the invitation letter (trips.services._complete).
    trip.invitation.save("invitation.pdf", ContentFile(INVITATION_PDF), save=False)
    trip.save()
    TripMember.objects.create(trip=trip, staff_member=StaffMemberFactory(faculty=faculty),
                              role=TripMember.Role.LEADER, senior_post=senior)
    for code in countries:
        TripCountry.objects.create(trip=trip, country=code, arrives_on=departs, leaves_on=returns)
    return trip


def steps(trip) -> list[tuple[str, str]]:
    return list(WorkflowTransition.objects.filter(object_id=trip.pk).order_by("pk")
                .values_list("from_state", "to_state"))


def test_the_coordinators_submission_records_the_faculty_step(coord_a, faculty_a):
    trip = services.submit(trip=make_trip(faculty_a), by=coord_a, today=TODAY)
    assert trip.status == S.FACULTY_APPROVED and trip.submitted_by == coord_a and trip.version == 3
    assert steps(trip) == [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.FACULTY_APPROVED)]


@pytest.mark.parametrize("who", ["coord_b", "leader"])
def test_only_the_faculty_or_the_office_submits(request, faculty_a, who):
    trip = make_trip(faculty_a)
    with pytest.raises(WorkflowError):
        services.submit(trip=trip, by=request.getfixturevalue(who), today=TODAY)
    assert Trip.objects.get(pk=trip.pk).status == S.DRAFT


@pytest.mark.parametrize(("change", "says"), [
    (lambda t: t.members.all().delete(), "members"),
    (lambda t: t.countries.all().delete(), "countries"),
    (lambda t: t.countries.update(leaves_on=D(2026, 4, 2)), "within the trip"),
    (lambda t: Trip.objects.filter(pk=t.pk).update(in_annual_plan=False), "annual outbound plan"),
    (lambda t: Trip.objects.filter(pk=t.pk).update(funding_source="grant"), "research grant"),
    (lambda t: Trip.objects.filter(pk=t.pk).update(departs_on=D(2026, 2, 25), returns_on=D(2026, 2, 27)),
     "public notice"),
])
def test_an_incomplete_application_is_refused_saying_what_to_add(coord_a, faculty_a, change, says):
    trip = make_trip(faculty_a)
    change(trip)
    with pytest.raises(WorkflowError, match=says):
        services.submit(trip=Trip.objects.get(pk=trip.pk), by=coord_a, today=TODAY)
    assert Trip.objects.get(pk=trip.pk).status == S.DRAFT and steps(trip) == []


def test_the_earliest_departure_counts_the_notice_in_working_days():
    # Five working days from Thursday 12 February 2026 end on the 26th (the holiday in between).
    assert services.earliest_departure(TODAY) == D(2026, 2, 27)


def test_the_office_approval_puts_a_plain_trip_on_notice(coord_a, office, faculty_a):
    trip = services.submit(trip=make_trip(faculty_a), by=coord_a, today=TODAY)
    trip = services.office_approve(trip=trip, by=office, today=TODAY)
    assert trip.status == S.ON_NOTICE and not trip.needs_leader
    assert (trip.notice_starts_on, trip.notice_ends_on) == (TODAY, D(2026, 2, 26))
    with pytest.raises(WorkflowError, match="2026-02-26"):
        services.clear_for_travel(trip=trip, by=office, today=D(2026, 2, 26))
    assert services.clear_for_travel(trip=trip, by=office, today=D(2026, 2, 27)).status == S.CLEARED


@pytest.mark.parametrize("rule", ["senior", "budget", "countries"])
def test_a_leader_approves_when_a_rule_says_so(coord_a, office, leader, faculty_a, rule):
    kwargs = {"senior": {"senior": True}, "budget": {"budget_other": Decimal("50000.01")},
              "countries": {"countries": ("JP", "KR", "SG")}}[rule]
    trip = services.submit(trip=make_trip(faculty_a, **kwargs), by=coord_a, today=TODAY)
    assert services.leader_reasons(trip)
    trip = services.office_approve(trip=trip, by=office, today=TODAY)
    assert trip.status == S.OFFICE_APPROVED and trip.needs_leader
    with pytest.raises(WorkflowError):
        services.leader_approve(trip=trip, by=office, today=TODAY)
    with pytest.raises(WorkflowError):
        services.clear_for_travel(trip=trip, by=office, today=D(2026, 3, 10))
    trip = services.leader_approve(trip=trip, by=leader, today=TODAY)
    assert trip.status == S.ON_NOTICE
    assert steps(trip)[-2:] == [(S.OFFICE_APPROVED, S.LEADER_APPROVED), (S.LEADER_APPROVED, S.ON_NOTICE)]


def test_a_budget_at_the_limit_needs_no_leader(faculty_a):
    trip = make_trip(faculty_a, budget_travel=Decimal("50000.00"))
    assert services.leader_reasons(trip) == []


def test_a_leader_cannot_approve_what_needs_no_leader(coord_a, office, leader, faculty_a):
    trip = services.submit(trip=make_trip(faculty_a), by=coord_a, today=TODAY)
    Trip.objects.filter(pk=trip.pk).update(status=S.OFFICE_APPROVED)
    with pytest.raises(WorkflowError, match="does not need"):
        services.leader_approve(trip=trip, by=leader, today=TODAY)


def test_returned_for_changes_with_a_comment_then_submitted_again(coord_a, office, leader, faculty_a):
    trip = services.submit(trip=make_trip(faculty_a, senior=True), by=coord_a, today=TODAY)
    with pytest.raises(WorkflowError, match="comment"):
        services.return_for_changes(trip=trip, by=office, comment=" ")
    with pytest.raises(WorkflowError):
        services.return_for_changes(trip=trip, by=leader, comment="行程过长")  # not at the leader's step yet
    with pytest.raises(WorkflowError):
        services.return_for_changes(trip=trip, by=coord_a, comment="自己退回")
    trip = services.office_approve(trip=trip, by=office, today=TODAY)
    trip = services.return_for_changes(trip=trip, by=leader, comment="请压缩行程")
    assert trip.status == S.CHANGES_REQUESTED
    assert WorkflowTransition.objects.filter(object_id=trip.pk).last().comment == "请压缩行程"
    assert services.submit(trip=trip, by=coord_a, today=TODAY).status == S.FACULTY_APPROVED


def test_withdrawn_while_pending_but_not_once_cleared(coord_a, coord_b, office, faculty_a):
    trip = services.submit(trip=make_trip(faculty_a), by=coord_a, today=TODAY)
    with pytest.raises(WorkflowError):
        services.withdraw(trip=trip, by=coord_b)
    assert services.withdraw(trip=trip, by=coord_a).status == S.WITHDRAWN
    cleared = services.office_approve(trip=services.submit(trip=make_trip(faculty_a), by=coord_a, today=TODAY),
                                      by=office, today=TODAY)
    cleared = services.clear_for_travel(trip=cleared, by=office, today=D(2026, 3, 1))
    with pytest.raises(WorkflowError):
        services.withdraw(trip=cleared, by=coord_a)


def test_each_step_tells_the_people_who_act_next(coord_a, office, leader, faculty_a):
    other_leader = UserFactory(roles=["leader"])
    trip = services.submit(trip=make_trip(faculty_a, senior=True), by=coord_a, today=TODAY)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {office.pk}
    Notification.objects.all().delete()
    services.office_approve(trip=trip, by=office, today=TODAY)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {leader.pk, other_leader.pk}
    Notification.objects.all().delete()
    services.leader_approve(trip=trip, by=leader, today=TODAY)
    # the leader's approval (→ office) and the notice that follows (→ the faculty)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {office.pk, coord_a.pk}
