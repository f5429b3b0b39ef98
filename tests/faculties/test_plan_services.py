"""The plan workflow services: draft → submitted → approved, or submitted → returned → submitted."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import translation

from faculties import services
from faculties.models import InternationalizationPlan
from intlportal.workflow import WorkflowError, timeline
from notifications.models import Notification
from tests.factories import PlanFactory, PlanTargetFactory, UserFactory

Status = InternationalizationPlan.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(faculty_a):
    plan = PlanFactory(faculty=faculty_a, first_year=2025, last_year=2027)
    PlanTargetFactory(plan=plan, indicator="partners", year=2025, value=3)
    return plan


@pytest.fixture
def second_office(db):
    return UserFactory(username="office_two", roles=["office"])


def test_the_whole_path_submit_return_resubmit_approve_is_on_the_timeline_and_notified(
        plan, coord_a, office, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_submit(plan=plan, by=coord_a, comment="请审核")
    assert Notification.objects.filter(recipient=office, kind="plan_submitted").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.plan_return(plan=plan, by=office, comment="请补充学生交流目标")
    returned = Notification.objects.get(recipient=coord_a, kind="plan_returned")
    assert returned.comment == "请补充学生交流目标"

    with django_capture_on_commit_callbacks(execute=True):
        services.plan_submit(plan=plan, by=coord_a)
        services.plan_approve(plan=plan, by=office, comment="同意")
    plan.refresh_from_db()
    assert plan.status == Status.APPROVED
    assert plan.read_only()
    steps = [(s.from_state, s.to_state, s.by, s.comment) for s in timeline(plan)]
    assert steps == [
        ("draft", "submitted", coord_a, "请审核"),
        ("submitted", "returned", office, "请补充学生交流目标"),
        ("returned", "submitted", coord_a, ""),
        ("submitted", "approved", office, "同意"),
    ]
    assert Notification.objects.filter(recipient=coord_a, kind="plan_approved").count() == 1
    assert Notification.objects.filter(recipient=office, kind="plan_submitted").count() == 2
    # Each of the four notifications went out by e-mail, once.
    assert len(mailoutbox) == 4
    # The history holds the same path: created, then one change per transition.
    assert [h.status for h in plan.history.order_by("history_date")] == [
        "draft", "submitted", "returned", "submitted", "approved"]


def test_a_plan_without_targets_cannot_be_submitted(faculty_a, coord_a):
    plan = PlanFactory(faculty=faculty_a)
    with pytest.raises(WorkflowError, match="至少添加一项规划目标"):
        services.plan_submit(plan=plan, by=coord_a)
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT


def test_a_draft_cannot_be_approved_and_the_message_names_both_states(plan, office):
    with translation.override("en"), pytest.raises(WorkflowError) as refused:
        services.plan_approve(plan=plan, by=office)
    assert "“Draft”" in str(refused.value)
    assert "“Approved”" in str(refused.value)


def test_returning_needs_a_comment(plan, coord_a, office):
    services.plan_submit(plan=plan, by=coord_a)
    with pytest.raises(WorkflowError):
        services.plan_return(plan=plan, by=office, comment="   ")
    plan.refresh_from_db()
    assert plan.status == Status.SUBMITTED


def test_a_coordinator_cannot_approve(plan, coord_a):
    services.plan_submit(plan=plan, by=coord_a)
    with pytest.raises(WorkflowError, match="只有国际交流与合作处"):
        services.plan_approve(plan=plan, by=coord_a)
    plan.refresh_from_db()
    assert plan.status == Status.SUBMITTED


def test_nobody_approves_a_plan_they_submitted_themselves(plan, office, second_office):
    services.plan_submit(plan=plan, by=office)
    with pytest.raises(WorkflowError):
        services.plan_approve(plan=plan, by=office)
    services.plan_approve(plan=plan, by=second_office)
    plan.refresh_from_db()
    assert plan.status == Status.APPROVED


def test_an_approved_plan_cannot_be_edited_even_by_the_office(plan, coord_a, office):
    services.plan_submit(plan=plan, by=coord_a)
    services.plan_approve(plan=plan, by=office)
    plan.refresh_from_db()
    with pytest.raises(WorkflowError):
        services.plan_update(plan=plan, by=office, data={"title": "改"}, expected_version=plan.version)
    with pytest.raises(WorkflowError):
        services.plan_target_save(target=PlanTargetFactory.build(plan=plan, year=2026), by=office)


def test_a_submitted_plan_is_out_of_the_coordinators_hands(plan, coord_a):
    services.plan_submit(plan=plan, by=coord_a)
    plan.refresh_from_db()
    assert not services.can_change_plan(coord_a, plan)


def test_each_transition_bumps_the_version(plan, coord_a):
    before = plan.version
    services.plan_submit(plan=plan, by=coord_a)
    plan.refresh_from_db()
    assert plan.version == before + 1


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_are_serialised_and_the_second_is_refused(faculty_a, office, second_office):
    submitter = UserFactory(username="office_three", roles=["office"])
    plan = PlanFactory(faculty=faculty_a)
    PlanTargetFactory(plan=plan)
    services.plan_submit(plan=plan, by=submitter)
    outcomes: list[str] = []

    def decide(action, user, comment):
        try:
            action(plan=plan, by=user, comment=comment)
            outcomes.append("done")
        except WorkflowError:
            outcomes.append("refused")
        finally:
            connection.close()

    calls = [(services.plan_approve, office, "同意"), (services.plan_return, second_office, "请修改")]
    if connection.vendor == "postgresql":
        # Real concurrency: select_for_update makes the second wait, then see the new state.
        barrier = threading.Barrier(2)

        def run(args):
            barrier.wait()
            decide(*args)

        threads = [threading.Thread(target=run, args=(c,)) for c in calls]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    else:
        # SQLite has no row locks; the serialised outcome is what the lock guarantees.
        for c in calls:
            decide(*c)
    assert sorted(outcomes) == ["done", "refused"]
    plan.refresh_from_db()
    assert plan.status in {Status.APPROVED, Status.RETURNED}
    assert len([s for s in timeline(plan) if s.from_state == "submitted"]) == 1
