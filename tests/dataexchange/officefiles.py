"""Spreadsheets as a Chinese Foreign Affairs Office really keeps them, made by the tests' own code.

``python -m tests.dataexchange.officefiles`` (re)writes ``tests/dataexchange/files/``; the tests
import those committed files and check that this module still makes the same content
(``test_office_files.py``), so a file and the code that made it cannot drift apart.

The records they name are made by ``office_world`` in ``test_office_files.py``: two faculties
by their Chinese names, partners by their Chinese names and domains, staff by name and number,
countries as people write them (美国, 英国, United States), synonyms (出国, 来华, 交换学习,
已获批), amounts with ￥, 元 and 万元, dates in every form an office types, East-Asian date
formats in workbooks (built-in number formats 27–36 and 50–58, which Chinese Excel writes by id
alone), title rows, blank rows, merged title cells and a 填写说明 sheet.
"""

from __future__ import annotations

import copy
import csv
import datetime
import io
from pathlib import Path

FILES = Path(__file__).resolve().parent / "files"

TITLE = "2025年人员交流统计表"
MOBILITY_HEADER = ["学院", "方向", "人员类别", "姓名", "工号/学号", "教职工工号", "合作方", "国家/地区", "交流形式",
                   "开始日期", "结束日期", "状态", "资助项目", "资助金额（元）"]

# Each row as an office types it; the dates are filled per file in that file's forms.
MOBILITY_ROWS = [
    ["计算机科学与技术学院", "出国", "专任教师", "王建国", "T2001", "T2001", "哈佛大学", "美国", "访问",
     datetime.date(2025, 3, 1), datetime.date(2025, 3, 20), "计划中", "", ""],
    ["计算机科学与技术学院", "出国", "学生", "李小梅", "S2025001", "", "爱丁堡大学", "英国", "交换学习",
     datetime.date(2025, 9, 1), datetime.date(2026, 1, 15), "计划中", "国家留学基金", "￥5,000"],
    ["外国语学院", "来华", "学者", "Anna Smith", "P-DE-0001", "", "ox.ac.uk", "United Kingdom", "讲学",
     datetime.date(2025, 10, 8), datetime.date(2025, 10, 12), "计划中", "国家留学基金", "1.2万元"],
    ["外国语学院", "出国", "教师", "张伟", "T3001", "张伟", "University of Edinburgh", "GB", "学术会议",
     datetime.date(2025, 11, 3), datetime.date(2025, 11, 9), "计划中", "", "5000元"],
]

# The records the rows above must make (code values), in file order.
MOBILITY_EXPECTED = [
    ("CS", "outbound", "teacher", "王建国", "T2001", "T2001", "Harvard University", "US", "visit",
     datetime.date(2025, 3, 1), datetime.date(2025, 3, 20), "planned", None, None),
    ("CS", "outbound", "student", "李小梅", "S2025001", None, "University of Edinburgh", "GB", "semester_exchange",
     datetime.date(2025, 9, 1), datetime.date(2026, 1, 15), "planned", "国家留学基金", "5000.00"),
    ("FL", "inbound", "scholar", "Anna Smith", "P-DE-0001", None, "University of Oxford", "GB", "lecture",
     datetime.date(2025, 10, 8), datetime.date(2025, 10, 12), "planned", "国家留学基金", "12000.00"),
    ("FL", "outbound", "teacher", "张伟", "T3001", "T3001", "University of Edinburgh", "GB", "conference",
     datetime.date(2025, 11, 3), datetime.date(2025, 11, 9), "planned", None, "5000.00"),
]

DATE_FORMS = [
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}-{d.month}-{d.day}",
]

# Built-in East-Asian date formats (zh-CN Excel stores them by id, with no format code).
EAST_ASIAN_DATE_IDS = [27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58]


def _typed(rows):
    """The rows with each date in one of the forms people type, in turn."""
    out = []
    for n, row in enumerate(rows):
        form = DATE_FORMS[n % len(DATE_FORMS)]
        out.append([form(cell) if isinstance(cell, datetime.date) else cell for cell in row])
    return out


def _csv_text(rows, *, delimiter=",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def gbk_csv() -> bytes:
    """Excel on Chinese Windows, "CSV (逗号分隔)": GBK, a title line, a blank line."""
    rows = [[TITLE], [], MOBILITY_HEADER, *_typed(MOBILITY_ROWS)]
    return _csv_text(rows).encode("gb18030")


def unicode_text() -> bytes:
    """Excel's "Unicode 文本": UTF-16 little-endian with a byte-order mark, tab-separated."""
    rows = [MOBILITY_HEADER, *_typed(MOBILITY_ROWS[::-1])]
    return _csv_text(rows, delimiter="\t").encode("utf-16")


def titled_workbook() -> bytes:
    """A workbook with a merged title row, a note, blank rows, headers marked （必填）, real date
    cells in East-Asian built-in formats and a 填写说明 sheet after the data."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员交流"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(MOBILITY_HEADER))
    sheet.append(["填表单位：国际交流与合作处", *[None] * 10, "填表日期：2025年12月1日"])
    sheet.append([])
    sheet.append([f"{title}（必填）" if n < 4 else title for n, title in enumerate(MOBILITY_HEADER)])
    date_cells = 0
    for row in MOBILITY_ROWS:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                style = copy.copy(cell._style)
                style.numFmtId = EAST_ASIAN_DATE_IDS[date_cells % len(EAST_ASIAN_DATE_IDS)]
                cell._style = style
                date_cells += 1
    sheet.append([])
    notes = workbook.create_sheet("填写说明")
    notes.append(["说明：日期可写作 2025年3月1日；金额单位为元。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MAKERS = {
    "mobilities-gbk.csv": gbk_csv,
    "mobilities-unicode.txt": unicode_text,
    "mobilities-title.xlsx": titled_workbook,
}


def write_all() -> None:
    FILES.mkdir(exist_ok=True)
    for name, maker in MAKERS.items():
        (FILES / name).write_bytes(maker())


if __name__ == "__main__":
    write_all()
