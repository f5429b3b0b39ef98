"""Recomputing after data changes: debounced to one run, however many rows changed."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
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


@pytest.fixture(autouse=True)
def _fresh_cache():
    forget_pending()
    yield
    forget_pending()


def test_many_saves_in_one_transaction_schedule_one_recompute(django_capture_on_commit_callbacks):
    faculty = FacultyFactory(code="A")
    forget_pending()
    with (
        mock.patch.object(tasks.recompute_assessments, "apply_async") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        EventFactory.create_batch(50, in_2025=True, faculty=faculty)
    enqueue.assert_called_once_with(countdown=tasks.recompute_delay())


def test_an_import_schedules_one_recompute_of_the_years_it_touched(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(tasks.recompute_assessments, "apply_async") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        records_imported.send(sender=AssessmentRun, kind="events", years={2024}, user=None)
        records_imported.send(sender=AssessmentRun, kind="events", years={2025}, user=None)
    enqueue.assert_called_once()
    assert tasks.pending_years() == {2024, 2025, 2026}


def test_the_recompute_task_reruns_the_changed_years_that_have_runs(django_capture_on_commit_callbacks):
    faculty = FacultyFactory(code="A")
    assessment_run(year=2024)
    assessment_run(year=2023)
    forget_pending()
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: runs on commit
        tasks.schedule_recompute([2023])
    # 2023 and 2024 (whose targets grow from 2023) again; 2022 has no run and is left alone.
    assert sorted(AssessmentRun.objects.filter(trigger="data_change").values_list("year", flat=True)) == [2023, 2024]
    assert cache.get(tasks.SCHEDULED_KEY) is None
    EventFactory(in_2025=True, faculty=faculty)  # the next change schedules again
    assert cache.get(tasks.SCHEDULED_KEY) is True


def test_a_change_in_unknown_years_recomputes_every_assessed_year_and_this_one():
    assessment_run(year=2020)
    this_year = timezone.localdate().year
    assert tasks.years_to_recompute({tasks.ALL_YEARS}) == sorted({2020, this_year})
