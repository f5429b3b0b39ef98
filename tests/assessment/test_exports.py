"""The assessment workbook: text a spreadsheet would run as a formula arrives as text, because
every spreadsheet the portal writes goes through the one neutralising writer."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from assessment import exports
from assessment.services import assessment_run
from tests.factories import FacultyFactory, FacultyYearFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


def test_a_faculty_named_like_a_formula_is_a_text_cell_in_the_assessment_workbook():
    faculty = FacultyFactory(code="=1+1", name_zh=FORMULA, name_en=FORMULA)
    FacultyYearFactory(faculty=faculty, year=2025, teachers=10, students=100)
    run = assessment_run(year=2025)
    book = load_workbook(BytesIO(exports.workbook(run, visible=None)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    names = [cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    codes = [cell for cell in cells if isinstance(cell.value, str) and "1+1" in cell.value]
    assert names and codes
    assert all(cell.data_type == "s" and cell.value == "'" + FORMULA for cell in names)
    assert all(cell.data_type == "s" and cell.value == "'=1+1" for cell in codes)
    assert not [cell for cell in cells if cell.data_type == "f"]
    # Numbers stay numbers.
    ranking = book.worksheets[0]
    assert isinstance(ranking.cell(2, 1).value, int)


def test_the_assessment_workbook_keeps_its_bold_frozen_header():
    FacultyYearFactory(faculty=FacultyFactory(code="A"), year=2025, teachers=10, students=100)
    book = load_workbook(BytesIO(exports.workbook(assessment_run(year=2025), visible=None)))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])


WRITERS = re.compile(r"\bcsv\.(writer|DictWriter)\(|\bWorkbook\(|openpyxl import Workbook")


def test_no_module_but_the_data_exchange_writes_spreadsheets_itself():
    """Every export goes through ``dataexchange.writing``' neutralising writer; a module writing
    its own workbook or CSV would skip the formula neutralising."""
    root = Path(settings.BASE_DIR)
    skip = {".venv", ".venv-cas", "tests", "bench", "node_modules", "media", "staticfiles", "migrations"}
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if skip & set(relative.parts) or relative == Path("dataexchange/writing.py"):
            continue
        if WRITERS.search(path.read_text(encoding="utf-8")):
            offenders.append(str(relative))
    assert offenders == []
