"""Recomputing after data changes: debounced to one run, however many rows changed; the debounce
flag is set when the change commits, so a rolled-back save never holds back the next one."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from assessment import tasks
from assessment.models import AssessmentRun, PendingRecompute
from assessment.services import assessment_run
from dataexchange.signals import records_imported
from tests.factories import EventFactory, FacultyFactory

pytestmark = pytest.mark.django_db


def forget_pending() -> None:
    """Creating the test's data scheduled a recompute whose commit never comes (the test
    runs in a transaction that is rolled back): start from nothing pending."""
    cache.delete(tasks.SCHEDULED_KEY)
    PendingRecompute.objects.all().delete()
    drop_commit_callbacks()


def drop_commit_callbacks() -> None:
    """The callbacks a capture ran stay listed (the test's transaction never commits): drop them,
    as a real commit does."""
    connection.run_on_commit[:] = [
        entry for entry in connection.run_on_commit if not isinstance(entry[1], tasks._EnqueueOnCommit)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    forget_pending()
    yield
    forget_pending()


@pytest.fixture
def broker(monkeypatch):
    """A broker is configured: a recompute is enqueued (the enqueue is mocked), never run here."""
    monkeypatch.setattr(tasks, "in_process", lambda: False)
    with mock.patch.object(tasks.recompute_assessments, "apply_async") as enqueue:
        yield enqueue


def test_many_saves_in_one_transaction_schedule_one_recompute(broker, django_capture_on_commit_callbacks):
    faculty = FacultyFactory(code="A")
    forget_pending()
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory.create_batch(50, in_2025=True, faculty=faculty)
    broker.assert_called_once_with(countdown=tasks.recompute_delay())


def test_an_import_schedules_one_recompute_of_the_years_it_touched(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        records_imported.send(sender=AssessmentRun, kind="events", years={2024}, user=None)
        records_imported.send(sender=AssessmentRun, kind="events", years={2025}, user=None)
    broker.assert_called_once()
    assert tasks.pending_years() == {2024, 2025, 2026}


def test_the_flag_is_set_when_the_change_commits_so_a_rolled_back_save_holds_nothing_back(
        broker, django_capture_on_commit_callbacks):
    faculty = FacultyFactory(code="A")
    forget_pending()
    with pytest.raises(RuntimeError), transaction.atomic():
        EventFactory(in_2025=True, faculty=faculty)
        raise RuntimeError("the save fails")
    assert cache.get(tasks.SCHEDULED_KEY) is None  # rolled back: nobody is asked to wait
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(in_2025=True, faculty=faculty)
    broker.assert_called_once()
    assert cache.get(tasks.SCHEDULED_KEY) is True


def test_a_change_committed_while_a_run_waits_asks_for_no_second_one(broker, django_capture_on_commit_callbacks):
    faculty = FacultyFactory(code="A")
    forget_pending()
    for _ in range(3):  # three requests, each its own transaction
        with django_capture_on_commit_callbacks(execute=True) as ran:
            EventFactory(in_2025=True, faculty=faculty)
        assert len(ran) == 1  # each commit asks; only the first finds no run waiting
        drop_commit_callbacks()
    broker.assert_called_once()  # the waiting run reads all three changes
    assert PendingRecompute.objects.count() == 6  # 2025 and 2026, three times


def test_the_recompute_task_reruns_the_changed_years_that_have_runs(django_capture_on_commit_callbacks):
    faculty = FacultyFactory(code="A")
    assessment_run(year=2024)
    assessment_run(year=2023)
    forget_pending()
    with django_capture_on_commit_callbacks(execute=True):  # no broker, no request: runs on commit
        tasks.schedule_recompute([2023])
    # 2023 and 2024 (whose targets grow from 2023) again; 2022 has no run and is left alone.
    assert sorted(AssessmentRun.objects.filter(trigger="data_change").values_list("year", flat=True)) == [2023, 2024]
    assert cache.get(tasks.SCHEDULED_KEY) is None
    drop_commit_callbacks()
    with django_capture_on_commit_callbacks(execute=True):  # the next change runs again
        EventFactory(in_2025=True, faculty=faculty, date=datetime.date(2024, 5, 1))
    assert sorted(AssessmentRun.objects.filter(trigger="data_change").values_list("year", flat=True)) \
        == [2023, 2024, 2024]


def test_a_change_in_unknown_years_recomputes_every_assessed_year_and_this_one():
    assessment_run(year=2020)
    this_year = timezone.localdate().year
    assert tasks.years_to_recompute({tasks.ALL_YEARS}) == sorted({2020, this_year})
