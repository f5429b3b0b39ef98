"""Reading spreadsheets: ``.xlsx`` workbooks and ``.csv``/``.txt`` text, judged by content and bounded.

Uploads are judged by their content, not their name: an ``.xlsx`` must open as a workbook, a
``.csv``/``.txt``/``.tsv`` must decode as text.  Writing is ``dataexchange.writing``'s (whose
``neutralise`` prefixes text a spreadsheet would run as a formula with ``'``; ``unneutralise``
here strips exactly that prefix again, so an export imports unchanged).

What an office really uploads is read as it comes:

* text from Chinese Excel: UTF-8 with or without a byte-order mark, GB18030/GBK (“CSV (逗号分隔)”
  on Chinese Windows) and UTF-16 with a byte-order mark (“Unicode 文本”, tab-separated); the
  encoding is told by charset-normalizer among those alone (``TEXT_ENCODINGS``), so GBK is never
  taken for Big5 or cp1252, and anything else gets a message saying how to save the file; the
  delimiter (comma, tab or semicolon) is the one the widest of the first lines uses outside quotes;
* a workbook's first sheet that is not an instructions sheet (``INSTRUCTION_SHEETS``: 填写说明,
  说明, Instructions, ReadMe) and not hidden;
* the header is the first of the first ``HEADER_SEARCH_ROWS`` non-empty rows of which most cells
  name a column (``header_match``, given by the importer): title rows, notes and merged title
  cells above it are skipped; without such a row the first non-empty row is the header (and the
  importer says which of its cells name no column).  Blank rows, and example rows (whose first
  cell starts with one of ``EXAMPLE_MARKS``, as ``mark_example`` writes them), are skipped;
* dates in a workbook arrive as ISO text (``2025-03-01``), including Chinese Excel's built-in
  East-Asian date formats (``EAST_ASIAN_DATE_FORMATS``), which openpyxl does not know as dates.

Workbooks are read by python-calamine, which is fast (10,000 rows × 14 columns in about 0.2 s)
but builds the sheet as a dense grid in memory: 32 bytes for each cell between A1 and the last
cell anywhere, so one cell at XFD1000000 asks for 500 GB and aborts the process.  So before
calamine opens a sheet, the grid it would build is measured from the sheet's XML
(``xlsx_grid``: the position of every cell, which Excel writes on each ``<c r="…">``, and the
declared ``<dimension>``); a workbook whose grid would exceed ``XLSX_GRID_MAX_CELLS`` or be wider
than a row is ever read (``max_columns() + 1``), or whose sheets are not written plainly enough
to measure that cheaply, is read by openpyxl's streaming reader instead, which is slower but
bounded by what follows.

Reading is bounded by what a file really holds, never by what it declares:

* an ``.xlsx`` is a zip: before any reader parses anything, its parts are counted and their
  unpacked sizes (which ``zipfile`` enforces while reading) and compression ratios checked
  (``check_xlsx_archive``);
* calamine reads a workbook only when its dense grid fits ``XLSX_GRID_MAX_CELLS`` and is no
  wider than ``max_columns() + 1`` (calamine hands out whole rows); openpyxl's
  streaming reader ignores a sheet's declared dimension, and a sheet ends after
  ``max_empty_rows()`` empty rows in a row (rows missing from a workbook cost nothing in the
  file, a CSV's empty lines cost their bytes; while the header is still being looked for, empty
  rows count all together);
* a workbook's rows are read no wider than the header plus ``COLUMN_SLACK`` (and ``max_columns()
  + 1`` until the header is found); a header has at most ``max_columns()`` columns, and a file
  with more than ``max_rows()`` rows is refused as soon as the row after the limit is read —
  whichever reader reads it, and for text files too;
* a cell holds at most ``max_cell_chars()`` characters (Excel's own limit), and any value echoed
  in a message is shortened (``shorten``, ``shorten_echo``).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import math
import posixpath
import re
import unicodedata
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

WORKBOOK_SUFFIXES = frozenset({".xlsx"})
TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
# The encodings a text file may come in: what Excel writes on a Chinese Windows.  Detection is
# restricted to these, so that a short GBK file is never taken for Big5, Shift-JIS or cp1252.
TEXT_ENCODINGS = ("utf_8", "gb18030", "utf_16_le", "utf_16_be")
DELIMITERS = (",", "\t", ";")  # in order of preference when the first lines use several as often
DELIMITER_LINES = 30  # the first lines (and at most DELIMITER_CHARS) that decide the delimiter
DELIMITER_CHARS = 64 * 1024
# Files that are surely not text, whatever charset-normalizer could make of their bytes.
BINARY_STARTS = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!",
                 b"7z\xbc\xaf")
OLE2_START = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and a password-protected .xlsx

# calamine's dense grid costs 32 bytes a cell: 2,000,000 cells are 64 MB for the moment a sheet
# is read.  That is a full file of max_rows() (50,000) rows 40 columns wide, and almost three
# times the widest kind (14 columns); a sheet measuring more (a stray cell far out, a declared
# dimension of the whole grid) is read by the streaming reader, which never builds a grid.
XLSX_GRID_MAX_CELLS = 2_000_000
# Chinese Excel's built-in date and time formats, stored by id alone: openpyxl does not know
# them as dates (it hands out the serial number), calamine does.
EAST_ASIAN_DATE_FORMATS = frozenset([*range(27, 37), *range(50, 59)])
INSTRUCTION_SHEETS = frozenset({"填写说明", "说明", "instructions", "readme"})  # normalised names
HEADER_SEARCH_ROWS = 30  # the non-empty rows among which the header row is looked for
# What starts the first cell of an example row in a template (compared after NFKC, which makes
# the full-width colon half-width, and casefold): the reader skips such rows.
EXAMPLE_MARKS = ("示例：", "示例:", "Example:")


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
    """A spreadsheet's header and its data rows, each with its row number in the sheet
    (``header_row`` is the header's)."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    header_row: int = 0


@dataclass
class _Width:
    """How wide a workbook's rows are still worth reading: ``max_columns() + 1`` until the header
    is found, then the header's width plus ``COLUMN_SLACK`` (set by ``_table`` as it reads)."""

    cells: int


def mark_example(text: str) -> str:
    """The first cell of a template's example row: ``text`` after a mark the reader knows
    (“示例：…”, “Example: …”), so that the row is skipped when the template comes back filled in."""
    return _("Example: %(value)s") % {"value": text}


def is_example(values: list[str]) -> bool:
    """Whether a row is an example row: its first non-empty cell starts with an ``EXAMPLE_MARKS``."""
    first = next((value for value in values if value), "")
    return unicodedata.normalize("NFKC", first).lstrip().casefold().startswith(_EXAMPLE_STARTS)


_EXAMPLE_STARTS = tuple({unicodedata.normalize("NFKC", mark).casefold() for mark in EXAMPLE_MARKS})


def unneutralise(text: str) -> str:
    """Undo ``neutralise``: drop a ``'`` that precedes a formula character."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _cell_text(value) -> str:
    """A cell as text, the way the converters read it."""
    if isinstance(value, str):  # the most common, first
        return unneutralise(value.strip())
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="minutes" if not value.second and not value.microsecond else "seconds")
    if isinstance(value, datetime.timedelta):
        # A duration as Excel shows it with [h]:mm:ss: 30:00:00, not "1 day, 6:00:00".
        seconds = round(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float):
        # Excel stores every number as a float: 5.0 is the whole number 5, 0.1 stays 0.1.
        return str(int(value)) if value.is_integer() else repr(value)
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
    return _("This file is not a spreadsheet. Upload an Excel workbook (.xlsx), or a CSV or text file "
             "(.csv, .txt) saved by Excel.")


def old_excel_message() -> str:
    return _("This is an old-format Excel workbook (.xls) or a password-protected one, which cannot be read. "
             "Open it in Excel, remove any password, choose “Save as” → “Excel Workbook (.xlsx)” and "
             "upload that file.")


def unknown_encoding_message() -> str:
    return _("The characters of this text file cannot be read: it is not saved as UTF-8, GBK or Unicode "
             "text. In Excel choose “Save as” → “CSV UTF-8 (comma delimited)”, or upload the .xlsx "
             "workbook instead.")


def _suffix(name: str) -> str:
    """The ending of an upload's name, refused unless it is one the reader reads."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise FileRejected(old_excel_message())
    if suffix not in WORKBOOK_SUFFIXES | TEXT_SUFFIXES:
        raise FileRejected(not_a_spreadsheet_message())
    return suffix


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


# --- workbooks ---------------------------------------------------------------------------------

# What measuring a sheet's grid looks for in its XML (bytes).  Excel writes every cell with its
# position first (``<c r="B12" …>``) and the sheet's extent as ``<dimension ref="A1:N10001"/>``;
# the searches below prove that of a sheet, each in one pass of the C regex engine and without
# building a Python object per cell, so that measuring stays a fraction of calamine's own time.
_ODD_CELL = re.compile(rb"<c(?:[\t\n\r/>]| (?!r=\"[A-Z]{1,3}[0-9]{1,7}\"))")  # a cell tag written otherwise
# An ``r`` attribute written otherwise than `` r=``: with spaces before ``=`` (or text like it), or
# after another whitespace (two plain searches: as one alternation they would be ten times slower).
_SPACED_R = re.compile(rb"r\s+=")
_ODD_SPACE_R = (b"\tr=", b"\nr=", b"\rr=")
_PREFIXED = re.compile(rb":(?:row|c)[\s/>]")  # a row or cell under a namespace prefix (or text like one)
_DIMENSION = re.compile(rb"<(?:[^\s<>/!?:]+:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_ENCODING = re.compile(rb"(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_TARGET = re.compile(rb"\bTarget\s*=\s*[\"']([^\"']*)[\"']")
_CELL_AT = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_NAME = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _greater(text: str, alphabet: str, longest: int) -> str:
    """A regular expression for the strings over ``alphabet`` (in its order) of at most
    ``longest`` characters that count as more than ``text``: longer ones, or as long and greater
    at their first difference.  (A row written with leading zeros counts as more: the safe side.)"""
    choices = [f"[{alphabet[0]}-{alphabet[-1]}]{{{len(text) + 1},{longest}}}"] if len(text) < longest else []
    for position, char in enumerate(text):
        above = alphabet[alphabet.index(char) + 1:]
        if above:
            rest = len(text) - position - 1
            choices.append(f"{text[:position]}[{above[0]}-{above[-1]}]" + (f"[{alphabet[0]}-{alphabet[-1]}]{{{rest}}}"
                                                                          if rest else ""))
    return "|".join(choices) or "(?!)"


def _beyond(rows: int, column: str) -> re.Pattern:
    """A search for a cell written beyond row ``rows`` or column ``column``."""
    columns = _greater(column, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3)
    numbers = _greater(str(rows), "0123456789", 7)
    return re.compile(f'<c r="(?:(?:{columns})[0-9]|[A-Z]{{1,3}}(?:{numbers})")'.encode())


def _sheet_grid(xml: bytes) -> tuple[int, int] | None:
    """The last row and column of the dense grid calamine would build from one sheet's XML (by
    its cells and its declared dimension), or ``None`` when the XML is not written plainly enough
    to tell that cheaply (then the workbook is read streaming).

    Calamine reads cells only after a ``<sheetData>`` tag, and places a cell at its ``r`` or,
    lacking one, after the cell before it.  So every cell tag must start ``<c r="…"`` with a
    plain position, no ``r`` may be written anywhere but first on a cell or a row (a second one
    would be a second position), and no row or cell may hide under a namespace prefix or in
    UTF-16.  Text that merely looks like a cell only makes the measure larger: the safe side."""
    head = xml[:1024]
    if b"\x00" in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    declared = _ENCODING.match(head)
    if declared and declared.group(1).lower().replace(b"-", b"").replace(b"_", b"") not in {b"utf8", b"usascii",
                                                                                            b"ascii"}:
        return None
    data_at = xml.find(b"sheetData")
    if data_at < 0:
        return 0, 0  # calamine reads no cell from a part without one (a theme, the styles ...)
    if (_PREFIXED.search(xml) or _ODD_CELL.search(xml) or _SPACED_R.search(xml)
            or any(odd in xml for odd in _ODD_SPACE_R)):
        return None
    if xml.count(b" r=") != xml.count(b'<c r="') + xml.count(b'<row r="'):
        return None
    dimension = _DIMENSION.search(xml, 0, data_at)
    last = _CELL_NAME.fullmatch(dimension.group(1).decode("ascii", "replace").rpartition(":")[2]) if dimension else None
    if last is not None:
        rows, column = int(last.group(2)), last.group(1)
        if not _beyond(rows, column).search(xml):
            return rows, _column_number(column)
    # No dimension, or one that some cell lies beyond: find the last row and column cell by cell.
    cells = _CELL_AT.findall(xml)
    rows = max((int(row) for row in {row for _column, row in cells}), default=0)
    columns = max((_column_number(column.decode()) for column in {column for column, _row in cells}), default=0)
    if last is not None:
        rows, columns = max(rows, int(last.group(2))), max(columns, _column_number(last.group(1)))
    return rows, columns


def xlsx_grid(data: bytes) -> tuple[int, int] | None:
    """The rows and columns of a dense grid holding any sheet calamine could read from the
    workbook ``data`` (already passed by ``check_xlsx_archive``), or ``None`` when that cannot
    be told cheaply.  Every part a sheet may be read from is measured: all of ``xl/worksheets/`` and
    whatever the workbook's relationships point to, however the target is resolved."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [part.filename for part in archive.infolist()]
        present = set(names)
        if len(present) != len(names):
            return None  # two parts of one name: which one a reader takes is its own affair
        sheets = {name for name in names if name.startswith("xl/worksheets/") and name.endswith(".xml")}
        relations = "xl/_rels/workbook.xml.rels"
        if relations in present:
            for raw in _TARGET.findall(archive.read(relations)):
                target = raw.decode("utf-8", "replace")
                resolved = {target, target.lstrip("/"), "xl/" + target, posixpath.normpath("xl/" + target),
                            posixpath.normpath(target.lstrip("/"))}
                sheets |= resolved & present
        rows = columns = 0
        for name in sorted(sheets):
            grid = _sheet_grid(archive.read(name))
            if grid is None:
                return None
            rows, columns = max(rows, grid[0]), max(columns, grid[1])
    return rows, columns


def _data_sheet(sheets) -> str:
    """The name of the sheet to read: of ``sheets`` (name, is a visible worksheet) in workbook
    order, the first that is not an instructions sheet."""
    from dataexchange.columns import normalise

    names = []
    for name, usable in sheets:
        if usable and normalise(name) not in INSTRUCTION_SHEETS:
            return name
        names.append(name)
    if not names:
        raise FileRejected(not_a_spreadsheet_message())
    raise FileRejected(_("The workbook has no sheet of rows to import, only %(sheets)s. Put the rows on a sheet "
                         "of their own, with the header row on top, and upload the workbook again.")
                       % {"sheets": ", ".join(f"“{shorten(name, 31)}”" for name in names[:5])})


def _xlsx_rows(data: bytes, width: _Width, *, dense: bool = True):
    """The data sheet's rows, numbered as in the sheet, each ``width.cells`` wide at most: read
    by calamine when ``dense`` and its grid is known to be small enough, else by
    openpyxl's streaming reader.  Rows missing from the file come as empty rows: the reader of
    this generator stops after ``max_empty_rows()`` of them."""
    if data.startswith(OLE2_START):
        raise FileRejected(old_excel_message())
    if not data.startswith(b"PK\x03\x04"):
        raise FileRejected(not_a_spreadsheet_message())
    check_xlsx_archive(data)
    try:
        grid = xlsx_grid(data) if dense else None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRejected(not_a_spreadsheet_message()) from exc
    if grid is not None and grid[0] * grid[1] <= XLSX_GRID_MAX_CELLS and grid[1] <= max_columns() + 1:
        yield from _calamine_rows(data, width)
    else:
        yield from _streamed_rows(data, width)


def _calamine_rows(data: bytes, width: _Width):
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, OSError, ValueError) as exc:
        raise FileRejected(not_a_spreadsheet_message()) from exc
    try:
        name = _data_sheet((sheet.name, sheet.typ == SheetTypeEnum.WorkSheet
                            and sheet.visible == SheetVisibleEnum.Visible) for sheet in workbook.sheets_metadata)
        try:
            sheet = workbook.get_sheet_by_name(name)
        except (CalamineError, OSError, ValueError) as exc:
            raise FileRejected(not_a_spreadsheet_message()) from exc
        # calamine hands out every row from the first, but each from the sheet's first used
        # column on: put back the empty columns left of it.
        skip = sheet.start[1] if sheet.start else 0
        for number, values in enumerate(sheet.iter_rows(), start=1):
            cells = width.cells
            yield number, ([""] * skip + [_cell_text(value) for value in values[:max(cells - skip, 0)]])[:cells]
    finally:
        workbook.close()


def _streamed_rows(data: bytes, width: _Width):
    """The data sheet's rows by openpyxl's read-only reader, which streams the sheet's XML: each
    time ``width`` narrows, the sheet is read on from the next row that much narrower."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            # Chinese Excel writes its date formats by id alone; openpyxl knows its built-in
            # date formats by their code, and these have none, so tell it which styles are dates.
            workbook._date_formats |= {index for index, style in enumerate(workbook._cell_styles)
                                       if style.numFmtId in EAST_ASIAN_DATE_FORMATS}
            name = _data_sheet((sheet.title, sheet.sheet_state == "visible") for sheet in workbook.worksheets)
            sheet = workbook[name]
            # The declared dimension is the file's say-so (it may claim A1:XFD1048576): read
            # what the sheet holds instead.
            sheet.reset_dimensions()
            first, cells = 1, width.cells
            while True:
                rows = sheet.iter_rows(min_row=first, max_col=cells, values_only=True)
                for number, values in enumerate(rows, start=first):
                    yield number, [_cell_text(value) for value in values]
                    if width.cells < cells:
                        first, cells = number + 1, width.cells
                        break
                else:
                    return
        finally:
            workbook.close()
    except FileRejected:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError, EOFError) as exc:
        raise FileRejected(not_a_spreadsheet_message()) from exc


# --- text ------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """The text of a CSV or text file as Excel saves it: UTF-8 (with or without a byte-order
    mark), UTF-16 with a byte-order mark, or GB18030/GBK; ``FileRejected`` for anything else."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf_8", data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf_16"
    else:
        try:
            return data.decode("utf_8")
        except UnicodeDecodeError:
            pass
        if data.startswith(OLE2_START):
            raise FileRejected(old_excel_message())
        if data.startswith(BINARY_STARTS):
            raise FileRejected(not_a_spreadsheet_message())
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=list(TEXT_ENCODINGS)).best()
        if best is None:
            raise FileRejected(unknown_encoding_message())
        encoding = best.encoding
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise FileRejected(unknown_encoding_message()) from None


