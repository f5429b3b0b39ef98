"""The in-portal notification list, the navbar's unread count, and the e-mails."""

from __future__ import annotations

import pytest
from django.urls import reverse

from faculties import services
from notifications.models import Notification
from notifications.reminders import send_reminders
from notifications.tasks import send_notification_email
from tests.factories import NotificationFactory, PlanFactory, PlanTargetFactory

pytestmark = pytest.mark.django_db


def test_the_navbar_shows_the_unread_count(coord_a_client, coord_a):
    NotificationFactory.create_batch(3, recipient=coord_a)
    NotificationFactory(recipient=coord_a, read_at="2025-01-01T00:00:00Z")
    body = coord_a_client.get(reverse("home"), follow=True).content.decode()
    assert 'text-bg-warning">3<' in body


def test_a_user_sees_only_their_own_notifications(coord_a_client, coord_a, coord_b):
    NotificationFactory(recipient=coord_a, record_label="给甲的通知")
    other = NotificationFactory(recipient=coord_b, record_label="给乙的通知")
    body = coord_a_client.get(reverse("notifications:list")).content.decode()
    assert "给甲的通知" in body and "给乙的通知" not in body
    assert coord_a_client.post(reverse("notifications:open", args=[other.pk])).status_code == 404
    assert coord_a_client.post(reverse("notifications:mark-read", args=[other.pk])).status_code == 404


def test_opening_a_notification_marks_it_read_and_goes_to_its_record(coord_a_client, coord_a):
    note = NotificationFactory(recipient=coord_a, url="/faculties/plans/1/")
    response = coord_a_client.post(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == "/faculties/plans/1/"
    note.refresh_from_db()
    assert note.is_read


def test_a_notification_never_redirects_off_site(coord_a_client, coord_a):
    note = NotificationFactory(recipient=coord_a, url="https://evil.example.com/")
    assert coord_a_client.post(reverse("notifications:open", args=[note.pk]))["Location"] == reverse(
        "notifications:list")


def test_marking_all_read_leaves_other_users_alone(coord_a_client, coord_a, coord_b):
    NotificationFactory.create_batch(2, recipient=coord_a)
    theirs = NotificationFactory(recipient=coord_b)
    coord_a_client.post(reverse("notifications:mark-all-read"))
    assert not Notification.objects.filter(recipient=coord_a, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_marking_read_needs_a_post(coord_a_client, coord_a):
    note = NotificationFactory(recipient=coord_a)
    assert coord_a_client.get(reverse("notifications:mark-read", args=[note.pk])).status_code == 405


def test_the_list_filters_unread_and_by_kind(coord_a_client, coord_a):
    NotificationFactory(recipient=coord_a, kind="plan_returned", record_label="退回的规划")
    NotificationFactory(recipient=coord_a, kind="plan_approved", record_label="批准的规划", read_at="2025-01-01T00:00Z")
    body = coord_a_client.get(reverse("notifications:list"), {"state": "unread"}).content.decode()
    assert "退回的规划" in body and "批准的规划" not in body
    body = coord_a_client.get(reverse("notifications:list"), {"kind": "plan_approved"}).content.decode()
    assert "退回的规划" not in body and "批准的规划" in body


def test_the_empty_list_says_what_will_arrive_here(coord_a_client):
    assert "暂无通知" in coord_a_client.get(reverse("notifications:list")).content.decode()


def test_the_message_is_shown_in_the_readers_language(coord_a_client, coord_a, office):
    NotificationFactory(recipient=coord_a, kind="plan_approved", actor=office, record_label="规划X")
    assert "已批准规划“规划X”" in coord_a_client.get(reverse("notifications:list")).content.decode()
    coord_a.language = "en"
    coord_a.save()
    assert "approved the plan “规划X”" in coord_a_client.get(reverse("notifications:list")).content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_the_notification_list_query_count_does_not_grow_with_rows(coord_a_client, coord_a, office, rows,
                                                                   django_assert_num_queries):
    NotificationFactory.create_batch(rows, recipient=coord_a, actor=office)
    # session, user; count, page of notifications joined with their actors;
    # the navbar: roles, unread count
    with django_assert_num_queries(6):
        assert coord_a_client.get(reverse("notifications:list")).status_code == 200


def test_the_email_is_written_in_the_recipients_language(faculty_a, coord_a, office, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    office.language = "en"
    office.save()
    plan = PlanFactory(faculty=faculty_a, title="甲学院规划")
    PlanTargetFactory(plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_submit(plan=plan, by=coord_a, comment="请审阅")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [office.email]
    assert "submitted the plan" in mailoutbox[0].body and "请审阅" in mailoutbox[0].body
    assert plan.get_absolute_url() in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_return(plan=plan, by=office, comment="请补充")
    assert "退回了规划" in mailoutbox[1].body
    assert mailoutbox[1].subject.startswith("[国际交流与合作管理平台]")


def test_no_email_leaves_before_the_transaction_commits(faculty_a, coord_a, office, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    plan = PlanFactory(faculty=faculty_a)
    PlanTargetFactory(plan=plan)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.plan_submit(plan=plan, by=coord_a)
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_sending_a_notification_email_twice_sends_it_once(coord_a, mailoutbox):
    note = NotificationFactory(recipient=coord_a)
    assert send_notification_email(note.pk) is True
    assert send_notification_email(note.pk) is False
    assert len(mailoutbox) == 1


def test_a_failed_send_is_released_for_the_retry(coord_a, monkeypatch):
    note = NotificationFactory(recipient=coord_a)

    def broken(*args, **kwargs):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr("notifications.tasks.send_mail", broken)
    with pytest.raises(OSError):
        send_notification_email.run(note.pk)
    note.refresh_from_db()
    assert note.emailed_at is None


def test_the_tasks_retry_with_backoff_and_acknowledge_late():
    assert send_reminders.acks_late and send_reminders.retry_backoff and send_reminders.max_retries == 5
    assert OSError in send_reminders.autoretry_for
    # The e-mail task retries by itself, for more than an hour: tests/notifications/test_email_outage.py.
    assert send_notification_email.acks_late and send_notification_email.retry_backoff >= 30
