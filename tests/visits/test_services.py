"""A foreign visit through its chain (visits/services.py): each step, each refusal, and the
closing that records the visitors' mobilities and the lecture events the assessment counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from assessment.rules import RULES
from exchanges.models import Event, Mobility
from intlportal.indicators import IndicatorCode
from intlportal.models import Verification, WorkflowTransition
from intlportal.verification import counted
from intlportal.workflow import WorkflowError
from notifications.models import Notification
from tests.factories import (
    EventFactory,
    PartnerFactory,
    ProgrammeItemFactory,
    StaffMemberFactory,
    UserFactory,
    VisitFactory,
    VisitMemberFactory,
)
from visits import services
from visits.models import ProgrammeItem, Visit

pytestmark = pytest.mark.django_db
S = Visit.Status
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    """The refusals are matched by their English wording (the Chinese is the catalogue's)."""
    with translation.override("en"):
        yield


def ready_visit(faculty, *, members=2, lectures=2, meetings=1, **fields) -> Visit:
    """A draft visit complete enough to submit: a host of the faculty, its members, a programme."""
    fields.setdefault("host", StaffMemberFactory(faculty=faculty))
    visit = VisitFactory(faculty=faculty, **fields)
    for n in range(members):
        VisitMemberFactory(visit=visit, name=f"Visitor {n}", nationality="DE" if n % 2 == 0 else "AT")
    for n in range(lectures):
        ProgrammeItemFactory(visit=visit, day=visit.arrives_on + datetime.timedelta(days=n % 2),
                             title=f"Lecture {n} on additive manufacturing", speaker=f"Prof. Speaker {n}",
                             participants=40 + n)
    for n in range(meetings):
        ProgrammeItemFactory(visit=visit, kind=ProgrammeItem.Kind.MEETING, title=f"Talks {n}", speaker="")
    return visit


def moves(visit) -> list[tuple[str, str]]:
    return list(WorkflowTransition.objects.filter(object_id=visit.pk, content_type__model="visit")
                .order_by("pk").values_list("from_state", "to_state"))


def hosted_visit(faculty, office, coord, **kwargs) -> Visit:
    visit = services.submit(visit=ready_visit(faculty, **kwargs), by=coord)
    visit = services.office_approve(visit=visit, by=office)
    if visit.needs_leader:
        leader = UserFactory(roles=["leader"])
        visit = services.leader_approve(visit=visit, by=leader)
    return services.mark_hosted(visit=visit, by=coord, today=visit.arrives_on)


# --- the chain -------------------------------------------------------------------------------------


def test_the_chain_without_a_leader(coord_a, office, faculty_a):
    visit = ready_visit(faculty_a)
    assert services.available_steps(coord_a, visit) == {"submit", "withdraw"}
    visit = services.submit(visit=visit, by=coord_a, comment="请审批")
    assert visit.status == S.SUBMITTED and visit.submitted_by == coord_a and visit.submitted_at is not None
    assert visit.version == 2  # the optimistic lock moves with each step
    visit = services.office_approve(visit=visit, by=office)
    assert visit.status == S.OFFICE_APPROVED and not visit.needs_leader
    assert "host" in services.available_steps(coord_a, visit)
    visit = services.mark_hosted(visit=visit, by=coord_a, today=visit.arrives_on)
    visit = services.close(visit=visit, by=office)
    assert visit.status == S.CLOSED
    assert moves(visit) == [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.OFFICE_APPROVED),
                            (S.OFFICE_APPROVED, S.HOSTED), (S.HOSTED, S.CLOSED)]
    assert WorkflowTransition.objects.filter(object_id=visit.pk, to_state=S.SUBMITTED).get().comment == "请审批"


