"""Background steps of an import (in-process when no Celery broker is configured), and the
watchdog that fails imports whose worker died (``fail_stale_imports``, a beat task)."""

import logging

from celery import shared_task
from django.utils.translation import gettext as _

from dataexchange.services import import_job_fail, import_job_run, import_jobs_fail_stale

logger = logging.getLogger(__name__)


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
@shared_task(acks_late=True)
def check_import(job_id: str) -> None:
    """Read and check every row of the job's file without writing (the preview)."""
    run_step(job_id, commit=False)


@shared_task(acks_late=True)
def commit_import(job_id: str) -> None:
    """Import the job's file: every row, or none if any is bad."""
    run_step(job_id, commit=True)


@shared_task(name="dataexchange.fail_stale_imports", acks_late=True)
def fail_stale_imports() -> int:
    """Mark failed the imports with no progress for ``IMPORT_JOB_STALE_SECONDS``."""
    return import_jobs_fail_stale()
