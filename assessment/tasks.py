"""Recomputing the assessment after data changes: durable, debounced, retried and swept.

Every save or delete of a record an indicator counts (and every import, through the data
exchange's ``records_imported`` signal) calls ``schedule_recompute``, which

1. records the need in the database — a ``PendingRecompute`` row per affected year, inserted
   in the save's own transaction, so it is committed exactly when the data is;
2. once the transaction commits, enqueues one ``recompute_assessments`` task with a countdown
   of ``ASSESSMENT_RECOMPUTE_DELAY`` seconds — unless another save did so within that delay (a
   cache flag; the cache is only an optimisation: when it is down every transaction enqueues).
   An enqueue that fails (broker down) is logged and left to the sweep.

Neither a cache nor a broker error ever reaches the save.  ``recompute_assessments`` reads the
pending rows, recomputes their years, then deletes exactly the rows it read: rows committed
while it ran stay for the next run.  It retries with backoff when the computation fails, and
it is acknowledged late, so a worker killed in the middle gets it redelivered.  The beat task
``sweep_pending_recomputes`` (every ``ASSESSMENT_SWEEP_SECONDS``) recomputes whatever is still
pending after the delay — after a lost enqueue, a dead worker or a broker outage, the served
assessment equals a fresh ``run_assessment`` within ``delay + sweep interval`` of recovery.

Without a broker (eager mode, ``make run``) the task runs in the request once the transaction
commits, as before; the sweep then only runs from ``manage.py recompute_pending`` or a beat.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

SCHEDULED_KEY = "assessment:recompute:scheduled"
# No longer written (the pending years live in PendingRecompute); kept for tests that clear it.
YEARS_KEY = "assessment:recompute:years"
ALL_YEARS = 0  # PendingRecompute.ALL_YEARS: any year may be affected
DELETE_BATCH = 1000  # handled rows deleted per statement (SQLite bounds the parameters)


def recompute_delay() -> int:
    return settings.ASSESSMENT_RECOMPUTE_DELAY


def max_retries() -> int:
    return settings.ASSESSMENT_RECOMPUTE_RETRIES


def _expand(years: Iterable[int] | None) -> set[int]:
    """A change in year Y affects Y's run and Y+1's (whose targets grow from Y's values)."""
    if years is None:
        return {ALL_YEARS}
    expanded: set[int] = set()
    for year in years:
        expanded.update({int(year), int(year) + 1})
    return expanded


class _EnqueueOnCommit:
    def __call__(self) -> None:
        enqueue_recompute()


def _enqueue_pending(connection) -> bool:
    """Whether this transaction already has an enqueue waiting for its commit (Django drops the
    callbacks of a rolled-back savepoint, so one found here will run)."""
    try:
        return any(isinstance(entry[1], _EnqueueOnCommit) for entry in connection.run_on_commit)
    except (AttributeError, IndexError, TypeError):  # another Django's internals: enqueue again
        return False


def _flag_scheduled() -> bool | None:
    """Set the debounce flag: True when this caller should enqueue, False when another change
    did within the delay, None when the cache is down (enqueue, once per transaction)."""
    try:
        return bool(cache.add(SCHEDULED_KEY, True, timeout=recompute_delay() * 2))
    except Exception:  # any cache backend error: the cache is only an optimisation
        logger.warning("Cache unavailable: the assessment recompute is not debounced", exc_info=True)
        return None


def _clear_scheduled() -> None:
    try:
        cache.delete(SCHEDULED_KEY)
    except Exception:  # the flag expires on its own
        logger.warning("Cache unavailable: could not clear the recompute flag", exc_info=True)


def enqueue_recompute() -> bool:
    """Send ``recompute_assessments`` with the debounce countdown; never raises.

    A failure (broker down, or in eager mode the computation itself) is logged: the pending rows
    stay in the database for the sweep or the next change.
    """
    try:
        recompute_assessments.apply_async(countdown=recompute_delay())
    except Exception:  # after the commit nothing may fail the save
        logger.exception("Could not run or enqueue the assessment recompute; it stays pending for the sweep")
        _clear_scheduled()  # let the next change try again
        return False
    return True


_suspension = threading.local()


@contextmanager
def recompute_suspended() -> Iterator[None]:
    """Record no recompute for the changes made inside (this thread only).

    For bulk work that assesses the years itself once it is done — ``seed_demo`` fills every
    app, then ``assessment.demo.after_seed`` runs the assessment on the finished data — so that
    thousands of demo saves neither recompute one by one nor leave a queue behind.
    """
    _suspension.depth = getattr(_suspension, "depth", 0) + 1
    try:
        yield
    finally:
        _suspension.depth -= 1


def schedule_recompute(years: Iterable[int] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Record that the assessment of ``years`` must be recomputed, and ask for it soon.

    ``years`` are the years whose data changed (their runs and the next year's, whose targets
    grow from them, are recomputed); ``None`` means any year may be affected.  An empty
    collection records nothing.  Returns True when this call arranged the enqueue.  Raises only
    what the database raises (the save fails with it anyway); never a cache or broker error.
    """
    from assessment.models import PendingRecompute

    wanted = _expand(years)
    if not wanted or getattr(_suspension, "depth", 0):
        return False
    # Inserted, never upserted: no lock on a shared row, so concurrent saves never wait for
    # each other here; the run that handles them deletes them all at once.
    PendingRecompute.objects.using(using).bulk_create([PendingRecompute(year=y) for y in sorted(wanted)])
    connection = connections[using]
    flagged = _flag_scheduled()
    if flagged is False:  # another change enqueued within the delay; its run reads our rows
        return False
    if not connection.in_atomic_block:  # autocommit: the row is committed already
        return enqueue_recompute()
    if flagged is None and _enqueue_pending(connection):  # cache down: once per transaction
        return False
    transaction.on_commit(_EnqueueOnCommit(), using=using)
    return True


def pending_years(*, using: str = DEFAULT_DB_ALIAS) -> set[int]:
    """The years recorded as pending (``ALL_YEARS`` for "any year")."""
    from assessment.models import PendingRecompute

    return set(PendingRecompute.objects.using(using).values_list("year", flat=True).distinct())


def years_to_recompute(pending: set) -> list[int]:
    """The years worth recomputing: the current year, and earlier years that have a run."""
    from assessment.models import AssessmentRun

    this_year = timezone.localdate().year
    with_runs = set(AssessmentRun.objects.values_list("year", flat=True).distinct())
    wanted = (with_runs | {this_year}) if ALL_YEARS in pending else {y for y in pending if y and y > 0}
    return sorted(y for y in wanted if y <= this_year and (y in with_runs or y == this_year))


def recompute_pending() -> list[int]:
    """Recompute the years of the pending rows, then delete exactly those rows."""
    from assessment.models import AssessmentRun, PendingRecompute
    from assessment.services import assessment_run

    rows = list(PendingRecompute.objects.order_by("pk").values_list("pk", "year"))
    if not rows:
        return []
    years = years_to_recompute({year for _pk, year in rows})
    for year in years:
        assessment_run(year=year, trigger=AssessmentRun.Trigger.DATA_CHANGE)
    handled = [pk for pk, _year in rows]
    for start in range(0, len(handled), DELETE_BATCH):
        PendingRecompute.objects.filter(pk__in=handled[start:start + DELETE_BATCH]).delete()
    logger.info("Assessment recomputed for %s", years)
    return years


@shared_task(bind=True, name="assessment.recompute_assessments", acks_late=True)
def recompute_assessments(self) -> list[int]:
    """Recompute the assessment of every year whose data changed since the last time."""
    # Changes from now on schedule a new run: this one may not see them.
    _clear_scheduled()
    try:
        return recompute_pending()
    except Exception as exc:
        if self.request.is_eager:  # in a web request: never retry in-line; the rows stay pending
            raise
        retries = self.request.retries
        logger.warning("Assessment recompute failed (attempt %s); retrying", retries + 1, exc_info=True)
        raise self.retry(exc=exc, countdown=min(600, 15 * 2**retries), max_retries=max_retries()) from exc


@shared_task(name="assessment.sweep_pending_recomputes", acks_late=True)
def sweep_pending_recomputes() -> list[int]:
    """The beat's safety net: recompute when a change has been pending longer than the delay."""
    from assessment.models import PendingRecompute

    cutoff = timezone.now() - timedelta(seconds=recompute_delay())
    if not PendingRecompute.objects.filter(requested_at__lte=cutoff).exists():
        return []
    logger.warning("Assessment changes pending since before %s: recomputing now", cutoff)
    return recompute_pending()


@shared_task(name="assessment.run_assessment")
def run_assessment_task(year: int, user_id: int | None = None) -> int:
    """The office's button: compute and store year Y's assessment."""
    from django.contrib.auth import get_user_model

    from assessment.models import AssessmentRun
    from assessment.services import assessment_run

    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return assessment_run(year=year, by=by, trigger=AssessmentRun.Trigger.OFFICE).pk
