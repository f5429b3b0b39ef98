"""The import itself: read every row, check every row, then write all of them or none.

1. The header must name every column of the kind exactly once (personal columns are
   optional, and the office's alone), by its code or its heading in Chinese or English
   (``Column.matches``: case, spaces, width and a trailing ``*`` or “（必填）” do not matter).
   The reader finds the header below any title rows by counting the cells that name a
   column (``header_matcher``).
2. Each cell is converted (``dataexchange.columns``); references are looked up in bulk.  A
   name several records share (``Ambiguous``) is decided by the row's faculty where the
   converter says so (``narrow_by``): the one candidate of that faculty, else the error.
3. Each row is checked: required cells, cross-column ``checks``, the model's own field
   validation and ``clean()``, the same natural key twice in one file, access — a
   coordinator may touch only rows of their own faculties and records they may still edit;
   a key matching a record the user may not see is refused without naming it — and the
   kind's ``workflow`` (only the office sets or changes a workflow state).
4. Inside one transaction, the kind's ``batch_checks`` see every row about to be written
   together (a budget shared by the file's rows), under whatever row locks they take.
5. If any row is bad, or on a dry run, nothing is written and the result lists every bad
   row with its column and reason.  Otherwise, in that transaction, new records are
   bulk-created and changed ones bulk-updated (``version`` + 1) with their history entries
   credited to the importing user, each workflow state the office set is recorded as a
   ``WorkflowTransition``, and ``records_imported`` is sent inside that transaction (each
   receiver in a savepoint; side effects outside the database wait for the commit).
   Rows that change nothing are left alone; an import that changes nothing writes nothing
   and sends no signal.

Concurrency (issue 20) — an import never duplicates or overwrites what someone saved while its
file was being checked:

* The records the rows change are locked (``select_for_update``, in ``pk`` order) in the
  write transaction and their versions compared with the versions read while checking, as
  ``intlportal.versioning.save_versioned`` does for a form.  A record saved (or deleted)
  meanwhile makes its row a conflict; nothing is written.
* Every import key is a unique constraint in the database: a record with a new row's key
  created meanwhile makes the insert fail; the import answers which rows conflict, never the
  database's own error, and writes nothing.
* ``before_write`` and ``after_write`` (the import job's hooks, ``dataexchange.services``)
  run inside the write transaction: the job is locked and checked before anything is
  written, and marked written with its counts in the same transaction as the rows.
* ``records_imported``'s receivers (recompute scheduling) run in a savepoint of the write
  transaction, so what they record commits with the rows; their side effects outside the
  database run after the commit.  A receiver's error is logged and cannot fail the import.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.db.models.fields.tuple_lookups import Tuple, TupleIn
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from dataexchange.columns import Ambiguous, Bool, CellError, Choice, Column, Country, Date, normalise
from dataexchange.files import FileRejected, Table, parse_file, shorten_echo
from dataexchange.kinds import Kind, PlannedRow, can_import, is_required
from dataexchange.signals import records_imported
from intlportal import access, verification
from intlportal.history import record_m2m_history
from intlportal.models import Verification, WorkflowTransition

logger = logging.getLogger(__name__)

BATCH = 500
PREVIEW_ROWS = 200
PROGRESS_EVERY = 500

Progress = Callable[[str, int, int], None]


class ImportAbandoned(Exception):
    """Raised by a ``before_write``/``after_write`` hook to roll the import back (the job was
    cancelled, marked failed by the watchdog, or already written by another delivery)."""


@dataclass
class RowError:
    """One reason a row cannot be imported.  ``column`` is None for the row as a whole."""

    row: int
    column: str | None
    message: str
    value: str = ""

    def __post_init__(self) -> None:
        # A cell may hold 32,767 characters: what is echoed and stored is shortened.
        self.message, self.value = shorten_echo(self.message, self.value)

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row}
        if self.column:
            where = _("row %(row)s, column %(column)s") % {"row": self.row, "column": self.column}
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    kind: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    awaiting: int = 0  # rows added or changed that count only once the office verifies them
    written: bool = False
    columns: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors

    @property
    def bad_rows(self) -> list[int]:
        return sorted({error.row for error in self.errors})

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["bad_rows"] = len(self.bad_rows)
        return data


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    values: dict[str, Any]
    errors: list[RowError]
    key: tuple = ()
    action: str = "error"
    awaits: bool = False  # written, it awaits the office's verification


def _key_value(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value


def _current(obj: Model, column: Column) -> Any:
    model_field = obj._meta.get_field(column.field)
    if model_field.is_relation:
        return getattr(obj, model_field.attname)
    value = getattr(obj, column.field)
    if isinstance(column.converter, Country):
        return getattr(value, "code", value) or ""
    return value


def _empty_value(kind: Kind, column: Column) -> Any:
    if column.is_many or column.is_parts:
        return []
    model_field = kind.model._meta.get_field(column.field)
    if model_field.null:
        return None
    if model_field.has_default():
        return model_field.get_default()
    return ""


def _faculty_ids(value: Any) -> set[int]:
    records = value if isinstance(value, list) else [value]
    ids = set()
    for record in records:
        if isinstance(record, Model) and record._meta.label == access.FACULTY_MODEL:
            ids.add(record.pk)
        elif getattr(record, "faculty_id", None) is not None:
            ids.add(record.faculty_id)
    return ids


def heading_with_code(column: Column) -> str:
    """How messages name a column: its heading in the user's language and its code,
    e.g. “开始日期（starts_on）”; the code alone when the heading is the code."""
    heading = column.heading("labels")
    if normalise(heading) == normalise(column.name):
        return column.name
    return _("%(heading)s (%(code)s)") % {"heading": heading, "code": column.name}


def _match_header(kind: Kind, header: list[str], user) -> dict[str, int]:
    """Where each of the kind's columns is in the file (its name → the cell's index), or
    ``FileRejected`` naming every problem.

    A header cell names a column by its code, its English or Chinese heading or an alias,
    whatever the case, spaces or character width, and with or without a trailing ``*`` or
    “（必填）” (``Column.matches``)."""
    allowed = {column.name for column in kind.columns_for(user)}
    positions: dict[str, int] = {}
    titles: dict[str, str] = {}
    problems: list[str] = []
    for index, title in enumerate(header):
        column = kind.column_for_header(title) if title.strip() else None
        if not title.strip():
            problems.append(_("Column %(n)s has no name in the header row.") % {"n": index + 1})
        elif column is None:
            problems.append(_("“%(name)s” is not a column of %(kind)s.") % {"name": title, "kind": kind.label})
        elif normalise(titles.get(column.name, title)) != normalise(title):
            problems.append(_("“%(first)s” and “%(second)s” both name the column %(column)s.") % {
                "first": titles[column.name], "second": title, "column": heading_with_code(column)})
        elif column.name in titles:
            problems.append(_("The column “%(name)s” appears twice in the header row.") % {"name": title})
        elif column.name not in allowed:
            problems.append(_("The column “%(name)s” holds personal data, which only the Foreign "
                              "Affairs Office imports. Remove the column.") % {"name": title})
        else:
            positions[column.name] = index
        if column is not None:
            titles.setdefault(column.name, title)
    missing = [heading_with_code(column) for column in kind.columns_for(user)
               if column.name not in titles and not column.personal and not column.optional]
    if missing:
        problems.append(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
    if problems:
        expected = ", ".join(heading_with_code(column) for column in kind.columns_for(user))
        problems.append(_("The header row must name these columns: %(names)s.") % {"names": expected})
        raise FileRejected("\n".join(problems))
    return positions


def header_matcher(kind: Kind) -> Callable[[list[str]], int]:
    """How many cells of a row name a column of ``kind``: lets the reader find the header row
    below title rows."""

    def matches(values: list[str]) -> int:
        return sum(1 for value in values if value and kind.column_for_header(value) is not None)

    return matches


def import_rows(kind: Kind, file, *, user, dry_run: bool, name: str | None = None,
                progress: Progress | None = None, before_write: Callable[[], None] | None = None,
                after_write: Callable[[ImportResult], None] | None = None) -> ImportResult:
    """Import ``file`` as ``kind`` for ``user``; see the module docstring for the steps.

    ``before_write()`` runs first in the write transaction, ``after_write(result)`` last, once
    the rows are written (not on a dry run or when any row is bad); either may raise
    ``ImportAbandoned`` to roll everything back (it propagates)."""
    if not can_import(user, kind):
        raise PermissionDenied
    report = progress or (lambda phase, done, total: None)
    result = ImportResult(kind=kind.name)
    try:
        table: Table = parse_file(file, name=name, header_match=header_matcher(kind))
        positions = _match_header(kind, table.header, user)
    except FileRejected as rejected:
        result.file_errors.extend(str(rejected).split("\n"))
        return result
    columns = [column for column in kind.columns_for(user) if column.name in positions]
    result.columns = [column.name for column in columns]
    result.total = len(table.rows)
    report("checking", 0, result.total)
    rows = _read_rows(kind, table, columns, positions, user)
    _check_rows(kind, rows, columns, user)
    report("checking", result.total // 2, result.total)
    plan = _plan_changes(kind, rows, columns, user, report)

    writing = not dry_run and not any(row.errors for row in rows)
    if writing and plan.changes:
        report("writing", 0, result.total)
    try:
        # The batch checks and the writes share one transaction: the rows a check locks (a
        # funding scheme) and the records about to change stay locked until they are written.
        with transaction.atomic():
            if writing and before_write is not None:
                before_write()
            _run_batch_checks(kind, plan)
            if writing and plan.changes:
                _lock_and_verify(kind, plan)
            if writing and not any(row.errors for row in rows):
                if plan.changes:  # an import that changes nothing writes nothing, signals nothing
                    _write(kind, plan, user)
                result.written = True
                _summarise(result, rows)
                if after_write is not None:
                    after_write(result)
    except IntegrityError:
        # A unique key taken meanwhile (or another constraint): all rolled back, nothing written.
        logger.info("import of %s refused by the database; looking for the conflicting rows", kind.name,
                    exc_info=True)
        result.written = False
        if not _explain_refusal(kind, plan, columns):
            result.file_errors.append(_(
                "Someone else changed these records while the file was being checked, so the database "
                "refused the rows. Nothing was written. Check the file again."))

    _summarise(result, rows)
    if result.ok and not dry_run:
        report("done", result.total, result.total)
    return result


def _summarise(result: ImportResult, rows: list[_Row]) -> None:
    """The result's errors, preview and counts from the rows as they now stand."""
    result.errors = [error for row in rows for error in row.errors]
    result.preview = [{"row": row.number, "action": row.action, "awaits": row.awaits and row.action != "error",
                       "cells": [row.cells[name] for name in result.columns]}
                      for row in rows[:PREVIEW_ROWS]]
    result.created = sum(1 for row in rows if row.action == "create")
    result.updated = sum(1 for row in rows if row.action == "update")
    result.unchanged = sum(1 for row in rows if row.action == "unchanged")
    result.awaiting = sum(1 for row in rows if row.awaits and row.action in ("create", "update"))


