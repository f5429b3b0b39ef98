"""The import/export registry: every app adds its record kinds here.

Declare a kind in ``<app>/dataexchange.py`` (found automatically when the app loads)::

    from dataexchange.columns import Column, Choice, Country, Date, Decimal, ForeignKey, Text
    from dataexchange.registry import Kind, ordered, register
    from exchanges.models import FundingScheme, Mobility, PartnerInstitution
    from faculties.models import Faculty
    from staff.models import StaffMember

    register(Kind(
        name="mobilities",
        model=Mobility,
        columns=[
            Column("faculty", ForeignKey(Faculty, "code")),
            Column("direction", Choice(Mobility.Direction)),
            Column("person_name", Text()),
            Column("staff_no", ForeignKey(StaffMember, "staff_no"), field="staff_member"),
            Column("country", Country()),
            Column("starts_on", Date()),
            Column("ends_on", Date()),
            Column("amount", Decimal(min_value=0)),
            ...
        ],
        key=("faculty", "person_id", "activity", "starts_on"),   # update-or-create
        faculty="faculty",           # the column that names the row's faculty (or None)
        year="starts_on",            # what ``records_imported`` reports as the years touched
        checks=[ordered("starts_on", "ends_on")],
    ))

* Columns are written in the order declared, and a file must have every one of them
  (personal and ``optional`` columns excepted, see ``Column``).  A header cell names a column
  by its code, its label in Chinese or English (the form's ``verbose_name``) or one of the
  column's ``aliases``, ignoring case, spaces, full-width forms and a trailing * or （必填）;
  title rows above the header row, blank rows, example rows (示例：…) and a 填写说明 sheet are
  skipped (``files.parse_file``, ``Kind.column_for_header``).  Converters read what an office
  types: ``Text``, ``Integer``, ``Decimal`` (￥5,000, 5000元, 1.5万元), ``Date`` (ISO,
  2025/3/1, 2025.3.1, 2025年3月1日, spreadsheet dates in any built-in format, East-Asian
  ones included), ``Bool`` (是/否, 有/无, √/×, yes/no, 1/0), ``Choice`` (code, English or
  Chinese label, or a ``synonyms`` word such as 出国 or 已获批), ``Country`` (ISO 3166
  alpha-2 or alpha-3, Chinese or English name), ``ForeignKey`` (another record by natural
  key or by one of its ``names`` — a partner by its Chinese name or web domain; several
  matches are refused listing them, or decided by ``narrow_by``, the row's faculty),
  ``ManyToMany`` (natural keys separated by ``;`` or 、).
* Exports come in two styles (``writing.STYLES``): ``labels`` — headings and values in words
  in the user's language, the browser's default for a Chinese-speaking user — and ``codes``,
  the command's default, for other systems; both import again unchanged, and the order is
  total (the natural key breaks ties), so the same data exports byte-identical.
* ``key``: the columns that identify a record.  A row whose key matches an existing record
  updates it (``version`` + 1, one history entry); a row that changes nothing leaves it
  alone, so importing an export again changes nothing.
* ``faculty``: the column whose record gives the row's faculty (a ``Faculty``, or any record
  with a ``faculty_id`` such as a staff member or a programme).  A coordinator may import
  only rows of their own faculties.  Who may import at all is ``access.can_create``.
* ``checks``: functions of the row's values returning ``{column: reason}`` for rules that
  span columns (``ordered("starts_on", "ends_on")``, ``same_faculty("staff_no", "faculty")``).
* ``workflow=ImportWorkflow("status", initial="planned")``: the column holding a workflow
  state.  Anyone but the office may create rows only in ``coordinator_states`` (default:
  the initial state) and never change the state of an existing record; the office may, and
  each record it moves (or creates in another state than the initial one, then "from" is
  the initial state) gets a ``WorkflowTransition`` with the comment "Imported", written in
  the import's transaction.
* ``batch_checks``: functions of every row about to be written together
  (``Sequence[PlannedRow]``) returning ``{row number: {column: reason}}``, for rules over the
  whole file such as a budget.  They run inside the write transaction (a dry run opens one
  and writes nothing), so they may lock rows with ``select_for_update``.
* References (``ForeignKey``, ``ManyToMany``) are looked up among the records the importing
  user may see (``access.scope_for``): anything else is "not found".

* ``Parts`` columns (``dataexchange.columns.Parts``): a cell listing records that belong to
  the row's record (a trip's members, its countries), compared with the record's own, checked
  against the record as the row makes it, and written by the kind's ``after_write`` (called
  in the write transaction with every row written).
* ``office_only``: a kind only the office exports, imports or sees at all (passports).

Then ``RecordListView.export_kind = "mobilities"`` exports any filtered list, and
``/data/mobilities/import/`` imports.  After a successful import,
``dataexchange.signals.records_imported`` is sent on commit (a receiver's error is logged,
never raised: the import is committed).

Every ``key`` must be a unique constraint of the model (a ``unique`` field or a
``UniqueConstraint`` on exactly those fields, added with a migration whose first step is
``dataexchange.migration_checks.refuse_duplicate_keys``): concurrent imports then cannot
duplicate a record, and ``tests/dataexchange/test_import_races.py`` checks every kind.

``Kind`` and the checks are defined in ``dataexchange.kinds`` (re-exported here), which the
importer and the file readers import; this module holds the registered kinds and the entry
points ``export_response``, ``parse_file`` and ``import_rows``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from dataexchange import files, importer, writing
from dataexchange.columns import Column, ManyToMany
from dataexchange.importer import ImportResult
from dataexchange.kinds import (
    BatchCheck,
    ImportWorkflow,
    Kind,
    PlannedRow,
    RowCheck,
    can_export,
    can_import,
    not_more_than,
    ordered,
    same_faculty,
)

_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind; registering the same name twice is a programming error."""
    existing = _KINDS.get(kind.name)
    if existing is not None and existing.model is not kind.model:
        raise ValueError(f"data-exchange kind {kind.name!r} is already registered")
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    """The kind called ``name``; ``KeyError`` if none is."""
    return _KINDS[name]


