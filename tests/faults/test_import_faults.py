"""Fault suite, imports (issue 20, items 2, 3 and 6): real redis-server and Celery worker/beat.

Run with ``make test-faults`` (``pytest -m faults``).  Fixtures: ``tests/faults/conftest.py``.

Cases:

1. ``test_an_import_committed_with_redis_down_fails_at_once_and_succeeds_on_retry`` — Redis is
   killed: the upload is checked in-process, the commit fails at once saying nothing was
   written (nothing is); Redis and a worker come back, Try again imports every row once.
2. ``test_a_pool_child_killed_during_an_import_ends_the_job_truthfully`` — the worker's pool
   child is killed (SIGKILL) while it imports 3,000 rows: the watchdog (beat) ends the job
   within its stale time, and the job says what the database holds — "failed, nothing
   written" with no row, or "done" with every row — never a half or a lie.

Two overlapping imports (no duplicate, no lost update) race in real threads in
``tests/dataexchange/test_import_races.py``, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from django.urls import reverse

from tests.dataexchange.helpers import csv_file
from tests.faults.conftest import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADER = "faculty,kind,title,date,participants_total,participants_foreign"


def events_file(count: int):
    rows = [f"A,conference_hosted,Fault lecture {n},2025-{n % 12 + 1:02d}-{n % 28 + 1:02d},10,1" for n in range(count)]
    return csv_file("\n".join([HEADER, *rows]) + "\n")


def report(case: str, **facts) -> None:
    print(f"[faults] {case}: " + ", ".join(f"{key}={value}" for key, value in facts.items()))


@pytest.fixture
def worker_env(monkeypatch, settings):
    """The worker and beat see the test's uploads and a short watchdog."""
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    monkeypatch.setenv("IMPORT_JOB_STALE_SECONDS", "6")
    monkeypatch.setenv("IMPORT_WATCHDOG_SECONDS", "2")
    settings.LANGUAGE_CODE = "en"


def job_now():
    from dataexchange.models import ImportJob

    return ImportJob.objects.get()


def test_an_import_committed_with_redis_down_fails_at_once_and_succeeds_on_retry(
        services, redis_server, worker_env, office_client, faculty_a):
    from dataexchange.models import ImportJob
    from exchanges.models import Event

    redis_server.kill()
    started = time.monotonic()
    response = office_client.post(reverse("dataexchange:import", args=["events"]), {"file": events_file(50)})
    assert response.status_code == 302
    job = job_now()
    assert job.status == ImportJob.Status.CHECKED, "checked in-process while the broker is down"

    response = office_client.post(reverse("dataexchange:job-commit", args=[job.pk]))
    assert response.status_code == 302
    job = job_now()
    failed_in = time.monotonic() - started
    assert job.status == ImportJob.Status.FAILED and "Nothing was written" in job.result["stopped"]
    assert not Event.objects.exists() and job.retryable

    redis_server.start()
    services.worker()
    assert office_client.post(reverse("dataexchange:job-retry", args=[job.pk])).status_code == 302
    wait_for(lambda: job_now().status == ImportJob.Status.DONE, what="the retried import")
    job = job_now()
    assert Event.objects.count() == 50 and job.result["created"] == 50
    report("import committed with redis down", failed_after_s=round(failed_in, 1), retried="done",
           rows=Event.objects.count())


def _pool_children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def test_a_pool_child_killed_during_an_import_ends_the_job_truthfully(
        services, redis_server, worker_env, office_client, faculty_a):
    from dataexchange.models import ImportJob
    from exchanges.models import Event

    worker = services.worker()
    services.beat()
    office_client.post(reverse("dataexchange:import", args=["events"]), {"file": events_file(3000)})
    wait_for(lambda: job_now().status == ImportJob.Status.CHECKED, what="the check of 3,000 rows")
    job = job_now()
    wait_for(lambda: _pool_children(worker.pid), what="the worker's pool child")

    office_client.post(reverse("dataexchange:job-commit", args=[job.pk]))
    queued_at = job_now().updated_at
    # Killed as soon as the child reports progress: it is reading and checking the rows again.
    wait_for(lambda: job_now().updated_at != queued_at, interval=0.02, what="the commit to start")
    killed = _pool_children(worker.pid)
    for child in killed:
        os.kill(child, signal.SIGKILL)
    started = time.monotonic()

    wait_for(lambda: job_now().status in {ImportJob.Status.DONE, ImportJob.Status.FAILED},
             what="the watchdog to end the job")
    job = job_now()
    count = Event.objects.count()
    if job.status == ImportJob.Status.DONE:
        assert count == 3000 and job.result["created"] == 3000 and job.written_at
    else:
        # The worker writes in the portal's language (Chinese): "… 未写入任何数据 …".
        stopped = job.result["stopped"]
        assert count == 0 and ("Nothing was written" in stopped or "未写入任何数据" in stopped) and job.retryable
    report("pool child killed during an import", killed=len(killed), status=job.status, rows=count,
           ended_after_s=round(time.monotonic() - started, 1))
