"""Every way a record of a verified kind gets in obeys the office's verification (issue 14).

One row of ``KINDS`` per kind ``intlportal.verification`` knows — a kind added later without a
row here fails ``test_every_verified_kind_is_covered`` — and each is driven through its pages
and its import, as a coordinator and as the office:

* a coordinator's new record is pending and counts for nothing;
* a coordinator's change to a verified record leaves the row as verified (it goes on
  counting) and waits in ``staged``; the office's ``verify`` makes it the record, ``reject``
  leaves the row and shows the office's comment to the coordinator;
* what the office enters or imports is verified on entry;
* a coordinator may not delete a verified record, only their unverified entries.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from dataexchange import registry
from dataexchange.writing import csv_stream
from intlportal import verification
from intlportal.models import Verification
from tests.dataexchange.helpers import csv_file
from tests.factories import (
    CooperativeProgramFactory,
    EventFactory,
    FacultyYearFactory,
    ForeignTeacherFactory,
    LanguageAssessmentFactory,
    MobilityFactory,
    ProgramTeacherTrainingFactory,
    PublicationFactory,
    SiteUpdateFactory,
    StaffMemberFactory,
    TeachingAssignmentFactory,
)
from tests.formdata import form_data

pytestmark = pytest.mark.usefixtures("english")


@dataclass(frozen=True)
class VerifiedKind:
    """How a test reaches one verified kind: a record of faculty A, its pages, the field a
    change changes (form field and import column alike), and what makes a new record's key."""

    make: Callable  # faculty → a verified record of it
    pages: str  # "app:name" of its RecordPages
    import_kind: str
    field: str
    new_value: str
    column: str  # the import column of ``field``
    new_key: dict[str, str]  # form field / import column → value giving a new record


def _teacher(faculty):
    return StaffMemberFactory(faculty=faculty, staff_no="TA-1")


KINDS = {
    "faculty_year": (
        lambda f: FacultyYearFactory(faculty=f, year=2025, teachers=104),
        "faculties:facultyyear", "faculty_years", "teachers", "40", "teachers", {"year": "2026"}),
    "site_update": (
        lambda f: SiteUpdateFactory(faculty=f, updated_on=datetime.date(2025, 3, 1), note="Spring news"),
        "faculties:siteupdate", "site_updates", "note", "New programmes in English", "note",
        {"updated_on": "2025-09-01"}),
    "staff_member": (
        lambda f: StaffMemberFactory(faculty=f, staff_no="TA-1", hired_on=datetime.date(2015, 9, 1)),
        "staff:staffmember", "staff", "hired_on", "2016-09-01", "hired_on", {"staff_no": "TA-2"}),
    "teaching_assignment": (
        lambda f: TeachingAssignmentFactory(staff_member=ForeignTeacherFactory(faculty=f, staff_no="TA-1"),
                                            hours=32),
        "staff:assignment", "teaching_assignments", "hours", "16", "hours", {"course": "Academic Writing II"}),
    "language_assessment": (
        lambda f: LanguageAssessmentFactory(staff_member=_teacher(f), score=85),
        "staff:languageassessment", "language_assessments", "score", "61", "score", {"date": "2025-07-01"}),
    "publication": (
        lambda f: PublicationFactory(staff_member=_teacher(f), journal="Old Journal"),
        "staff:publication", "publications", "journal", "New Journal", "journal",
        {"title": "A second study of internationalization"}),
    "mobility": (
        lambda f: MobilityFactory(faculty=f, person_name="张老师", person_id="M-1"),
        "exchanges:mobility", "mobilities", "person_name", "李老师", "person_name", {"person_id": "M-2"}),
    "event": (
        lambda f: EventFactory(faculty=f, participants_total=100, participants_foreign=10),
        "exchanges:event", "events", "participants_total", "300", "participants_total",
        {"title": "International Forum 2026"}),
    "program_training": (
        lambda f: ProgramTeacherTrainingFactory(program=CooperativeProgramFactory(faculty=f), participants=12),
        "programs:training", "program_trainings", "participants", "30", "participants",
        {"title": "教学能力培训 二期"}),
}
KINDS = {name: VerifiedKind(*spec) for name, spec in KINDS.items()}


