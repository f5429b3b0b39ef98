"""Recomputing the assessment after data changes: only the touched years, never in the request.

Every save or delete of a record an indicator counts (and every import, through the data
exchange's ``records_imported`` signal) calls ``schedule_recompute`` with the years the change
touches (``assessment.signals``: the years the record counts in before and after the change;
none when it counted nothing, as a record the office never verified, or when only a
coordinator's proposal moved).  ``schedule_recompute``

1. records the need in the database — a ``PendingRecompute`` row per affected year, inserted
   in the save's own transaction, so it is committed exactly when the data is;
2. once the transaction commits (one callback per transaction), asks for a run — unless a run
   asked for within ``ASSESSMENT_RECOMPUTE_DELAY`` has not started yet: it will read this
   change's rows, which are committed by then.  That debounce is a cache flag set in the
   commit callback (a rolled-back save sets nothing), written with ``cache.add`` and cleared by
   the run as it starts; no shared cache key is ever read, changed and written back.  When the
   cache is down every transaction asks.

Asking for a run means, with a broker, enqueuing ``recompute_assessments`` with a countdown of
the delay (one run per burst of changes; nothing runs in the request).  An enqueue that fails
(broker down) is logged and left to the sweep.  Without a broker (``CELERY_TASK_ALWAYS_EAGER``)
the run happens in this process: after the response is sent when in a web request
(``intlportal.deferred``), so a save answers as fast as its own queries allow, and at once
outside one (a command, the shell).  There is no beat then either: the dashboard sweeps before
it shows the figures (``recompute_before_showing``), so a run lost with its process is made up.

Neither a cache nor a broker error ever reaches the save.  ``recompute_assessments`` reads the
pending rows, recomputes their years — those that have a run, and the current year, never a
year the office published (its run is the official result, ``assessment.selectors
.published_years``) — then deletes exactly the rows it read: rows committed while it ran stay
for the next run.  It retries with backoff when the computation fails, and it is acknowledged
late, so a worker killed in the middle gets it redelivered.  The beat task
``sweep_pending_recomputes`` (every ``ASSESSMENT_SWEEP_SECONDS``) recomputes whatever is still
pending after the delay — after a lost enqueue, a dead worker or a broker outage, the served
assessment equals a fresh ``run_assessment`` within ``delay + sweep interval`` of recovery.
Without a broker, ``manage.py recompute_pending`` runs the same sweep by hand.
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

from intlportal import deferred

logger = logging.getLogger(__name__)

SCHEDULED_KEY = "assessment:recompute:scheduled"
ALL_YEARS = 0  # PendingRecompute.ALL_YEARS: any year may be affected
MANY_YEARS = 12
DELETE_BATCH = 1000  # handled rows deleted per statement (SQLite bounds the parameters)


def recompute_delay() -> int:
    return settings.ASSESSMENT_RECOMPUTE_DELAY


def max_retries() -> int:
    return settings.ASSESSMENT_RECOMPUTE_RETRIES


def _expand(years: Iterable[int] | None) -> set[int]:
    """A change in year Y affects Y's run and Y+1's (whose targets grow from Y's values).  A
    change reaching over more than ``MANY_YEARS`` (a staff member hired decades ago) is recorded
    as "any year": one row, and every year with a run is recomputed."""
    if years is None:
        return {ALL_YEARS}
    expanded: set[int] = set()
    for year in years:
        expanded.update({int(year), int(year) + 1})
    return {ALL_YEARS} if len(expanded) > MANY_YEARS else expanded


class _EnqueueOnCommit:
    """The commit callback of a transaction that recorded pending years (one per transaction)."""

    def __call__(self) -> None:
        request_run()


def _enqueue_pending(connection) -> bool:
    """Whether this transaction already has an enqueue waiting for its commit (Django drops the
    callbacks of a rolled-back savepoint, so one found here will run)."""
    try:
        return any(isinstance(entry[1], _EnqueueOnCommit) for entry in connection.run_on_commit)
    except (AttributeError, IndexError, TypeError):  # another Django's internals: enqueue again
        return False


def _flag_scheduled() -> bool | None:
    """Set the debounce flag once the change is committed: True when this caller should ask
    for a run, False when a run asked for within the delay has not started yet (it reads the
    committed rows), None when the cache is down (ask, once per transaction)."""
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


def in_process() -> bool:
    """No broker: Celery runs tasks in this process, at once (``CELERY_TASK_ALWAYS_EAGER``)."""
    return bool(recompute_assessments.app.conf.task_always_eager)


def request_run() -> bool:
    """After a commit that recorded pending years: ask for a run unless one asked for within the
    delay has not started yet.  Returns True when this call asked; never raises."""
    if _flag_scheduled() is False:
        return False
    return enqueue_recompute()


def enqueue_recompute() -> bool:
    """Ask for ``recompute_assessments``: with a broker, enqueue it with the debounce countdown;
    without one, run it here after the response is sent (at once outside a request).  Never
    raises: a failure (broker down) is logged, and the pending rows stay in the database for the
    sweep or the next change.
    """
    if in_process():
        deferred.after_response(run_in_process, key=SCHEDULED_KEY)
        return True
    try:
        recompute_assessments.apply_async(countdown=recompute_delay())
    except Exception:  # after the commit nothing may fail the save
        logger.exception("Could not enqueue the assessment recompute; it stays pending for the sweep")
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
    collection records nothing.  Returns True when this call asked for a run, or arranged to on
    commit.  Raises only what the database raises (the save fails with it anyway); never a cache
    or broker error.
    """
    from assessment.models import PendingRecompute

    wanted = _expand(years)
    if not wanted or getattr(_suspension, "depth", 0):
        return False
    # Inserted, never upserted: no lock on a shared row, so concurrent saves never wait for
    # each other here; the run that handles them deletes them all at once.
    PendingRecompute.objects.using(using).bulk_create([PendingRecompute(year=y) for y in sorted(wanted)])
    connection = connections[using]
    if not connection.in_atomic_block:  # autocommit: the rows are committed already
        return request_run()
    if _enqueue_pending(connection):  # this transaction asks once, when it commits
        return False
    transaction.on_commit(_EnqueueOnCommit(), using=using)
    return True


def pending_years(*, using: str = DEFAULT_DB_ALIAS) -> set[int]:
    """The years recorded as pending (``ALL_YEARS`` for "any year")."""
    from assessment.models import PendingRecompute

    return set(PendingRecompute.objects.using(using).values_list("year", flat=True).distinct())


def years_to_recompute(pending: set) -> list[int]:
    """The years worth recomputing: the current year, and earlier years that have a run — never
    a published year, whose published run is the official result."""
    from assessment.models import AssessmentRun
    from assessment.selectors import published_years

    this_year = timezone.localdate().year
    with_runs = set(AssessmentRun.objects.values_list("year", flat=True).distinct())
    wanted = (with_runs | {this_year}) if ALL_YEARS in pending else {y for y in pending if y and y > 0}
    frozen = published_years()
    return sorted(y for y in wanted
                  if y <= this_year and (y in with_runs or y == this_year) and y not in frozen)


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


def run_in_process() -> list[int]:
    """Without a broker: recompute what is pending, here and now.  A failure is logged and its
    rows stay pending for the next change, the next dashboard view or ``recompute_pending``."""
    _clear_scheduled()  # changes from now on ask again: this run may not see them
    try:
        return recompute_pending()
    except Exception:
        logger.exception("Assessment recompute failed; the changes stay pending")
        return []


def _overdue() -> bool:
    """Whether a change has been pending longer than the delay: the run that owed it was lost."""
    from assessment.models import PendingRecompute

    cutoff = timezone.now() - timedelta(seconds=recompute_delay())
    if not PendingRecompute.objects.filter(requested_at__lte=cutoff).exists():
        return False
    logger.warning("Assessment changes pending since before %s: recomputing now", cutoff)
    return True


def recompute_before_showing() -> list[int]:
    """The dashboard's call.  Without a broker there is no beat either, so the dashboard sweeps:
    a change pending longer than the delay (its run was lost with the process that owed it) is
    recomputed before the figures are shown.  With a broker, the beat's sweep does it."""
    if in_process() and _overdue():
        return run_in_process()
    return []


@shared_task(bind=True, name="assessment.recompute_assessments", acks_late=True)
def recompute_assessments(self) -> list[int]:
    """Recompute the assessment of every year whose data changed since the last time."""
    # Changes from now on schedule a new run: this one may not see them.
    _clear_scheduled()
    try:
        return recompute_pending()
    except Exception as exc:
        if self.request.is_eager:  # in-process: never retry in-line; the rows stay pending
            raise
        retries = self.request.retries
        logger.warning("Assessment recompute failed (attempt %s); retrying", retries + 1, exc_info=True)
        raise self.retry(exc=exc, countdown=min(600, 15 * 2**retries), max_retries=max_retries()) from exc


@shared_task(name="assessment.sweep_pending_recomputes", acks_late=True)
def sweep_pending_recomputes() -> list[int]:
    """The beat's safety net: recompute when a change has been pending longer than the delay."""
    return recompute_pending() if _overdue() else []


@shared_task(name="assessment.run_assessment")
def run_assessment_task(year: int, user_id: int | None = None) -> int:
    """The office's button: compute and store year Y's assessment."""
    from django.contrib.auth import get_user_model

    from assessment.models import AssessmentRun
    from assessment.services import assessment_run

    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return assessment_run(year=year, by=by, trigger=AssessmentRun.Trigger.OFFICE).pk