def _conflict(row: _Row, message: str) -> None:
    row.action = "error"
    row.errors.append(RowError(row.number, None, message))


def _lock_and_verify(kind: Kind, plan: _Plan) -> None:
    """Lock the records the plan changes and refuse the rows of those saved or deleted since
    they were read (the optimistic lock of the forms); call inside the write transaction."""
    read = {obj.pk: obj.version for _row, obj in plan.rows if obj.pk is not None}
    if not read:
        return
    pks = sorted(read)
    current: dict = {}
    manager = kind.model._default_manager
    for start in range(0, len(pks), BATCH):
        chunk = pks[start:start + BATCH]
        current.update(manager.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk", "version"))
    for row, obj in plan.rows:
        if obj.pk is not None and current.get(obj.pk) != read[obj.pk]:
            _conflict(row, _("This record was changed by someone else while the file was being checked. "
                             "Check the file again."))


def _explain_refusal(kind: Kind, plan: _Plan, columns: list[Column]) -> bool:
    """After a refused write: mark the new rows whose key a record now has (created meanwhile
    by someone else).  False when none does (the caller then says so in general terms)."""
    new_rows = [row for row, obj in plan.rows if obj.pk is None]
    if not new_rows:
        return False
    taken, _hidden = _existing(kind, new_rows, columns, user=None)
    found = False
    for row in new_rows:
        if row.key in taken:
            found = True
            _conflict(row, _("Someone else added a record with the same %(key)s while the file was being "
                             "checked. Check the file again.") % {"key": " + ".join(kind.key)})
    return found


def _read_rows(kind: Kind, table: Table, columns: list[Column], positions: dict[str, int], user) -> list[_Row]:
    width = len(table.header)
    rows = []
    for number, raw in table.rows:
        cells = {column.name: (raw[positions[column.name]] if positions[column.name] < len(raw) else "")
                 for column in columns}
        row = _Row(number=number, cells=cells, values={}, errors=[])
        if any(raw[width:]):
            row.errors.append(RowError(number, None, _("This row has more cells than the header row has "
                                                       "columns. Check for a stray comma or a shifted cell.")))
        rows.append(row)
    # Each import gets its own converters: they hold the references looked up for this file.
    converters = {column.name: copy.copy(column.converter) for column in columns}
    for column in columns:
        converters[column.name].prepare((row.cells[column.name] for row in rows if row.cells[column.name]),
                                        user=user)
    for row in rows:
        undecided: list[tuple[Column, Ambiguous]] = []
        for column in columns:
            text = row.cells[column.name]
            if text == "":
                if is_required(kind, column):
                    row.errors.append(RowError(row.number, column.name, _("This cell is empty, but %(column)s "
                                                                          "is required.") % {
                        "column": heading_with_code(column)}))
                row.values[column.name] = _empty_value(kind, column)
                continue
            try:
                row.values[column.name] = converters[column.name].parse(text)
            except Ambiguous as error:
                if getattr(column.converter, "narrow_by", None):
                    undecided.append((column, error))  # decided once the row's faculty is read
                else:
                    row.errors.append(RowError(row.number, column.name, str(error), text))
            except CellError as error:
                row.errors.append(RowError(row.number, column.name, str(error), text))
        for column, error in undecided:
            _narrow(row, column, error)
    return rows


def _narrow(row: _Row, column: Column, error: Ambiguous) -> None:
    """Decide a cell that names several records (a name two staff members share) by the row's
    own faculty: the one candidate of that faculty, else the cell's error."""
    owner = row.values.get(column.converter.narrow_by)
    owner_pk = getattr(owner, "pk", None)
    kept = [candidate for candidate in error.candidates
            if owner_pk is not None and getattr(candidate, "faculty_id", None) == owner_pk]
    if len(kept) == 1:
        row.values[column.name] = kept[0]
    else:
        row.errors.append(RowError(row.number, column.name, str(error), row.cells[column.name]))


def _check_rows(kind: Kind, rows: list[_Row], columns: list[Column], user) -> None:
    """Cross-column checks, the coordinator's faculties, the same record twice in the file."""
    office = access.is_office(user)
    mine = access.faculty_ids(user)
    first_row_of: dict[tuple, int] = {}
    for row in rows:
        if row.errors:
            continue
        for check in kind.checks:
            for column_name, message in check(row.values).items():
                row.errors.append(RowError(row.number, column_name, message, row.cells.get(column_name, "")))
        if kind.faculty and not office:
            ids = _faculty_ids(row.values.get(kind.faculty))
            if not ids or not ids <= mine:
                row.errors.append(RowError(
                    row.number, kind.faculty,
                    _("You may import only rows of the faculties you coordinate."), row.cells.get(kind.faculty, "")))
        row.key = tuple(_key_value(row.values[name]) for name in kind.key)
        if row.key in first_row_of:
            row.errors.append(RowError(row.number, None, _("Row %(first)s already has the same %(key)s.") % {
                "first": first_row_of[row.key], "key": " + ".join(kind.key)}))
        else:
            first_row_of[row.key] = row.number


@dataclass
class _Plan:
    new: list[Model] = field(default_factory=list)
    changed: list[Model] = field(default_factory=list)
    changed_fields: set[str] = field(default_factory=set)
    many: dict[str, list[tuple[Model, list[Model]]]] = field(default_factory=dict)
    years: set[int | None] = field(default_factory=set)
    rows: list[tuple[_Row, Model]] = field(default_factory=list)  # every row to write, in file order
    transitions: list[tuple[Model, str, str]] = field(default_factory=list)  # (record, from, to)
    parts: bool = False  # some row changes its record's parts (``columns.Parts``)

    @property
    def changes(self) -> bool:
        return bool(self.new or self.changed or self.many or self.parts)


def _existing(kind: Kind, rows: list[_Row], columns: list[Column], user) -> tuple[dict[tuple, Model], set]:
    """The records the file's natural keys already name, in a query per ``BATCH`` rows, and
    the primary keys of those among them the user may not see."""
    key_columns = [kind.column(name) for name in kind.key]
    many = [column.field for column in columns if column.is_many]
    many += [lookup for column in columns if column.is_parts for lookup in column.converter.prefetch]
    found: dict[tuple, Model] = {}
    hidden: set = set()
    keyed = [row for row in rows if not row.errors]
    names = []
    for column in key_columns:
        model_field = kind.model._meta.get_field(column.field)
        names.append(model_field.attname if model_field.is_relation else column.field)
    for start in range(0, len(keyed), BATCH):
        chunk = keyed[start:start + BATCH]
        if len(names) == 1:
            qs = kind.model._default_manager.filter(**{f"{names[0]}__in": {row.key[0] for row in chunk}})
        else:
            # Each key exactly, (a, b, c) IN ((…), …): one probe of its unique index each, not
            # every combination of the chunk's values (for 500 rows, 30,000 probes).
            qs = kind.model._default_manager.filter(
                TupleIn(Tuple(*(F(name) for name in names)), list(dict.fromkeys(row.key for row in chunk))))
        if many:
            qs = qs.prefetch_related(*many)
        pks = set()
        for obj in qs:
            found[tuple(_current(obj, column) for column in key_columns)] = obj
            pks.add(obj.pk)
        if pks and user is not None and not access.sees_everything(user):
            visible = set(access.scope_for(user, kind.model._default_manager.filter(pk__in=pks))
                          .values_list("pk", flat=True))
            hidden |= pks - visible
    return found, hidden


def _label(kind: Kind, field_name: str, state: str) -> str:
    return str(dict(kind.model._meta.get_field(field_name).flatchoices).get(state, state))


def _check_workflow(kind: Kind, row: _Row, obj: Model, diff: dict[str, Any], plan: _Plan, user) -> bool:
    """Apply the kind's workflow to a row: False (with the row's error) when the user may not
    set the state it gives; a state the office sets is planned as a transition."""
    flow = kind.workflow
    if flow is None:
        return True
    name = kind.column(flow.column).field
    before = flow.initial if obj.pk is None else getattr(obj, name)
    after = diff.get(name, before)
    if access.can_review(user):
        if after != before:
            plan.transitions.append((obj, before, after))
        return True
    labels = {"kind": kind.model._meta.verbose_name, "column": flow.column,
              "from": _label(kind, name, before), "to": _label(kind, name, after)}
    if obj.pk is None and after not in flow.states_for_new():
        allowed = "”, “".join(_label(kind, name, state) for state in flow.states_for_new())
        message = _("A new %(kind)s is imported as “%(allowed)s”; only the Foreign Affairs Office may record "
                    "one as “%(to)s”.") % {**labels, "allowed": allowed}
    elif obj.pk is not None and after != before:
        message = _("Only the Foreign Affairs Office may change the %(column)s of a %(kind)s (here from "
                    "“%(from)s” to “%(to)s”). Leave the cell as “%(from)s”.") % labels
    else:
        return True
    row.errors.append(RowError(row.number, flow.column, message, row.cells.get(flow.column, "")))
    return False


def _plan_changes(kind: Kind, rows: list[_Row], columns: list[Column], user, report: Progress) -> _Plan:
    """What each row does, checked; nothing is written.

    A kind the office verifies (``intlportal.verification``) follows the forms' rules: the
    office's rows are verified as written; a coordinator's new rows are pending, and their
    changes to a verified record are staged — merged into the proposal already waiting, the
    record's own columns untouched — so that only the verification columns are written for
    them.  A row that proposes nothing beyond what already waits is unchanged.
    """
    plan = _Plan()
    verified_kind = verification.verifiable(kind.model)
    office = verification.enters_verified(user)
    existing, hidden = _existing(kind, rows, columns, user)
    single = [column for column in columns if not column.is_many and not column.is_parts]
    many = [column for column in columns if column.is_many]
    parts = [column for column in columns if column.is_parts]
    relations = {f.name for f in kind.model._meta.get_fields() if f.is_relation}
    not_imported = {f.name for f in kind.model._meta.concrete_fields} - {c.field for c in single}
    # Choices, countries, dates and yes/no are fully checked by their converters; checking
    # them again costs most of a large import (a country is looked up among 250 choices).
    checked = {c.field for c in single if isinstance(c.converter, (Bool, Choice, Country, Date))}
    exclude = relations | not_imported | checked
    field_to_column = {column.field: column.name for column in columns}
    for done, row in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            report("checking", len(rows) // 2 + done // 2, len(rows))
        if row.errors:
            continue
        obj = existing.get(row.key)
        staging = False
        if obj is not None and obj.pk in hidden:
            # Another faculty's record: refuse without naming it or saying how it differs.
            row.errors.append(RowError(row.number, None, _(
                "This row matches a record you may not change. Leave it out of the file, or ask the "
                "Foreign Affairs Office.")))
            continue
        if obj is None:
            obj = kind.model()
            diff = {column.field: row.values[column.name] for column in single}
            many_diff = {column.field: row.values[column.name] for column in many if row.values[column.name]}
            parts_changed = any(row.values[column.name] for column in parts)
        else:
            diff = {column.field: row.values[column.name] for column in single
                    if _key_value(row.values[column.name]) != _current(obj, column)}
            many_diff = {}
            for column in many:
                wanted = row.values[column.name]
                if {o.pk for o in wanted} != {o.pk for o in getattr(obj, column.field).all()}:
                    many_diff[column.field] = wanted
            parts_changed = any(set(row.values[column.name]) != set(column.converter.current(obj))
                                for column in parts)
            if not diff and not many_diff and not parts_changed:
                row.action = "unchanged"
                continue
            staging = verified_kind and not office and obj.verified_at is not None
            if staging and (verification.proposal(obj, diff, many_diff) == obj.staged
                            and obj.verification == Verification.PENDING):
                row.action = "unchanged"
                continue
            if not access.can_edit(user, obj):
                row.errors.append(RowError(row.number, None, _(
                    "“%(record)s” can no longer be changed by you (it may be approved or belong to "
                    "another faculty). Leave this row as it was, or ask the Foreign Affairs Office.")
                    % {"record": obj}))
                continue
        if not _check_workflow(kind, row, obj, diff, plan, user):
            continue
        if staging:
            # The proposal is checked (and batch-checked) as the record it would make; the
            # record itself keeps its verified values.
            target = verification.proposed(obj)
        else:
            target = obj
            if obj.pk is not None:
                plan.years.add(kind.year_of(obj))
            live = copy.copy(obj) if verified_kind and obj.pk is not None and office else None
        for name, value in diff.items():
            setattr(target, name, value)
        try:
            target.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                column = None if name == NON_FIELD_ERRORS else field_to_column.get(name, name)
                for message in messages:
                    row.errors.append(RowError(row.number, column, message, row.cells.get(column or "", "")))
            continue
        # The parts against the record as the row makes it (days within its new dates).
        for column in parts:
            for message in column.converter.check(target, row.values[column.name]):
                row.errors.append(RowError(row.number, column.name, message, row.cells.get(column.name, "")))
        if row.errors:
            continue
        plan.parts = plan.parts or parts_changed
        plan.rows.append((row, target))
        row.action = "create" if obj.pk is None else "update"
        if staging:
            verification.stage(obj, verification.proposal(obj, diff, many_diff), by=user)
            row.awaits = True
            plan.changed.append(obj)
            plan.changed_fields.update(verification.STATE_FIELDS)
            continue
        plan.years.add(kind.year_of(obj))
        if verified_kind:
            if obj.pk is None:
                verification.mark_entry(obj, by=user)
            else:
                if office:
                    verification.office_wrote(obj, live, by=user, many=many_diff)
                else:  # a coordinator's change to their never-verified record: still pending
                    obj.verification, obj.review_comment = Verification.PENDING, ""
                plan.changed_fields.update(verification.STATE_FIELDS)
            row.awaits = obj.verified_at is None
        if obj.pk is None:
            plan.new.append(obj)
        else:
            plan.changed.append(obj)
            plan.changed_fields.update(diff)
        for name, wanted in many_diff.items():
            plan.many.setdefault(name, []).append((obj, wanted))
    return plan


def _run_batch_checks(kind: Kind, plan: _Plan) -> None:
    """The kind's checks over every row about to be written; call inside the write transaction."""
    if not kind.batch_checks or not plan.rows:
        return
    planned = [PlannedRow(number=row.number, values=row.values, record=obj) for row, obj in plan.rows]
    by_number = {row.number: row for row, _obj in plan.rows}
    for check in kind.batch_checks:
        for number, problems in check(planned).items():
            row = by_number[number]
            row.action = "error"
            for column, message in problems.items():
                row.errors.append(RowError(number, column, message, row.cells.get(column or "", "")))


def _write(kind: Kind, plan: _Plan, user) -> None:
    """Write the plan; call inside ``transaction.atomic()``."""
    model = kind.model
    reason = "import"
    # A command run without --user imports as the office but is credited to no one.
    user = user if getattr(user, "pk", None) else None
    if plan.new:
        bulk_create_with_history(plan.new, model, batch_size=BATCH, default_user=user,
                                 default_change_reason=reason)
    if plan.changed:
        now = timezone.now()
        for obj in plan.changed:
            obj.version += 1
            obj.updated_at = now
        fields = sorted(plan.changed_fields | {"version", "updated_at"})
        bulk_update_with_history(plan.changed, model, fields, batch_size=BATCH, default_user=user,
                                 default_change_reason=reason)
    for name, pairs in plan.many.items():
        m2m = model._meta.get_field(name)
        through = m2m.remote_field.through
        source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        through.objects.filter(**{f"{source}__in": [obj.pk for obj, _w in pairs]}).delete()
        through.objects.bulk_create(
            [through(**{f"{source}_id": obj.pk, f"{target}_id": other.pk})
             for obj, wanted in pairs for other in wanted],
            batch_size=BATCH,
        )
    # Every record written has a new history entry: it keeps the record's sets too (the
    # through rows above bypass the history's own many-to-many tracking).
    record_m2m_history(model, [*plan.new, *plan.changed])
    if kind.after_write is not None and plan.rows:
        kind.after_write([PlannedRow(number=row.number, values=row.values, record=obj) for row, obj in plan.rows],
                         user)
    if plan.transitions:
        # The workflow steps the office took by import, as its transition services record them;
        # a record created in a later state is recorded as moved there from the initial state.
        content_type = ContentType.objects.get_for_model(model)
        comment = _("Imported from a spreadsheet")
        WorkflowTransition.objects.bulk_create(
            [WorkflowTransition(content_type=content_type, object_id=obj.pk, from_state=before,
                                to_state=after, by=user, comment=comment)
             for obj, before, after in plan.transitions],
            batch_size=BATCH,
        )
    # A record without a year (a staff member with no dates) may count in any year.
    years = None if kind.year is None or None in plan.years else set(plan.years)
    announce_import(model, kind=kind.name, years=years, user=user)


def announce_import(model: type[Model], *, kind: str, years: set | None, user) -> None:
    """Send ``records_imported`` inside the write transaction, in a savepoint.

    What a receiver records in the database (the assessment's pending recompute) commits
    exactly when the rows do, so an outage right after the commit cannot lose it; what it does
    outside the database it defers with ``transaction.on_commit``.  A receiver's error is
    logged and the savepoint rolled back, never raised: it cannot fail the import.
    """
    try:
        with transaction.atomic():
            records_imported.send(sender=model, kind=kind, years=years, user=user)
    except Exception:
        logger.exception("a records_imported receiver failed during an import of %s", kind)
