"""Import jobs never stay "checking" or "importing" forever (issue 20, item 6).

* Queuing fails (broker down): the check runs in-process; the commit fails at once, saying
  nothing was written, and keeps its file for a retry.
* The watchdog (a beat task) marks failed the jobs with no progress for
  ``IMPORT_JOB_STALE_SECONDS``, with the truth about what was written.
* The job page offers Retry and Cancel (POST with CSRF; Cancel asks first), also while the
  job runs: a cancelled job's task writes nothing.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from dataexchange import importer, services, tasks
from dataexchange.models import ImportJob
from exchanges.models import Event
from intlportal.celery import app
from tests.dataexchange.helpers import csv_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

EVENTS = ("faculty,kind,title,date,participants_total,participants_foreign\n"
          "A,conference_hosted,Lecture 1,2025-05-01,10,1\nA,conference_hosted,Lecture 2,2025-05-02,10,1\n")


@pytest.fixture(autouse=True)
def english_pages(settings):
    settings.LANGUAGE_CODE = "en"


def broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def upload(client, text=EVENTS):
    response = client.post(reverse("dataexchange:import", args=["events"]), {"file": csv_file(text)})
    assert response.status_code == 302, response.status_code
    return ImportJob.objects.get()


# --- queuing fails -------------------------------------------------------------------------------


def test_with_the_broker_down_an_upload_is_checked_in_process(office_client, faculty_a, monkeypatch):
    monkeypatch.setattr(tasks.check_import, "delay", broker_down)
    job = upload(office_client)
    assert job.status == ImportJob.Status.CHECKED and job.result["created"] == 2


def test_with_the_broker_down_a_commit_fails_at_once_saying_nothing_was_written(office_client, faculty_a,
                                                                               monkeypatch):
    job = upload(office_client)
    monkeypatch.setattr(tasks.commit_import, "delay", broker_down)
    office_client.post(reverse("dataexchange:job-commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not Event.objects.exists()
    assert "background service is unavailable" in job.result["stopped"]
    assert "Nothing was written" in job.result["stopped"]
    assert job.retryable and job.stored_name, "the file is kept for a retry"
    page = office_client.get(job.get_absolute_url()).text
    assert "The import did not finish" in page and reverse("dataexchange:job-retry", args=[job.pk]) in page

    monkeypatch.undo()  # the broker is back: Retry runs the commit
    response = office_client.post(reverse("dataexchange:job-retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["created"] == 2 and Event.objects.count() == 2
    assert not job.stored_name


# --- the watchdog --------------------------------------------------------------------------------


def _age(job, seconds):
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(seconds=seconds))


def test_the_watchdog_fails_jobs_without_progress_and_leaves_the_others(office_client, faculty_a, settings):
    settings.IMPORT_JOB_STALE_SECONDS = 600
    job = upload(office_client)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING, step=ImportJob.Step.COMMIT)
    _age(job, 599)
    assert tasks.fail_stale_imports() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.WRITING

    _age(job, 601)
    assert tasks.fail_stale_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.retryable
    assert "no progress on it for 10 minutes" in job.result["stopped"]
    assert "Nothing was written" in job.result["stopped"] and not Event.objects.exists()

    # A late worker finding the failed job writes nothing.
    tasks.commit_import(str(job.pk))
    assert not Event.objects.exists()


def test_the_watchdog_never_calls_a_written_job_failed(office_client, faculty_a):
    job = upload(office_client)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING, written_at=timezone.now())
    _age(job, 10 * services.stale_seconds())
    assert tasks.fail_stale_imports() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.WRITING and "stopped" not in job.result


def test_a_check_failed_by_the_watchdog_can_be_retried(office_client, faculty_a):
    job = upload(office_client)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CHECKING, result={})
    _age(job, services.stale_seconds() + 1)
    assert tasks.fail_stale_imports() == 1
    office_client.post(reverse("dataexchange:job-retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.result["created"] == 2


def test_the_watchdog_is_a_beat_task_with_a_configurable_stale_time():
    entry = next(e for e in django_settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == tasks.fail_stale_imports.name)
    assert entry["schedule"] == float(django_settings.IMPORT_WATCHDOG_SECONDS)
    assert django_settings.IMPORT_JOB_STALE_SECONDS == 900
    assert tasks.fail_stale_imports.name in app.tasks


def test_a_job_with_row_errors_at_commit_retries_its_check(office_client, faculty_a, monkeypatch):
    job = upload(office_client)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, step=ImportJob.Step.COMMIT,
        result={"errors": [{"row": 2, "column": None, "message": "changed meanwhile", "value": ""}],
                "file_errors": []})
    job.refresh_from_db()
    assert services.import_job_retry(job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.step == ImportJob.Step.CHECK
    assert not Event.objects.exists()


# --- cancel ---------------------------------------------------------------------------------------


def test_a_running_job_offers_cancel_which_asks_first_then_deletes_it(office_client, faculty_a, settings):
    job = upload(office_client)
    stored = settings.MEDIA_ROOT / job.stored_name
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING)
    cancel = reverse("dataexchange:job-cancel", args=[job.pk])
    assert f'href="{cancel}"' in office_client.get(job.get_absolute_url()).text

    confirm = office_client.get(cancel)
    assert confirm.status_code == 200
    html = confirm.text
    assert "still being processed" in html and 'method="post"' in html and "csrfmiddlewaretoken" in html
    assert ImportJob.objects.filter(pk=job.pk).exists() and stored.exists(), "asking changes nothing"

    office_client.post(cancel)
    assert not ImportJob.objects.filter(pk=job.pk).exists() and not stored.exists()
    tasks.commit_import(str(job.pk))  # the task queued before the cancel: nothing to do
    assert not Event.objects.exists()


def test_cancelling_while_the_commit_checks_the_rows_writes_nothing(office_client, faculty_a, monkeypatch):
    job = upload(office_client)
    plan = importer._plan_changes

    def cancelled_meanwhile(*args, **kwargs):
        result = plan(*args, **kwargs)
        assert services.import_job_cancel(job=job)
        return result

    monkeypatch.setattr(importer, "_plan_changes", cancelled_meanwhile)
    office_client.post(reverse("dataexchange:job-commit", args=[job.pk]))
    assert not Event.objects.exists() and not ImportJob.objects.exists()


def test_a_written_job_cannot_be_cancelled_and_says_so(office_client, faculty_a):
    job = upload(office_client)
    office_client.post(reverse("dataexchange:job-commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    response = office_client.post(reverse("dataexchange:job-cancel", args=[job.pk]), follow=True)
    assert "already been written" in response.text
    assert ImportJob.objects.filter(pk=job.pk).exists() and Event.objects.count() == 2
    assert not services.import_job_retry(job=job)


def test_retry_and_cancel_are_translated(office_client, faculty_a, monkeypatch, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    job = upload(office_client)
    monkeypatch.setattr(tasks.commit_import, "delay", broker_down)
    office_client.post(reverse("dataexchange:job-commit", args=[job.pk]))
    page = office_client.get(job.get_absolute_url()).text
    assert "重试" in page and "取消导入" in page and "后台服务" in page
    assert "确认取消" in office_client.get(reverse("dataexchange:job-cancel", args=[job.pk])).text