def text_delimiter(text: str) -> str:
    """The delimiter of a CSV or text file: of ``DELIMITERS``, the one used most outside quotes
    on the line (of the first ``DELIMITER_LINES``) that uses them most; a comma when none is."""
    best: dict[str, int] = {}
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted, lines = False, 0
    for char in text[:DELIMITER_CHARS]:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in counts:
            counts[char] += 1
        elif char == "\n":
            if sum(counts.values()) > sum(best.values()):
                best = counts
            counts, lines = dict.fromkeys(DELIMITERS, 0), lines + 1
            if lines >= DELIMITER_LINES:
                break
    if sum(counts.values()) > sum(best.values()):
        best = counts
    return max(DELIMITERS, key=lambda delimiter: (best.get(delimiter, 0), -DELIMITERS.index(delimiter)))


def _text_rows(data: bytes):
    text = decode_text(data)
    if "\x00" in text:
        raise FileRejected(not_a_spreadsheet_message())
    number = 0
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=text_delimiter(text))
        for number, values in enumerate(reader, start=1):
            yield number, [_cell_text(value) for value in values]
    except csv.Error as exc:
        # With the default dialect the csv module fails only on a field beyond its limit
        # (128 KB), that is a huge cell or a quotation mark never closed; its own message is
        # English and technical, so say it in the user's words, with the row.
        raise FileRejected(_("Row %(row)s of the CSV file cannot be read: it has a cell longer than %(limit)s "
                             "characters, or a quotation mark that is never closed. Correct that row, or upload "
                             "the .xlsx workbook instead.") % {"row": number + 1, "limit": max_cell_chars()}) from exc