def model_of(kind: VerifiedKind):
    return registry.get(kind.import_kind).model


def url(kind: VerifiedKind, page: str, *args) -> str:
    return reverse(f"{kind.pages}-{page}", args=args)


def counted(record) -> bool:
    return type(record).objects.filter(verification.counted(), pk=record.pk).exists()


def live_value(record, field: str) -> str:
    """The row's value of ``field`` as the form and the import spell it."""
    record = type(record).objects.get(pk=record.pk)
    return str(verification.serialise(getattr(record, field)))


def test_every_verified_kind_is_covered():
    assert {model_of(kind) for kind in KINDS.values()} == set(verification.verifiable_models())


kinds = pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))


# --- the pages -------------------------------------------------------------------------------


def edit_form(client, kind, record) -> dict:
    response = client.get(url(kind, "edit", record.pk))
    assert response.status_code == 200
    return form_data(response.content.decode())


@kinds
def test_a_coordinators_new_record_awaits_verification_and_counts_nothing(kind, faculty_a, coord_a_client):
    existing = kind.make(faculty_a)
    data = {**edit_form(coord_a_client, kind, existing), **kind.new_key}
    data.pop("version")
    response = coord_a_client.post(url(kind, "create"), data, follow=True)
    assert response.status_code == 200, response.context["form"].errors if response.context else ""
    created = model_of(kind).objects.exclude(pk=existing.pk).get()
    assert (created.verification, created.verified_at) == (Verification.PENDING, None)
    assert not counted(created)
    assert "once the Foreign Affairs Office verifies it" in response.content.decode()


@kinds
def test_a_coordinators_change_waits_beside_the_verified_values_until_the_office_verifies_it(
        kind, faculty_a, coord_a_client, office):
    record = kind.make(faculty_a)
    before = live_value(record, kind.field)
    data = {**edit_form(coord_a_client, kind, record), kind.field: kind.new_value}
    response = coord_a_client.post(url(kind, "edit", record.pk), data, follow=True)
    assert "awaits the Foreign Affairs Office&#x27;s verification" in response.content.decode()

    record.refresh_from_db()
    assert live_value(record, kind.field) == before  # the verified value still counts
    assert counted(record)
    assert record.staged == {kind.field: verification.serialise(
        verification.deserialise(record._meta.get_field(kind.field), kind.new_value))}
    assert record.verification == Verification.PENDING
    # The coordinator's form shows their proposal, not the verified value.
    assert form_data(coord_a_client.get(url(kind, "edit", record.pk)).content.decode())[kind.field] == kind.new_value

    verified = verification.verify(record, by=office, expected_version=record.version)
    assert live_value(verified, kind.field) == str(verification.serialise(
        verification.deserialise(record._meta.get_field(kind.field), kind.new_value)))
    assert (verified.verification, verified.staged, verified.verified_by) == (Verification.VERIFIED, {}, office)
    assert counted(verified)


@kinds
def test_a_rejected_change_leaves_the_record_and_shows_the_comment_to_the_coordinator(
        kind, faculty_a, coord_a_client, office):
    record = kind.make(faculty_a)
    before = live_value(record, kind.field)
    coord_a_client.post(url(kind, "edit", record.pk),
                        {**edit_form(coord_a_client, kind, record), kind.field: kind.new_value})
    record.refresh_from_db()
    verification.reject(record, by=office, comment="请附上学院盖章的证明材料", expected_version=record.version)

    record.refresh_from_db()
    assert (live_value(record, kind.field), record.verification) == (before, Verification.REJECTED)
    assert counted(record)
    assert "请附上学院盖章的证明材料" in coord_a_client.get(url(kind, "detail", record.pk)).content.decode()
    assert "请附上学院盖章的证明材料" in coord_a_client.get(url(kind, "edit", record.pk)).content.decode()
    # Proposing again makes it pending again.
    coord_a_client.post(url(kind, "edit", record.pk), edit_form(coord_a_client, kind, record))
    record.refresh_from_db()
    assert (record.verification, record.review_comment) == (Verification.PENDING, "")


