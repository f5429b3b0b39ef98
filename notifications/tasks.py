"""Celery tasks of notifications: one e-mail per notification and the sweep of e-mails that
never went.  (The nightly reminders' task is ``notifications.reminders.send_reminders``: the
reminders notify through ``notifications.services``, which enqueues the e-mail task here.)

An e-mail survives an outage of the mail server in two ways:

* ``send_notification_email`` retries a failed send with exponential backoff (30 s doubling
  to at most 10 minutes, 12 retries: 85 minutes in all);
* ``send_unsent_emails`` (Celery beat, every 5 minutes) sends what is still unsent a few
  minutes after it was created, for a week: after the task gave up, when the broker was down
  when the notification was written, or when a worker died in the middle of a send.

Every send goes through ``deliver_email``, which claims the notification first, so the task,
its retries, a redelivered message and overlapping sweeps send each e-mail once.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, InterfaceError
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import Notification

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError, DatabaseError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}

# What a failed e-mail send may raise and a later attempt may cure: the mail server down,
# unreachable, slow or answering "try later" (every smtplib error is an OSError), or the
# database unavailable for the claim.
EMAIL_ERRORS = (OSError, DatabaseError, InterfaceError)

# How long a sender holds its claim, when the sweep takes over, how many it sends at a time and
# for how many days: settings NOTIFICATION_EMAIL_LEASE_SECONDS, NOTIFICATION_EMAIL_SWEEP_*.


class EmailRefused(Exception):
    """The mail server refused this e-mail for good (a 5xx answer to its recipient or its
    content): no retry can send it."""


def _is_refusal(exc: BaseException) -> bool:
    """A permanent refusal of this one message, rather than a server that is down or busy."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _msg in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def _claimable(now):
    lease = timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)
    return Q(emailed_at__isnull=True, email_failed_at__isnull=True) & (
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - lease))


