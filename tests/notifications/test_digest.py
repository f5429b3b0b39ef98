"""One e-mail a day instead of one per notification, for the users who choose it."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import Kind, Notification
from notifications.services import notify
from notifications.tasks import deliver_digest, send_daily_digests, send_unsent_emails
from tests.factories import NotificationFactory, PlanFactory

pytestmark = pytest.mark.django_db


def age(*notes, minutes: float) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
        created_at=timezone.now() - timedelta(minutes=minutes))


@pytest.fixture
def daily(coord_a):
    coord_a.email_digest = True
    coord_a.language = "zh-hans"
    coord_a.save()
    return coord_a


def test_a_digest_reader_gets_no_email_per_notification(daily, office, faculty_a, django_capture_on_commit_callbacks):
    plan = PlanFactory(faculty=faculty_a)
    with django_capture_on_commit_callbacks(execute=True):
        notes = notify(recipients=[daily, office], kind=Kind.PLAN_APPROVED, record=plan, actor=None)
    assert [m.to for m in mail.outbox] == [[office.email]]
    age(*notes, minutes=60)
    assert send_unsent_emails() == 0  # nor does the sweep send it on its own
    assert Notification.objects.get(recipient=daily).emailed_at is None


def test_the_morning_digest_lists_every_waiting_notification_once(daily, faculty_a):
    first = NotificationFactory(recipient=daily, record_label="合作协议甲")
    second = NotificationFactory(recipient=daily, record_label="交流记录乙", comment="请补充材料")
    sent_before = timezone.now() - timedelta(days=1)
    already = NotificationFactory(recipient=daily, record_label="早已发过", emailed_at=sent_before)
    assert send_daily_digests() == 1
    (message,) = mail.outbox
    assert message.to == [daily.email]
    assert "2" in message.subject and "通知" in message.subject  # in the reader's language
    assert "合作协议甲" in message.body and "交流记录乙" in message.body and "请补充材料" in message.body
    assert "早已发过" not in message.body
    for note in (first, second):
        note.refresh_from_db()
        assert note.emailed_at is not None
    assert send_daily_digests() == 0 and len(mail.outbox) == 1
    already.refresh_from_db()
    assert already.emailed_at == sent_before  # not e-mailed again, not touched


def test_each_user_gets_their_own_digest(daily, coord_b):
    coord_b.email_digest = True
    coord_b.save()
    NotificationFactory(recipient=daily, record_label="给甲")
    NotificationFactory(recipient=coord_b, record_label="给乙")
    assert send_daily_digests() == 2
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "给甲" in bodies[daily.email] and "给乙" not in bodies[daily.email]
    assert "给乙" in bodies[coord_b.email]


def test_a_mail_server_away_keeps_the_digest_for_the_next_run(daily, settings, mailoutbox):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.DownBackend"}}
    note = NotificationFactory(recipient=daily)
    assert send_daily_digests() == 0
    note.refresh_from_db()
    assert note.emailed_at is None and note.email_claimed_at is None and "SMTP" in note.email_error
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = mailoutbox
    assert send_daily_digests() == 1 and len(mail.outbox) == 1


def test_a_digest_being_sent_is_not_sent_twice(daily):
    NotificationFactory(recipient=daily)
    Notification.objects.update(email_claimed_at=timezone.now())  # another run holds them
    assert deliver_digest(daily.pk) == 0 and mail.outbox == []


class DownBackend(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("the mail server is away")


def test_the_user_chooses_on_the_notifications_page(coord_a_client, coord_a):
    page = coord_a_client.get(reverse("notifications:list")).content.decode()
    assert 'value="each" checked' in page
    response = coord_a_client.post(reverse("notifications:preferences"), {"email": "daily"})
    assert response.status_code == 302
    coord_a.refresh_from_db()
    assert coord_a.email_digest
    assert 'value="daily" checked' in coord_a_client.get(reverse("notifications:list")).content.decode()
    coord_a_client.post(reverse("notifications:preferences"), {"email": "each"})
    coord_a.refresh_from_db()
    assert not coord_a.email_digest


def test_an_unknown_choice_changes_nothing(coord_a_client, coord_a):
    with translation.override("en"):
        response = coord_a_client.post(reverse("notifications:preferences"), {"email": "hourly"}, follow=True)
    coord_a.refresh_from_db()
    assert not coord_a.email_digest
    assert any("one e-mail" in str(m) or "每条" in str(m) for m in response.context["messages"])
