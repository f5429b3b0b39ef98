"""Reading spreadsheets as a Chinese office really has them (``dataexchange.files``): text in
the encodings Chinese Excel writes, title rows above the header, instruction sheets, example
rows, East-Asian date formats, and the dense-grid bomb that must never reach calamine.

Every file is built here in code.  Workbooks are read twice where it matters, once by each
reader (``reader``): calamine, and openpyxl's streaming reader that takes over when a sheet's
grid is too large (or not plain enough) to measure.
"""

from __future__ import annotations

import codecs
import copy
import datetime
import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from dataexchange import files
from dataexchange.files import (
    EAST_ASIAN_DATE_FORMATS,
    EXAMPLE_MARKS,
    FileRejected,
    Table,
    decode_text,
    is_example,
    mark_example,
    parse_file,
    sniff,
    text_delimiter,
    xlsx_grid,
)

pytestmark = pytest.mark.usefixtures("english")

TITLE = "2025年人员交流统计表"
HEADER = ["学院", "方向", "人员类别", "姓名", "开始日期", "资助金额（元）"]
ROWS = [
    ["计算机科学与技术学院", "出国", "专任教师", "王建国", "2025/3/1", "￥5,000"],
    ["外国语学院", "来华", "学者", "Anna Smith", "2025年10月8日", "1.2万元"],
]


