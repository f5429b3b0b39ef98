"""Imports that tell the truth and never duplicate or overwrite (issue 20, items 2 and 3).

import importlib
* Every import key is a unique constraint, added by migrations that first refuse (naming
  them) the duplicates already stored.
* An import racing a form save or another import: the records it changes are locked and
  their versions compared with what was read (no lost update, no version going backwards, a
  history that agrees with the database); a key created meanwhile is refused by the
  constraint.  The loser gets a per-row conflict message, never the database's error, and
  nothing of its file is written.  Deterministic interleavings (a save slipped in between
  the check and the write) run on both backends; real threads on both backends too (SQLite
  in a file copy of the test database, as ``tests/security/test_races.py`` does).
* After the commit, a failing ``records_imported`` receiver (the recompute's enqueue with the
  broker down) cannot turn the committed import into a failure; a commit task delivered
  twice, or a worker dying after the commit, writes nothing more and the job's message stays
  true.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.apps import apps
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

import assessment.tasks
from dataexchange import importer, registry, services, tasks
from dataexchange.migration_checks import DuplicateImportKeys, refuse_duplicate_keys
from dataexchange.models import ImportJob
from dataexchange.signals import records_imported
from exchanges.models import Event, Mobility
from faculties.models import Faculty
from intlportal.versioning import save_versioned
from staff.models import TeachingEvaluation
from tests.dataexchange.helpers import GOOD_MOBILITY, csv_file, mobility_csv
from tests.factories import StaffMemberFactory, TeachingEvaluationFactory
from tests.security.test_races import in_threads, racing_database

pytestmark = pytest.mark.usefixtures("english")

EVENT_HEADER = "faculty,kind,title,date,participants_total,participants_foreign"
CONFLICT = "changed by someone else while the file was being checked"
ADDED = "added a record with the same"


def event_rows(count: int, total: int = 10, prefix: str = "Lecture") -> list[str]:
    return [f"A,{Event.Kind.CONFERENCE_HOSTED.value},{prefix} {n},2025-05-{n % 28 + 1:02d},{total},1"
            for n in range(count)]


def events_csv(rows: list[str]):
    return csv_file("\n".join([EVENT_HEADER, *rows]) + "\n")


def import_events(user, rows, **kwargs):
    return registry.import_rows("events", events_csv(rows), user=user, dry_run=False, **kwargs)


def raw_database_text(result) -> str:
    return " ".join([*(str(e) for e in result.errors), *result.file_errors]).lower()


def after_planning(monkeypatch, action):
    """Run ``action`` once the import has read and checked its rows, before it writes: what a
    concurrent save in that gap does."""
    plan = importer._plan_changes

    def planned_then_interleaved(*args, **kwargs):
        result = plan(*args, **kwargs)
        action()
        return result

    monkeypatch.setattr(importer, "_plan_changes", planned_then_interleaved)


# --- every key is a unique constraint -------------------------------------------------------------


def _unique_sets(model) -> set[frozenset]:
    sets = {frozenset([f.name]) for f in model._meta.concrete_fields if f.unique and not f.primary_key}
    sets |= {frozenset(c.fields) for c in model._meta.constraints
             if isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None}
    sets |= {frozenset(fields) for fields in model._meta.unique_together}
    return sets


@pytest.mark.parametrize("kind", [kind.name for kind in registry.kinds()])
def test_every_import_key_is_a_unique_constraint_of_its_model(kind):
    found = registry.get(kind)
    key = frozenset(found.column(name).field for name in found.key)
    assert key in _unique_sets(found.model), f"{kind}: {sorted(key)} is not unique in the database"
    for name in key:  # no NULL in a key: a NULL would escape the constraint on both backends
        assert not found.model._meta.get_field(name).null, f"{kind}.{name} may be NULL"


@pytest.mark.django_db
def test_the_duplicate_check_refuses_naming_each_key_and_its_records_and_changes_nothing(capsys):
    # (teacher, semester) is not a key of TeachingEvaluation: it can hold duplicates to show the step at work.
    member = StaffMemberFactory(staff_no="T0042")
    first = TeachingEvaluationFactory(staff_member=member, semester="2025-2026-1")
    second = TeachingEvaluationFactory(staff_member=member, semester="2025-2026-1")
    TeachingEvaluationFactory(staff_member=member, semester="2024-2025-2")
    step = refuse_duplicate_keys("staff", "TeachingEvaluation", ["staff_member", "semester"],
                                 "evaluation_key_unique")

    with pytest.raises(DuplicateImportKeys) as refused:
        step.code(apps, None)

    message = str(refused.value)
    assert "evaluation_key_unique" in message and "staff.TeachingEvaluation" in message
    assert f"staff_member={member.pk}" in message and "'2025-2026-1'" in message
    assert f"records {first.pk}, {second.pk}" in message
    assert "2024-2025-2" not in message  # a key used once is not a duplicate
    assert "migrate" in message and "Nothing was changed" in message
    assert message in capsys.readouterr().err  # printed too
    assert TeachingEvaluation.objects.count() == 3
    TeachingEvaluation.objects.filter(pk=second.pk).delete()
    step.code(apps, None)  # no duplicate left: the migration goes on


@pytest.mark.django_db(transaction=True)
def test_evaluations_kept_before_the_course_was_are_told_apart_not_lost():
    before = ("staff", "0004_staff_standings")
    member = StaffMemberFactory()
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps.get_model("staff", "TeachingEvaluation")
        fields = {"staff_member_id": member.pk, "semester": "2025-2026-1", "score": 90}
        same = [old.objects.create(source="students", **fields).pk for _ in range(3)]
        alone = old.objects.create(source="peers", **fields).pk

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        assert [TeachingEvaluation.objects.get(pk=pk).course for pk in [*same, alone]] == ["", "#2", "#3", ""]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_events_key_migration_stops_on_existing_duplicates_and_adds_the_constraint_once_fixed(faculty_a):
    executor = MigrationExecutor(connection)
    before, after = [("exchanges", "0005_mobility_sort_and_overdue_indexes")], [("exchanges", "0006_import_key_unique")]
    executor.migrate(before)
    try:
        old_event = executor.loader.project_state(before[0]).apps.get_model("exchanges", "Event")
        fields = {"faculty_id": faculty_a.pk, "kind": Event.Kind.CONFERENCE_HOSTED, "title": "Summer school",
                  "date": datetime.date(2025, 7, 1), "participants_total": 5, "participants_foreign": 1}
        twins = [old_event.objects.create(**fields).pk for _ in range(2)]
        executor = MigrationExecutor(connection)
        with pytest.raises(DuplicateImportKeys, match=r"event_key_unique.*\n.*'Summer school'.*records "
                           + f"{twins[0]}, {twins[1]}"):
            executor.migrate(after)
        assert old_event.objects.count() == 2, "nothing is deleted"
        old_event.objects.filter(pk=twins[1]).delete()
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Event._meta.db_table)
    names = {name for name, c in constraints.items() if c["unique"]}
    assert "event_key_unique" in names


# --- an import racing a save: deterministic interleavings on both backends ------------------------


@pytest.mark.django_db
def test_a_form_save_between_check_and_write_is_not_overwritten_and_the_import_says_so(
        office, faculty_a, monkeypatch):
    assert import_events(office, event_rows(3)).ok
    event = Event.objects.get(title="Lecture 1")
    read_version = event.version

    def form_save():
        saved = Event.objects.get(pk=event.pk)
        saved.participants_total = 99
        save_versioned(saved, expected_version=read_version)

    after_planning(monkeypatch, form_save)
    result = import_events(office, event_rows(3, total=50))

    assert not result.ok and not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, None)]
    assert CONFLICT in str(result.errors[0]) and "row 3" in str(result.errors[0])
    assert "integrity" not in raw_database_text(result) and "unique" not in raw_database_text(result)
    # All or nothing: the other two rows were not written either; the form's save stands.
    assert sorted(Event.objects.values_list("participants_total", flat=True)) == [10, 10, 99]
    event.refresh_from_db()
    assert event.version == read_version + 1
    # The history agrees with the database: its last entry is the form's, at the same version.
    latest = event.history.latest()
    assert (latest.version, latest.participants_total) == (event.version, 99)
    assert list(event.history.order_by("history_date").values_list("version", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_a_record_deleted_between_check_and_write_is_a_conflict(office, faculty_a, monkeypatch):
    assert import_events(office, event_rows(2)).ok
    after_planning(monkeypatch, lambda: Event.objects.filter(title="Lecture 0").delete())
    result = import_events(office, event_rows(2, total=30))
    assert [e.row for e in result.errors] == [2] and CONFLICT in str(result.errors[0])
    assert list(Event.objects.values_list("title", "participants_total")) == [("Lecture 1", 10)]


@pytest.mark.django_db
def test_a_key_created_between_check_and_write_is_refused_per_row_without_a_duplicate(
        office, faculty_a, mobility_refs, monkeypatch):
    def someone_creates_it():
        Mobility.objects.create(
            faculty=Faculty.objects.get(code="A"), direction=Mobility.Direction.OUTBOUND,
            person_kind=Mobility.PersonKind.TEACHER, person_name="王老师", person_id="T1001", country="GB",
            activity=Mobility.Activity.VISIT, starts_on=datetime.date(2025, 4, 1), ends_on=datetime.date(2025, 4, 9))

    other = GOOD_MOBILITY.replace("T1001,T1001", "T2002,").replace("王老师", "李同学")
    after_planning(monkeypatch, someone_creates_it)
    result = registry.import_rows("mobilities", mobility_csv(GOOD_MOBILITY, other), user=office, dry_run=False)

    assert not result.ok and not result.written
    assert [e.row for e in result.errors] == [2]
    message = str(result.errors[0])
    assert message.startswith("row 2:") and ADDED in message and "faculty + person_id + activity + starts_on" in message
    assert "integrity" not in raw_database_text(result) and "constraint" not in raw_database_text(result)
    # No duplicate, and all or nothing: the other row was not written.
    assert Mobility.objects.filter(person_id="T1001").count() == 1
    assert not Mobility.objects.filter(person_id="T2002").exists()


# --- real threads (both backends) ----------------------------------------------------------------


def _race(users_rows, tmp_path, kind="events"):
    """Import each file in its own thread, both reading before either writes."""
    barrier = threading.Barrier(len(users_rows))
    plan = importer._plan_changes

    def plan_then_wait(*args, **kwargs):
        result = plan(*args, **kwargs)
        barrier.wait(timeout=30)
        return result

    def run(i):
        user, rows = users_rows[i]
        with translation.override("en"):  # each thread has its own active language
            return registry.import_rows(kind, events_csv(rows), user=user, dry_run=False)

    with racing_database(tmp_path):
        importer._plan_changes = plan_then_wait
        try:
            results = in_threads(run, len(users_rows))
        finally:
            importer._plan_changes = plan
        final = in_threads(lambda i: (list(Event.objects.order_by("title").values_list("title", "participants_total",
                                                                                    "version")),
                                      Event.history.count()), 1)[0]
    return results, final


@pytest.mark.django_db(transaction=True)
def test_two_imports_creating_the_same_keys_at_once_make_no_duplicate(office, faculty_a, tmp_path):
    results, (rows, _history) = _race([(office, event_rows(30, total=11)), (office, event_rows(30, total=22))],
                                      tmp_path)
    winners = [r for r in results if r.ok]
    assert len(winners) == 1, [r.file_errors or [str(e) for e in r.errors[:3]] for r in results]
    loser = next(r for r in results if not r.ok)
    assert not loser.written and loser.errors and all(ADDED in str(e) for e in loser.errors)
    assert "integrity" not in raw_database_text(loser)
    assert winners[0].created == 30
    assert len(rows) == 30 and {(total, version) for _t, total, version in rows} == {(11 if results[0].ok else 22, 1)}


@pytest.mark.django_db(transaction=True)
def test_two_imports_updating_the_same_records_at_once_lose_no_update(office, faculty_a, tmp_path):
    assert import_events(office, event_rows(20)).ok
    history_before = Event.history.count()
    results, (rows, history_after) = _race([(office, event_rows(20, total=33)), (office, event_rows(20, total=44))],
                                           tmp_path)
    winners = [i for i, r in enumerate(results) if r.ok]
    assert len(winners) == 1, [r.file_errors or [str(e) for e in r.errors[:3]] for r in results]
    loser = results[1 - winners[0]]
    assert not loser.written and len(loser.errors) == 20 and all(CONFLICT in str(e) for e in loser.errors)
    # The winner's values everywhere, each one version later, one history entry each: nothing lost.
    assert {(total, version) for _t, total, version in rows} == {((33, 44)[winners[0]], 2)}
    assert history_after == history_before + 20


# --- after the commit ----------------------------------------------------------------------------


def _checked_job(client, kind, file) -> ImportJob:
    client.post(reverse("dataexchange:import", args=[kind]), {"file": file})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED, job.result
    return job


@pytest.mark.django_db(transaction=True)
def test_a_failing_side_effect_after_the_commit_leaves_the_job_done_with_its_counts(
        office, office_client, faculty_a, monkeypatch, settings):
    settings.LANGUAGE_CODE = "en"

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis: Connection refused")

    def notifier_down(**kwargs):
        raise RuntimeError("notifications are down")

    monkeypatch.setattr(assessment.tasks, "schedule_recompute", broker_down)
    records_imported.connect(notifier_down, dispatch_uid="test-notifier-down")
    try:
        job = _checked_job(office_client, "events", events_csv(event_rows(4)))
        services.import_job_commit(job=job)  # eager: the commit task runs now
    finally:
        records_imported.disconnect(dispatch_uid="test-notifier-down")

    job.refresh_from_db()
    assert Event.objects.count() == 4
    assert job.status == ImportJob.Status.DONE and job.written_at is not None
    assert (job.result["created"], job.result["updated"], job.result["written"]) == (4, 0, True)
    assert "stopped" not in job.result and not job.result["file_errors"]
    page = office_client.get(job.get_absolute_url()).text
    assert "4 added, 0 updated, 0 unchanged" in page and "Nothing was written" not in page


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_after_the_commit_does_not_fail_the_import_itself(office, faculty_a):
    # import_records (the command) and the job alike get the result of what was committed.
    def notifier_down(**kwargs):
        raise RuntimeError("notifications are down")

    records_imported.connect(notifier_down, dispatch_uid="test-notifier-down")
    try:
        result = import_events(office, event_rows(3))
    finally:
        records_imported.disconnect(dispatch_uid="test-notifier-down")
    assert result.ok and result.written and result.created == 3
    assert Event.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_commit_delivered_twice_writes_once_and_its_message_stays_true(office, office_client, faculty_a):
    assert import_events(office, event_rows(2)).ok  # two to update, three to add
    job = _checked_job(office_client, "events", events_csv(event_rows(5, total=12)))
    services.import_job_commit(job=job)  # eager: the commit runs now
    job.refresh_from_db()
    first = (job.status, job.result["created"], job.result["updated"], job.written_at)
    state = list(Event.objects.order_by("pk").values_list("pk", "participants_total", "version"))
    history = Event.history.count()

    tasks.commit_import(str(job.pk))  # the same message again (unacknowledged, redelivered)

    job.refresh_from_db()
    assert first[:3] == (ImportJob.Status.DONE, 3, 2)
    assert (job.status, job.result["created"], job.result["updated"], job.written_at) == first
    assert list(Event.objects.order_by("pk").values_list("pk", "participants_total", "version")) == state
    assert Event.history.count() == history


@pytest.mark.django_db(transaction=True)
def test_a_worker_dying_after_the_commit_leaves_the_job_done_and_a_redelivery_writes_nothing(
        office, office_client, faculty_a, monkeypatch):
    job = _checked_job(office_client, "events", events_csv(event_rows(3)))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING, step=ImportJob.Step.COMMIT)
    real_delete = services._delete_file

    def killed(job):  # the first thing after the commit
        raise SystemExit("worker killed")

    monkeypatch.setattr(services, "_delete_file", killed)
    with pytest.raises(SystemExit):
        tasks.commit_import(str(job.pk))
    job.refresh_from_db()
    assert Event.objects.count() == 3
    assert job.status == ImportJob.Status.DONE and job.result["created"] == 3, "the job says what is written"

    # The watchdog finds nothing to fail; the message redelivered writes nothing.
    assert services.import_jobs_fail_stale(now=job.updated_at + datetime.timedelta(days=1)) == 0
    monkeypatch.setattr(services, "_delete_file", real_delete)
    tasks.commit_import(str(job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["created"] == 3
    assert Event.objects.count() == 3 and Event.history.count() == 3


@pytest.mark.django_db(transaction=True)
def test_an_internal_error_after_the_commit_keeps_the_job_done(office, office_client, faculty_a, monkeypatch):
    job = _checked_job(office_client, "events", events_csv(event_rows(2)))

    def broken(job):
        raise OSError("storage unavailable")

    monkeypatch.setattr(services, "_delete_file", broken)
    services.import_job_commit(job=job)
    job.refresh_from_db()
    assert Event.objects.count() == 2
    assert job.status == ImportJob.Status.DONE and job.result["created"] == 2
    assert "stopped" not in job.result