# --- reading a file --------------------------------------------------------------------------


def _content(file, name: str) -> tuple[str, bytes]:
    suffix = _suffix(name)
    data = _read_bytes(file)
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    return suffix, data


def sniff(file, *, name: str) -> None:
    """Check an upload before it is stored: its size, and that its content is what its name
    says (an Excel workbook within the unpacked-size limits whose data sheet opens, or text in
    one of the encodings Excel writes).  ``FileRejected`` otherwise.  Only the first row is
    read, by the streaming reader, which costs no more for a large workbook than a small one."""
    suffix, data = _content(file, name)
    width = _Width(max_columns() + 1)
    rows = _xlsx_rows(data, width, dense=False) if suffix in WORKBOOK_SUFFIXES else _text_rows(data)
    for _row in rows:
        break
    rows.close()
    if hasattr(file, "seek"):
        file.seek(0)


def parse_file(file, *, name: str | None = None, header_match=None) -> Table:
    """Read ``file`` (a path, or an uploaded/open binary file) into a ``Table``.

    The kind of file is decided by the ending of ``name`` (or of the file's own name) and
    then checked against the content.  ``header_match(values)`` says how many of a row's cells
    name a column; with it the header is found below title rows (see ``_is_header``), without it
    the header is the first non-empty row.  Entirely empty rows and example rows are skipped; in
    a workbook, where missing rows cost nothing in the file, ``max_empty_rows()`` of them in a
    row end the sheet.
    """
    name = name or getattr(file, "name", None) or str(file)
    suffix, data = _content(file, name)
    width = _Width(max_columns() + 1)
    workbook = suffix in WORKBOOK_SUFFIXES
    rows = _xlsx_rows(data, width) if workbook else _text_rows(data)
    try:
        return _table(rows, width=width if workbook else None, header_match=header_match,
                      stop_after_empty=max_empty_rows() if workbook else None)
    finally:
        rows.close()


