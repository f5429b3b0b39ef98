"""Import jobs: keep an upload between its preview and its commit, and run both steps.

The uploaded file is stored under ``MEDIA_ROOT/imports/`` with a random name (never the
user's), is reachable only through its ``ImportJob`` whose owner alone may open it, and is
deleted once the job is imported, fails or is cancelled.  ``MEDIA_ROOT`` is not served.
Jobs and files older than ``STALE_AFTER`` are removed whenever a new upload arrives.

What a job stores is bounded whatever the file holds (the page renders it on every view):
every message and echoed value is shortened, at most ``MAX_STORED_ERRORS`` row errors and
``files.max_stored_message_chars()`` characters of messages are kept (the total count is
kept too, and the file's problems end with "… and K more"), and preview cells are cut to
``PREVIEW_CELL_CHARS``.

A job's status tells the truth about the database (issue 20):

* Committing is claimed once: the request moves the job from "checked" to "importing" with
  a conditional update and only the request that made it queues the task, so a second click
  (or a second tab) queues nothing and is shown the job as it is (``import_job_commit``).
* The commit step marks the job written (``written_at``, status "done", the counts) inside
  the transaction that writes its rows: either both are committed or neither.  A task
  delivered again (a worker killed after the commit, an unacknowledged message) finds the
  job no longer "writing" and does nothing; two deliveries at once are serialised by the
  job's row lock, and the second does nothing.  No outcome of a later delivery replaces
  "done": a step's outcome is recorded only while the job is still at that step (``_finish``),
  and a failure only while nothing is written (``import_job_fail``).
* What runs after the commit (``records_imported``'s receivers) cannot fail the job.
* A job whose task cannot be queued (the broker is down) is checked in-process, or — for the
  commit — marked failed at once ("nothing was written").  A job with no progress for
  ``IMPORT_JOB_STALE_SECONDS`` is marked failed by the watchdog (``import_jobs_fail_stale``,
  a beat task) after checking the marker.  Failed jobs keep their file so that the user may
  retry (``import_job_retry``); anyone may cancel a job not yet written
  (``import_job_cancel``, also while it runs: the running task then writes nothing).

The background steps are Celery tasks defined at the end of this module, next to the code that
queues them and the code they run (``dataexchange.tasks`` names them for Celery's discovery).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dataexchange import files, registry
from dataexchange.importer import ImportAbandoned, ImportResult
from dataexchange.models import ImportJob

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(days=1)
MAX_STORED_ERRORS = 1000
PREVIEW_CELL_CHARS = 200
RUNNING = (ImportJob.Status.CHECKING, ImportJob.Status.WRITING)


def stale_seconds() -> int:
    """A running job with no progress for this long is marked failed by the watchdog."""
    return settings.IMPORT_JOB_STALE_SECONDS


def _stopped(message: str) -> dict:
    """A job's result when it stopped for a reason other than its rows."""
    return {"stopped": message, "errors": [], "file_errors": []}


def _enqueue(task, job_id) -> bool:
    """Queue ``task`` for the job; False (logged) when the broker cannot take it."""
    try:
        task.delay(str(job_id))
    except Exception:  # broker down, connection refused, timeout: the caller decides
        logger.exception("could not queue %s for import job %s", getattr(task, "name", task), job_id)
        return False
    return True


def _queue_check(job_id) -> None:
    """Queue the check; when the background service is unavailable, check in-process (the
    file's size and rows are bounded, and a check writes nothing)."""
    if not _enqueue(check_import, job_id) and ImportJob.objects.filter(
            pk=job_id, status=ImportJob.Status.CHECKING).exists():
        run_step(str(job_id), commit=False)


def _queue_commit(job_id) -> None:
    """Queue the commit; when the background service is unavailable, fail the job at once."""
    if not _enqueue(commit_import, job_id):
        import_job_fail(job_id=job_id, message=_(
            "The background service is unavailable, so the import could not start. Nothing was written. "
            "Try again in a few minutes."))


def import_job_start(*, user, kind: registry.Kind, upload: UploadedFile) -> ImportJob:
    """Store the upload and queue its check (a dry run whose result is the preview)."""
    import_jobs_purge_stale()
    suffix = Path(upload.name).suffix.lower()
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}{suffix}", upload)
    job = ImportJob.objects.create(user=user, kind=kind.name, original_name=upload.name[:255],
                                   stored_name=stored, step=ImportJob.Step.CHECK)
    _queue_check(job.pk)
    job.refresh_from_db()
    return job


def import_job_commit(*, job: ImportJob) -> bool:
    """Queue the real import of a checked job (checked again, then all rows or none).

    Idempotent, for a double click: the first call claims the job (a conditional update from
    "checked" to "importing", which one caller alone can make) and queues its one task; a
    later call finds the job importing or imported and queues nothing.  True in both cases —
    the job is being or has been imported; False when it can no longer be (cancelled, failed,
    or never checked)."""
    started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED, written_at__isnull=True).update(
        status=ImportJob.Status.WRITING, step=ImportJob.Step.COMMIT, done=0, updated_at=timezone.now())
    if started:
        _queue_commit(job.pk)
        return True
    return ImportJob.objects.filter(pk=job.pk, step=ImportJob.Step.COMMIT,
                                    status__in=(ImportJob.Status.WRITING, ImportJob.Status.DONE)).exists()


