"""Issue 14, item 7: committing an import twice (a double click) imports once and tells the truth.

The first click claims the job (checked → importing) and queues its one task; the second finds
it importing or imported and is shown the job page, without an error.  The commit task run a
second time — redelivered, or racing the first — writes nothing and never turns "done" into
"failed".
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from dataexchange import registry, services, tasks
from dataexchange.models import ImportJob
from exchanges.models import Event
from tests.dataexchange.helpers import csv_file

HEADER = "faculty,kind,title,date,participants_total,participants_foreign"


def events_file(count: int = 3):
    rows = [f"A,conference_hosted,Conference {n},2025-05-{n + 1:02d},40,4" for n in range(count)]
    return csv_file("\n".join([HEADER, *rows]) + "\n")


def checked_job(client) -> ImportJob:
    client.post(reverse("dataexchange:import", args=["events"]), {"file": events_file()})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED, job.result
    return job


def commit(client, job):
    return client.post(reverse("dataexchange:job-commit", args=[job.pk]))


def errors_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


@pytest.mark.django_db
def test_two_commits_in_a_row_import_once_and_the_second_is_shown_the_job(office_client, faculty_a):
    job = checked_job(office_client)

    first, second = commit(office_client, job), commit(office_client, job)

    assert first.url == second.url == job.get_absolute_url()
    assert errors_of(second) == [], "the second click is told the import failed, though it did not"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["created"] == 3
    assert Event.objects.count() == 3 and Event.history.count() == 3


@pytest.mark.django_db
def test_with_a_broker_the_second_click_queues_nothing(office_client, faculty_a):
    job = checked_job(office_client)
    with mock.patch.object(services.commit_import, "delay") as queue:
        first, second = commit(office_client, job), commit(office_client, job)
    queue.assert_called_once_with(str(job.pk))
    assert errors_of(first) == errors_of(second) == []
    job.refresh_from_db()
    assert job.status == ImportJob.Status.WRITING and not Event.objects.exists()


@pytest.mark.django_db
def test_a_job_that_can_no_longer_be_imported_still_says_so(office_client, faculty_a):
    job = checked_job(office_client)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED)
    assert len(errors_of(commit(office_client, job))) == 1
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_commit_task_run_twice_writes_once_and_stays_done(office_client, faculty_a):
    job = checked_job(office_client)
    with mock.patch.object(services.commit_import, "delay"):  # queued, not run yet
        assert services.import_job_commit(job=job)

    tasks.commit_import(str(job.pk))
    tasks.commit_import(str(job.pk))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["created"] == 3
    assert Event.objects.count() == 3 and Event.history.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_second_delivery_racing_the_first_leaves_the_job_done(office_client, faculty_a, monkeypatch):
    """The second delivery reads the job while it is still importing; the first finishes before
    the second writes: the second writes nothing and the job keeps the first's outcome."""
    job = checked_job(office_client)
    with mock.patch.object(services.commit_import, "delay"):
        services.import_job_commit(job=job)
    real = registry.import_rows
    first_done = []

    def first_finishes_meanwhile(*args, **kwargs):
        if not first_done:
            first_done.append(True)
            tasks.commit_import(str(job.pk))  # the other delivery, start to end
        return real(*args, **kwargs)

    monkeypatch.setattr(registry, "import_rows", first_finishes_meanwhile)
    tasks.commit_import(str(job.pk))

    job.refresh_from_db()
    assert first_done and job.status == ImportJob.Status.DONE and job.result["created"] == 3
    assert "stopped" not in job.result
    assert Event.objects.count() == 3 and Event.history.count() == 3