def _is_header(values: list[str], header_match) -> bool:
    """Whether a row is the header: at least half of its non-empty cells name a column, and at
    least two do (or the row has a single cell, and it does)."""
    filled = sum(1 for value in values if value)
    matched = header_match(values)
    return matched >= max(1, math.ceil(filled / 2)) and (matched >= 2 or filled == 1)


def _table(rows, *, width: _Width | None, header_match, stop_after_empty: int | None) -> Table:
    """The header and the data rows of ``rows``.  Until the header is decided, the non-empty
    rows read are kept (``HEADER_SEARCH_ROWS`` at most): if none of them is a header, the first
    is, and the others are data."""
    table = Table(header=[])
    header: list[str] | None = None
    seen: list[tuple[int, list[str]]] = []  # non-empty rows while the header is looked for
    limit, cell_limit = max_rows(), max_cell_chars()
    empty = 0

    def take_header(number: int, values: list[str]) -> list[str]:
        values = _trimmed(values)
        if len(values) > max_columns():
            raise FileRejected(_("The header row has more than %(limit)s columns. Remove the columns that "
                                 "are not imported.") % {"limit": max_columns()})
        _check_cell_lengths(number, values, [], cell_limit)
        # A column's name is short: a longer header cell names no column, and is echoed
        # in the message saying so.
        table.header, table.header_row = [shorten(title) for title in values], number
        if width is not None:
            width.cells = min(len(values) + COLUMN_SLACK, max_columns() + 1)
        return values

    def take_row(number: int, values: list[str]) -> None:
        if is_example(values):
            return
        if len(table.rows) >= limit:
            raise FileRejected(_("The file has more than %(limit)s rows. Split it into several files.")
                               % {"limit": limit})
        if width is not None:
            values = values[:width.cells]
        _check_cell_lengths(number, values, header, cell_limit)
        table.rows.append((number, values))

    for number, values in rows:
        if not any(values):
            empty += 1
            if stop_after_empty is not None and empty >= stop_after_empty:
                break
            continue
        if header is not None:
            empty = 0
            take_row(number, values)
            continue
        # While the header is looked for, empty rows count all together: the rows read so far
        # were read as wide as a header may be.
        if is_example(values):
            continue
        seen.append((number, values))
        if header_match is None or _is_header(values, header_match):
            header = take_header(number, values)
        elif len(seen) >= HEADER_SEARCH_ROWS:
            header = take_header(*seen[0])
            for row in seen[1:]:
                take_row(*row)
        else:
            continue
        seen, empty = [], 0
    if header is None:
        if not seen:
            raise FileRejected(_("The file is empty."))
        header = take_header(*seen[0])
        for row in seen[1:]:
            take_row(*row)
    return table


def _check_cell_lengths(number: int, values: list[str], header: list[str], limit: int) -> None:
    for position, text in enumerate(values):
        if len(text) > limit:
            column = header[position] if position < len(header) and header[position] else str(position + 1)
            raise FileRejected(_("Row %(row)s, column %(column)s: the cell holds %(length)s characters, more than "
                                 "the %(limit)s a cell may hold. Shorten it.") % {
                "row": number, "column": shorten(column), "length": len(text), "limit": limit})