def import_job_retry(*, job: ImportJob) -> bool:
    """Run a failed job's step again: the commit when it stopped for want of a worker or a
    broker, otherwise the check (whose preview the user then commits).  False when the job
    cannot be retried (``ImportJob.retryable``)."""
    again_commit = job.step == ImportJob.Step.COMMIT and not (job.result or {}).get("errors") \
        and not (job.result or {}).get("file_errors")
    status, step = ((ImportJob.Status.WRITING, ImportJob.Step.COMMIT) if again_commit
                    else (ImportJob.Status.CHECKING, ImportJob.Step.CHECK))
    restarted = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED, written_at__isnull=True) \
        .exclude(stored_name="").update(status=status, step=step, done=0, result={}, updated_at=timezone.now())
    if not restarted:
        return False
    if again_commit:
        _queue_commit(job.pk)
    else:
        _queue_check(job.pk)
    return True


def import_job_cancel(*, job: ImportJob) -> bool:
    """Delete a job not yet written, and its file; a task running it then writes nothing (it
    finds the job gone in its write transaction).  False when the job's rows were written
    already (the job stays, telling so)."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().filter(pk=job.pk).first()
        if locked is None:
            return True
        if locked.written_at is not None:
            return False
        _delete_file(locked)
        locked.delete()
    return True


def import_job_fail(*, job_id, message: str) -> bool:
    """Mark a running job failed with ``message`` (which says nothing was written) — unless
    its rows were written, then it is left done.  False when the job was not running."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if locked is None or locked.status not in RUNNING or locked.written_at is not None:
            return False
        ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.FAILED, result=_stopped(message),
                                                   updated_at=timezone.now())
    return True


def import_jobs_fail_stale(*, now=None) -> int:
    """The watchdog: mark failed every running job with no progress for ``stale_seconds()``
    (its worker died, or its task was lost), saying truthfully that nothing was written — a
    job whose rows were written is "done" already, in the same transaction.  Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(seconds=stale_seconds())
    minutes = max(1, round(stale_seconds() / 60))
    message = ngettext(
        "The import stopped: the background service made no progress on it for %(minutes)s minute. "
        "Nothing was written. Try again, or cancel it.",
        "The import stopped: the background service made no progress on it for %(minutes)s minutes. "
        "Nothing was written. Try again, or cancel it.", minutes) % {"minutes": minutes}
    failed = 0
    for job_id in ImportJob.objects.filter(status__in=RUNNING, updated_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            # Waits for a write transaction holding the job; then sees it done, or still stale.
            stale = ImportJob.objects.select_for_update().filter(
                pk=job_id, status__in=RUNNING, updated_at__lt=cutoff, written_at__isnull=True).exists()
            if stale:
                failed += ImportJob.objects.filter(pk=job_id).update(
                    status=ImportJob.Status.FAILED, result=_stopped(message), updated_at=timezone.now())
                logger.warning("import job %s made no progress since before %s: marked failed", job_id, cutoff)
    return failed


def _job_hooks(job_id) -> tuple[Callable[[], None], Callable[[ImportResult], None]]:
    """The commit's ``before_write`` and ``after_write``: lock the job and make sure it is still
    to be written; mark it written, with its counts, in the rows' own transaction."""

    def before_write() -> None:
        state = (ImportJob.objects.select_for_update().filter(pk=job_id)
                 .values_list("status", "written_at").first())
        if state is None or state[0] != ImportJob.Status.WRITING or state[1] is not None:
            raise ImportAbandoned(f"import job {job_id} is no longer to be written: {state}")

    def after_write(result: ImportResult) -> None:
        now = timezone.now()
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.DONE, written_at=now, updated_at=now, result=_bounded(result.as_dict()),
            total=result.total, done=result.total)

    return before_write, after_write


