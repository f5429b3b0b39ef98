"""Spreadsheet bombs: files that are small on disk but would make the reader walk millions of
rows, unpack to hundreds of megabytes, or copy a huge cell into every message and stored job.

Work is measured by counting what the readers hand out (never by timing): the rows and cells
of openpyxl's streaming reader, and the rows of calamine's and the dense grid calamine built for
a sheet — a budget that the old reader blew through at once and the bounded readers stay far
below.  Workbooks that would make calamine build a huge grid must go to the streaming reader.
"""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from dataexchange import files, registry
from dataexchange.files import COLUMN_SLACK, XLSX_GRID_MAX_CELLS, FileRejected, max_empty_rows, parse_file
from dataexchange.models import ImportJob
from tests.dataexchange.helpers import csv_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = ["faculty", "year", "teachers", "students"]
CELL_BUDGET = 200_000


# --- building the files -----------------------------------------------------------------------


def workbook_bytes(rows: list[list], *, cells: tuple = ()) -> bytes:
    """A workbook with ``rows`` from A1 on and single ``cells`` (row, column, value) anywhere."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for row, column, value in cells:
        sheet.cell(row, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def repacked(data: bytes, *, change: dict | None = None, extra: dict | None = None) -> bytes:
    """``data`` (a workbook) zipped again, with members rewritten by ``change`` (name → function
    of the bytes) and ``extra`` members added; everything deflated as hard as zlib can."""
    change, extra = change or {}, extra or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in change:
                content = change[info.filename](content)
            target.writestr(info.filename, content)
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


def xlsx(data: bytes, name: str = "rows.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def claiming_every_cell(content: bytes) -> bytes:
    """The sheet declares the whole grid A1:XFD1048576 and ends with an empty last row."""
    start = content.index(b'<dimension ref="')
    end = content.index(b'"', start + len(b'<dimension ref="'))
    content = content[:start] + b'<dimension ref="A1:XFD1048576' + content[end:]
    return content.replace(b"</sheetData>", b'<row r="1048576"/></sheetData>')


class _CountedSheet:
    """A calamine sheet whose rows are counted as they are handed out."""

    def __init__(self, sheet, work):
        self._sheet, self._work = sheet, work
        self.start = sheet.start
        work["grids"].append(sheet.height * sheet.width)

    def iter_rows(self):
        for row in self._sheet.iter_rows():
            self._work["rows"] += 1
            self._work["cells"] += len(row)
            if self._work["cells"] > CELL_BUDGET:
                raise AssertionError(f"the reader walked past its budget: {self._work}")
            yield row


class _CountedWorkbook:
    def __init__(self, workbook, work):
        self._workbook, self._work = workbook, work
        self.sheets_metadata = workbook.sheets_metadata

    def get_sheet_by_name(self, name):
        return _CountedSheet(self._workbook.get_sheet_by_name(name), self._work)

    def close(self):
        self._workbook.close()


@pytest.fixture
def reader_work(monkeypatch):
    """The rows and cells the readers hand out, and the dense grid of each sheet calamine built
    (``grids``); more than the budget stops the read with a failure instead of walking on for
    minutes."""
    work = {"rows": 0, "cells": 0, "grids": []}
    original = ReadOnlyWorksheet._cells_by_row
    calamine = python_calamine.CalamineWorkbook

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            work["rows"] += 1
            work["cells"] += len(row)
            if work["cells"] > CELL_BUDGET:
                raise AssertionError(f"the reader walked past its budget: {work}")
            yield row

    class CountingCalamine:
        @staticmethod
        def from_filelike(filelike):
            return _CountedWorkbook(calamine.from_filelike(filelike), work)

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", CountingCalamine)
    yield work
    assert all(grid <= XLSX_GRID_MAX_CELLS for grid in work["grids"]), work


@pytest.fixture(params=["calamine", "streamed"])
def reader(request, monkeypatch):
    """Read a test's workbooks with calamine (where their grid fits) or, always, streaming."""
    if request.param == "streamed":
        monkeypatch.setattr(files, "XLSX_GRID_MAX_CELLS", 0)
    return request.param


@pytest.fixture
def no_reader_may_parse(monkeypatch):
    """Neither openpyxl nor calamine may be asked to parse the workbook: it is refused first."""

    def refuse(*args, **kwargs):
        raise AssertionError("a reader was asked to parse a workbook that should have been refused first")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", refuse)


# --- item 3: the declared size of a sheet is not what it holds --------------------------------


