"""Writing spreadsheets: the portal's one neutralising writer, and the kinds' exports and templates.

Every spreadsheet the portal writes (these exports and templates, the assessment workbook ...)
goes through ``SheetWriter`` (.xlsx, openpyxl's write-only mode: memory does not grow with the
rows) or ``csv_lines`` (.csv, streamed row by row), which pass every cell through
``neutralise``: text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return) gets a leading ``'``, which reading (``dataexchange.files.unneutralise``)
strips again, so an export imports unchanged.  Numbers are written as numbers, never prefixed.
"""

from __future__ import annotations

import csv
import decimal
import tempfile
from pathlib import Path

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from dataexchange.files import FORMULA_STARTS, FileRejected
from dataexchange.kinds import is_required
from intlportal import access

EXPORT_CHUNK = 2000

def neutralise(value):
    """Prefix text a spreadsheet would run as a formula with ``'``; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
#
# The one neutralising writer: every spreadsheet the portal writes (these exports and
# templates, the assessment workbook, whatever comes later) is written by ``SheetWriter``
# (.xlsx) or ``csv_lines`` (.csv), which pass every cell through ``neutralise``.


class _Echo:
    """A file-like object whose ``write`` hands back what it is given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value) -> str:
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return "" if value is None else str(value)


def csv_lines(header, rows):
    """A CSV file line by line (a byte-order mark first), every cell neutralised."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # the byte-order mark makes Excel open UTF-8 with the right characters
    yield writer.writerow([_csv_value(neutralise(value)) for value in header])
    for row in rows:
        yield writer.writerow([_csv_value(neutralise(value)) for value in row])


class Sheet:
    """One sheet of a ``SheetWriter``: rows are appended, every cell neutralised."""

    def __init__(self, sheet):
        self._sheet = sheet

    def append(self, values, *, bold: bool = False) -> None:
        row = [neutralise(value) for value in values]
        if bold:
            from openpyxl.cell import WriteOnlyCell
            from openpyxl.styles import Font

            font = Font(bold=True)
            cells = []
            for value in row:
                cell = WriteOnlyCell(self._sheet, value=value)
                cell.font = font
                cells.append(cell)
            row = cells
        self._sheet.append(row)


class SheetWriter:
    """An Excel workbook written in openpyxl's write-only (streaming) mode, so memory does not
    grow with the rows; every cell goes through ``neutralise``."""

    def __init__(self):
        from openpyxl import Workbook

        self._workbook = Workbook(write_only=True)

    def sheet(self, title, header=(), *, freeze_header: bool = False) -> Sheet:
        """A new sheet named ``title`` (cut to Excel's 31 characters), ``header`` in bold."""
        sheet = self._workbook.create_sheet(str(title)[:31])
        if freeze_header:
            sheet.freeze_panes = "A2"  # before the first row: write-only sheets write it first
        written = Sheet(sheet)
        if header:
            written.append(header, bold=True)
        return written

    def save(self, target) -> None:
        """Write the workbook to ``target``, a path or a binary file."""
        self._workbook.save(target)


def _export_rows(kind, queryset, columns):
    for obj in queryset.iterator(chunk_size=EXPORT_CHUNK):
        yield [column.converter.export(getattr(obj, column.field)) for column in columns]


def _filename(kind, fmt: str) -> str:
    return f"{kind.name}-{timezone.localdate():%Y%m%d}.{fmt}"


def csv_stream(kind, queryset, columns):
    return csv_lines([column.name for column in columns], _export_rows(kind, queryset, columns))


def write_xlsx(path, kind, queryset, columns, *, instructions: bool = False) -> None:
    """Write the workbook to ``path`` in openpyxl's write-only (streaming) mode."""
    writer = SheetWriter()
    sheet = writer.sheet(kind.name, [column.name for column in columns])
    if queryset is not None:
        for row in _export_rows(kind, queryset, columns):
            sheet.append(row)
    if instructions:
        notes = writer.sheet(_("Instructions"), [_("column"), _("required"), _("accepts")])
        for column in columns:
            notes.append([column.name, _("yes") if is_required(kind, column) else _("no"),
                          column.converter.describe()])
        notes.append([])
        notes.append([_("Fill in the first sheet. Only the first sheet is imported.")])
    writer.save(path)




def xlsx_response(kind, queryset, columns, *, filename: str, instructions: bool = False) -> FileResponse:
    # The temporary file is deleted when the response closes it.
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115
    write_xlsx(handle, kind, queryset, columns, instructions=instructions)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_response(kind, queryset, *, fmt: str, user):
    """The kind's records in ``queryset`` that ``user`` may see, as a download."""
    if fmt not in {"csv", "xlsx"}:
        raise ValueError(f"unknown export format {fmt!r}")
    columns = kind.columns_for(user)
    queryset = kind.export_queryset(access.scope_for(user, queryset))
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(kind, queryset, columns),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_filename(kind, "csv")}"'
        return response
    return xlsx_response(kind, queryset, columns, filename=_filename(kind, "xlsx"))


def template_response(kind, *, fmt: str, user):
    """An empty file with the header row the user imports (and, in Excel, instructions)."""
    columns = kind.columns_for(user)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(kind, kind.model._default_manager.none(), columns),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{kind.name}-template.csv"'
        return response
    return xlsx_response(kind, None, columns, filename=f"{kind.name}-template.xlsx", instructions=True)


def export_to_path(kind, queryset, path: Path, *, user) -> int:
    """Write an export to a local file (``export_records``); returns the number of rows."""
    columns = kind.columns_for(user)
    queryset = kind.export_queryset(access.scope_for(user, queryset))
    if path.suffix.lower() == ".csv":
        count = 0
        with path.open("w", encoding="utf-8", newline="") as out:
            for count, line in enumerate(csv_stream(kind, queryset, columns)):  # noqa: B007
                out.write(line)
        return max(count - 1, 0)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, kind, queryset, columns)
        return queryset.count()
    raise FileRejected(_("Export to a file ending in .csv or .xlsx."))
