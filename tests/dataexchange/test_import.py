"""Importing rows: every bad input named with its row, column and reason; all or nothing."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from dataexchange import registry
from dataexchange.signals import records_imported
from exchanges.models import Agreement, Mobility
from faculties.models import FacultyYear
from tests.dataexchange.helpers import (
    GOOD_MOBILITY,
    MOBILITY_HEADER,
    csv_file,
    mobility_csv,
    with_cell_row,
    xlsx_file,
)
from tests.factories import AgreementFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def import_mobilities(user, *rows, header=MOBILITY_HEADER, dry_run=False):
    return registry.import_rows("mobilities", mobility_csv(*rows, header=header), user=user, dry_run=dry_run)


def only_error(result):
    assert not result.file_errors, result.file_errors
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    return result.errors[0]


with_cell = with_cell_row


# --- good rows ---------------------------------------------------------------------------


def test_good_mobility_rows_are_created_with_their_references(office, mobility_refs, teacher_a, scheme):
    result = import_mobilities(
        office, GOOD_MOBILITY,
        "B,inbound,student,Anna Smith,S1,,,DE,semester_exchange,2025-09-01,2026-01-15,approved,国家留学基金,12000")
    assert result.ok and result.created == 2
    mobility = Mobility.objects.get(person_id="T1001")
    assert mobility.staff_member == teacher_a and mobility.partner.name == "University of Edinburgh"
    inbound = Mobility.objects.get(person_id="S1")
    assert inbound.funding_scheme == scheme and inbound.amount == Decimal("12000")
    assert inbound.partner is None and inbound.staff_member is None


def test_reimporting_a_changed_row_updates_the_record_and_bumps_its_version(office, mobility_refs):
    import_mobilities(office, GOOD_MOBILITY)
    result = import_mobilities(office, with_cell("person_name", "王大明"))
    assert (result.created, result.updated) == (0, 1)
    mobility = Mobility.objects.get()
    assert mobility.person_name == "王大明" and mobility.version == 2


def test_an_import_appears_in_the_history_with_the_importing_user(office, mobility_refs):
    import_mobilities(office, GOOD_MOBILITY)
    import_mobilities(office, with_cell("status", "cancelled"))
    history = list(Mobility.history.order_by("history_date").values_list("history_type", "history_user", "status"))
    assert history == [("+", office.pk, "planned"), ("~", office.pk, "cancelled")]


def test_chinese_labels_and_yes_no_variants_are_accepted(office, mobility_refs):
    with translation.override("zh-hans"):
        direction, kind = str(Mobility.Direction.OUTBOUND.label), str(Mobility.PersonKind.TEACHER.label)
    row = with_cell("person_kind", kind, with_cell("direction", direction))
    result = import_mobilities(office, with_cell("activity", "Further study", row))
    assert result.ok, [str(e) for e in result.errors]
    assert Mobility.objects.get().activity == Mobility.Activity.FURTHER_STUDY


def test_a_dry_run_checks_every_row_and_writes_nothing(office, mobility_refs):
    result = import_mobilities(office, GOOD_MOBILITY, dry_run=True)
    assert result.ok and result.created == 1 and not result.written
    assert not Mobility.objects.exists()


def test_an_xlsx_file_with_real_date_and_number_cells_imports(office, mobility_refs):
    upload = xlsx_file([MOBILITY_HEADER.split(","), [
        "A", "outbound", "teacher", "王老师", "T1001", "T1001", "", "GB", "visit",
        datetime.date(2025, 4, 1), datetime.datetime(2025, 4, 10), "planned", "国家留学基金", 1500.5]])  # noqa: DTZ001 (a spreadsheet cell has no zone)
    result = registry.import_rows("mobilities", upload, user=office, dry_run=False)
    assert result.ok, [str(e) for e in result.errors]
    mobility = Mobility.objects.get()
    assert mobility.ends_on == datetime.date(2025, 4, 10) and mobility.amount == Decimal("1500.50")


def test_records_imported_is_sent_once_on_commit_with_the_years_touched(
        office, mobility_refs, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs["kind"], kwargs["years"], kwargs["user"]))

    records_imported.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            import_mobilities(office, GOOD_MOBILITY, with_cell("starts_on", "2024-12-30", with_cell("person_id", "X")))
    finally:
        records_imported.disconnect(receiver)
    assert received == [(Mobility, "mobilities", {2024, 2025}, office)]


# --- every bad row is named, and nothing is written --------------------------------------


def test_one_bad_row_among_good_rows_writes_nothing(office, mobility_refs):
    result = import_mobilities(
        office, GOOD_MOBILITY, with_cell("person_id", "T2"), with_cell("country", "XX", with_cell("person_id", "T3")))
    assert not result.ok and result.bad_rows == [4]
    assert not Mobility.objects.exists()


def test_every_bad_row_is_listed_not_just_the_first(office, mobility_refs):
    result = import_mobilities(office, with_cell("faculty", "Q"), with_cell("direction", "up"))
    assert [(e.row, e.column) for e in result.errors] == [(2, "faculty"), (3, "direction")]


def test_unknown_faculty_is_named(office, mobility_refs):
    error = only_error(import_mobilities(office, with_cell("faculty", "NOPE")))
    assert (error.row, error.column, error.value) == (2, "faculty", "NOPE")
    assert "NOPE" in error.message


def test_unknown_staff_number_is_named(office, mobility_refs):
    error = only_error(import_mobilities(office, with_cell("staff_no", "T9999")))
    assert (error.column, error.value) == ("staff_no", "T9999")


def test_unknown_partner_is_named(office, mobility_refs):
    error = only_error(import_mobilities(office, with_cell("partner", "Hogwarts")))
    assert error.column == "partner" and "Hogwarts" in error.message


def test_end_before_start_is_refused(office, mobility_refs):
    error = only_error(import_mobilities(office, with_cell("ends_on", "2025-03-01")))
    assert error.column == "ends_on" and "2025-03-01" in error.message


def test_30_february_is_refused(office, mobility_refs):
    error = only_error(import_mobilities(office, with_cell("starts_on", "2025-02-30")))
    assert (error.column, error.value) == ("starts_on", "2025-02-30")


def test_unknown_choice_is_refused(office, mobility_refs):
    error = only_error(import_mobilities(office, with_cell("activity", "holiday")))
    assert error.column == "activity" and "summer_study_tour" in error.message


def test_negative_amount_is_refused(office, mobility_refs):
    error = only_error(import_mobilities(office, with_cell("amount", "-500")))
    assert error.column == "amount"


def test_reasons_are_given_in_chinese_by_default(office, mobility_refs):
    with translation.override("zh-hans"):
        error = only_error(import_mobilities(office, with_cell("country", "XX")))
    assert error.message == "“XX”不是 ISO 3166 国家代码（两个字母，如 GB、JP、DE）。"


def test_unknown_country_code_is_refused(office, mobility_refs):
    error = only_error(import_mobilities(office, with_cell("country", "XX")))
    assert error.column == "country" and "ISO 3166" in error.message


def test_an_empty_required_cell_is_refused(office, mobility_refs):
    error = only_error(import_mobilities(office, with_cell("person_name", "")))
    assert error.column == "person_name"


def test_a_text_longer_than_the_field_is_refused_by_the_model_validation(office, mobility_refs):
    error = only_error(import_mobilities(office, with_cell("person_name", "名" * 101)))
    assert error.column == "person_name"


def test_the_same_record_twice_in_one_file_is_refused(office, mobility_refs):
    error = only_error(import_mobilities(office, GOOD_MOBILITY, with_cell("person_name", "别名")))
    assert error.row == 3 and "Row 2" in error.message


def test_a_row_with_more_cells_than_the_header_is_refused(office, mobility_refs):
    error = only_error(import_mobilities(office, GOOD_MOBILITY + ",extra"))
    assert error.column is None and error.row == 2


def test_more_foreign_participants_than_participants_is_refused(office, faculty_a):
    upload = csv_file("faculty,kind,title,date,participants_total,participants_foreign\n"
                      "A,conference_hosted,国际会议,2025-05-01,10,11\n")
    error = only_error(registry.import_rows("events", upload, user=office, dry_run=False))
    assert error.column == "participants_foreign"


# --- the file as a whole ------------------------------------------------------------------


def file_errors(upload, user, kind="mobilities"):
    result = registry.import_rows(kind, upload, user=user, dry_run=False)
    assert not result.ok and not result.errors
    return " ".join(result.file_errors)


def test_duplicate_header_is_refused(office, mobility_refs):
    message = file_errors(mobility_csv(GOOD_MOBILITY + ",A", header=MOBILITY_HEADER + ",faculty"), office)
    assert "“faculty” appears twice" in message


def test_missing_column_is_refused(office, mobility_refs):
    header = MOBILITY_HEADER.replace(",amount", "")
    message = file_errors(mobility_csv(GOOD_MOBILITY[:-1], header=header), office)
    assert "Missing columns: Funding amount (yuan) (amount)." in message


def test_unknown_column_is_refused(office, mobility_refs):
    message = file_errors(mobility_csv(GOOD_MOBILITY + ",x", header=MOBILITY_HEADER + ",remarks"), office)
    assert "“remarks” is not a column" in message


def test_empty_file_is_refused(office):
    assert "empty" in file_errors(csv_file(""), office)


def test_file_with_only_blank_lines_is_refused(office):
    assert "empty" in file_errors(csv_file("\n\n,,,\n"), office)


def test_pdf_named_xlsx_is_not_a_spreadsheet(office):
    upload = SimpleUploadedFile("rows.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n")
    assert "not a spreadsheet" in file_errors(upload, office)


def test_random_bytes_named_xlsx_are_not_a_spreadsheet(office):
    upload = SimpleUploadedFile("rows.xlsx", bytes(range(256)) * 40)
    assert "not a spreadsheet" in file_errors(upload, office)


def test_a_zip_that_is_not_a_workbook_is_not_a_spreadsheet(office):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "not a spreadsheet" in file_errors(SimpleUploadedFile("rows.xlsx", buffer.getvalue()), office)


def test_a_pdf_is_not_a_spreadsheet(office):
    upload = SimpleUploadedFile("rows.pdf", b"%PDF-1.7\n")
    assert "not a spreadsheet" in file_errors(upload, office)


def test_a_gbk_csv_from_chinese_excel_is_read(office, faculty_a):
    upload = SimpleUploadedFile("rows.csv", "faculty,year,teachers,students\n甲学院,2025,1,1\n".encode("gbk"))
    assert registry.import_rows("faculty_years", upload, user=office, dry_run=False).ok
    assert FacultyYear.objects.get().faculty == faculty_a


def test_a_csv_with_a_byte_order_mark_is_read(office, faculty_a):
    upload = SimpleUploadedFile("rows.csv", "\ufefffaculty,year,teachers,students\nA,2025,100,2000\n".encode())
    assert registry.import_rows("faculty_years", upload, user=office, dry_run=False).ok
    assert FacultyYear.objects.get().teachers == 100


def test_an_oversized_file_is_refused(office, settings):
    settings.DATAEXCHANGE_MAX_UPLOAD_BYTES = 1024
    upload = csv_file("faculty,year,teachers,students\n" + "A,2025,1,1\n" * 200)
    assert "larger than" in file_errors(upload, office, "faculty_years")


# --- who may import what -------------------------------------------------------------------


def test_coordinator_imports_rows_of_their_own_faculty(coord_a, mobility_refs):
    assert import_mobilities(coord_a, GOOD_MOBILITY).ok
    assert Mobility.objects.get().faculty.code == "A"


def test_coordinator_importing_another_facultys_row_gets_an_error_for_that_row(coord_a, mobility_refs):
    result = import_mobilities(coord_a, GOOD_MOBILITY, with_cell("faculty", "B", with_cell("person_id", "S9")))
    error = only_error(result)
    assert (error.row, error.column, error.value) == (3, "faculty", "B")
    assert not Mobility.objects.exists()


def test_coordinator_cannot_change_an_approved_mobility_by_import(office, coord_a, mobility_refs):
    import_mobilities(office, with_cell("status", "approved"))
    error = only_error(import_mobilities(coord_a, with_cell("status", "approved", with_cell("person_name", "改名"))))
    assert error.row == 2 and "no longer be changed" in error.message
    assert Mobility.objects.get().person_name == "王老师"


def test_agreement_faculties_are_a_semicolon_separated_list(office, faculty_a, faculty_b, partner):
    upload = csv_file("partner,faculties,kind,title,signed_on,starts_on,ends_on,status,terminated_on\n"
                      "University of Edinburgh,A; B,student_exchange,两院协议,"
                      "2024-12-01,2025-01-01,2027-12-31,active,\n")
    assert registry.import_rows("agreements", upload, user=office, dry_run=False).ok
    assert sorted(Agreement.objects.get().faculties.values_list("code", flat=True)) == ["A", "B"]


def test_an_agreement_file_kept_from_before_the_termination_date_still_imports(office, faculty_a, partner):
    # ``terminated_on`` came later: a file without the column leaves the date as it is.
    agreement = AgreementFactory(partner=partner, title="旧协议", starts_on=datetime.date(2020, 1, 1),
                                 status="terminated", terminated_on=datetime.date(2024, 6, 30))
    upload = csv_file("partner,faculties,kind,title,signed_on,starts_on,ends_on,status\n"
                      "University of Edinburgh,A,student_exchange,旧协议,,2020-01-01,2027-12-31,terminated\n")
    result = registry.import_rows("agreements", upload, user=office, dry_run=False)
    assert result.ok, result.as_dict()
    agreement.refresh_from_db()
    assert (agreement.terminated_on, agreement.ends_on) == (datetime.date(2024, 6, 30), datetime.date(2027, 12, 31))


@pytest.mark.parametrize("kind", ["partners", "funding_schemes", "faculties", "agreements"])
def test_coordinator_may_not_import_office_only_kinds(coord_a, kind):
    with pytest.raises(PermissionDenied):
        registry.import_rows(kind, csv_file("name\nx\n"), user=coord_a, dry_run=True)


def test_leader_may_not_import_anything(leader):
    with pytest.raises(PermissionDenied):
        registry.import_rows("mobilities", mobility_csv(GOOD_MOBILITY), user=leader, dry_run=True)