def test_a_sheet_claiming_a1_to_xfd1048576_is_read_for_what_it_holds(reader_work):
    data = repacked(workbook_bytes([HEADER, ["A", 2025, 1, 1]]),
                    change={"xl/worksheets/sheet1.xml": claiming_every_cell})
    assert len(data) < 10_000
    table = parse_file(xlsx(data))
    assert table.header == HEADER
    assert [(number, values[:4]) for number, values in table.rows] == [(2, ["A", "2025", "1", "1"])]
    assert not any(table.rows[0][1][4:])
    # The declared grid is too large for calamine: the streaming reader reads the sheet.
    assert reader_work["grids"] == []
    # The empty last row at 1,048,576 leaves a gap the reader walks until the empty-row limit,
    # each row no wider than the header and its slack.
    assert reader_work["rows"] <= max_empty_rows() + 10
    assert reader_work["cells"] <= (max_empty_rows() + 10) * (4 + COLUMN_SLACK) + 201


def test_a_lone_cell_at_row_one_million_ends_the_sheet_after_the_empty_row_limit(reader_work):
    data = workbook_bytes([HEADER, ["A", 2025, 1, 1]], cells=[(1_000_000, 1, "B")])
    assert len(data) < 10_000
    table = parse_file(xlsx(data))
    assert [number for number, _values in table.rows] == [2]
    assert reader_work["grids"] == []  # 1,000,000 rows × 4 columns: not for calamine
    assert reader_work["rows"] <= max_empty_rows() + 10


def test_cells_at_column_xfd_do_not_widen_every_row(reader_work):
    rows = [HEADER] + [["A", 2000 + n, 1, 1] for n in range(30)]
    data = workbook_bytes(rows, cells=[(n, 16_384, "x") for n in range(2, 32)])
    table = parse_file(xlsx(data))
    assert len(table.rows) == 30
    assert max(len(values) for _number, values in table.rows) <= 200
    assert reader_work["grids"] == []  # 31 rows × 16,384 columns: not for calamine
    assert reader_work["cells"] <= 31 * 200 + 300


def test_a_header_wider_than_the_column_limit_is_refused(settings, reader):
    settings.DATAEXCHANGE_MAX_COLUMNS = 20
    data = workbook_bytes([[f"c{n}" for n in range(25)], ["x"] * 25])
    with pytest.raises(FileRejected, match="more than 20 columns"):
        parse_file(xlsx(data))


def test_more_rows_than_the_limit_are_refused_as_soon_as_the_limit_is_passed(settings, reader_work, reader):
    settings.DATAEXCHANGE_MAX_ROWS = 50
    data = workbook_bytes([HEADER] + [["A", 2025, 1, n] for n in range(3000)])
    with pytest.raises(FileRejected, match="more than 50 rows"):
        parse_file(xlsx(data))
    assert reader_work["rows"] <= 60
    assert len(reader_work["grids"]) == (reader == "calamine")


# --- item 4: unpacked size, cell length, echoed values ----------------------------------------


def with_cell(placeholder: str, text: bytes) -> bytes:
    """A workbook whose last cell, written as ``placeholder``, holds ``text`` (openpyxl itself
    cuts what it writes to 32,767 characters, a crafted file need not)."""
    data = workbook_bytes([HEADER, ["A", 2025, 1, 1], ["A", 2024, 1, placeholder]])
    return repacked(data, change={"xl/worksheets/sheet1.xml": lambda content: content.replace(
        placeholder.encode(), text)})


def sixty_megabyte_string() -> bytes:
    return with_cell("BOMB", b"A" * 60_000_000)


def test_a_workbook_unpacking_to_60_mb_is_refused_before_any_reader_parses_it(office, no_reader_may_parse):
    data = sixty_megabyte_string()
    assert len(data) < 200_000
    result = registry.import_rows("faculty_years", xlsx(data), user=office, dry_run=True)
    assert not result.ok and not result.errors
    assert "expands" in " ".join(result.file_errors)
    assert sum(len(message) for message in result.file_errors) < 1000


def test_a_60_mb_workbook_is_refused_at_upload_with_a_short_message(office_client, no_reader_may_parse):
    response = office_client.post(reverse("dataexchange:import", args=["faculty_years"]),
                                  {"file": xlsx(sixty_megabyte_string())})
    assert response.status_code == 200 and len(response.content) < 200_000
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("setting", ["DATAEXCHANGE_XLSX_MAX_BYTES", "DATAEXCHANGE_XLSX_MAX_PART_BYTES"])
def test_a_workbook_unpacking_beyond_the_size_limits_is_refused(settings, setting, no_reader_may_parse):
    setattr(settings, setting, 100_000)
    # Distinct numbers compress about as well as real data does: only the size is at fault.
    data = workbook_bytes([HEADER] + [["A", 2025, n, n * 7919] for n in range(5_000)])
    with pytest.raises(FileRejected, match="unpacks to more than"):
        parse_file(xlsx(data))