@pytest.mark.parametrize(("fields", "reason"), [
    ({"budget_accommodation": Decimal("27000.01")}, "the reception budget is above 30000 yuan"),
    ({"led_by_president": True}, "led by a president, rector or vice-president"),
    ({"reception_level": Visit.Level.UNIVERSITY_LEADER}, "a university leader receives the delegation"),
])
def test_each_leader_reason_sends_the_visit_to_a_leader(coord_a, office, leader, faculty_a, settings, fields,
                                                        reason):
    settings.VISIT_LEADER_BUDGET_ABOVE = 30000
    visit = ready_visit(faculty_a, **fields)  # budget_meals 3000 from the factory
    assert [reason in r for r in services.leader_reasons(visit)] == [True]
    visit = services.office_approve(visit=services.submit(visit=visit, by=coord_a), by=office)
    assert visit.status == S.OFFICE_APPROVED and visit.needs_leader
    assert services.available_steps(leader, visit) == {"leader-approve", "return"}
    assert "host" not in services.available_steps(coord_a, visit)
    with pytest.raises(WorkflowError, match="awaits a university leader"):
        services.mark_hosted(visit=visit, by=coord_a, today=visit.arrives_on)
    visit = services.leader_approve(visit=visit, by=leader)
    assert visit.status == S.LEADER_APPROVED
    assert services.mark_hosted(visit=visit, by=coord_a, today=visit.arrives_on).status == S.HOSTED


def test_no_leader_at_the_threshold_or_when_the_rule_is_off(faculty_a, settings):
    settings.VISIT_LEADER_BUDGET_ABOVE = 30000
    at_threshold = VisitFactory(faculty=faculty_a, budget_meals=Decimal("30000"))
    assert services.leader_reasons(at_threshold) == []
    settings.VISIT_LEADER_WHEN_PRESIDENT = False
    led = VisitFactory(faculty=faculty_a, led_by_president=True, reception_level=Visit.Level.UNIVERSITY_LEADER)
    assert services.leader_reasons(led) == []


def test_a_leader_cannot_approve_a_visit_that_does_not_need_it(coord_a, office, leader, faculty_a):
    visit = services.office_approve(visit=services.submit(visit=ready_visit(faculty_a), by=coord_a), by=office)
    assert "leader-approve" not in services.available_steps(leader, visit)
    with pytest.raises(WorkflowError, match="does not need a university leader"):
        services.leader_approve(visit=visit, by=leader)


# --- returns and withdrawals ---------------------------------------------------------------------


def test_a_return_needs_a_comment_and_the_visit_is_submitted_again(coord_a, office, faculty_a):
    visit = services.submit(visit=ready_visit(faculty_a), by=coord_a)
    with pytest.raises(WorkflowError, match="comment is required"):
        services.return_for_changes(visit=visit, by=office, comment="  ")
    visit = services.return_for_changes(visit=visit, by=office, comment="Add the interpreter to the programme.")
    assert visit.status == S.CHANGES_REQUESTED and services.can_change(coord_a, visit)
    assert services.submit(visit=visit, by=coord_a).status == S.SUBMITTED


def test_the_office_returns_an_approved_visit_and_a_leader_only_at_the_leaders_step(coord_a, office, leader,
                                                                                   faculty_a):
    submitted = services.submit(visit=ready_visit(faculty_a), by=coord_a)
    with pytest.raises(WorkflowError, match="cannot be moved"):
        services.return_for_changes(visit=submitted, by=leader, comment="Not yet mine.")
    approved = services.office_approve(visit=submitted, by=office)
    with pytest.raises(WorkflowError, match="cannot be moved"):  # no leader needed: not the leader's to return
        services.return_for_changes(visit=approved, by=leader, comment="Too expensive.")
    assert services.return_for_changes(visit=approved, by=office, comment="The dates changed.").status == \
        S.CHANGES_REQUESTED
    led = services.office_approve(visit=services.submit(visit=ready_visit(faculty_a, led_by_president=True),
                                                        by=coord_a), by=office)
    assert services.return_for_changes(visit=led, by=leader, comment="Receive them at the office.").status == \
        S.CHANGES_REQUESTED


def test_a_coordinator_cannot_return(coord_a, faculty_a):
    visit = services.submit(visit=ready_visit(faculty_a), by=coord_a)
    with pytest.raises(WorkflowError, match="Only the office or a university leader"):
        services.return_for_changes(visit=visit, by=coord_a, comment="Oops")


