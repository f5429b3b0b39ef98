"""The nightly reminders: once per item and threshold, to the right people."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from faculties.models import InternationalizationPlan
from notifications import reminders
from notifications.models import Notification, ReminderLog
from notifications.reminders import send_reminders
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    CoordinatorMembershipFactory,
    MobilityFactory,
    PlanFactory,
    UserFactory,
    days,
    today,
)

pytestmark = pytest.mark.django_db


def kinds_for(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_an_agreement_is_reminded_at_90_and_again_at_30_days(faculty_a, office, coord_a, coord_b):
    agreement = AgreementFactory(faculties=[faculty_a], ends_on=days(80))
    assert reminders.send_due_reminders() == 1
    assert kinds_for(office) == ["agreement_expiring"]
    assert kinds_for(coord_a) == ["agreement_expiring"]
    assert kinds_for(coord_b) == []
    # The next night nothing new; 55 days later, the 30-day reminder.
    assert reminders.send_due_reminders() == 0
    later = today() + datetime.timedelta(days=55)
    assert reminders.send_due_reminders(today=later) == 1
    assert sorted(ReminderLog.objects.filter(object_id=agreement.pk).values_list("threshold", flat=True)) == [
        "30", "90"]


def test_running_the_job_twice_sends_nothing_new(faculty_a, office, coord_a, mailoutbox):
    AgreementFactory(faculties=[faculty_a], ends_on=days(20))
    ContractFactory(staff_member__faculty=faculty_a, ends_on=days(60), work_permit_expires_on=days(25))
    MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-45))
    first = send_reminders()
    notes, mails = Notification.objects.count(), len(mailoutbox)
    assert first == 4
    assert send_reminders() == 0
    assert (Notification.objects.count(), len(mailoutbox)) == (notes, mails)


def test_work_permits_are_reminded_to_the_office_only(faculty_a, office, coord_a):
    ContractFactory(staff_member__faculty=faculty_a, ends_on=days(300), work_permit_expires_on=days(10))
    reminders.send_due_reminders()
    assert kinds_for(office) == ["permit_expiring"]
    assert kinds_for(coord_a) == []


def test_a_report_is_overdue_only_30_days_after_a_completed_outbound_exchange(faculty_a, office, coord_a):
    MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-31))
    MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-29))
    MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-60), reported=True)
    MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-60), direction="inbound")
    MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-60), status="approved")
    assert reminders.send_due_reminders() == 1
    assert kinds_for(coord_a) == ["report_overdue"]


def test_plans_still_in_draft_after_the_deadline_are_chased(faculty_a, office, coord_a):
    year = today().year
    late = PlanFactory(faculty=faculty_a, first_year=year, last_year=year + 2)
    PlanFactory(faculty=faculty_a, first_year=year, last_year=year + 2, status=InternationalizationPlan.Status.APPROVED)
    month, day = (int(p) for p in settings.PLAN_SUBMISSION_DEADLINE.split("-"))
    deadline = datetime.date(year, month, day)
    assert reminders.send_due_reminders(today=deadline) == 0
    assert reminders.send_due_reminders(today=deadline + datetime.timedelta(days=1)) == 1
    note = Notification.objects.get(recipient=coord_a)
    assert note.object_id == late.pk and note.kind == "plan_deadline"


def test_a_renewed_contract_is_reminded_again_for_its_new_end(faculty_a, office):
    contract = ContractFactory(staff_member__faculty=faculty_a, ends_on=days(20))
    reminders.send_due_reminders()
    contract.ends_on = days(25)
    contract.save()
    assert reminders.send_due_reminders() == 1


def test_a_reminder_another_run_just_sent_is_skipped(faculty_a, office, monkeypatch):
    """Two overlapping runs: the other run commits its log row after this run read the log; this
    run's insert then hits the unique constraint, and it sends nothing."""
    agreement = AgreementFactory(faculties=[faculty_a], ends_on=days(20))
    real_office_users = reminders.office_users

    def the_other_run_commits_first():
        ReminderLog.objects.create(kind="agreement_expiring", content_type=ContentType.objects.get_for_model(agreement),
                                   object_id=agreement.pk, threshold="30", due_on=agreement.ends_on)
        return real_office_users()

    monkeypatch.setattr(reminders, "office_users", the_other_run_commits_first)
    assert reminders.send_due_reminders() == 0
    assert ReminderLog.objects.filter(object_id=agreement.pk).count() == 1
    assert not Notification.objects.exists()


def test_the_nightly_job_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-reminders"]
    assert entry["task"] == send_reminders.name


def test_reminders_reach_only_active_users_who_still_hold_the_coordinator_role(faculty_a, office, coord_a):
    """A membership outlives a role change: the nightly job asks the access module who is a
    coordinator now, and skips a former coordinator and a deactivated one."""
    former = UserFactory(username="former_coord", roles=["leader"])  # was a coordinator, kept the membership
    CoordinatorMembershipFactory(user=former, faculty=faculty_a)
    inactive = UserFactory(username="inactive_coord", roles=["coordinator"], is_active=False)
    CoordinatorMembershipFactory(user=inactive, faculty=faculty_a)
    removed = UserFactory(username="removed_coord", roles=["coordinator"])
    CoordinatorMembershipFactory(user=removed, faculty=faculty_a)
    removed.groups.remove(Group.objects.get(name="coordinator"))
    AgreementFactory(faculties=[faculty_a], ends_on=days(20))
    ContractFactory(staff_member__faculty=faculty_a, ends_on=days(60))
    MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-45))
    assert reminders.send_due_reminders() == 3
    assert kinds_for(coord_a) == ["agreement_expiring", "contract_expiring", "report_overdue"]
    assert kinds_for(office) == ["agreement_expiring", "contract_expiring", "report_overdue"]
    assert kinds_for(former) == []
    assert kinds_for(inactive) == []
    assert kinds_for(removed) == []
