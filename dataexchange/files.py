"""Reading and writing the spreadsheets themselves: ``.xlsx`` (openpyxl) and UTF-8 ``.csv``.

Uploads are judged by their content, not their name: an ``.xlsx`` must open in openpyxl, a
``.csv`` must decode as UTF-8 (a byte-order mark is fine).  Exports stream: CSV row by row,
XLSX through openpyxl's write-only mode into a temporary file, so memory does not grow with
the number of rows.

Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
return) is exported with a leading ``'``; reading strips exactly that prefix again, so an
export imports unchanged.  Numbers are written as numbers and never prefixed.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from intlportal import access

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 50_000
EXPORT_CHUNK = 2000


def max_upload_bytes() -> int:
    return getattr(settings, "DATAEXCHANGE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def max_rows() -> int:
    return getattr(settings, "DATAEXCHANGE_MAX_ROWS", DEFAULT_MAX_ROWS)


class FileRejected(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, too large, bad header ...)."""


@dataclass
class Table:
    """A spreadsheet's header and its data rows, each with its row number in the sheet."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def neutralise(value):
    """Prefix text a spreadsheet would run as a formula with ``'``; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """Undo ``neutralise``: drop a ``'`` that precedes a formula character."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _cell_text(value) -> str:
    """A cell as text, the way the converters read it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel stores every number as a float: 5.0 is the whole number 5, 0.1 stays 0.1.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return unneutralise(value.strip())
    return str(value).strip()


def _read_bytes(file) -> bytes:
    if isinstance(file, (str, Path)):
        path = Path(file)
        if path.stat().st_size > max_upload_bytes():
            raise FileRejected(too_large_message())
        return path.read_bytes()
    size = getattr(file, "size", None)
    if size is not None and size > max_upload_bytes():
        raise FileRejected(too_large_message())
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_upload_bytes() + 1)
    if len(data) > max_upload_bytes():
        raise FileRejected(too_large_message())
    return data


def too_large_message() -> str:
    return _("The file is larger than %(mb)s MB. Split it into several files and import them one by one.") % {
        "mb": max_upload_bytes() // (1024 * 1024)}


def not_a_spreadsheet_message() -> str:
    return _("This file is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file "
             "saved as UTF-8 (.csv).")


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    if not data.startswith(b"PK\x03\x04"):
        raise FileRejected(not_a_spreadsheet_message())
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(value) for value in values]
        workbook.close()
    except FileRejected:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        raise FileRejected(not_a_spreadsheet_message()) from exc


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(_("This CSV file is not UTF-8. In Excel choose “Save as” → “CSV UTF-8 "
                             "(comma delimited)”, or upload the .xlsx workbook instead.")) from None
    if "\x00" in text:
        raise FileRejected(not_a_spreadsheet_message())
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            yield number, [_cell_text(value) for value in values]
    except csv.Error as exc:
        raise FileRejected(_("The CSV file cannot be read: %(reason)s") % {"reason": exc}) from exc


def sniff(file, *, name: str) -> None:
    """Check an upload before it is stored: its size, and that its content is what its name
    says (an Excel workbook openpyxl opens, or UTF-8 text).  ``FileRejected`` otherwise."""
    suffix = Path(name).suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise FileRejected(not_a_spreadsheet_message())
    data = _read_bytes(file)
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    if suffix == ".xlsx":
        for _row in _xlsx_rows(data):
            break
    else:
        for _row in _csv_rows(data):
            break
    if hasattr(file, "seek"):
        file.seek(0)


def parse_file(file, *, name: str | None = None) -> Table:
    """Read ``file`` (a path, or an uploaded/open binary file) into a ``Table``.

    The kind of file is decided by the ending of ``name`` (or of the file's own name) and
    then checked against the content.  Entirely empty rows are skipped.
    """
    name = name or getattr(file, "name", None) or str(file)
    suffix = Path(name).suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise FileRejected(not_a_spreadsheet_message())
    data = _read_bytes(file)
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    rows_iter = _xlsx_rows(data) if suffix == ".xlsx" else _csv_rows(data)
    header: list[str] | None = None
    table = Table(header=[])
    limit = max_rows()
    for number, values in rows_iter:
        if not any(values):
            continue
        if header is None:
            header = values
            while header and not header[-1]:
                header.pop()
            table.header = header
            continue
        if len(table.rows) >= limit:
            raise FileRejected(_("The file has more than %(limit)s rows. Split it into several files.")
                               % {"limit": limit})
        table.rows.append((number, values))
    if header is None:
        raise FileRejected(_("The file is empty."))
    return table


# --- export ------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose ``write`` hands back what it is given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def _export_rows(kind, queryset, columns):
    for obj in queryset.iterator(chunk_size=EXPORT_CHUNK):
        yield [neutralise(column.converter.export(getattr(obj, column.field))) for column in columns]


def _csv_value(value) -> str:
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return "" if value is None else str(value)


def _filename(kind, fmt: str) -> str:
    return f"{kind.name}-{timezone.localdate():%Y%m%d}.{fmt}"


def csv_stream(kind, queryset, columns):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # the byte-order mark makes Excel open UTF-8 with the right characters
    yield writer.writerow([column.name for column in columns])
    for row in _export_rows(kind, queryset, columns):
        yield writer.writerow([_csv_value(value) for value in row])


def write_xlsx(path, kind, queryset, columns, *, instructions: bool = False) -> None:
    """Write the workbook to ``path`` in openpyxl's write-only (streaming) mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind.name[:31])
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    if queryset is not None:
        for row in _export_rows(kind, queryset, columns):
            sheet.append(row)
    if instructions:
        notes = workbook.create_sheet(_("Instructions")[:31])
        notes.append([_("column"), _("required"), _("accepts")])
        for column in columns:
            notes.append([column.name, _("yes") if is_required(kind, column) else _("no"),
                          column.converter.describe()])
        notes.append([])
        notes.append([_("Fill in the first sheet. Only the first sheet is imported.")])
    workbook.save(path)


def is_required(kind, column) -> bool:
    if column.required is not None:
        return column.required
    if column.is_many:
        return False
    model_field = kind.model._meta.get_field(column.field)
    return not (model_field.blank or model_field.null or model_field.has_default())


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