def test_withdrawing_by_the_faculty_or_the_office_before_the_visit_is_hosted(coord_a, coord_b, office, faculty_a):
    visit = services.submit(visit=ready_visit(faculty_a), by=coord_a)
    with pytest.raises(WorkflowError, match="coordinators or the office"):
        services.withdraw(visit=visit, by=coord_b)
    assert services.withdraw(visit=visit, by=coord_a, comment="The delegation postponed.").status == S.WITHDRAWN
    hosted = hosted_visit(faculty_a, office, coord_a)
    with pytest.raises(WorkflowError, match="cannot be moved"):
        services.withdraw(visit=hosted, by=office)


# --- who may ask ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("step", "who", "says"), [
    ("submit", "coord_b", "coordinators or the office can submit"),
    ("submit", "leader", "coordinators or the office can submit"),
    ("office_approve", "leader", "Only the office approves"),
    ("office_approve", "coord_a", "Only the office approves"),
    ("leader_approve", "office", "Only a university leader approves"),
    ("close", "coord_a", "Only the office closes"),
    ("close", "leader", "Only the office closes"),
    ("mark_hosted", "leader", "record that a visit was hosted"),
    ("mark_hosted", "coord_b", "record that a visit was hosted"),
])
def test_each_service_checks_who_asks(request, faculty_a, step, who, says):
    visit = ready_visit(faculty_a)
    with pytest.raises(WorkflowError, match=says):
        getattr(services, step)(visit=visit, by=request.getfixturevalue(who))
    assert Visit.objects.get(pk=visit.pk).status == S.DRAFT and moves(visit) == []


def test_a_leader_and_another_faculty_are_offered_no_step(leader, coord_b, office, coord_a, faculty_a):
    visit = ready_visit(faculty_a)
    assert services.available_steps(leader, visit) == set() and not services.can_change(leader, visit)
    assert services.available_steps(coord_b, visit) == set() and not services.can_change(coord_b, visit)
    assert services.available_steps(office, visit) == {"submit", "withdraw"} and services.can_change(office, visit)
    submitted = services.submit(visit=visit, by=coord_a)
    assert not services.can_change(coord_a, submitted) and not services.can_change(office, submitted)


# --- what a submission must hold ----------------------------------------------------------------------


def test_an_empty_visit_is_refused_saying_what_to_add(coord_a, faculty_a):
    visit = VisitFactory(faculty=faculty_a)
    with pytest.raises(WorkflowError) as refused:
        services.submit(visit=visit, by=coord_a)
    message = str(refused.value)
    assert "Add the members of the delegation." in message
    assert "Name the host" in message
    assert "Add the programme of the visit" in message
    assert Visit.objects.get(pk=visit.pk).status == S.DRAFT


def test_a_submission_checks_each_programme_entry(coord_a, faculty_a):
    visit = ready_visit(faculty_a, lectures=0)
    ProgrammeItemFactory(visit=visit, title="Keynote", speaker="")
    ProgrammeItemFactory(visit=visit, kind=ProgrammeItem.Kind.BANQUET, title="Farewell dinner", speaker="",
                         day=visit.leaves_on + datetime.timedelta(days=1))
    with pytest.raises(WorkflowError) as refused:
        services.submit(visit=visit, by=coord_a)
    message = str(refused.value)
    assert "“Keynote”: Name the speaker of the lecture." in message
    assert "“Farewell dinner”: The day must fall within the visit" in message


def test_a_visit_whose_arrival_is_past_or_whose_host_is_elsewhere_is_refused(coord_a, faculty_a, faculty_b):
    visit = ready_visit(faculty_a, host=StaffMemberFactory(faculty=faculty_b))
    with pytest.raises(WorkflowError, match="host must be a member of staff of the host faculty"):
        services.submit(visit=visit, by=coord_a)
    late = ready_visit(faculty_a)
    with pytest.raises(WorkflowError, match="is in the past"):
        services.submit(visit=late, by=coord_a, today=late.arrives_on + datetime.timedelta(days=1))


def test_the_model_rules_are_part_of_the_submission(coord_a, faculty_a):
    visit = ready_visit(faculty_a, institution="", funding_source=Visit.Funding.GRANT)
    with pytest.raises(WorkflowError) as refused:
        services.submit(visit=visit, by=coord_a)
    assert "Name the visiting institution" in str(refused.value)
    assert "number of the research grant" in str(refused.value)


