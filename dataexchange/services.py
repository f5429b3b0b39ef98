"""Import jobs: keep an upload between its preview and its commit, and run both steps.

The uploaded file is stored under ``MEDIA_ROOT/imports/`` with a random name (never the
user's), is reachable only through its ``ImportJob`` whose owner alone may open it, and is
deleted once the job is imported, fails or is cancelled.  ``MEDIA_ROOT`` is not served.
Jobs and files older than ``STALE_AFTER`` are removed whenever a new upload arrives.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from dataexchange import registry
from dataexchange.models import ImportJob

STALE_AFTER = timedelta(days=1)
MAX_STORED_ERRORS = 1000


def import_job_start(*, user, kind: registry.Kind, upload: UploadedFile) -> ImportJob:
    """Store the upload and queue its check (a dry run whose result is the preview)."""
    from dataexchange.tasks import check_import

    import_jobs_purge_stale()
    suffix = Path(upload.name).suffix.lower()
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}{suffix}", upload)
    job = ImportJob.objects.create(user=user, kind=kind.name, original_name=upload.name[:255],
                                   stored_name=stored)
    check_import.delay(str(job.pk))
    return job


def import_job_commit(*, job: ImportJob) -> None:
    """Queue the real import of a checked job (checked again, then all rows or none)."""
    from dataexchange.tasks import commit_import

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING, done=0)
    commit_import.delay(str(job.pk))


def import_job_cancel(*, job: ImportJob) -> None:
    _delete_file(job)
    job.delete()


def import_job_run(*, job_id: str, commit: bool) -> ImportJob:
    """Check (``commit=False``) or import a job's file, recording progress and the result."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    kind = registry.get(job.kind)

    def progress(phase: str, done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(done=done, total=total, updated_at=timezone.now())

    try:
        with default_storage.open(job.stored_name, "rb") as handle:
            result = registry.import_rows(kind, handle, user=job.user, dry_run=not commit,
                                          name=job.stored_name, progress=progress)
    except FileNotFoundError:
        job.status = ImportJob.Status.FAILED
        job.result = {"file_errors": [_("The uploaded file is no longer available. Upload it again.")],
                      "errors": []}
        job.save()
        return job
    data = result.as_dict()
    data["error_count"] = len(data["errors"])
    data["errors"] = data["errors"][:MAX_STORED_ERRORS]
    job.result = data
    job.total = result.total
    job.done = result.total
    if not result.ok:
        job.status = ImportJob.Status.FAILED
    elif commit:
        job.status = ImportJob.Status.DONE
    else:
        job.status = ImportJob.Status.CHECKED
    job.save()
    if job.status != ImportJob.Status.CHECKED:
        _delete_file(job)
    return job


def import_jobs_purge_stale() -> None:
    for job in ImportJob.objects.filter(created_at__lt=timezone.now() - STALE_AFTER):
        import_job_cancel(job=job)


def _delete_file(job: ImportJob) -> None:
    if job.stored_name:
        default_storage.delete(job.stored_name)
        ImportJob.objects.filter(pk=job.pk).update(stored_name="")
        job.stored_name = ""
