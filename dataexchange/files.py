"""Reading spreadsheets: ``.xlsx`` workbooks and ``.csv`` text, judged by content and bounded.

Uploads are judged by their content, not their name: an ``.xlsx`` must open as a workbook, a
``.csv`` must decode as text.  Writing is ``dataexchange.writing``'s (whose ``neutralise``
prefixes text a spreadsheet would run as a formula with ``'``; ``unneutralise`` here strips
exactly that prefix again, so an export imports unchanged).

Reading is bounded by what a file really holds, never by what it declares:

* an ``.xlsx`` is a zip: before openpyxl parses anything, its parts are counted and their
  unpacked sizes (which ``zipfile`` enforces while reading) and compression ratios checked
  (``check_xlsx_archive``);
* a sheet's declared dimension is ignored; a workbook's sheet ends after ``max_empty_rows()``
  empty rows in a row (rows missing from a workbook cost nothing in the file, a CSV's empty
  lines cost their bytes), its rows are read no wider than the header plus ``COLUMN_SLACK``;
  a header has at most ``max_columns()`` columns, and a file with more than ``max_rows()``
  rows is refused as soon as the row after the limit is read;
* a cell holds at most ``max_cell_chars()`` characters (Excel's own limit), and any value echoed
  in a message is shortened (``shorten``, ``shorten_echo``).
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MB = 1024 * 1024
# The limits of an imported file are settings (DATAEXCHANGE_MAX_*, DATAEXCHANGE_XLSX_MAX_*).
COLUMN_SLACK = 10  # cells beyond the header that are still read, to report a shifted row
XLSX_MAX_OTHER_PART_BYTES = 8 * MB  # styles, workbook, relations ...: read whole by openpyxl
XLSX_MAX_PARTS = 1_000
XLSX_MAX_RATIO = 100  # unpacked / packed of a part above XLSX_RATIO_FROM bytes
XLSX_RATIO_FROM = 1 * MB
ECHO_CHARS = 80  # a cell's value quoted in a message: this many characters, then "…"
MESSAGE_CHARS = 500  # one message at most (a backstop; values are shortened first)


def max_upload_bytes() -> int:
    return settings.DATAEXCHANGE_MAX_UPLOAD_BYTES


def max_rows() -> int:
    return settings.DATAEXCHANGE_MAX_ROWS


def max_empty_rows() -> int:
    """Empty rows in a row after which a sheet is taken to have ended."""
    return settings.DATAEXCHANGE_MAX_EMPTY_ROWS


def max_columns() -> int:
    return settings.DATAEXCHANGE_MAX_COLUMNS


def max_cell_chars() -> int:
    return settings.DATAEXCHANGE_MAX_CELL_CHARS


def max_stored_message_chars() -> int:
    """The characters of messages (and echoed values) an import job keeps, all together."""
    return settings.DATAEXCHANGE_MAX_STORED_MESSAGE_CHARS


def shorten(text, limit: int = ECHO_CHARS) -> str:
    """``text`` as it may be quoted back to the user: its first ``limit`` characters and "…"."""
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[:limit] + "…"


def shorten_echo(message: str, value: str = "") -> tuple[str, str]:
    """A message about a cell and the cell's value, both fit to show and store: the value
    shortened, and shortened where the message quotes it; the message bounded as a whole."""
    value = "" if value is None else str(value)
    message = str(message)
    short = shorten(value)
    if short != value:
        message = message.replace(value, short)
    return shorten(message, MESSAGE_CHARS), short


class FileRejected(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, too large, bad header ...)."""


@dataclass
class Table:
    """A spreadsheet's header and its data rows, each with its row number in the sheet."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)




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


def unpacks_message(limit: int) -> str:
    return _("The workbook unpacks to more than %(mb)s MB. Split it into several files, or save it as a "
             "CSV file (UTF-8).") % {"mb": max(limit // MB, 1)}


def check_xlsx_archive(data: bytes) -> None:
    """Refuse a workbook whose zip would unpack to too much, before openpyxl parses any of it.

    ``zipfile`` never hands out more than a part's declared size (a part that inflates beyond it
    fails its checksum), so the declared sizes are what reading can cost."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRejected(not_a_spreadsheet_message()) from exc
    if len(parts) > XLSX_MAX_PARTS:
        raise FileRejected(_("This workbook has more than %(limit)s parts (sheets, images and the like). Copy "
                             "its rows into a new workbook and upload that one.") % {"limit": XLSX_MAX_PARTS})
    total_limit = settings.DATAEXCHANGE_XLSX_MAX_BYTES
    part_limit = settings.DATAEXCHANGE_XLSX_MAX_PART_BYTES
    total = 0
    for part in parts:
        total += part.file_size
        if total > total_limit:
            raise FileRejected(unpacks_message(total_limit))
        big = part.filename.startswith("xl/worksheets/") or part.filename == "xl/sharedStrings.xml"
        limit = part_limit if big else min(part_limit, XLSX_MAX_OTHER_PART_BYTES)
        if part.file_size > limit:
            raise FileRejected(unpacks_message(limit))
        if part.file_size > XLSX_RATIO_FROM and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise FileRejected(_("This workbook expands to far more data than its size suggests, which a "
                                 "workbook saved by Excel never does. Open it in Excel, save it again and "
                                 "upload that copy."))


