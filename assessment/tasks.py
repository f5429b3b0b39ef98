"""Recomputing the assessment after data changes, debounced.

Every save or delete of a record an indicator counts (and every import, through the data
exchange's ``records_imported`` signal) calls ``schedule_recompute``.  The first call within
``ASSESSMENT_RECOMPUTE_DELAY`` seconds sets a cache flag and, once the transaction commits,
enqueues one ``recompute_assessments`` task with that countdown; later calls only add their
years to the pending set.  An import of 10,000 rows in one transaction therefore runs the
assessment once per affected year, not 10,000 times.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

SCHEDULED_KEY = "assessment:recompute:scheduled"
YEARS_KEY = "assessment:recompute:years"
ALL_YEARS = "all"


def recompute_delay() -> int:
    return int(getattr(settings, "ASSESSMENT_RECOMPUTE_DELAY", 30))


def schedule_recompute(years: Iterable[int] | None = None) -> bool:
    """Ask for one recomputation soon; returns True when this call enqueued the task.

    ``years`` are the years whose data changed (their runs and the next year's, whose
    targets grow from them, are recomputed); ``None`` means any year may be affected.
    """
    pending = cache.get(YEARS_KEY) or set()
    if years is None:
        pending.add(ALL_YEARS)
    else:
        for year in years:
            pending.update({int(year), int(year) + 1})
    delay = recompute_delay()
    cache.set(YEARS_KEY, pending, timeout=delay * 10)
    if not cache.add(SCHEDULED_KEY, True, timeout=delay * 2):
        return False
    transaction.on_commit(lambda: recompute_assessments.apply_async(countdown=delay), robust=True)
    return True


def years_to_recompute(pending: set) -> list[int]:
    """The years worth recomputing: the current year, and earlier years that have a run."""
    from assessment.models import AssessmentRun

    this_year = timezone.localdate().year
    with_runs = set(AssessmentRun.objects.values_list("year", flat=True).distinct())
    wanted = (with_runs | {this_year}) if ALL_YEARS in pending else {y for y in pending if isinstance(y, int)}
    return sorted(y for y in wanted if y <= this_year and (y in with_runs or y == this_year))


@shared_task(name="assessment.recompute_assessments")
def recompute_assessments() -> list[int]:
    """Recompute the assessment of every year whose data changed since the last time."""
    from assessment.models import AssessmentRun
    from assessment.services import assessment_run

    pending = cache.get(YEARS_KEY) or {ALL_YEARS}
    cache.delete_many([YEARS_KEY, SCHEDULED_KEY])
    years = years_to_recompute(pending)
    for year in years:
        assessment_run(year=year, trigger=AssessmentRun.Trigger.DATA_CHANGE)
    logger.info("Assessment recomputed for %s", years)
    return years


@shared_task(name="assessment.run_assessment")
def run_assessment_task(year: int, user_id: int | None = None) -> int:
    """The office's button: compute and store year Y's assessment."""
    from django.contrib.auth import get_user_model

    from assessment.models import AssessmentRun
    from assessment.services import assessment_run

    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return assessment_run(year=year, by=by, trigger=AssessmentRun.Trigger.OFFICE).pk
