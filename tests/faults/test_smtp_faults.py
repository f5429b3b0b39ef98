"""Fault suite, the mail server (issue 20, item 7): a real SMTP server (aiosmtpd) that stops.

Run with ``make test-faults`` (``pytest -m faults``).  Fixtures: ``tests/faults/conftest.py``.

Cases:

1. ``test_smtp_stopped_while_notifications_are_written_every_email_arrives_once`` — the real
   worker (and beat) send through a real SMTP server on a loopback port.  The server stops
   for ``FAULT_SMTP_OUTAGE_SECONDS`` (default 60) while notifications are written (a plan
   submitted through the web, and a return); it comes back, and the
   worker's own retries (the task's production backoff: 30 s, 60 s, 120 s, …) deliver every
   e-mail exactly once within a bound computed from that backoff; an unknown address is
   refused for good and not retried.  Neither a later sweep nor a late retry sends again.
2. ``test_a_mail_server_down_then_busy_gets_every_email_once_through_the_sweep`` — without a
   broker (the e-mail is tried in the request): the server is down when the notifications
   are written, then up but busy (421) for two messages, and refuses one unknown address for
   good; the sweep ``send_unsent_emails`` (run every 0.2 s, as the beat would) delivers every
   other e-mail once.

Both end with ``assessment.settle`` (served == fresh ``run_assessment``, 0 differences).
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify
from notifications.tasks import retry_countdown, send_notification_email, send_unsent_emails
from tests.factories import PlanFactory, PlanTargetFactory, UserFactory
from tests.faults.conftest import free_port, report, wait_for

pytestmark = pytest.mark.faults

PRODUCT = "国际交流与合作管理平台"  # in every subject (the recipients read Chinese)


def outage_seconds() -> float:
    return float(os.environ.get("FAULT_SMTP_OUTAGE_SECONDS", "60"))


class SmtpServer:
    """An SMTP server on a loopback port, stoppable and restartable on that port: answers
    "421 try later" to the first ``busy`` messages, refuses the addresses in ``unknown`` for
    good, accepts the rest into ``received`` (recipient, subject)."""

    def __init__(self, port: int, *, busy: int = 0, unknown: tuple[str, ...] = ()):
        self.port, self.busy, self.unknown = port, busy, set(unknown)
        self.received: list[tuple[str, str]] = []
        self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.unknown:
            return "550 5.1.1 User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.busy > 0:
            self.busy -= 1
            return "421 4.3.2 Service not available, try again later"
        from email import message_from_bytes
        from email.header import decode_header, make_header

        subject = str(make_header(decode_header(message_from_bytes(envelope.content)["Subject"])))
        self.received.extend((to, subject) for to in envelope.rcpt_tos)
        return "250 Message accepted"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def recipients(self) -> list[str]:
        return sorted(to for to, _subject in self.received)


def smtp_settings(settings, port: int) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}}


def first_attempt_after(written_at: float, back_at: float) -> float:
    """When the worker's retries of an e-mail first tried at ``written_at`` first find the
    server back (``back_at``, same clock): the task's own backoff, attempt after attempt."""
    task = send_notification_email
    attempt, retries = written_at, 0
    while attempt < back_at + 1 and retries <= task.max_retries:
        attempt += retry_countdown(task, retries)
        retries += 1
    return attempt


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_smtp_stopped_while_notifications_are_written_every_email_arrives_once(
        services, monkeypatch, settings, faculty_a, office, coord_a, coord_a_client, assessment):
    outage = outage_seconds()
    port = free_port()
    server = SmtpServer(port)
    server.start()
    # The worker sends through this server (the production settings, from the environment).
    for name, value in {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "false",
                        "EMAIL_TIMEOUT": "5"}.items():
        monkeypatch.setenv(name, value)
    smtp_settings(settings, port)
    services.ensure()
    wait_for(lambda: _worker_answers(services), what="the worker to answer a ping")
    try:
        # Before the outage: the path works, one e-mail arrives.
        before = notify(recipients=[coord_a], kind="plan_returned", record=PlanFactory(faculty=faculty_a),
                        actor=office)
        wait_for(lambda: server.recipients() == [coord_a.email], what="the e-mail sent before the outage")

        # The mail server stops; a plan is submitted through the web: every office user is told.
        unknown = UserFactory(roles=["office"])
        server.unknown.add(unknown.email)
        office_staff = [office, unknown, *(UserFactory(roles=["office"]) for _ in range(2))]
        plan = PlanFactory(faculty=faculty_a)
        PlanTargetFactory(plan=plan)
        server.stop()
        stopped = time.monotonic()
        response = coord_a_client.post(reverse("faculties:plan-submit", args=[plan.pk]), {"comment": "Ready"})
        assert response.status_code == 302, response.status_code
        more = [UserFactory(roles=["coordinator"]) for _ in range(2)]
        during = [*Notification.objects.filter(recipient__in=office_staff),
                  *notify(recipients=more, kind="plan_returned", record=plan, actor=office)]
        written = [time.monotonic()]
        assert len(during) == len(office_staff) + len(more)
        wait_for(lambda: all(n.email_attempts >= 1 for n in Notification.objects.filter(
            pk__in=[n.pk for n in during])), what="the worker's first attempts, with the server down")
        assert not Notification.objects.filter(pk__in=[n.pk for n in during], emailed_at__isnull=False).exists()

        time.sleep(max(0.0, outage - (time.monotonic() - stopped)))
        server.start()
        back = time.monotonic()
        bound = max(first_attempt_after(w, back) for w in written) + 30 - back  # + the sends themselves
        expected = sorted([coord_a.email, *(u.email for u in office_staff if u != unknown),
                           *(u.email for u in more)])
        refused = Notification.objects.filter(recipient=unknown)
        wait_for(lambda: server.recipients() == expected and refused.filter(email_failed_at__isnull=False).exists(),
                 timeout=bound, what=f"every e-mail within {bound:.0f} s of the server's return")
        arrived_after = round(time.monotonic() - back, 1)

        # Exactly once: a sweep of everything unsent and a late retry of each send nothing more.
        settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS = 0
        assert send_unsent_emails() == 0
        for note in [*before, *during]:
            assert send_notification_email(note.pk) is False
        time.sleep(2)
    finally:
        server.stop()
    assert server.recipients() == expected, "an e-mail was lost or sent twice"
    assert all(PRODUCT in subject for _to, subject in server.received)
    assert Notification.objects.filter(emailed_at__isnull=False).count() == len(expected)
    note = refused.get()
    assert note.emailed_at is None and "User unknown" in note.email_error
    attempts = sorted(Notification.objects.filter(pk__in=[n.pk for n in during]).values_list(
        "email_attempts", flat=True))
    settled = assessment.settle(services)
    report("smtp stopped while notifications were written", outage_s=outage, emails=len(expected),
           arrived_once=len(set(server.recipients())), refused=1, arrived_after_return_s=arrived_after,
           bound_s=round(bound), attempts=f"{attempts[0]}..{attempts[-1]}", **settled)