def may_import(user, name: str) -> bool:
    """May ``user`` import the kind called ``name`` (``can_import``)?  No if there is none."""
    kind = _KINDS.get(name)
    return kind is not None and can_import(user, kind)


def kinds() -> list[Kind]:
    """Every registered kind, in registration order."""
    return list(_KINDS.values())


def export_response(kind_name: str, queryset: QuerySet, *, fmt: str, user, style: str | None = None):
    """A streaming download of ``queryset`` (scoped to the user) as ``csv`` or ``xlsx``, in
    ``style`` ``labels`` or ``codes`` (default: labels for a Chinese-speaking user)."""
    return writing.export_response(get(kind_name), queryset, fmt=fmt, user=user, style=style)


def parse_file(file, *, name: str | None = None, kind: Kind | str | None = None):
    """Read an uploaded or local ``.xlsx``/``.csv``/``.txt`` into a ``Table``; ``FileRejected``
    if not.  With ``kind``, the header row is the first row naming its columns (title rows
    above it are skipped), as the importer reads it."""
    if kind is None:
        return files.parse_file(file, name=name)
    found = get(kind) if isinstance(kind, str) else kind
    return files.parse_file(file, name=name, header_match=importer.header_matcher(found))


def import_rows(kind: Kind | str, file, *, user, dry_run: bool, name: str | None = None,
                progress=None, before_write=None, after_write=None) -> ImportResult:
    """Check every row of ``file`` and, unless ``dry_run`` or any row is bad, write them all
    (``before_write``/``after_write``: hooks inside the write transaction, see the importer)."""
    return importer.import_rows(get(kind) if isinstance(kind, str) else kind, file, user=user, dry_run=dry_run,
               name=name, progress=progress, before_write=before_write, after_write=after_write)


__all__ = [
    "BatchCheck", "Column", "ImportResult", "ImportWorkflow", "Kind", "ManyToMany", "PlannedRow", "RowCheck",
    "can_export", "can_import", "export_response", "get", "import_rows", "kinds", "may_import", "not_more_than",
    "ordered", "parse_file", "register", "same_faculty",
]
