"""Writing spreadsheets: the portal's one neutralising writer, and the kinds' exports and templates.

Every spreadsheet the portal writes (these exports and templates, the assessment workbook ...)
goes through ``SheetWriter`` (.xlsx, openpyxl's write-only mode: memory does not grow with the
rows) or ``csv_lines`` (.csv, streamed row by row), which pass every cell through
``neutralise``: text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return) gets a leading ``'``, which reading (``dataexchange.files.unneutralise``)
strips again, so an export imports unchanged.  Numbers are written as numbers, never prefixed.

An export or a template comes in one of two styles (``columns.STYLES``): "codes" (the header
names the columns by code, cells hold codes: ``faculty`` ``CS``, ``direction`` ``outbound``)
or "labels" (headings and values in the active language: 学院 计算机学院, 方向 出国), the default
for a Chinese-speaking user.  The importer reads both, so either re-imports unchanged.  The same
records export as the same bytes: the rows in a total order (``in_total_order``), the workbook's
zip entries and properties at a fixed time (``FIXED_TIME``).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import itertools
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_countries import countries

from dataexchange.columns import STYLES, Bool, Choice, Country, ForeignKey, ManyToMany
from dataexchange.files import FORMULA_STARTS, FileRejected, mark_example
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


# Zip entries and the document's properties carry this time, so that the same data is the same
# bytes (a zip cannot say a time before 1980).
FIXED_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class _FixedTimeZip(zipfile.ZipFile):
    """The zip openpyxl writes a workbook into, every entry dated ``FIXED_TIME`` instead of now
    (``writestr``) or the temporary file's time (``write``, a write-only sheet)."""

    def _entry(self, name: str, compress_type=None) -> zipfile.ZipInfo:
        entry = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
        entry.compress_type = self.compression if compress_type is None else compress_type
        entry._compresslevel = self.compresslevel
        entry.external_attr = 0o600 << 16
        return entry

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._entry(zinfo_or_arcname, compress_type)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        entry = self._entry(arcname or Path(filename).name, compress_type)
        with open(filename, "rb") as source, self.open(entry, "w") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)


class Sheet:
    """One sheet of a ``SheetWriter``: rows are appended, every cell neutralised.  ``worksheet``
    is openpyxl's own, for what only a workbook in normal mode has (validation, widths)."""

    def __init__(self, sheet, *, write_only: bool = True):
        self.worksheet = sheet
        self._write_only = write_only

    def append(self, values, *, bold: bool = False) -> None:
        from openpyxl.styles import Font

        row = [neutralise(value) for value in values]
        self.worksheet.append(row)
        if bold:
            for cell in self.worksheet[self.worksheet.max_row]:
                cell.font = Font(bold=True)


# Characters XML 1.0 cannot hold (openpyxl refuses them): dropped from the text of a cell.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = datetime.date(1899, 12, 30).toordinal()
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _xml_text(value: str) -> str:
    text = _ILLEGAL_XML.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text != text.strip() or "\n" in text:
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