def _worker_answers(services) -> bool:
    from intlportal.celery import app

    try:
        return bool(app.control.ping(timeout=1))
    except Exception:
        return False


@pytest.mark.django_db
def test_a_mail_server_down_then_busy_gets_every_email_once_through_the_sweep(
        settings, faculty_a, office, django_capture_on_commit_callbacks, assessment):
    port = free_port()
    smtp_settings(settings, port)
    settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS = 0
    recipients = [UserFactory(roles=["coordinator"]) for _ in range(5)]
    unknown = recipients[0].email
    server = SmtpServer(port, busy=2, unknown=(unknown,))
    plan = PlanFactory(faculty=faculty_a)
    with django_capture_on_commit_callbacks(execute=True):
        notes = notify(recipients=recipients, kind="plan_returned", record=plan, actor=office)
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()
    assert all("ConnectionRefusedError" in n.email_error for n in Notification.objects.all())

    comes_back = threading.Timer(1.5, server.start)
    comes_back.start()
    started = time.monotonic()
    sweeps = 0
    try:
        deadline = time.monotonic() + 30
        expected = sorted(u.email for u in recipients[1:])
        while server.recipients() != expected and time.monotonic() < deadline:
            send_unsent_emails()
            sweeps += 1
            time.sleep(0.2)
        for _ in range(3):  # later sweeps and late retries send nothing again
            send_unsent_emails()
        for note in notes:
            send_notification_email(note.pk)
    finally:
        comes_back.join()
        server.stop()
    assert server.recipients() == expected, "an e-mail was lost or sent twice"
    assert all(PRODUCT in subject for _, subject in server.received)
    refused = Notification.objects.get(recipient=recipients[0])
    assert refused.emailed_at is None and refused.email_failed_at is not None
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 4
    settled = assessment.settle(None)
    report("smtp down then busy (sweep)", emails=len(expected), refused=1, sweeps=sweeps,
           seconds=round(time.monotonic() - started, 1), **settled)