# --- hosting ---------------------------------------------------------------------------------------


def test_a_visit_is_hosted_only_once_the_delegation_has_arrived(coord_a, office, faculty_a):
    visit = services.office_approve(visit=services.submit(visit=ready_visit(faculty_a), by=coord_a), by=office)
    with pytest.raises(WorkflowError, match=r"arrives on \d{4}-\d\d-\d\d"):
        services.mark_hosted(visit=visit, by=coord_a, today=visit.arrives_on - datetime.timedelta(days=1))
    assert Visit.objects.get(pk=visit.pk).status == S.OFFICE_APPROVED
    assert services.mark_hosted(visit=visit, by=coord_a, today=visit.arrives_on).status == S.HOSTED


def test_a_draft_cannot_be_hosted(coord_a, faculty_a):
    with pytest.raises(WorkflowError, match="cannot be moved"):
        services.mark_hosted(visit=ready_visit(faculty_a), by=coord_a)


# --- closing --------------------------------------------------------------------------------------------


def test_closing_records_each_member_and_each_lecture(coord_a, office, faculty_a):
    partner = PartnerFactory()
    visit = hosted_visit(faculty_a, office, coord_a, members=3, lectures=2, meetings=2, partner=partner,
                         purpose=Visit.Purpose.LECTURES)
    visit = services.close(visit=visit, by=office)
    mobilities = Mobility.objects.filter(visit_member__visit=visit)
    assert mobilities.count() == 3 == Mobility.objects.count()
    for mobility in mobilities.select_related("visit_member"):
        member = mobility.visit_member
        assert (mobility.direction, mobility.person_kind, mobility.status, mobility.activity) == (
            "inbound", "scholar", "completed", "lecture")
        assert (mobility.person_name, mobility.country.code, mobility.partner) == (
            member.name, member.nationality.code, partner)
        assert (mobility.starts_on, mobility.ends_on, mobility.faculty) == (visit.arrives_on, visit.leaves_on,
                                                                          faculty_a)
        assert mobility.person_id == f"visit-{visit.pk}-{member.pk}"
        assert mobility.verification == Verification.VERIFIED and mobility.verified_by == office
    assert Mobility.objects.filter(counted()).count() == 3
    events = Event.objects.filter(visit_programme_item__visit=visit).order_by("title")
    assert Event.objects.count() == 2
    assert [(e.title, e.speaker, e.kind, e.participants_total) for e in events] == [
        ("Lecture 0 on additive manufacturing", "Prof. Speaker 0", "overseas_scholar_lecture", 40),
        ("Lecture 1 on additive manufacturing", "Prof. Speaker 1", "overseas_scholar_lecture", 41)]
    assert all(e.verified_at is not None and list(e.partners.all()) == [partner] for e in events)
    assert set(events.values_list("date", flat=True)) == {visit.arrives_on, visit.arrives_on + datetime.timedelta(1)}
    closing = WorkflowTransition.objects.get(object_id=visit.pk, to_state=S.CLOSED)
    assert "3 inbound mobilities and 2 lecture events recorded." in closing.comment


@pytest.mark.parametrize(("purpose", "activity"), [
    (Visit.Purpose.CONFERENCE, "conference"), (Visit.Purpose.COOPERATION_TALKS, "visit"),
    (Visit.Purpose.COURTESY, "visit"),
])
def test_the_mobilitys_activity_follows_the_purpose(coord_a, office, faculty_a, purpose, activity):
    visit = services.close(visit=hosted_visit(faculty_a, office, coord_a, members=1, purpose=purpose), by=office)
    assert visit.members.get().mobility.activity == activity


def test_closing_twice_creates_nothing_more(coord_a, office, faculty_a):
    visit = services.close(visit=hosted_visit(faculty_a, office, coord_a), by=office)
    with pytest.raises(WorkflowError, match="already closed"):
        services.close(visit=visit, by=office)
    outcome = services.record_outcomes(visit=visit, by=office)
    assert (outcome.mobilities, outcome.events, outcome.linked_mobilities, outcome.linked_events) == ([], [], [], [])
    assert (Mobility.objects.count(), Event.objects.count()) == (2, 2)
    assert moves(visit)[-1] == (S.HOSTED, S.CLOSED) and len(moves(visit)) == 4