def import_job_run(*, job_id: str, commit: bool) -> ImportJob | None:
    """Check (``commit=False``) or import a job's file, recording progress and the result.

    Does nothing (and returns the job as it is, or None if it is gone) unless the job is at
    that step: a task delivered twice, or one for a cancelled or failed job, writes nothing."""
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    at_step = ImportJob.Status.WRITING if commit else ImportJob.Status.CHECKING
    if job is None or job.status != at_step or job.written_at is not None:
        logger.info("import job %s is not %s any more (%s): nothing to do", job_id, at_step,
                    job.status if job else "deleted")
        return job
    kind = registry.get(job.kind)

    def progress(phase: str, done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk, status=at_step).update(done=done, total=total, updated_at=timezone.now())

    before_write, after_write = _job_hooks(job.pk) if commit else (None, None)
    try:
        with default_storage.open(job.stored_name, "rb") as handle:
            result = registry.import_rows(kind, handle, user=job.user, dry_run=not commit, name=job.stored_name,
                                          progress=progress, before_write=before_write, after_write=after_write)
    except FileNotFoundError:
        _finish(job, at_step, status=ImportJob.Status.FAILED, result={
            "file_errors": [_("The uploaded file is no longer available. Upload it again.")], "errors": []})
        return job
    except ImportAbandoned:
        logger.info("import job %s was cancelled or stopped before its rows were written", job.pk)
        return ImportJob.objects.filter(pk=job.pk).first()
    if result.written:  # marked done with its counts in the write transaction (after_write)
        _delete_file(job)
        job.refresh_from_db()
        return job
    status = (ImportJob.Status.FAILED if not result.ok or commit else ImportJob.Status.CHECKED)
    _finish(job, at_step, status=status, result=_bounded(result.as_dict()), total=result.total)
    # A failed check of the file's rows needs a corrected file; a failed commit (rows changed
    # meanwhile) keeps it to be checked again.
    if status == ImportJob.Status.FAILED and not commit:
        _delete_file(job)
    return job


def _finish(job: ImportJob, at_step: str, *, status: str, result: dict, total: int | None = None) -> None:
    """Record a step's outcome, unless the job left that step meanwhile (cancelled, or failed
    by the watchdog): then the outcome is dropped."""
    fields = {"status": status, "result": result, "updated_at": timezone.now()}
    if total is not None:
        fields.update(total=total, done=total)
    if ImportJob.objects.filter(pk=job.pk, status=at_step).update(**fields):
        for name, value in fields.items():
            setattr(job, name, value)


def _bounded(data: dict) -> dict:
    """An import's result as a job stores it: see the module docstring."""
    budget = files.max_stored_message_chars()
    file_errors = [files.shorten(message, files.MESSAGE_CHARS) for message in data.get("file_errors", [])]
    kept: list[str] = []
    for message in file_errors:
        if len(message) > budget:
            break
        budget -= len(message)
        kept.append(message)
    if len(kept) < len(file_errors):
        more = len(file_errors) - len(kept)
        kept.append(ngettext("… and %(count)s more problem.", "… and %(count)s more problems.", more)
                    % {"count": more})
    data["file_errors"] = kept
    errors = data.get("errors", [])
    data["error_count"] = len(errors)
    stored = []
    for error in errors[:MAX_STORED_ERRORS]:
        message, value = files.shorten_echo(error["message"], error["value"])
        if len(message) + len(value) > budget:
            break
        budget -= len(message) + len(value)
        stored.append({**error, "message": message, "value": value})
    data["errors"] = stored
    data["preview"] = [{**row, "cells": [files.shorten(cell, PREVIEW_CELL_CHARS) for cell in row["cells"]]}
                       for row in data.get("preview", [])]
    return data


def import_jobs_purge_stale() -> None:
    """Remove jobs (and files) older than ``STALE_AFTER``, except those still running."""
    old = ImportJob.objects.filter(created_at__lt=timezone.now() - STALE_AFTER)
    for job in old.exclude(status__in=RUNNING, updated_at__gte=timezone.now() - timedelta(seconds=stale_seconds())):
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().filter(pk=job.pk).first()
            if locked is not None:
                _delete_file(locked)
                locked.delete()


def _delete_file(job: ImportJob) -> None:
    if job.stored_name:
        default_storage.delete(job.stored_name)
        ImportJob.objects.filter(pk=job.pk).update(stored_name="")
        job.stored_name = ""


# --- the background steps (in-process when no Celery broker is configured) -------------------
# Named as they were when they lived in dataexchange/tasks.py, so queued messages still run.


def run_step(job_id: str, *, commit: bool) -> None:
    """Run a job's check or commit; an unexpected error fails the job truthfully: a job whose
    rows were written (marked in their transaction) stays done, any other says nothing was."""
    try:
        import_job_run(job_id=job_id, commit=commit)
    except Exception:
        # The page polling this job must not wait forever: record the failure, keep the trace.
        logger.exception("import job %s failed", job_id)
        import_job_fail(job_id=job_id, message=_(
            "The import stopped because of an internal error. Nothing was written. Please tell the portal's "
            "administrators."))


# Acknowledged late: a worker killed in the middle gets the step redelivered; the job's state
# makes a second delivery harmless (``import_job_run`` does nothing unless the job is at that
# step, and a commit marks the job written in the rows' own transaction).
@shared_task(name="dataexchange.tasks.check_import", acks_late=True)
def check_import(job_id: str) -> None:
    """Read and check every row of the job's file without writing (the preview)."""
    run_step(job_id, commit=False)


@shared_task(name="dataexchange.tasks.commit_import", acks_late=True)
def commit_import(job_id: str) -> None:
    """Import the job's file: every row, or none if any is bad."""
    run_step(job_id, commit=True)


@shared_task(name="dataexchange.fail_stale_imports", acks_late=True)
def fail_stale_imports() -> int:
    """Mark failed the imports with no progress for ``IMPORT_JOB_STALE_SECONDS``."""
    return import_jobs_fail_stale()