@kinds
def test_what_the_office_enters_by_form_is_verified_at_once(kind, faculty_a, office_client, office):
    record = kind.make(faculty_a)
    record.verification, record.verified_at = Verification.PENDING, None  # as a coordinator entered it
    record.save()
    data = {**edit_form(office_client, kind, record), kind.field: kind.new_value}
    office_client.post(url(kind, "edit", record.pk), data)
    record.refresh_from_db()
    assert record.verification == Verification.VERIFIED and record.verified_by == office and counted(record)
    assert record.staged == {}

    data = {**edit_form(office_client, kind, record), **kind.new_key}
    data.pop("version")
    office_client.post(url(kind, "create"), data)
    created = model_of(kind).objects.exclude(pk=record.pk).get()
    assert (created.verification, created.verified_by) == (Verification.VERIFIED, office)
    assert counted(created)


@kinds
def test_a_coordinator_may_not_delete_a_verified_record_but_may_delete_their_unverified_one(
        kind, faculty_a, coord_a_client, office_client):
    record = kind.make(faculty_a)
    assert coord_a_client.get(url(kind, "delete", record.pk)).status_code == 403
    assert coord_a_client.post(url(kind, "delete", record.pk)).status_code == 403
    detail = coord_a_client.get(url(kind, "detail", record.pk)).content.decode()
    assert f'href="{url(kind, "delete", record.pk)}"' not in detail
    assert model_of(kind).objects.filter(pk=record.pk).exists()
    assert office_client.get(url(kind, "delete", record.pk)).status_code == 200

    type(record).objects.filter(pk=record.pk).update(verification=Verification.PENDING, verified_at=None)
    assert coord_a_client.post(url(kind, "delete", record.pk)).status_code == 302
    assert not model_of(kind).objects.filter(pk=record.pk).exists()


# --- the import ------------------------------------------------------------------------------


def exported(kind: VerifiedKind, record, user) -> tuple[list[str], dict[str, str]]:
    """The record as its kind's export writes it for ``user``: the header and the row."""
    found = registry.get(kind.import_kind)
    text = "".join(csv_stream(found, type(record).objects.filter(pk=record.pk), found.columns_for(user)))
    header, row = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return header, dict(zip(header, row, strict=True))


def imported(kind: VerifiedKind, user, header: list[str], *rows: dict[str, str]):
    lines = io.StringIO()
    writer = csv.writer(lines)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[name] for name in header])
    result = registry.import_rows(kind.import_kind, csv_file(lines.getvalue()), user=user, dry_run=False)
    assert result.ok, [str(e) for e in result.errors] + result.file_errors
    return result


@kinds
def test_a_coordinators_import_counts_nothing_until_the_office_verifies_it(kind, faculty_a, coord_a, office):
    record = kind.make(faculty_a)
    before = live_value(record, kind.field)
    header, row = exported(kind, record, coord_a)

    result = imported(kind, coord_a, header, {**row, kind.column: kind.new_value}, {**row, **kind.new_key})
    assert (result.created, result.updated, result.awaiting) == (1, 1, 2)

    created = model_of(kind).objects.exclude(pk=record.pk).get()
    assert (created.verification, created.verified_at) == (Verification.PENDING, None)
    assert not counted(created)
    record.refresh_from_db()
    assert live_value(record, kind.field) == before and counted(record)
    assert record.verification == Verification.PENDING and set(record.staged) == {kind.field}

    # The same file again proposes nothing new.
    again = imported(kind, coord_a, header, {**row, kind.column: kind.new_value}, {**row, **kind.new_key})
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

    verification.verify(record, by=office)
    verification.verify(created, by=office)
    record.refresh_from_db()
    assert live_value(record, kind.field) != before
    assert counted(record) and counted(created)


@kinds
def test_what_the_office_imports_is_verified_on_entry(kind, faculty_a, office):
    record = kind.make(faculty_a)
    record.verification, record.verified_at = Verification.PENDING, None
    record.save()
    header, row = exported(kind, record, office)

    result = imported(kind, office, header, {**row, kind.column: kind.new_value}, {**row, **kind.new_key})
    assert (result.created, result.updated, result.awaiting) == (1, 1, 0)
    for obj in model_of(kind).objects.all():
        assert (obj.verification, obj.verified_by, obj.staged) == (Verification.VERIFIED, office, {})
        assert counted(obj)
