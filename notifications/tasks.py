"""Celery tasks of notifications: one e-mail per notification, and the nightly reminders.

Both are idempotent, so retrying them (``acks_late``, ``autoretry_for`` with exponential
backoff) never sends anything twice.  Without a broker they run in-process.
"""

from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import Notification

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (SMTPException, OSError, DatabaseError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(name="notifications.send_notification_email", **RETRY)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification to its recipient, in the recipient's language.

    The notification is claimed (``emailed_at`` set) before sending, so two deliveries of the
    same task send one e-mail; a failed send releases the claim and the retry sends it."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now())
    if not claimed:
        return False
    note = Notification.objects.select_related("recipient", "actor").get(pk=notification_id)
    recipient = note.recipient
    if not recipient.email:
        return False
    try:
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            context = {"note": note, "recipient": recipient,
                       "link": settings.PORTAL_BASE_URL.rstrip("/") + (note.url or "/")}
            subject = " ".join(render_to_string("notifications/email/subject.txt", context).split())
            body = render_to_string("notifications/email/body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


@shared_task(name="notifications.send_reminders", **RETRY)
def send_reminders() -> int:
    """The nightly reminders (Celery beat); see ``notifications.reminders``."""
    from notifications.reminders import send_due_reminders

    sent = send_due_reminders()
    logger.info("reminders sent for %s items", sent)
    return sent
