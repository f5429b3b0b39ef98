"""``import_records`` and ``export_records``, run through ``call_command``."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from dataexchange import registry
from exchanges.models import Mobility
from faculties.models import FacultyYear
from tests.dataexchange.helpers import GOOD_MOBILITY, MOBILITY_HEADER, snapshot, with_cell_row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def mobilities_csv(tmp_path):
    path = tmp_path / "mobilities.csv"
    path.write_text(f"{MOBILITY_HEADER}\n{GOOD_MOBILITY}\n", encoding="utf-8")
    return path


def test_import_records_imports_as_the_office(mobility_refs, mobilities_csv, capsys):
    call_command("import_records", "mobilities", str(mobilities_csv))
    assert Mobility.objects.count() == 1
    assert "added 1" in capsys.readouterr().out


def test_import_records_credits_the_named_office_user_in_the_history(office, mobility_refs, mobilities_csv):
    call_command("import_records", "mobilities", str(mobilities_csv), user=office.username)
    assert Mobility.history.get().history_user == office


def test_import_records_refuses_a_user_outside_the_office(leader, mobility_refs, mobilities_csv):
    with pytest.raises(CommandError, match="not in the office"):
        call_command("import_records", "mobilities", str(mobilities_csv), user=leader.username)


def test_import_records_dry_run_writes_nothing(mobility_refs, mobilities_csv, capsys):
    call_command("import_records", "mobilities", str(mobilities_csv), "--dry-run")
    assert not Mobility.objects.exists()
    assert "Dry run" in capsys.readouterr().out


def test_import_records_prints_every_bad_row_and_fails(mobility_refs, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    rows = [with_cell_row("faculty", "Q"), with_cell_row("ends_on", "2025-02-30", with_cell_row("person_id", "Z"))]
    path.write_text("\n".join([MOBILITY_HEADER, *rows]), encoding="utf-8")
    with pytest.raises(CommandError, match="2 bad row"):
        call_command("import_records", "mobilities", str(path))
    errors = capsys.readouterr().err
    assert "row 2, column faculty" in errors and "row 3, column ends_on" in errors
    assert not Mobility.objects.exists()


def test_import_records_refuses_an_unknown_kind(tmp_path):
    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("import_records", "nothing", str(tmp_path / "x.csv"))


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_records_writes_a_file_import_records_reads_back(suffix, faculty_a, tmp_path):
    FacultyYear.objects.create(faculty=faculty_a, year=2025, teachers=100, students=2000)
    path = tmp_path / f"years.{suffix}"
    call_command("export_records", "faculty_years", str(path))
    FacultyYear.objects.all().delete()
    call_command("import_records", "faculty_years", str(path))
    assert list(FacultyYear.objects.values_list("year", "teachers", "students")) == [(2025, 100, 2000)]


def test_export_records_refuses_another_file_ending(tmp_path):
    with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
        call_command("export_records", "faculty_years", str(tmp_path / "years.pdf"))


def test_export_records_writes_labels_in_the_language_asked_and_import_records_reads_them(
        office, exchange_records, tmp_path):
    path = tmp_path / "mobilities.xlsx"
    call_command("export_records", "mobilities", str(path), "--style", "labels", "--language", "zh-hans")
    header = next(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    with translation.override("zh-hans"):
        assert list(header) == [str(column.heading("labels")) for column in registry.get("mobilities").columns]
    before = snapshot(Mobility)
    call_command("import_records", "mobilities", str(path))
    assert snapshot(Mobility) == before


def test_export_records_writes_codes_by_default(faculty_a, tmp_path):
    path = tmp_path / "faculties.csv"
    call_command("export_records", "faculties", str(path))
    assert path.read_text(encoding="utf-8-sig").splitlines()[0].split(",") == [
        column.name for column in registry.get("faculties").columns]