def test_an_event_already_recorded_is_linked_not_entered_twice(coord_a, office, faculty_a):
    visit = hosted_visit(faculty_a, office, coord_a, lectures=1)
    lecture = visit.programme.get(kind=ProgrammeItem.Kind.LECTURE)
    existing = EventFactory(faculty=faculty_a, kind="overseas_scholar_lecture", title=lecture.title,
                            date=lecture.day)
    services.close(visit=visit, by=office)
    lecture.refresh_from_db()
    assert lecture.event == existing and Event.objects.count() == 1
    assert "Linked to the record already there" in WorkflowTransition.objects.get(
        object_id=visit.pk, to_state=S.CLOSED).comment


def test_an_event_of_another_programme_entry_stops_the_closing_and_nothing_is_recorded(coord_a, office, faculty_a):
    visit = hosted_visit(faculty_a, office, coord_a, lectures=1)
    lecture = visit.programme.get(kind=ProgrammeItem.Kind.LECTURE)
    other = ProgrammeItemFactory(visit=VisitFactory(faculty=faculty_a), title=lecture.title)
    taken = EventFactory(faculty=faculty_a, kind="overseas_scholar_lecture", title=lecture.title, date=lecture.day)
    ProgrammeItem.objects.filter(pk=other.pk).update(event=taken)
    with pytest.raises(WorkflowError, match=f"“{lecture.title}” of {lecture.day} already belongs to another"):
        services.close(visit=visit, by=office)
    assert Visit.objects.get(pk=visit.pk).status == S.HOSTED
    assert (Mobility.objects.count(), Event.objects.count()) == (0, 1)


def test_the_assessment_counts_the_lectures_of_a_closed_visit(coord_a, office, faculty_a, faculty_b):
    rule = RULES[IndicatorCode.OVERSEAS_SCHOLAR_LECTURES]
    visit = hosted_visit(faculty_a, office, coord_a, lectures=3)
    year = visit.arrives_on.year
    assert rule.records(faculty_id=faculty_a.pk, year=year).count() == 0
    services.close(visit=visit, by=office)
    counted_events = rule.records(faculty_id=faculty_a.pk, year=year)
    assert set(counted_events.values_list("pk", flat=True)) == set(
        visit.programme.filter(kind="lecture").values_list("event_id", flat=True))
    assert counted_events.count() == 3 and rule.records(faculty_id=faculty_b.pk, year=year).count() == 0


# --- notifications ------------------------------------------------------------------------------------


def recipients() -> set[int]:
    found = set(Notification.objects.values_list("recipient", flat=True))
    Notification.objects.all().delete()
    return found


def test_each_step_tells_the_people_who_act_next(coord_a, office, leader, faculty_a):
    other_leader = UserFactory(roles=["leader"])
    visit = services.submit(visit=ready_visit(faculty_a, led_by_president=True), by=coord_a)
    assert recipients() == {office.pk}
    visit = services.office_approve(visit=visit, by=office)
    assert recipients() == {leader.pk, other_leader.pk}
    visit = services.leader_approve(visit=visit, by=leader)
    assert recipients() == {office.pk}
    visit = services.mark_hosted(visit=visit, by=coord_a, today=visit.arrives_on)
    services.close(visit=visit, by=office)
    assert coord_a.pk in recipients()


def test_an_approval_without_a_leader_tells_the_faculty(coord_a, office, leader, faculty_a):
    visit = services.submit(visit=ready_visit(faculty_a), by=coord_a)
    recipients()
    services.office_approve(visit=visit, by=office)
    assert recipients() == {coord_a.pk}


def test_only_the_office_records_the_outcomes(coord_a, office, faculty_a):
    visit = hosted_visit(faculty_a, office, coord_a)
    with pytest.raises(WorkflowError, match="Only the office records"):
        services.record_outcomes(visit=visit, by=coord_a)
    assert (Mobility.objects.count(), Event.objects.count()) == (0, 0)
