"""Building spreadsheets for import tests, and the round-trip check any kind can reuse."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.utils import translation
from openpyxl import Workbook

from dataexchange import registry
from dataexchange.writing import export_to_path
from intlportal.models import WorkflowTransition

MOBILITY_HEADER = ("faculty,direction,person_kind,person_name,person_id,staff_no,partner,country,"
                   "activity,starts_on,ends_on,status,funding_scheme,amount")
GOOD_MOBILITY = "A,outbound,teacher,王老师,T1001,T1001,University of Edinburgh,GB,visit,2025-04-01,2025-04-10,planned,,"


def with_cell_row(column: str, value: str, row: str = GOOD_MOBILITY) -> str:
    """``row`` with the cell of ``column`` replaced by ``value``."""
    cells = row.split(",")
    cells[MOBILITY_HEADER.split(",").index(column)] = value
    return ",".join(cells)


def csv_file(text: str, name: str = "rows.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def mobility_csv(*rows: str, header: str = MOBILITY_HEADER) -> SimpleUploadedFile:
    return csv_file("\n".join([header, *rows]) + "\n")


def xlsx_file(rows: list[list], name: str = "rows.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def snapshot(model) -> list[dict]:
    """Every record of ``model`` with its fields, version and many-to-many ids."""
    return [
        {**model_to_dict(obj), "version": obj.version, "updated_at": obj.updated_at}
        for obj in model.objects.order_by("pk")
    ]


def assert_round_trip(kind_name: str, user, directory: Path, fmt: str, styles=("codes", "labels")) -> None:
    """Exporting a kind and importing the file again changes nothing at all (no version, no
    history entry, no workflow step), in each export style — codes, and the Chinese office's
    headings and labels — and the next export is the same bytes."""
    kind = registry.get(kind_name)
    before = snapshot(kind.model)
    history_before = kind.model.history.count()
    steps_before = WorkflowTransition.objects.count()
    assert before, f"{kind_name}: the round trip needs at least one record"
    for style in styles:
        with translation.override("zh-hans" if style == "labels" else "en"):
            path = directory / f"{kind_name}-{style}.{fmt}"
            export_to_path(kind, kind.model.objects.all(), path, user=user, style=style)
            result = registry.import_rows(kind, path, user=user, dry_run=False)
            assert result.ok, (style, result.file_errors, [str(e) for e in result.errors])
            assert (result.created, result.updated, result.unchanged) == (0, 0, len(before)), style
            again = directory / f"{kind_name}-{style}-again.{fmt}"
            export_to_path(kind, kind.model.objects.all(), again, user=user, style=style)
            assert again.read_bytes() == path.read_bytes(), f"{kind_name} {style}: the second export differs"
        assert snapshot(kind.model) == before, style
        assert kind.model.history.count() == history_before, style
        assert WorkflowTransition.objects.count() == steps_before, style