def deliver_email(notification_id: int) -> bool:
    """E-mail one notification to its recipient, in the recipient's language; True when this
    call sent it.

    The notification is claimed (``email_claimed_at``) before sending and marked sent
    (``emailed_at``) after, so two senders at once send one e-mail.  A failed send releases the
    claim, keeps the error and raises, for the retry or the sweep; a permanent refusal raises
    ``EmailRefused`` and is never tried again.  A sender that dies holding the claim loses it
    after ``NOTIFICATION_EMAIL_LEASE_SECONDS`` and the e-mail is sent later: so a worker killed mid-send loses no
    e-mail, at the price of a second copy if it died in the instant between the server's
    acceptance and the ``emailed_at`` update.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(_claimable(now), pk=notification_id).update(
        email_claimed_at=now, email_attempts=F("email_attempts") + 1)
    if not claimed:
        return False
    mine = Notification.objects.filter(pk=notification_id, email_claimed_at=now)
    note = Notification.objects.select_related("recipient", "actor").get(pk=notification_id)
    recipient = note.recipient
    if not recipient.email:
        mine.update(email_claimed_at=None)
        return False
    try:
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            context = {"note": note, "recipient": recipient,
                       "link": settings.PORTAL_BASE_URL.rstrip("/") + (note.url or "/")}
            subject = " ".join(render_to_string("notifications/email/subject.txt", context).split())
            body = render_to_string("notifications/email/body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        if _is_refusal(exc):
            mine.update(email_claimed_at=None, email_error=error, email_failed_at=timezone.now())
            raise EmailRefused(error) from exc
        mine.update(email_claimed_at=None, email_error=error)
        raise
    # Sent: recorded whoever holds the claim now, so nobody sends it again.
    Notification.objects.filter(pk=notification_id).update(
        emailed_at=timezone.now(), email_claimed_at=None, email_error="")
    return True


def retry_countdown(task, retries: int) -> int:
    """Seconds before retry number ``retries + 1``: the backoff doubles up to its maximum."""
    return min(task.retry_backoff_max, task.retry_backoff * 2 ** retries)


@shared_task(bind=True, name="notifications.send_notification_email", acks_late=True,
             retry_backoff=30, retry_backoff_max=600, max_retries=12)
def send_notification_email(self, notification_id: int) -> bool:
    """E-mail one notification (``deliver_email``), retrying while the mail server is away.

    Without a broker (the task runs in the request that wrote the notification) there is no
    later to retry in: the failure is logged and the sweep sends the e-mail."""
    try:
        return deliver_email(notification_id)
    except EmailRefused as exc:
        logger.warning("the mail server refused the e-mail of notification %s: %s", notification_id, exc)
        return False
    except EMAIL_ERRORS as exc:
        if self.request.is_eager:
            logger.warning("the e-mail of notification %s could not be sent (%s); the sweep sends it later",
                           notification_id, exc)
            return False
        raise self.retry(exc=exc, countdown=retry_countdown(self, self.request.retries)) from exc


def unsent_emails(now=None):
    """The notifications whose e-mail should have gone and has not, oldest first."""
    now = now or timezone.now()
    after = timedelta(seconds=settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS)
    max_age = timedelta(days=settings.NOTIFICATION_EMAIL_SWEEP_MAX_AGE_DAYS)
    return (Notification.objects.filter(_claimable(now), created_at__lte=now - after,
                                        created_at__gte=now - max_age)
            .exclude(recipient__email="").exclude(recipient__email_digest=True).order_by("created_at", "pk"))


@shared_task(name="notifications.send_unsent_emails", acks_late=True)
def send_unsent_emails() -> int:
    """Send the e-mails that never went (Celery beat, every few minutes); the number sent.

    A mail server that is still away stops the sweep at its first failure (the next sweep
    tries again); a refusal of one e-mail, or a fault in one, does not stop the others."""
    ids = list(unsent_emails().values_list("pk", flat=True)[:settings.NOTIFICATION_EMAIL_SWEEP_BATCH])
    sent = 0
    for done, pk in enumerate(ids):
        try:
            sent += deliver_email(pk)
        except EmailRefused as exc:
            logger.warning("the mail server refused the e-mail of notification %s: %s", pk, exc)
        except EMAIL_ERRORS as exc:
            logger.warning("e-mail sweep stopped, the mail server is unavailable (%s); %s e-mails left "
                           "for the next sweep", exc, len(ids) - done)
            break
        except Exception:
            logger.exception("the e-mail of notification %s could not be written", pk)
    if ids:
        logger.info("e-mail sweep: %s of %s unsent e-mails sent", sent, len(ids))
    return sent


# --- the daily digest ------------------------------------------------------------------------


def deliver_digest(user_id: int, now=None) -> int:
    """E-mail one user the notifications not yet e-mailed (of the last
    ``NOTIFICATION_EMAIL_SWEEP_MAX_AGE_DAYS`` days) in one message; the number it listed.

    The notifications are claimed together first, as ``deliver_email`` claims one, so two
    digests running at once send one e-mail; a failed send releases them for the next day (or
    the next run) and raises."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    recipient = get_user_model().objects.get(pk=user_id)
    if not recipient.email:
        return 0
    max_age = timedelta(days=settings.NOTIFICATION_EMAIL_SWEEP_MAX_AGE_DAYS)
    waiting = Notification.objects.filter(_claimable(now), recipient_id=user_id, created_at__gte=now - max_age)
    ids = list(waiting.values_list("pk", flat=True)[:settings.NOTIFICATION_DIGEST_MAX_ITEMS])
    if not ids or not Notification.objects.filter(_claimable(now), pk__in=ids).update(
            email_claimed_at=now, email_attempts=F("email_attempts") + 1):
        return 0
    mine = Notification.objects.filter(pk__in=ids, email_claimed_at=now)
    notes = list(mine.select_related("actor", "content_type").order_by("created_at", "pk"))
    try:
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            base = settings.PORTAL_BASE_URL.rstrip("/")
            context = {"notes": [(note, base + (note.url or "/")) for note in notes], "recipient": recipient,
                       "link": base + "/notifications/", "count": len(notes)}
            subject = " ".join(render_to_string("notifications/email/digest_subject.txt", context).split())
            body = render_to_string("notifications/email/digest_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    except Exception as exc:
        mine.update(email_claimed_at=None, email_error=f"{type(exc).__name__}: {exc}"[:500])
        raise
    Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
        emailed_at=timezone.now(), email_claimed_at=None, email_error="")
    return len(notes)


@shared_task(name="notifications.send_daily_digests", acks_late=True)
def send_daily_digests() -> int:
    """Each morning (Celery beat, ``NOTIFICATION_DIGEST_HOUR``), one e-mail to every user who
    chose the digest and has notifications not yet e-mailed; the number of e-mails sent.  A mail
    server that is away stops the run; what it did not send waits for the next morning."""
    from django.contrib.auth import get_user_model

    users = (get_user_model().objects.filter(email_digest=True, is_active=True).exclude(email="")
             .filter(notifications__emailed_at__isnull=True, notifications__email_failed_at__isnull=True)
             .distinct().order_by("pk").values_list("pk", flat=True))
    sent = 0
    for user_id in users:
        try:
            sent += deliver_digest(user_id) > 0
        except EMAIL_ERRORS:
            logger.warning("the daily digest could not be sent; it is tried again next time", exc_info=True)
            break
    return sent