def test_a_workbook_with_thousands_of_parts_is_refused(no_reader_may_parse):
    data = repacked(workbook_bytes([HEADER, ["A", 2025, 1, 1]]),
                    extra={f"customXml/item{n}.xml": b"<a/>" for n in range(1200)})
    with pytest.raises(FileRejected, match="parts"):
        parse_file(xlsx(data))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_cell_longer_than_excel_allows_is_an_error_naming_its_row_and_column(office, fmt):
    long = "9" * 40_000
    if fmt == "csv":
        upload = csv_file(f"faculty,year,teachers,students\nA,2025,1,1\nA,2024,1,{long}\n")
    else:
        upload = xlsx(with_cell("LONG", long.encode()))
    result = registry.import_rows("faculty_years", upload, user=office, dry_run=True)
    assert not result.errors
    [message] = result.file_errors
    assert "Row 3" in message and "students" in message and "40000" in message
    assert long[:200] not in message


def test_a_value_echoed_in_an_error_is_shortened(office, faculty_a):
    long = "x" * 20_000
    result = registry.import_rows("faculty_years", csv_file(f"faculty,year,teachers,students\nA,{long},1,1\n"),
                                  user=office, dry_run=True)
    [error] = result.errors
    assert error.column == "year"
    assert error.value.startswith("xxxx") and error.value.endswith("…") and len(error.value) <= 81
    assert len(error.message) < 400 and long not in error.message and "xxxx" in error.message


def test_a_long_header_name_is_shortened_where_the_header_message_names_it(office):
    long = "y" * 20_000
    result = registry.import_rows("faculty_years", csv_file(f"faculty,year,teachers,students,{long}\nA,2025,1,1\n"),
                                  user=office, dry_run=True)
    [unknown] = [message for message in result.file_errors if "yyyy" in message]
    assert "…" in unknown and len(unknown) < 200


def test_a_stored_import_job_stays_small_however_long_the_cells(office_client, faculty_a):
    long = "x" * 20_000
    rows = "".join(f"A,{long},1,{n}\n" for n in range(100))
    office_client.post(reverse("dataexchange:import", args=["faculty_years"]),
                       {"file": csv_file("faculty,year,teachers,students\n" + rows)})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.result["error_count"] == 100
    assert len(json.dumps(job.result)) < 100_000
    page = office_client.get(job.get_absolute_url())
    assert page.status_code == 200 and len(page.content) < 300_000


def test_a_jobs_stored_messages_are_bounded_in_total_and_say_how_many_more(office_client, faculty_a, settings):
    settings.DATAEXCHANGE_MAX_STORED_MESSAGE_CHARS = 500
    rows = "".join(f"A,{n},1,1\n" for n in range(100))  # years 0..99: each one too early
    office_client.post(reverse("dataexchange:import", args=["faculty_years"]),
                       {"file": csv_file("faculty,year,teachers,students\n" + rows)})
    job = ImportJob.objects.get()
    assert job.result["error_count"] == 100
    assert 0 < len(job.result["errors"]) < 100
    assert sum(len(e["message"]) + len(e["value"]) for e in job.result["errors"]) <= 500
    page = office_client.get(job.get_absolute_url())
    assert page.context["error_count"] == 100 and len(page.context["errors"]) == len(job.result["errors"])

    header = ",".join(["faculty", "year", "teachers", "students"] + [f"extra{n}" for n in range(150)])
    office_client.post(reverse("dataexchange:import", args=["faculty_years"]),
                       {"file": csv_file(header + "\nA,2025,1,1\n")})
    job = ImportJob.objects.exclude(pk=job.pk).get()
    messages = job.result["file_errors"]
    assert sum(len(message) for message in messages) <= 500 + 100
    # 150 unknown columns and the list of the columns expected: 151 problems, the rest counted.
    kept = len(messages) - 1
    assert 0 < kept < 151 and str(151 - kept) in messages[-1]


# --- item 16: a CSV cell beyond Python's csv field limit --------------------------------------


def test_a_csv_cell_over_128_kb_gets_a_message_naming_its_row_without_the_csv_modules_english(office):
    upload = csv_file('faculty,year,teachers,students\nA,2025,1,1\nA,2024,1,"' + "x" * 200_000 + '"\n')
    result = registry.import_rows("faculty_years", upload, user=office, dry_run=True)
    [message] = result.file_errors
    assert "Row 3" in message
    assert "field larger" not in message and "131072" not in message and "field limit" not in message