def names_columns(values: list[str]) -> int:
    """A ``header_match`` as the importer gives one: how many cells name a column."""
    return sum(1 for value in values if value.removesuffix("（必填）") in HEADER)


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def trimmed(table: Table) -> list[tuple[int, list[str]]]:
    """The rows without the empty cells a reader may pad them with on the right."""
    out = []
    for number, values in table.rows:
        values = list(values)
        while values and not values[-1]:
            values.pop()
        out.append((number, values))
    return out


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(params=["calamine", "streamed"])
def reader(request, monkeypatch):
    """Which reader reads the workbooks of a test; the other one must not be called."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"only the {request.param} reader may read this workbook")

    if request.param == "calamine":
        monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    else:
        monkeypatch.setattr(files, "XLSX_GRID_MAX_CELLS", 0)
        monkeypatch.setattr(python_calamine, "CalamineWorkbook", refuse)
    return request.param


# --- text files: encodings and delimiters ------------------------------------------------------


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    return "".join(delimiter.join(f'"{cell}"' if delimiter in cell else cell for cell in row) + "\r\n"
                   for row in rows)


@pytest.mark.parametrize("rows", [
    [HEADER, *ROWS],
    [["学院", "姓名"], ["外国语学院", "张伟"]],  # two short lines
    [["faculty", "year", "teachers", "students"], ["甲", "2025", "1", "1"]],  # one Chinese character
])
def test_a_gbk_csv_from_chinese_excel_is_read_as_gbk(rows):
    data = csv_text(rows).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = parse_file(upload(data, "rows.csv"))
    assert table.header == rows[0]
    assert table.rows == [(number, row) for number, row in enumerate(rows[1:], start=2)]


def test_a_gb18030_csv_with_characters_beyond_gbk_is_read():
    rows = [["姓名", "学院"], ["𠮷野家", "外国语学院"]]  # 𠮷 takes GB18030's four-byte form
    table = parse_file(upload(csv_text(rows).encode("gb18030"), "rows.csv"))
    assert table.rows == [(2, rows[1])]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_excels_unicode_text_is_read_tab_separated_with_its_byte_order_mark(encoding):
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    # A comma inside a cell of a tab-separated file is not quoted by Excel: tabs still decide.
    data = bom + csv_text([HEADER, *ROWS], delimiter="\t").encode(encoding)
    table = parse_file(upload(data, "mobilities.txt"))
    assert table.header == HEADER
    assert table.rows == [(2, ROWS[0]), (3, ROWS[1])]
    assert table.rows[0][1][5] == "￥5,000"


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_utf8_is_read_with_or_without_a_byte_order_mark(bom):
    table = parse_file(upload(bom + csv_text([HEADER, *ROWS]).encode(), "rows.csv"))
    assert table.header == HEADER and table.header[0] == "学院"
    assert table.rows == [(2, ROWS[0]), (3, ROWS[1])]


def test_a_latin_file_that_is_none_of_the_encodings_is_refused_with_how_to_save_it():
    data = "name,city\nMüller,Zürich\nGarçon,Besançon\n".encode("cp1252")
    with pytest.raises(FileRejected, match="UTF-8") as refused:
        parse_file(upload(data, "rows.csv"))
    assert "Save as" in str(refused.value)


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n",
    bytes(range(256)) * 40,
])
def test_a_binary_file_named_csv_is_refused(data):
    with pytest.raises(FileRejected) as refused:
        parse_file(upload(data, "rows.csv"))
    message = str(refused.value)
    assert "not a spreadsheet" in message or "cannot be read" in message
    with pytest.raises(FileRejected):
        sniff(upload(data, "rows.csv"), name="rows.csv")


def test_decoding_keeps_to_the_encodings_excel_writes():
    assert decode_text("学院,方向\n外国语学院,来华\n".encode("gbk")) == "学院,方向\n外国语学院,来华\n"
    assert decode_text(codecs.BOM_UTF8 + "学院".encode()) == "学院"
    assert decode_text("学院\t方向".encode("utf-16")) == "学院\t方向"


@pytest.mark.parametrize(("text", "delimiter"), [
    ("a,b,c\n1,2,3\n", ","),
    ("a\tb\tc\n1\t2,5\t3\n", "\t"),
    ("a;b;c\n1;2,5;3\n", ";"),
    ('"x, y, z",b\n1,2\n', ","),  # commas inside quotes do not count: one comma on each line
    ('"a\tb\tc";d;e\n1;2;3\n', ";"),
    (f"{TITLE}\n\n学院,方向,姓名\n", ","),  # a title line above the header
    ("姓名\n张伟\n", ","),  # a single column
])
def test_the_delimiter_is_the_one_the_widest_line_uses_outside_quotes(text, delimiter):
    assert text_delimiter(text) == delimiter


def test_a_semicolon_csv_is_read():
    table = parse_file(upload("学院;姓名\n外国语学院;张伟\n".encode(), "rows.csv"))
    assert table.header == ["学院", "姓名"] and table.rows == [(2, ["外国语学院", "张伟"])]


@pytest.mark.parametrize("name", ["rows.xls", "ROWS.XLS"])
def test_an_old_excel_workbook_is_told_to_be_saved_as_xlsx(name):
    with pytest.raises(FileRejected, match=r"\.xls\).*Excel Workbook \(\.xlsx\)"):
        parse_file(upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), name))
    with pytest.raises(FileRejected, match=r"Excel Workbook \(\.xlsx\)"):
        sniff(upload(b"\xd0\xcf\x11\xe0", name), name=name)


@pytest.mark.parametrize("name", ["rows.xlsx", "rows.csv"])
def test_an_old_excel_or_protected_workbook_under_another_name_is_told_to_be_saved_as_xlsx(name):
    with pytest.raises(FileRejected, match=r"Excel Workbook \(\.xlsx\)"):
        parse_file(upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4, name))


# --- the header below title rows ---------------------------------------------------------------


def titled_csv() -> bytes:
    """Excel on Chinese Windows, "CSV (逗号分隔)": a title line padded with commas, a note, a blank
    line, then the header and rows with a blank line between them."""
    rows = [[TITLE] + [""] * 5, ["填表单位：国际交流与合作处", "", "", "", "", "填表日期：2025年12月1日"], [""] * 6,
            HEADER, ROWS[0], [""] * 6, ROWS[1]]
    return csv_text(rows).encode("gbk")


def test_title_rows_above_the_header_of_a_csv_are_skipped_and_rows_keep_their_numbers():
    table = parse_file(upload(titled_csv(), "rows.csv"), header_match=names_columns)
    assert table.header_row == 4 and table.header == HEADER
    assert table.rows == [(5, ROWS[0]), (7, ROWS[1])]


def test_without_a_header_match_the_first_non_empty_row_is_the_header():
    table = parse_file(upload(titled_csv(), "rows.csv"))
    assert table.header_row == 1 and table.header == [TITLE]
    assert [number for number, _values in table.rows] == [2, 4, 5, 7]


def test_when_no_row_names_columns_the_first_non_empty_row_is_the_header_and_the_rest_are_rows():
    rows = [["说明"], ["甲", "乙"], *[[f"x{n}", f"y{n}"] for n in range(40)]]
    table = parse_file(upload(csv_text(rows).encode(), "rows.csv"), header_match=names_columns)
    assert table.header_row == 1 and table.header == ["说明"]
    assert [number for number, _values in table.rows] == list(range(2, 43))


def test_the_header_is_looked_for_among_the_first_thirty_non_empty_rows_only():
    rows = [[f"note {n}", "x"] for n in range(30)] + [HEADER, ROWS[0]]
    table = parse_file(upload(csv_text(rows).encode(), "rows.csv"), header_match=names_columns)
    assert table.header_row == 1
    rows = rows[1:]
    table = parse_file(upload(csv_text(rows).encode(), "rows.csv"), header_match=names_columns)
    assert table.header_row == 30 and table.rows == [(31, ROWS[0])]


@pytest.mark.parametrize(("row", "is_header"), [
    (["学院", "姓名", "备注", "其他"], True),  # half of the cells name a column
    (["学院", "备注", "其他"], False),  # one of three
    (["填表单位：学院", "学院"], False),  # one of two: a note that happens to name a column
    (["学院", "", "", "", "姓名"], True),  # empty cells do not count
    (["姓名"], True),  # the only cell, and it names a column
])
def test_a_row_is_the_header_when_at_least_half_and_two_of_its_cells_name_columns(row, is_header):
    rows = [["总标题"], row, ["外国语学院", "张伟", "x", "y", "z"]]
    table = parse_file(upload(csv_text(rows).encode(), "rows.csv"), header_match=names_columns)
    assert (table.header_row == 2) is is_header


def titled_workbook(*, start_column: int = 1) -> bytes:
    """A merged title, a note, blank rows, a header marked （必填）, rows with a blank one between,
    an example row, and a 填写说明 sheet as the FIRST sheet."""
    book = Workbook()
    notes = book.active
    notes.title = "填写说明"
    notes.append(["说明：日期可写作 2025年3月1日；金额单位为元。"])
    notes.append(HEADER)  # an instructions sheet may well list the columns: it is not the data
    sheet = book.create_sheet("人员交流")
    pad = [None] * (start_column - 1)
    sheet.append(pad + [TITLE])
    sheet.merge_cells(start_row=1, start_column=start_column, end_row=1, end_column=start_column + len(HEADER) - 1)
    sheet.append(pad + ["填表单位：国际交流与合作处", None, None, None, None, "填表日期：2025年12月1日"])
    sheet.append([])
    sheet.append([])
    sheet.append(pad + [f"{title}（必填）" if n < 2 else title for n, title in enumerate(HEADER)])
    sheet.append(pad + [mark_example("计算机科学与技术学院"), "出国", "专任教师", "王建国", "2025/3/1", "5000"])
    sheet.append(pad + ROWS[0])
    sheet.append([])
    sheet.append(pad + ROWS[1])
    return workbook_bytes(book)


def test_a_workbooks_title_rows_first_instructions_sheet_and_example_row_are_skipped(reader):
    table = parse_file(upload(titled_workbook(), "rows.xlsx"), header_match=names_columns)
    assert table.header_row == 5
    assert table.header == ["学院（必填）", "方向（必填）", *HEADER[2:]]
    assert trimmed(table) == [(7, ROWS[0]), (9, ROWS[1])]


def test_a_sheet_that_starts_in_column_c_keeps_its_columns_in_both_readers(reader):
    table = parse_file(upload(titled_workbook(start_column=3), "rows.xlsx"), header_match=names_columns)
    assert table.header_row == 5
    assert table.header[:2] == ["", ""] and table.header[2] == "学院（必填）"
    assert trimmed(table) == [(7, ["", "", *ROWS[0]]), (9, ["", "", *ROWS[1]])]


def test_hidden_and_instruction_sheets_are_passed_over_for_the_first_data_sheet(reader):
    book = Workbook()
    book.active.title = "Read me"
    book.active.append(["How to fill in"])
    hidden = book.create_sheet("选项")
    hidden.append(["出国", "来华"])
    hidden.sheet_state = "hidden"
    book.create_sheet("说 明").append(["…"])  # spaces and full width do not hide an instructions sheet
    book.create_sheet("Ｉｎｓｔｒｕｃｔｉｏｎｓ").append(["…"])
    data = book.create_sheet("2025")
    data.append(HEADER)
    data.append(ROWS[0])
    book.create_sheet("2024").append(["an older sheet, not read"])
    table = parse_file(upload(workbook_bytes(book), "rows.xlsx"))
    assert table.header == HEADER and trimmed(table) == [(2, ROWS[0])]


def test_a_workbook_of_instructions_only_is_refused_naming_its_sheets(reader):
    book = Workbook()
    book.active.title = "填写说明"
    book.active.append(HEADER)
    book.create_sheet("ReadMe").append(["x"])
    with pytest.raises(FileRejected, match="no sheet of rows") as refused:
        parse_file(upload(workbook_bytes(book), "rows.xlsx"))
    assert "“填写说明”" in str(refused.value) and "“ReadMe”" in str(refused.value)


def test_a_workbook_of_instructions_only_is_refused_at_upload():
    book = Workbook()
    book.active.title = "填写说明"
    book.active.append(HEADER)
    with pytest.raises(FileRejected, match="no sheet of rows"):
        sniff(upload(workbook_bytes(book), "rows.xlsx"), name="rows.xlsx")


# --- example rows ------------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["示例：计算机学院", "示例:计算机学院", "示例： 计算机学院", " Example: CS",
                                   "EXAMPLE:CS", "示例\uff1a计算机学院", "Example: "])
def test_example_rows_are_known_by_their_first_non_empty_cell(first):
    assert is_example(["", first, "出国"])


@pytest.mark.parametrize("first", ["示例", "Examples of use", "计算机学院", "例：x"])
def test_other_rows_are_not_examples(first):
    assert not is_example([first, "示例：x"])


def test_mark_example_writes_a_mark_the_reader_knows():
    marked = mark_example("计算机科学与技术学院")
    assert marked.startswith(EXAMPLE_MARKS) and marked.endswith("计算机科学与技术学院")
    assert is_example([marked, "出国"])


def test_example_rows_of_a_csv_are_skipped_above_and_below_the_header():
    rows = [["示例：这一行说明格式"], HEADER, ["示例：计算机科学与技术学院", "出国"], ROWS[0]]
    table = parse_file(upload(csv_text(rows).encode(), "rows.csv"), header_match=names_columns)
    assert table.header_row == 2 and table.rows == [(4, ROWS[0])]


# --- cell values: East-Asian dates and the rest --------------------------------------------------


def formatted(sheet, row: int, column: int, value, format_id: int) -> None:
    cell = sheet.cell(row, column, value)
    style = copy.copy(cell._style)
    style.numFmtId = format_id
    cell._style = style


def test_east_asian_built_in_date_formats_arrive_as_iso_dates_in_both_readers(reader):
    book = Workbook()
    sheet = book.active
    sheet.append(["format", "date"])
    for row, format_id in enumerate(sorted(EAST_ASIAN_DATE_FORMATS), start=2):
        sheet.cell(row, 1, format_id)
        formatted(sheet, row, 2, datetime.date(2025, 3, 1), format_id)
    table = parse_file(upload(workbook_bytes(book), "dates.xlsx"))
    assert len(table.rows) == 19
    assert {values[1] for _number, values in table.rows} == {"2025-03-01"}


def test_cell_values_become_the_text_the_converters_read_in_both_readers(reader):
    book = Workbook()
    sheet = book.active
    sheet.append(["what", "value"])
    sheet.append(["whole", 5.0])
    sheet.append(["fraction", 0.1])
    sheet.append(["yes", True])
    sheet.append(["no", False])
    sheet.append(["date", datetime.date(2025, 3, 1)])
    sheet.append(["datetime", datetime.datetime(2025, 3, 1, 8, 30)])  # noqa: DTZ001 - a cell has no zone
    sheet.append(["time", datetime.time(8, 30)])
    sheet.append(["seconds", datetime.time(8, 30, 15)])
    sheet.append(["duration", datetime.timedelta(hours=30)])
    sheet.append(["formula-like", "'=1+1"])
    sheet.append(["spaces", "  王建国 "])
    table = parse_file(upload(workbook_bytes(book), "values.xlsx"))
    assert {values[0]: values[1] for _number, values in table.rows} == {
        "whole": "5", "fraction": "0.1", "yes": "yes", "no": "no", "date": "2025-03-01",
        "datetime": "2025-03-01 08:30:00", "time": "08:30", "seconds": "08:30:15", "duration": "30:00:00",
        "formula-like": "=1+1", "spaces": "王建国"}


def test_both_readers_read_a_workbook_alike(monkeypatch):
    data = titled_workbook()
    by_calamine = parse_file(upload(data, "rows.xlsx"), header_match=names_columns)
    monkeypatch.setattr(files, "XLSX_GRID_MAX_CELLS", 0)
    streamed = parse_file(upload(data, "rows.xlsx"), header_match=names_columns)
    assert by_calamine.header == streamed.header and by_calamine.header_row == streamed.header_row
    assert trimmed(by_calamine) == trimmed(streamed)


# --- measuring a sheet's grid before calamine builds it ----------------------------------------


def sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def with_sheet_xml(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def plain_workbook(rows: int = 3, columns: int = 4) -> bytes:
    book = Workbook()
    for row in range(1, rows + 1):
        book.active.append([f"r{row}c{column}" for column in range(1, columns + 1)])
    return workbook_bytes(book)


def test_a_plain_sheets_grid_is_its_rows_and_its_columns():
    assert xlsx_grid(plain_workbook(3, 4)) == (3, 4)
    assert xlsx_grid(plain_workbook(120, 14)) == (120, 14)


@pytest.mark.parametrize(("change", "grid"), [
    # a declared dimension of the whole grid counts, though calamine does not allocate for it
    (lambda xml: xml.replace(b'<dimension ref="A1:D3"/>', b'<dimension ref="A1:XFD1048576"/>'), (1048576, 16384)),
    # no dimension: measured cell by cell
    (lambda xml: xml.replace(b'<dimension ref="A1:D3"/>', b""), (3, 4)),
    # a cell one row or one column beyond the declared dimension, or far beyond: measured cell by cell
    (lambda xml: xml.replace(b"</sheetData>", b'<row r="4"><c r="A4" t="n"><v>1</v></c></row></sheetData>'), (4, 4)),
    (lambda xml: xml.replace(b"</row></sheetData>", b'<c r="E3" t="n"><v>1</v></c></row></sheetData>'), (3, 5)),
    (lambda xml: xml.replace(b"</sheetData>", b'<row r="900"><c r="AB900" t="n"><v>1</v></c></row></sheetData>'),
     (900, 28)),
    # a cell whose position is written otherwise: not measured, read streaming
    (lambda xml: xml.replace(b'<c r="B2"', b'<c t="n" r="B2"'), None),
    (lambda xml: xml.replace(b'<c r="B2"', b"<c"), None),
    (lambda xml: xml.replace(b'<c r="B2"', b'<c r="$B$2"'), None),
    (lambda xml: xml.replace(b'<c r="B2"', b'<c r="B2" r="XFD1000000"'), None),
    (lambda xml: xml.replace(b'<c r="B2"', b"<c r='B2'"), None),
    (lambda xml: xml.replace(b'<c r="B2"', b'<c\nr="B2"'), None),
    (lambda xml: xml.replace(b'<c r="B2"', b'<c  r = "B2"'), None),
    # rows and cells under a namespace prefix, which calamine reads by their local name
    (lambda xml: xml.replace(b"<row ", b"<x:row ").replace(b"</row>", b"</x:row>"), None),
    # an encoding the byte searches cannot see through
    (lambda xml: xml.replace(b"<worksheet", b'<?xml version="1.0" encoding="UTF-16"?><worksheet', 1), None),
    (lambda xml: codecs.BOM_UTF16_LE + xml.decode().encode("utf-16-le"), None),
])
def test_a_sheets_grid_is_measured_or_left_unmeasured_when_not_written_plainly(change, grid):
    # openpyxl writes "<dimension ref=.../>" with lxml and "... />" without it: the same form either way
    data = with_sheet_xml(plain_workbook(3, 4), lambda xml: xml.replace(b'<dimension ref="A1:D3" />',
                                                                       b'<dimension ref="A1:D3"/>'))
    assert b'<dimension ref="A1:D3"/>' in sheet_xml(data)
    assert xlsx_grid(with_sheet_xml(data, change)) == grid


def test_a_sheet_outside_the_worksheets_folder_is_measured_too():
    data = plain_workbook(3, 4)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            name = info.filename
            if name == "xl/worksheets/sheet1.xml":
                name = "xl/elsewhere.xml"
                content = content.replace(b"</sheetData>", b'<row r="1000000"><c r="XFD1000000"><v>1</v></c>'
                                                           b"</row></sheetData>")
            if name == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"/xl/worksheets/sheet1.xml", b"/xl/elsewhere.xml").replace(
                    b'"worksheets/sheet1.xml"', b'"elsewhere.xml"')
            target.writestr(name, content)
    assert xlsx_grid(out.getvalue()) == (1_000_000, 16384)


def test_two_parts_of_one_name_leave_the_grid_unmeasured():
    data = plain_workbook(3, 4)
    out = io.BytesIO(data)
    with pytest.warns(UserWarning), zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")
    assert xlsx_grid(out.getvalue()) is None


BOMB_SCRIPT = textwrap.dedent("""
    import resource, sys
    import django
    # A regression must fail here, not take the machine down: 3 GB of address space at most.
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))
    django.setup()
    from dataexchange.files import parse_file, xlsx_grid
    data = open(sys.argv[1], "rb").read()
    print("grid", xlsx_grid(data))
    table = parse_file(sys.argv[1])
    print("rows", [(number, values[:1]) for number, values in table.rows])
""")


def test_a_5_kb_workbook_asking_calamine_for_a_500_gb_grid_is_read_streaming_without_crashing(tmp_path):
    book = Workbook()
    book.active["A1"] = "姓名"
    book.active["A2"] = "张伟"
    book.active["XFD1000000"] = "x"
    path = Path(tmp_path) / "bomb.xlsx"
    path.write_bytes(workbook_bytes(book))
    assert path.stat().st_size < 10_000
    # In a process of its own: were the guard to fail, calamine aborts the whole process.
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", BOMB_SCRIPT, str(path)], capture_output=True, text=True, timeout=300,
        cwd=Path(files.__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "grid (1000000, 16384)" in done.stdout
    # The streaming reader ends the sheet after the empty-row limit, long before row 1,000,000.
    assert "rows [(2, ['张伟'])]" in done.stdout
