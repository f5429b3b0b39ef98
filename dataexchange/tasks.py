"""Background steps of an import (in-process when no Celery broker is configured)."""

import logging

from celery import shared_task
from django.utils.translation import gettext as _

from dataexchange.models import ImportJob
from dataexchange.services import import_job_run

logger = logging.getLogger(__name__)


def _run(job_id: str, *, commit: bool) -> None:
    try:
        import_job_run(job_id=job_id, commit=commit)
    except Exception:
        # The page polling this job must not wait forever: record the failure, keep the trace.
        logger.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.FAILED, result={
            "errors": [], "file_errors": [_("The import stopped because of an internal error. "
                                            "Nothing was written. Please tell the portal's administrators.")]})


@shared_task
def check_import(job_id: str) -> None:
    """Read and check every row of the job's file without writing (the preview)."""
    _run(job_id, commit=False)


@shared_task
def commit_import(job_id: str) -> None:
    """Import the job's file: every row, or none if any is bad."""
    _run(job_id, commit=True)
