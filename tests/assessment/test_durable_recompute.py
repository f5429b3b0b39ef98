"""Issue 20, items 4 and 5: recomputes survive cache and broker outages, are retried and swept.

The outage is simulated: the cache raises redis' ``ConnectionError`` on every call and the
broker enqueue raises kombu's ``OperationalError``, as they do with Redis down.  The real-Redis
cases live in ``tests/faults/``.
"""

from __future__ import annotations

import datetime
import json
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import OperationalError
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

from assessment import tasks
from assessment.models import AssessmentRun, PendingRecompute
from assessment.services import assessment_run, compute, current_parameters
from dataexchange.signals import records_imported
from exchanges import services as exchange_services
from exchanges.models import Event, Mobility
from intlportal.celery import RedisChannel, _Detached, app
from tests.factories import EventFactory, MobilityFactory

pytestmark = pytest.mark.django_db

YEAR = 2025


class DownCache:
    """The cache with Redis gone: every call raises what django's RedisCache raises."""

    calls = 0

    def __getattr__(self, name):
        def down(*args, **kwargs):
            DownCache.calls += 1
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        return down


@pytest.fixture(autouse=True)
def _nothing_pending():
    cache.delete(tasks.SCHEDULED_KEY)
    yield
    cache.delete(tasks.SCHEDULED_KEY)


