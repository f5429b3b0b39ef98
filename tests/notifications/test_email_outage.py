"""E-mail survives an outage of the mail server (issue 20, item 7).

The task retries with backoff for more than an hour; a periodic sweep sends what is still
unsent; the claim makes every path send each e-mail once.  The mail server here is a test
backend that fails a set number of times, then delivers into ``mail.outbox``.  A real SMTP
server (aiosmtpd) that stops and comes back, under a real worker, is in the fault suite:
``tests/faults/test_smtp_faults.py`` (``make test-faults``).
"""

from __future__ import annotations

import smtplib
from datetime import timedelta
from io import StringIO

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from faculties import services as plan_services
from notifications.models import Notification
from notifications.services import notify
from notifications.tasks import deliver_email, send_notification_email, send_unsent_emails
from tests.factories import NotificationFactory, PlanFactory, PlanTargetFactory, UserFactory

pytestmark = pytest.mark.django_db


class FlakyBackend(LocmemBackend):
    """A mail server that fails the next ``failures`` sends (with ``error``), then delivers."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).failures > 0:
            type(self).failures -= 1
            raise type(self).error
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings, mailoutbox):
    """The flaky mail server; set ``flaky.failures`` (and ``flaky.error``) before sending."""
    FlakyBackend.failures = 0
    FlakyBackend.attempts = 0
    FlakyBackend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend"}}
    mail.outbox = mailoutbox
    yield FlakyBackend


def age(*notes, minutes: float) -> None:
    """Make notifications ``minutes`` old (``created_at`` is set on insert)."""
    Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
        created_at=timezone.now() - timedelta(minutes=minutes))


def delivered_to(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def run_like_a_worker(task, *args):
    """Run ``task`` the way a Celery worker does: a ``Retry`` runs it again with the retry
    count raised (without the wait), until it returns or gives up by raising.  Returns the
    result and the countdowns the task asked for."""
    countdowns: list[float] = []

    def retry(exc=None, countdown=None, **kwargs):
        if task.request.retries >= task.max_retries:
            raise exc
        countdowns.append(countdown)
        return Retry(exc=exc, when=countdown)

    task.retry = retry
    try:
        retries = 0
        while True:
            task.push_request(id=f"attempt-{retries}", retries=retries, is_eager=False, called_directly=False)
            try:
                return task.run(*args), countdowns
            except Retry:
                retries += 1
            finally:
                task.pop_request()
    finally:
        del task.retry


# --- the task's retries ------------------------------------------------------------------------


def test_the_retries_cover_more_than_an_hour():
    """Computed from the task's own options: the backoff doubles from ``retry_backoff`` up to
    ``retry_backoff_max``, ``max_retries`` times."""
    task = send_notification_email
    assert task.acks_late
    waits = [min(task.retry_backoff_max, task.retry_backoff * 2 ** n) for n in range(task.max_retries)]
    assert waits[0] >= 30, "the first retry comes too soon for a mail server that restarts"
    assert max(waits) <= 600
    assert sum(waits) > 3600, f"the retries give up after {sum(waits)} s"


def test_a_worker_retries_with_the_backoff_until_the_mail_server_is_back(coord_a, flaky):
    note = NotificationFactory(recipient=coord_a)
    flaky.failures = 3
    sent, countdowns = run_like_a_worker(send_notification_email, note.pk)
    assert sent is True
    assert countdowns == [30, 60, 120]
    assert delivered_to(mail.outbox) == [coord_a.email]
    note.refresh_from_db()
    assert note.emailed_at is not None and note.email_attempts == 4 and note.email_error == ""


def test_a_worker_that_gives_up_leaves_the_email_to_the_sweep(coord_a, flaky):
    note = NotificationFactory(recipient=coord_a)
    flaky.failures = send_notification_email.max_retries + 1  # down longer than every retry
    with pytest.raises(smtplib.SMTPServerDisconnected):
        run_like_a_worker(send_notification_email, note.pk)
    note.refresh_from_db()
    assert note.emailed_at is None and note.email_claimed_at is None
    assert note.email_attempts == send_notification_email.max_retries + 1
    assert "SMTPServerDisconnected" in note.email_error
    age(note, minutes=90)
    assert send_unsent_emails() == 1
    assert delivered_to(mail.outbox) == [coord_a.email]
    assert send_unsent_emails() == 0 and send_notification_email(note.pk) is False
    assert len(mail.outbox) == 1


# --- the request that writes notifications ----------------------------------------------------


def test_a_mail_server_outage_does_not_fail_the_step_that_notifies(faculty_a, coord_a, office, flaky,
                                                                   django_capture_on_commit_callbacks):
    """Without a broker the e-mail is sent in the request: its failure must not turn the
    committed submission into an error page; the sweep sends the e-mail later."""
    plan = PlanFactory(faculty=faculty_a)
    PlanTargetFactory(plan=plan)
    flaky.failures = 100
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.plan_submit(plan=plan, by=coord_a)
    note = Notification.objects.get(recipient=office)
    assert note.emailed_at is None and "SMTPServerDisconnected" in note.email_error
    flaky.failures = 0
    age(note, minutes=6)
    assert send_unsent_emails() == 1
    assert delivered_to(mail.outbox) == [office.email]


def test_a_broker_outage_does_not_fail_the_step_that_notifies(faculty_a, coord_a, office, flaky, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    plan = PlanFactory(faculty=faculty_a)
    PlanTargetFactory(plan=plan)
    queued = []

    def broker_down(*args, **kwargs):
        queued.append(args)
        raise BrokerError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(send_notification_email, "delay", broker_down)
    UserFactory(roles=["office"])  # two recipients: the first failure stops the queuing
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.plan_submit(plan=plan, by=coord_a)
    assert len(queued) == 1
    notes = list(Notification.objects.all())
    assert len(notes) == 2 and all(n.emailed_at is None for n in notes)
    age(*notes, minutes=6)
    assert send_unsent_emails() == 2
    assert len(mail.outbox) == 2


# --- the sweep ------------------------------------------------------------------------------------


def test_every_email_arrives_exactly_once_through_retries_and_sweeps(faculty_a, office, flaky,
                                                                     django_capture_on_commit_callbacks):
    """The mail server fails 5 sends: the three in-request attempts, then the first two
    sweeps; each sweep stops at its first failure, the third sends everything."""
    recipients = [UserFactory(roles=["coordinator"]) for _ in range(3)]
    plan = PlanFactory(faculty=faculty_a)
    flaky.failures = 5
    with django_capture_on_commit_callbacks(execute=True):
        notes = notify(recipients=recipients, kind="plan_returned", record=plan, actor=office)
    assert mail.outbox == [] and flaky.attempts == 3
    age(*notes, minutes=10)
    assert send_unsent_emails() == 0 and flaky.attempts == 4  # still down: one try, then stop
    assert send_unsent_emails() == 0 and flaky.attempts == 5
    assert send_unsent_emails() == 3
    assert send_unsent_emails() == 0
    for note in notes:
        assert send_notification_email(note.pk) is False  # a late retry of the task sends nothing
    assert delivered_to(mail.outbox) == sorted(u.email for u in recipients)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_the_sweep_leaves_young_old_addressless_and_claimed_notifications_alone(coord_a, coord_b, flaky):
    young = NotificationFactory(recipient=coord_a)
    age(young, minutes=2)
    too_old = NotificationFactory(recipient=coord_a)
    age(too_old, minutes=8 * 24 * 60)
    no_address = NotificationFactory(recipient=UserFactory(email=""))
    age(no_address, minutes=10)
    being_sent = NotificationFactory(recipient=coord_b)
    age(being_sent, minutes=10)
    Notification.objects.filter(pk=being_sent.pk).update(email_claimed_at=timezone.now() - timedelta(minutes=1))
    assert send_unsent_emails() == 0
    assert mail.outbox == [] and flaky.attempts == 0


def test_a_claim_of_a_sender_that_died_expires(coord_a, flaky):
    """A worker killed between its claim and its send must not keep the e-mail forever."""
    note = NotificationFactory(recipient=coord_a)
    age(note, minutes=30)
    Notification.objects.filter(pk=note.pk).update(email_claimed_at=timezone.now() - timedelta(minutes=11))
    assert send_unsent_emails() == 1
    assert delivered_to(mail.outbox) == [coord_a.email]


def test_a_refused_address_is_not_retried_and_does_not_stop_the_others(coord_a, coord_b, flaky):
    refused = NotificationFactory(recipient=coord_a)
    other = NotificationFactory(recipient=coord_b)
    age(refused, minutes=20)
    age(other, minutes=10)
    flaky.failures = 1
    flaky.error = smtplib.SMTPRecipientsRefused({coord_a.email: (550, b"5.1.1 User unknown")})
    assert send_unsent_emails() == 1
    assert delivered_to(mail.outbox) == [coord_b.email]
    refused.refresh_from_db()
    assert refused.email_failed_at is not None and "User unknown" in refused.email_error
    assert send_unsent_emails() == 0 and send_notification_email(refused.pk) is False
    assert flaky.attempts == 2


def test_a_temporary_refusal_is_retried(coord_a, flaky):
    note = NotificationFactory(recipient=coord_a)
    flaky.failures = 1
    flaky.error = smtplib.SMTPRecipientsRefused({coord_a.email: (451, b"4.3.0 Try again later")})
    sent, countdowns = run_like_a_worker(send_notification_email, note.pk)
    assert sent is True and countdowns == [30]
    assert delivered_to(mail.outbox) == [coord_a.email]


def test_the_command_sends_what_is_unsent_without_a_broker(coord_a, coord_b, flaky):
    notes = [NotificationFactory(recipient=coord_a), NotificationFactory(recipient=coord_b)]
    age(*notes, minutes=10)
    flaky.failures = 1
    out = StringIO()
    call_command("send_unsent_emails", stdout=out)
    assert "Sent 0 e-mails; 2 still unsent." in out.getvalue()
    out = StringIO()
    call_command("send_unsent_emails", stdout=out)
    assert "Sent 2 e-mails; 0 still unsent." in out.getvalue()
    assert delivered_to(mail.outbox) == sorted([coord_a.email, coord_b.email])

def test_the_sweep_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["notification-email-sweep"]
    assert entry["task"] == send_unsent_emails.name
    assert entry["schedule"] <= 600
    assert entry["options"]["expires"] < entry["schedule"]  # sweeps queued in an outage do not pile up


class RacingBackend(FlakyBackend):
    """Runs ``during_send`` (a second sender) in the middle of its own send."""

    during_send = None

    def send_messages(self, messages):
        type(self).during_send()
        return super().send_messages(messages)


def test_two_senders_at_once_send_one_email(coord_a, flaky, settings):
    """The claim: a second sender (a redelivered task, an overlapping sweep) finds the
    notification taken while the first is still sending."""
    note = NotificationFactory(recipient=coord_a)
    age(note, minutes=10)
    second = []
    RacingBackend.during_send = lambda: second.append((deliver_email(note.pk), send_unsent_emails()))
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RacingBackend"}}
    assert deliver_email(note.pk) is True
    assert second == [(False, 0)]
    assert len(mail.outbox) == 1
