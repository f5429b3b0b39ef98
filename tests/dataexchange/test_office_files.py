"""The office's own files (issue 15): GBK CSV, Excel's "Unicode text", a workbook with a title,
notes, East-Asian date formats and a 填写说明 sheet — each imports with the records it names,
and each bad variant is refused naming its row and column, with nothing written.

The files in ``files/`` are made by ``officefiles.py``; the last tests check that it still makes
them, so the committed files and the code stay one.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from dataexchange import registry
from exchanges.models import Mobility
from tests.dataexchange import officefiles
from tests.factories import FacultyFactory, FundingSchemeFactory, PartnerFactory, StaffMemberFactory

FILE_NAMES = sorted(officefiles.MAKERS)


@pytest.fixture
def office_world(db):
    cs = FacultyFactory(code="CS", name_zh="计算机科学与技术学院", name_en="School of Computer Science")
    fl = FacultyFactory(code="FL", name_zh="外国语学院", name_en="School of Foreign Languages")
    PartnerFactory(name="Harvard University", name_zh="哈佛大学", country="US", domains=["harvard.edu"])
    PartnerFactory(name="University of Oxford", name_zh="牛津大学", domains=["ox.ac.uk"])
    PartnerFactory(name="University of Edinburgh", name_zh="爱丁堡大学", domains=["ed.ac.uk"])
    FundingSchemeFactory(name="国家留学基金", year=2025, budget=200000)
    StaffMemberFactory(faculty=cs, staff_no="T2001", name="王建国")
    StaffMemberFactory(faculty=fl, staff_no="T3001", name="张伟")
    return {"CS": cs, "FL": fl}


def _upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (officefiles.FILES / name).read_bytes())


def _records() -> list[tuple]:
    found = []
    for m in Mobility.objects.select_related("faculty", "staff_member", "partner", "funding_scheme"):
        found.append((m.faculty.code, m.direction, m.person_kind, m.person_name, m.person_id,
                      m.staff_member.staff_no if m.staff_member else None, m.partner.name if m.partner else None,
                      m.country.code, m.activity, m.starts_on, m.ends_on, m.status,
                      m.funding_scheme.name if m.funding_scheme else None,
                      f"{m.amount:.2f}" if m.amount is not None else None))
    return sorted(found, key=lambda record: record[4])


def _import(office, upload, *, dry_run=False):
    with translation.override("zh-hans"):
        return registry.import_rows("mobilities", upload, user=office, dry_run=dry_run)


def _explain(result) -> list[str]:
    return [*result.file_errors, *(str(error) for error in result.errors)]


@pytest.mark.parametrize("name", FILE_NAMES)
def test_each_office_file_imports_with_the_records_it_names(office, office_world, name):
    result = _import(office, _upload(name))

    assert result.ok, _explain(result)
    assert result.created == len(officefiles.MOBILITY_EXPECTED)
    assert _records() == sorted(officefiles.MOBILITY_EXPECTED, key=lambda record: record[4])


@pytest.mark.parametrize("name", FILE_NAMES)
def test_an_office_file_checked_twice_is_the_same_and_imported_again_changes_nothing(office, office_world, name):
    assert _import(office, _upload(name), dry_run=True).ok
    assert not Mobility.objects.exists()  # checking writes nothing
    assert _import(office, _upload(name)).created == 4
    again = _import(office, _upload(name))
    assert (again.ok, again.created, again.updated) == (True, 0, 0)


def _gbk_with(row: int, column: str, value: str) -> bytes:
    """The GBK file with one cell of a data row (1-based among the data rows) replaced."""
    rows = officefiles._typed(officefiles.MOBILITY_ROWS)
    rows[row - 1][officefiles.MOBILITY_HEADER.index(column)] = value
    text = officefiles._csv_text([[officefiles.TITLE], [], officefiles.MOBILITY_HEADER, *rows])
    return text.encode("gb18030")


# (data row, header, what is typed, the column code the error names, words the message holds)
BAD_CELLS = [
    (2, "开始日期", "2025年2月30日", "starts_on", ["2025年2月30日"]),
    (1, "开始日期", "3/1/2025", "starts_on", ["3/1/2025"]),
    (3, "学院", "法学院", "faculty", ["法学院"]),
    (4, "国家/地区", "火星", "country", ["火星"]),
    (1, "方向", "出差", "direction", ["出差", "出访", "来访"]),
    (2, "资助金额（元）", "五千元", "amount", ["五千元"]),
    (1, "合作方", "剑桥大学", "partner", ["剑桥大学"]),
]


@pytest.mark.parametrize(("row", "header", "typed", "column", "words"), BAD_CELLS)
def test_a_bad_cell_is_refused_naming_its_row_and_column_and_nothing_is_written(
        office, office_world, row, header, typed, column, words):
    result = _import(office, _upload("bad.csv", _gbk_with(row, header, typed)))

    assert not result.ok
    # the title line, a blank line and the header come first: data row n is line n + 3
    assert [(error.row, error.column) for error in result.errors] == [(row + 3, column)], _explain(result)
    for word in words:
        assert word in str(result.errors[0])
    assert not Mobility.objects.exists()


def test_an_unknown_choice_lists_the_chinese_labels_people_may_write(office, office_world):
    result = _import(office, _upload("bad.csv", _gbk_with(1, "交流形式", "游学")))

    message = str(result.errors[0])
    assert "游学" in message and "访问" in message and "交换学习" not in message.split("游学")[0]
    assert not Mobility.objects.exists()


def test_a_file_in_no_known_encoding_is_refused_with_a_clear_message(office, office_world):
    result = _import(office, _upload("garbage.csv", bytes(range(128, 256)) * 40))

    assert not result.ok and result.file_errors
    assert not Mobility.objects.exists()


def test_a_bad_date_cell_in_the_workbook_names_its_row(office, office_world):
    book = load_workbook(officefiles.FILES / "mobilities-title.xlsx")
    sheet = book["人员交流"]
    sheet.cell(row=6, column=officefiles.MOBILITY_HEADER.index("结束日期") + 1, value="2025.13.1")
    buffer = io.BytesIO()
    book.save(buffer)

    result = _import(office, _upload("bad.xlsx", buffer.getvalue()))

    assert [(error.row, error.column) for error in result.errors] == [(6, "ends_on")], _explain(result)
    assert not Mobility.objects.exists()


# --- the committed files are what the code makes ------------------------------------------------


@pytest.mark.parametrize("name", ["mobilities-gbk.csv", "mobilities-unicode.txt"])
def test_the_committed_text_files_are_what_officefiles_makes(name):
    assert (officefiles.FILES / name).read_bytes() == officefiles.MAKERS[name]()


def test_the_committed_workbook_holds_what_officefiles_makes():
    def content(data: bytes):
        book = load_workbook(io.BytesIO(data))
        # a built-in format openpyxl does not know reads as "General": its id is what the file holds
        return [(sheet.title, sheet.sheet_state, [[(cell.value, cell._style and cell._style.numFmtId) for cell in row]
                                                  for row in sheet.iter_rows()], sorted(map(str, sheet.merged_cells)))
                for sheet in book.worksheets]

    committed = content((officefiles.FILES / "mobilities-title.xlsx").read_bytes())
    assert committed == content(officefiles.titled_workbook())
    data_sheet = committed[0][2]
    # the dates are serial numbers in East-Asian built-in date formats, eight of them
    formats = {fmt for row in data_sheet for value, fmt in row if fmt in officefiles.EAST_ASIAN_DATE_IDS}
    assert len(formats) == 8


def test_the_files_hold_what_a_chinese_office_writes():
    gbk = (officefiles.FILES / "mobilities-gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert "计算机科学与技术学院" in gbk.decode("gb18030")
    text = (officefiles.FILES / "mobilities-unicode.txt").read_bytes()
    assert text[:2] == b"\xff\xfe" and "\t" in text.decode("utf-16")
    assert Decimal("12000") == Decimal(officefiles.MOBILITY_EXPECTED[2][-1])


def test_the_registry_reads_a_file_below_its_title_as_the_importer_does():
    table = registry.parse_file(_upload("mobilities-gbk.csv"), kind="mobilities")

    assert table.header == officefiles.MOBILITY_HEADER
    assert table.header_row == 3  # below the title line and a blank line
    assert len(table.rows) == len(officefiles.MOBILITY_ROWS)