class StreamedSheet:
    """A large sheet's rows written straight to worksheet XML in a temporary file, row by row.

    openpyxl's write-only mode builds a cell object per value and serialises it element by
    element (about 15 µs a cell: a 50,000-row export of 14 columns took 10 s); here a row is one
    string (about 1 µs a cell).  openpyxl still writes the workbook around it — the workbook,
    styles (the bold header's and the dates' formats are registered with it), relationships —
    and ``SheetWriter.save`` puts this XML in place of the sheet it wrote.  Text is written as
    inline strings, numbers as numbers, dates as dates (``yyyy-mm-dd``), every cell neutralised
    and with its reference (``A1``), so readers can size the grid from the ``dimension``."""

    def __init__(self, title: str, *, styles: dict[str, int], freeze_header: bool, hidden: bool):
        self.title = title
        self.freeze_header = freeze_header
        self.hidden = hidden
        self._styles = styles
        self._rows = 0
        self._width = 0
        self._letters: list[str] = []
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by write_to)

    def _letter(self, index: int) -> str:
        from openpyxl.utils import get_column_letter

        while len(self._letters) <= index:
            self._letters.append(get_column_letter(len(self._letters) + 1))
        return self._letters[index]

    def _cell(self, ref: str, value, style: int | None) -> str:
        shown = f' s="{style}"' if style else ""
        if isinstance(value, str):
            return f'<c r="{ref}"{shown} t="inlineStr">{_xml_text(value)}</c>'
        if isinstance(value, bool):
            return f'<c r="{ref}"{shown} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.make_naive(value)
            serial = value.toordinal() - _EXCEL_EPOCH + (value - value.replace(hour=0, minute=0, second=0,
                                                                               microsecond=0)).total_seconds() / 86400
            return f'<c r="{ref}" s="{self._styles["datetime"]}"><v>{serial!r}</v></c>'
        if isinstance(value, datetime.date):
            return f'<c r="{ref}" s="{self._styles["date"]}"><v>{value.toordinal() - _EXCEL_EPOCH}</v></c>'
        if isinstance(value, decimal.Decimal):
            return f'<c r="{ref}"{shown}><v>{format(value, "f")}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}"{shown}><v>{value!r}</v></c>'
        return f'<c r="{ref}"{shown} t="inlineStr">{_xml_text(str(value))}</c>'

    def append(self, values, *, bold: bool = False) -> None:
        self._rows += 1
        number = self._rows
        style = self._styles["bold"] if bold else None
        self._letter(len(values))
        letters = self._letters
        parts = [f'<row r="{number}">']
        for index, value in enumerate(values):
            value = neutralise(value)
            if value is None or value == "":
                continue
            parts.append(self._cell(f"{letters[index]}{number}", value, style))
            if index >= self._width:
                self._width = index + 1
        parts.append("</row>")
        self._file.write("".join(parts))

    def _head(self) -> str:
        last = f"{self._letter(max(self._width, 1) - 1)}{max(self._rows, 1)}"
        view = ('<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
                if self.freeze_header else '<sheetView workbookViewId="0"/>')
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_SHEET_NS}">'
                f'<dimension ref="A1:{last}"/><sheetViews>{view}</sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><sheetData>')

    _TAIL = ('</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
             "</worksheet>")

    def write_to(self, archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
        """The worksheet XML into ``archive`` as ``entry``; the temporary file is closed."""
        head, tail = self._head().encode(), self._TAIL.encode()
        with self._file:
            self._file.flush()
            self._file.seek(0)
            body = self._file.buffer
            size = body.seek(0, 2)
            body.seek(0)
            entry.file_size = len(head) + size + len(tail)  # a zip64 entry when it must be
            with archive.open(entry, "w") as target:
                target.write(head)
                shutil.copyfileobj(body, target, 1024 * 1024)
                target.write(tail)


class SheetWriter:
    """An Excel workbook whose sheets are streamed (``StreamedSheet``: memory does not grow
    with the rows), or, with ``write_only=False`` for a small workbook that needs drop-down lists
    or column widths, openpyxl's normal mode; every cell goes through ``neutralise``.  The same
    content makes the same bytes."""

    def __init__(self, *, write_only: bool = True):
        from openpyxl import Workbook

        self._write_only = write_only
        self._workbook = Workbook(write_only=write_only)
        self._streamed: list[tuple[StreamedSheet, object]] = []
        if not write_only:
            self._workbook.remove(self._workbook.active)
            return
        # The styles the streamed sheets use, registered with the workbook so that it writes them.
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        probe = self._workbook.create_sheet("probe")
        bold, date, moment = WriteOnlyCell(probe), WriteOnlyCell(probe), WriteOnlyCell(probe)
        bold.font = Font(bold=True)
        date.number_format = "yyyy-mm-dd"
        moment.number_format = "yyyy-mm-dd h:mm:ss"
        self._styles = {"bold": bold.style_id, "date": date.style_id, "datetime": moment.style_id}
        self._workbook.remove(probe)

    def sheet(self, title, header=(), *, freeze_header: bool = False, hidden: bool = False):
        """A new sheet named ``title`` (cut to Excel's 31 characters), ``header`` in bold."""
        title = str(title)[:31]
        if self._write_only:
            placeholder = self._workbook.create_sheet(title)
            if hidden:
                placeholder.sheet_state = "hidden"
            written = StreamedSheet(title, styles=self._styles, freeze_header=freeze_header, hidden=hidden)
            self._streamed.append((written, placeholder))
        else:
            sheet = self._workbook.create_sheet(title)
            if freeze_header:
                sheet.freeze_panes = "A2"
            if hidden:
                sheet.sheet_state = "hidden"
            written = Sheet(sheet, write_only=False)
        if header:
            written.append(header, bold=True)
        return written

    def save(self, target) -> None:
        """Write the workbook to ``target``, a path or a binary file (as ``Workbook.save``
        does, but with fixed times and the streamed sheets' XML in place)."""
        from openpyxl.writer.excel import ExcelWriter

        if not self._workbook.worksheets:
            self._workbook.create_sheet()
        self._workbook.properties.created = self._workbook.properties.modified = FIXED_TIME
        if not self._streamed:
            ExcelWriter(self._workbook, _FixedTimeZip(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
            return
        # openpyxl writes the workbook with empty sheets (small: kept in memory), then each
        # entry is copied into the target but a streamed sheet's, which its XML replaces.
        frame = io.BytesIO()
        ExcelWriter(self._workbook, _FixedTimeZip(frame, "w", zipfile.ZIP_DEFLATED)).save()
        replaced = {placeholder.path.lstrip("/"): streamed for streamed, placeholder in self._streamed}
        with zipfile.ZipFile(frame) as source, \
                _FixedTimeZip(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for info in source.infolist():
                streamed = replaced.get(info.filename)
                if streamed is None:
                    archive.writestr(info.filename, source.read(info.filename))
                else:
                    streamed.write_to(archive, archive._entry(info.filename))


def export_style(style: str | None = None) -> str:
    """``style`` checked, or the default for the active language: the headings and labels
    for Chinese, the codes otherwise."""
    if style is None:
        return "labels" if (translation.get_language() or "").startswith("zh") else "codes"
    if style not in STYLES:
        raise ValueError(f"unknown export style {style!r}")
    return style


def in_total_order(kind, queryset):
    """``queryset`` in one order that depends on the data alone: its own ordering (the list's
    sort, else the model's) without the primary key, then the kind's natural key (a reference
    by the referenced record's own key), then the primary key.  The same records then export
    as the same bytes, also once imported into another database, where their keys differ."""
    model = kind.model
    own = queryset.query.order_by or model._meta.ordering
    ordering = [term for term in own if not (isinstance(term, str) and term.lstrip("-") in {"pk", "id"})]
    named = {term.lstrip("-") for term in ordering if isinstance(term, str)}
    for name in kind.key:
        column = kind.column(name)
        model_field = model._meta.get_field(column.field)
        if model_field.many_to_many:
            continue  # ordering by a set would repeat the record
        path = model_field.name
        if model_field.is_relation:
            natural = getattr(column.converter, "key", None)
            path = f"{model_field.name}__{natural}" if natural else model_field.attname
        if path not in named:
            ordering.append(path)
    return queryset.order_by(*ordering, "pk")


def headings(columns, style: str) -> list[str]:
    return [column.heading(style) for column in columns]


def _export_rows(kind, queryset, columns, style: str = "codes"):
    """The records' rows in ``style``, in the language active now (also when a streamed
    response reads them later)."""
    if style == "codes":  # codes are the same in every language
        writers = [(column.field, column.converter.export) for column in columns]
        return ([write(getattr(obj, name)) for name, write in writers]
                for obj in queryset.iterator(chunk_size=EXPORT_CHUNK))
    # Each converter's labels in the language active now, fixed before the rows are read.
    language = translation.get_language()
    writers = [(column.field, column.converter.label_writer(language)) for column in columns]
    return ([write(getattr(obj, name)) for name, write in writers]
            for obj in queryset.iterator(chunk_size=EXPORT_CHUNK))


def _filename(kind, fmt: str) -> str:
    return f"{kind.name}-{timezone.localdate():%Y%m%d}.{fmt}"


def csv_stream(kind, queryset, columns, *, style: str = "codes"):
    return csv_lines(headings(columns, style), _export_rows(kind, queryset, columns, style))


def _sheet_title(kind, style: str) -> str:
    if style == "codes":
        return kind.name
    return re.sub(r"[\[\]:*?/\\]", " ", str(capfirst(kind.label)))


def write_xlsx(path, kind, queryset, columns, *, style: str = "codes") -> None:
    """Write the workbook to ``path`` in openpyxl's write-only (streaming) mode."""
    writer = SheetWriter()
    sheet = writer.sheet(_sheet_title(kind, style), headings(columns, style), freeze_header=True)
    for row in _export_rows(kind, queryset, columns, style):
        sheet.append(row)
    writer.save(path)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(write, *, filename: str) -> FileResponse:
    # The temporary file is deleted when the response closes it.
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115
    write(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def _csv_response(lines, *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(kind, queryset, *, fmt: str, user, style: str | None = None):
    """The kind's records in ``queryset`` that ``user`` may see, as a download: headed by the
    codes and written as codes (``style="codes"``), or headed and written in the active
    language (``"labels"``: 学院 计算机学院, 方向 出国 …); by default labels for Chinese."""
    if fmt not in {"csv", "xlsx"}:
        raise ValueError(f"unknown export format {fmt!r}")
    if kind.office_only and not access.is_office(user):
        # An office-only kind (passports), whichever page asks for it.
        raise PermissionDenied
    style = export_style(style)
    columns = kind.columns_for(user)
    queryset = in_total_order(kind, kind.export_queryset(access.scope_for(user, queryset)))
    if fmt == "csv":
        return _csv_response(csv_stream(kind, queryset, columns, style=style), filename=_filename(kind, "csv"))
    return _xlsx_response(lambda handle: write_xlsx(handle, kind, queryset, columns, style=style),
                          filename=_filename(kind, "xlsx"))


def _reference(converter, obj, style: str):
    """A record as a reference cell names it (one record, also for a many-to-many column)."""
    single = super(ManyToMany, converter) if isinstance(converter, ManyToMany) else converter
    return single.export(obj) if style == "codes" else single.export_label(obj)


def example_rows(kind, columns, *, user, style: str) -> list[list]:
    """The template's two example rows, marked so that importing them skips them: each
    converter's example, and for a reference the first records the user may name."""
    rows: list[list] = [[], []]
    for column in columns:
        converter = column.converter
        if isinstance(converter, ForeignKey):
            visible = access.scope_for(user, converter.model._default_manager.all()).order_by(converter.key, "pk")
            values = [_reference(converter, obj, style) for obj in visible[:2]] or [""]
        else:
            values = [converter.example()]
        for index, row in enumerate(rows):
            row.append(values[min(index, len(values) - 1)])
    for row in rows:
        row[0] = mark_example(_csv_value(row[0]))
    return rows


def _validation_words(converter, style: str) -> list[str] | None:
    """What a column's drop-down offers: the labels, or in the codes style the codes."""
    words = converter.choices_for_validation()
    if words is None or style == "labels":
        return words
    if isinstance(converter, Choice):
        return [code for code, _label in converter.choices]
    if isinstance(converter, Bool):
        return ["yes", "no"]
    if isinstance(converter, Country):
        return [code for code, _name in countries]
    return words


INLINE_LIST_CHARS = 255  # Excel's limit for a list typed into the validation itself


def _add_drop_downs(writer: SheetWriter, sheet: Sheet, columns, style: str) -> None:
    """A drop-down list on every column whose converter offers one; long lists (or words with
    a comma) are kept on a hidden sheet and referenced.  Other words are warned about, not
    refused: the import also takes synonyms and codes."""
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    lists: list[list[str]] = []
    for position, column in enumerate(columns, start=1):
        words = _validation_words(column.converter, style)
        if not words:
            continue
        inline = ",".join(words)
        if len(inline) + 2 <= INLINE_LIST_CHARS and not any("," in word or '"' in word for word in words):
            formula = f'"{inline}"'
        else:
            lists.append(words)
            letter = get_column_letter(len(lists))
            formula = f"{quote_sheetname(str(_('Drop-down lists')))}!${letter}$1:${letter}${len(words)}"
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                    errorStyle="warning", errorTitle=str(column.heading(style)),
                                    error=_("This is not one of the listed values. Keep it only if the "
                                            "instructions sheet says the column accepts it."))
        letter = get_column_letter(position)
        validation.add(f"{letter}2:{letter}1048576")
        sheet.worksheet.add_data_validation(validation)
    if lists:
        hidden = writer.sheet(_("Drop-down lists"), hidden=True)
        for row in itertools.zip_longest(*lists, fillvalue=None):
            hidden.append(row)


def _instructions(writer: SheetWriter, kind, columns, style: str) -> None:
    notes = writer.sheet(_("Instructions"), [_("heading"), _("code"), _("required"), _("accepts")])
    for column in columns:
        notes.append([column.heading("labels"), column.name, _("yes") if is_required(kind, column) else _("no"),
                      column.converter.describe()])
    notes.worksheet.column_dimensions["A"].width = 20
    notes.worksheet.column_dimensions["B"].width = 20
    notes.worksheet.column_dimensions["D"].width = 80
    notes.append([])
    for note in import_notes(kind):
        notes.append([note])


def import_notes(kind) -> list[str]:
    """What a file of ``kind`` may look like, for the instructions sheet and the import page."""
    keys = ", ".join(str(kind.column(name).heading("labels")) for name in kind.key)
    return [
        _("Fill in the first sheet. Only the first sheet is imported."),
        _("The header row names each column by its heading (in Chinese or English) or by its code; a "
          "trailing * or “(必填)” is fine. Title rows above the header row and blank rows are skipped."),
        _("Rows whose first cell starts with “示例：” or “Example:” are examples: they are not imported."),
        _("A CSV file may be saved as UTF-8, as GBK/GB18030 (Excel's “CSV (comma delimited)” on Chinese "
          "Windows) or as UTF-16 “Unicode text”."),
        _("A row that names an existing record (by %(keys)s) updates it instead of adding a second one.")
        % {"keys": keys},
    ]


def write_template(target, kind, columns, *, user, style: str) -> None:
    """The template workbook: the header row and two example rows, drop-down lists, and the
    instructions sheet (a small workbook: openpyxl's normal mode)."""
    writer = SheetWriter(write_only=False)
    sheet = writer.sheet(_sheet_title(kind, style), headings(columns, style), freeze_header=True)
    for row in example_rows(kind, columns, user=user, style=style):
        sheet.append(row)
    for position, column in enumerate(columns, start=1):
        from openpyxl.utils import get_column_letter

        sheet.worksheet.column_dimensions[get_column_letter(position)].width = max(
            12, 2 * len(str(column.heading(style))) + 2)
    _add_drop_downs(writer, sheet, columns, style)
    _instructions(writer, kind, columns, style)
    writer.save(target)


def template_response(kind, *, fmt: str, user, style: str | None = None):
    """A file to fill in: the header row the user imports (headings or codes), two example
    rows the import skips and, in Excel, drop-down lists and the instructions sheet."""
    if fmt not in {"csv", "xlsx"}:
        raise ValueError(f"unknown template format {fmt!r}")
    style = export_style(style)
    columns = kind.columns_for(user)
    if fmt == "csv":
        lines = csv_lines(headings(columns, style), example_rows(kind, columns, user=user, style=style))
        return _csv_response(lines, filename=f"{kind.name}-template.csv")
    return _xlsx_response(lambda handle: write_template(handle, kind, columns, user=user, style=style),
                          filename=f"{kind.name}-template.xlsx")


def export_to_path(kind, queryset, path: Path, *, user, style: str = "codes") -> int:
    """Write an export to a local file (``export_records``); returns the number of rows."""
    style = export_style(style)
    columns = kind.columns_for(user)
    queryset = in_total_order(kind, kind.export_queryset(access.scope_for(user, queryset)))
    if path.suffix.lower() == ".csv":
        count = 0
        with path.open("w", encoding="utf-8", newline="") as out:
            for count, line in enumerate(csv_stream(kind, queryset, columns, style=style)):  # noqa: B007
                out.write(line)
        return max(count - 1, 0)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, kind, queryset, columns, style=style)
        return queryset.count()
    raise FileRejected(_("Export to a file ending in .csv or .xlsx."))
