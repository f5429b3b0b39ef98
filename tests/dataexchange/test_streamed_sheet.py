"""The streamed sheet (``writing.StreamedSheet``): what it writes, openpyxl and calamine read back."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from dataexchange.writing import SheetWriter

ROW = ["计算机科学与技术学院", "  spaced  ", "two\nlines", "a & b <c>", Decimal("5000.50"), 42, 2.5, True,
       datetime.date(2025, 3, 1), datetime.datetime(2025, 3, 1, 6, 30, tzinfo=datetime.UTC), None, "", "=1+1"]
# An aware time is written as Beijing time (TIME_ZONE), which a spreadsheet shows without a zone.
BEIJING = datetime.datetime(2025, 3, 1, 14, 30)  # noqa: DTZ001


def _written(*rows, hidden=False) -> bytes:
    writer = SheetWriter()
    sheet = writer.sheet("人员交流", ["header", "second"], freeze_header=True)
    for row in rows:
        sheet.append(row)
    writer.sheet("notes", ["only"], hidden=hidden)
    out = io.BytesIO()
    writer.save(out)
    return out.getvalue()


def test_each_kind_of_value_reads_back_as_it_was_written():
    book = load_workbook(io.BytesIO(_written(ROW)))
    sheet = book["人员交流"]

    assert [cell.value for cell in sheet[1]][:2] == ["header", "second"]
    assert all(cell.font.bold for cell in sheet[1][:2])
    values = [cell.value for cell in sheet[2]]
    assert values[:10] == ["计算机科学与技术学院", "  spaced  ", "two\nlines", "a & b <c>", 5000.5, 42, 2.5, True,
                           datetime.datetime(2025, 3, 1), BEIJING]  # noqa: DTZ001
    assert sheet["I2"].number_format == "yyyy-mm-dd" and sheet["I2"].is_date
    assert values[10:] == [None, None, "'=1+1"]  # empty cells stay empty; a formula is neutralised
    assert sheet.freeze_panes == "A2"
    assert sheet.calculate_dimension() == "A1:M2"


def test_calamine_reads_the_same_grid():
    rows = CalamineWorkbook.from_filelike(io.BytesIO(_written(ROW))).get_sheet_by_name("人员交流").to_python()

    assert rows[1][:4] == ["计算机科学与技术学院", "  spaced  ", "two\nlines", "a & b <c>"]
    assert rows[1][8] == datetime.date(2025, 3, 1)


def test_characters_xml_cannot_hold_are_dropped_not_refused():
    sheet = load_workbook(io.BytesIO(_written(["bell\x07 and null\x00 gone"])))["人员交流"]
    assert sheet["A2"].value == "bell and null gone"


def test_the_dimension_names_the_grid_written_and_other_sheets_keep_their_state():
    data = _written(*[[n, n * 2, n * 3] for n in range(1, 1001)], hidden=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<dimension ref="A1:C1001"/>' in xml
    book = load_workbook(io.BytesIO(data))
    assert book["notes"].sheet_state == "hidden" and book["notes"]["A1"].value == "only"
    assert book["人员交流"]["C1001"].value == 3000


def test_the_same_rows_make_the_same_bytes():
    assert _written(ROW, ROW) == _written(ROW, ROW)