def _trimmed(values: list[str]) -> list[str]:
    values = list(values)
    while values and not values[-1]:
        values.pop()
    return values


def _xlsx_rows(data: bytes):
    """The first sheet's rows, numbered as in the sheet.  Until the header (the first row with
    anything in it) rows are read ``max_columns() + 1`` wide; then as wide as the header plus
    ``COLUMN_SLACK``.  Rows missing from the file come as empty rows: the reader of this
    generator stops after ``max_empty_rows()`` of them."""
    from openpyxl import load_workbook

    if not data.startswith(b"PK\x03\x04"):
        raise FileRejected(not_a_spreadsheet_message())
    check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # The declared dimension is the file's say-so (it may claim A1:XFD1048576): read
            # what the sheet holds instead.
            sheet.reset_dimensions()
            widest = max_columns() + 1
            number, header = 0, []
            for number, values in enumerate(sheet.iter_rows(max_col=widest, values_only=True), start=1):
                header = [_cell_text(value) for value in values]
                yield number, header
                if any(header):
                    break
            if not any(header):
                return
            width = min(len(_trimmed(header)) + COLUMN_SLACK, widest)
            first = number + 1
            rows = sheet.iter_rows(min_row=first, max_col=width, values_only=True)
            for row_number, values in enumerate(rows, start=first):
                yield row_number, [_cell_text(value) for value in values]
        finally:
            workbook.close()
    except FileRejected:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError, EOFError) as exc:
        raise FileRejected(not_a_spreadsheet_message()) from exc


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(_("This CSV file is not UTF-8. In Excel choose “Save as” → “CSV UTF-8 "
                             "(comma delimited)”, or upload the .xlsx workbook instead.")) from None
    if "\x00" in text:
        raise FileRejected(not_a_spreadsheet_message())
    number = 0
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            yield number, [_cell_text(value) for value in values]
    except csv.Error as exc:
        # With the default dialect the csv module fails only on a field beyond its limit
        # (128 KB), that is a huge cell or a quotation mark never closed; its own message is
        # English and technical, so say it in the user's words, with the row.
        raise FileRejected(_("Row %(row)s of the CSV file cannot be read: it has a cell longer than %(limit)s "
                             "characters, or a quotation mark that is never closed. Correct that row, or upload "
                             "the .xlsx workbook instead.") % {"row": number + 1, "limit": max_cell_chars()}) from exc


def sniff(file, *, name: str) -> None:
    """Check an upload before it is stored: its size, and that its content is what its name
    says (an Excel workbook openpyxl opens, within the unpacked-size limits, or UTF-8 text).
    ``FileRejected`` otherwise."""
    suffix = Path(name).suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise FileRejected(not_a_spreadsheet_message())
    data = _read_bytes(file)
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    rows = _xlsx_rows(data) if suffix == ".xlsx" else _csv_rows(data)
    for _row in rows:
        break
    rows.close()
    if hasattr(file, "seek"):
        file.seek(0)


def parse_file(file, *, name: str | None = None) -> Table:
    """Read ``file`` (a path, or an uploaded/open binary file) into a ``Table``.

    The kind of file is decided by the ending of ``name`` (or of the file's own name) and
    then checked against the content.  Entirely empty rows are skipped; in a workbook, where
    missing rows cost nothing in the file, ``max_empty_rows()`` of them in a row end the sheet.
    """
    name = name or getattr(file, "name", None) or str(file)
    suffix = Path(name).suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise FileRejected(not_a_spreadsheet_message())
    data = _read_bytes(file)
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    rows = _xlsx_rows(data) if suffix == ".xlsx" else _csv_rows(data)
    try:
        return _table(rows, stop_after_empty=max_empty_rows() if suffix == ".xlsx" else None)
    finally:
        rows.close()


def _table(rows, *, stop_after_empty: int | None) -> Table:
    header: list[str] | None = None
    table = Table(header=[])
    limit, cell_limit = max_rows(), max_cell_chars()
    width = max_columns()
    empty = 0
    for number, values in rows:
        if not any(values):
            empty += 1
            if stop_after_empty is not None and empty >= stop_after_empty:
                break
            continue
        empty = 0
        if header is None:
            header = _trimmed(values)
            if len(header) > width:
                raise FileRejected(_("The header row has more than %(limit)s columns. Remove the columns that "
                                     "are not imported.") % {"limit": width})
            _check_cell_lengths(number, header, [], cell_limit)
            # A column's name is short: a longer header cell names no column, and is echoed
            # in the message saying so.
            table.header = [shorten(title) for title in header]
            continue
        if len(table.rows) >= limit:
            raise FileRejected(_("The file has more than %(limit)s rows. Split it into several files.")
                               % {"limit": limit})
        _check_cell_lengths(number, values, header, cell_limit)
        table.rows.append((number, values))
    if header is None:
        raise FileRejected(_("The file is empty."))
    return table


def _check_cell_lengths(number: int, values: list[str], header: list[str], limit: int) -> None:
    for position, text in enumerate(values):
        if len(text) > limit:
            column = header[position] if position < len(header) and header[position] else str(position + 1)
            raise FileRejected(_("Row %(row)s, column %(column)s: the cell holds %(length)s characters, more than "
                                 "the %(limit)s a cell may hold. Shorten it.") % {
                "row": number, "column": shorten(column), "length": len(text), "limit": limit})