@pytest.fixture
def redis_down(monkeypatch):
    """Cache and broker both down; yields the mock of the (failing) enqueue."""
    forget_pending()
    monkeypatch.setattr(tasks, "in_process", lambda: False)  # a broker is configured, and down
    monkeypatch.setattr(tasks, "cache", DownCache())
    enqueue = mock.Mock(side_effect=OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused."))
    monkeypatch.setattr(tasks.recompute_assessments, "apply_async", enqueue)
    DownCache.calls = 0
    forget_pending()
    return enqueue


def forget_pending() -> None:
    """The test's data was set up in the test's transaction, which never commits: make it look
    committed long ago — nothing pending, no enqueue waiting for a commit."""
    PendingRecompute.objects.all().delete()
    cache.delete(tasks.SCHEDULED_KEY)
    connection.run_on_commit[:] = [
        entry for entry in connection.run_on_commit if not isinstance(entry[1], tasks._EnqueueOnCommit)]


def fresh_document(year: int) -> dict:
    """What a fresh ``run_assessment`` computes now, as the stored JSON document holds it."""
    document = compute(year=year, parameters=current_parameters(year)).document()
    return json.loads(json.dumps(document, cls=DjangoJSONEncoder))


def served_document(year: int) -> dict:
    return AssessmentRun.objects.latest_for(year).document


def make_stale(faculty_a) -> None:
    """A year with a run, then a change the run does not include yet."""
    EventFactory(in_2025=True, faculty=faculty_a, date=datetime.date(YEAR, 4, 1))
    assessment_run(year=YEAR)
    forget_pending()


def age_pending(seconds: int) -> None:
    PendingRecompute.objects.update(requested_at=timezone.now() - timedelta(seconds=seconds))


# --- item 4: a save never fails or half-fails on a cache or broker outage -----------------------


def event_form(faculty, title="Symposium on exchange") -> dict:
    return {"faculty": faculty.pk, "kind": Event.Kind.CONFERENCE_HOSTED, "title": title,
            "date": f"{YEAR}-05-20", "participants_total": 40, "participants_foreign": 12}


def test_creating_a_counted_record_with_redis_down_succeeds_and_records_the_recompute(
        office_client, faculty_a, redis_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(reverse("exchanges:event-create"), event_form(faculty_a))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Event.objects.filter(title="Symposium on exchange").count() == 1
    assert DownCache.calls > 0  # the cache was tried, and its error did not reach the save
    redis_down.assert_called_once()  # the enqueue was tried after the commit, and failed quietly
    assert tasks.pending_years() == {YEAR, YEAR + 1}  # the event's year, and the next (targets)


def test_approving_a_counted_record_with_redis_down_succeeds_and_records_the_recompute(
        office, faculty_a, redis_down, django_capture_on_commit_callbacks):
    mobility = MobilityFactory(in_2025=True, faculty=faculty_a, status=Mobility.Status.PLANNED)
    forget_pending()
    with django_capture_on_commit_callbacks(execute=True):
        exchange_services.mobility_approve(mobility=mobility, by=office)
    mobility.refresh_from_db()
    assert mobility.status == Mobility.Status.APPROVED
    assert PendingRecompute.objects.exists()
    assert redis_down.called


def test_many_saves_with_the_cache_down_enqueue_once_per_transaction(
        faculty_a, redis_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory.create_batch(20, in_2025=True, faculty=faculty_a)
    redis_down.assert_called_once()


def test_the_pending_row_is_part_of_the_saves_transaction(faculty_a, redis_down):
    with pytest.raises(RuntimeError), transaction.atomic():
        EventFactory(in_2025=True, faculty=faculty_a)
        assert PendingRecompute.objects.exists()
        raise RuntimeError("the save fails")
    assert not PendingRecompute.objects.exists()  # rolled back with the data it describes
    assert not redis_down.called


def test_an_import_with_redis_down_records_its_years(redis_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        records_imported.send(sender=AssessmentRun, kind="events", years={YEAR}, user=None)
    assert tasks.pending_years() == {YEAR, YEAR + 1}
    redis_down.assert_called_once()


# --- item 5: the recompute is durable, retried and swept ------------------------------------


def test_after_the_outage_the_sweep_serves_what_a_fresh_run_computes(
        office_client, faculty_a, redis_down, django_capture_on_commit_callbacks, monkeypatch):
    make_stale(faculty_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(reverse("exchanges:event-create"), event_form(faculty_a))
    assert response.status_code == 302
    assert served_document(YEAR) != fresh_document(YEAR)  # stale: the enqueue was lost

    monkeypatch.setattr(tasks, "cache", cache)  # Redis is back; nothing was re-sent by anyone
    assert tasks.sweep_pending_recomputes() == []  # not pending longer than the delay yet
    age_pending(tasks.recompute_delay() + 1)
    years = tasks.sweep_pending_recomputes()
    assert YEAR in years
    assert served_document(YEAR) == fresh_document(YEAR)
    assert not PendingRecompute.objects.exists()


def test_the_recompute_deletes_only_the_rows_it_read(faculty_a):
    make_stale(faculty_a)
    tasks.schedule_recompute([YEAR])
    handled = set(PendingRecompute.objects.values_list("pk", flat=True))
    real_run = assessment_run

    def run_while_a_save_commits(**kwargs):
        PendingRecompute.objects.create(year=YEAR)  # a change committed while the task computes
        return real_run(**kwargs)

    with mock.patch("assessment.services.assessment_run", side_effect=run_while_a_save_commits):
        assert YEAR in tasks.recompute_pending()
    left = set(PendingRecompute.objects.values_list("pk", flat=True))
    assert left and not (left & handled)


def test_a_failed_recompute_keeps_its_rows_and_retries_with_backoff(faculty_a):
    make_stale(faculty_a)
    tasks.schedule_recompute([YEAR])
    pending = set(PendingRecompute.objects.values_list("pk", flat=True))
    task = tasks.recompute_assessments
    task.push_request(is_eager=False, retries=2)
    try:
        with (
            mock.patch("assessment.services.assessment_run", side_effect=RuntimeError("database went away")),
            mock.patch.object(task, "retry", side_effect=Retry()) as retry,
            pytest.raises(Retry),
        ):
            task.run()
    finally:
        task.pop_request()
    assert retry.call_args.kwargs["countdown"] == 60  # 15 s · 2²
    assert retry.call_args.kwargs["max_retries"] == tasks.max_retries()
    assert set(PendingRecompute.objects.values_list("pk", flat=True)) == pending
    assert tasks.recompute_assessments.acks_late


def test_in_eager_mode_a_failing_recompute_never_fails_the_save(faculty_a, django_capture_on_commit_callbacks):
    with (
        mock.patch("assessment.services.assessment_run", side_effect=RuntimeError("boom")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        EventFactory(in_2025=True, faculty=faculty_a)
    assert Event.objects.exists()
    assert PendingRecompute.objects.exists()  # still pending for the next change or the sweep


def test_an_empty_set_of_years_records_nothing(redis_down):
    assert tasks.schedule_recompute(set()) is False
    assert not PendingRecompute.objects.exists() and not redis_down.called


def test_the_sweep_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["assessment-recompute-sweep"]
    assert entry["task"] == tasks.sweep_pending_recomputes.name
    assert entry["schedule"] == settings.ASSESSMENT_SWEEP_SECONDS


def test_the_recompute_pending_command(faculty_a):
    make_stale(faculty_a)
    tasks.schedule_recompute([YEAR])
    out = StringIO()
    call_command("recompute_pending", stdout=out)
    assert str(YEAR) in out.getvalue()
    assert served_document(YEAR) == fresh_document(YEAR)
    call_command("recompute_pending", stdout=out)
    assert "Nothing to recompute" in out.getvalue()


# --- item 1: the worker health check --------------------------------------------------------


@pytest.fixture
def with_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False


def test_the_health_check_passes_without_a_broker():
    out = StringIO()
    call_command("celery_health", stdout=out)
    assert "in-process" in out.getvalue()


def test_the_health_check_fails_when_no_worker_answers(with_broker):
    with mock.patch.object(app.control, "ping", return_value=[]), pytest.raises(CommandError) as failed:
        call_command("celery_health", "--timeout", "0.1")
    assert failed.value.returncode == 1


def test_the_health_check_says_when_the_broker_is_down(with_broker):
    with (
        mock.patch.object(app.control, "ping", side_effect=OperationalError("Connection refused")),
        pytest.raises(CommandError) as failed,
    ):
        call_command("celery_health")
    assert failed.value.returncode == 3


def test_the_health_check_fails_when_a_recompute_is_left_pending(with_broker, faculty_a):
    replies = [{"worker@host": {"ok": "pong"}}]
    forget_pending()
    PendingRecompute.objects.create(year=YEAR)
    out = StringIO()
    with mock.patch.object(app.control, "ping", return_value=replies):
        call_command("celery_health", stdout=out)
        assert "worker@host" in out.getvalue()
        age_pending(3600)
        with pytest.raises(CommandError) as failed:
            call_command("celery_health")
    assert failed.value.returncode == 1 and "pending" in str(failed.value)


# --- item 1: the Redis transport survives a channel closed after its transport --------------


def test_a_channel_closed_after_its_transport_still_builds_its_connection_pool():
    """celery 5.7 closes a channel after ``collect()`` detached its transport; restoring or
    acknowledging the held message then builds a pool from ``transport.client`` (None)."""
    def closed_channel(cls):
        channel = object.__new__(cls)
        channel.connection = None  # what Transport.close_channel leaves
        channel._opened_with = _Detached(Connection("redis://127.0.0.1:6390/3"), 6379)
        return channel

    with pytest.raises(AttributeError):
        closed_channel(kombu_redis.Channel)._connparams()
    params = closed_channel(RedisChannel)._connparams()
    assert (params["host"], params["port"], params["db"]) == ("127.0.0.1", 6390, 3)
