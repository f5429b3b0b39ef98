"""The import itself: read every row, check every row, then write all of them or none.

1. The header must name every column of the kind exactly once (personal columns are
   optional, and the office's alone).
2. Each cell is converted (``dataexchange.columns``); references are looked up in bulk.
3. Each row is checked: required cells, cross-column ``checks``, the model's own field
   validation and ``clean()``, the same natural key twice in one file, and access — a
   coordinator may touch only rows of their own faculties and records they may still edit.
4. If any row is bad, or on a dry run, nothing is written and the result lists every bad
   row with its column and reason.  Otherwise, inside one transaction, new records are
   bulk-created and changed ones bulk-updated (``version`` + 1) with their history entries
   credited to the importing user, and ``records_imported`` is sent once the transaction
   commits.  Rows that change nothing are left alone.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from dataexchange.columns import Bool, CellError, Choice, Column, Country, Date
from dataexchange.files import FileRejected, Table, is_required, parse_file
from dataexchange.registry import Kind, can_import
from dataexchange.signals import records_imported
from intlportal import access

BATCH = 500
PREVIEW_ROWS = 200
PROGRESS_EVERY = 500

Progress = Callable[[str, int, int], None]


@dataclass
class RowError:
    """One reason a row cannot be imported.  ``column`` is None for the row as a whole."""

    row: int
    column: str | None
    message: str
    value: str = ""

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
    if column.is_many:
        return []
    model_field = kind.model._meta.get_field(column.field)
    if model_field.null:
        return None
    if model_field.has_default():
        return model_field.get_default()
    return ""


def _faculty_ids(value: Any) -> set[int]:
    from faculties.models import Faculty

    records = value if isinstance(value, list) else [value]
    ids = set()
    for record in records:
        if isinstance(record, Faculty):
            ids.add(record.pk)
        elif getattr(record, "faculty_id", None) is not None:
            ids.add(record.faculty_id)
    return ids


def _match_header(kind: Kind, header: list[str], user) -> list[Column]:
    """The kind's columns in the file, or ``FileRejected`` naming every problem."""
    allowed = {column.name: column for column in kind.columns_for(user)}
    every = {column.name: column for column in kind.columns}
    problems: list[str] = []
    seen: set[str] = set()
    for position, title in enumerate(header, start=1):
        name = title.strip().lower()
        if not name:
            problems.append(_("Column %(n)s has no name in the header row.") % {"n": position})
        elif name in seen:
            problems.append(_("The column “%(name)s” appears twice in the header row.") % {"name": name})
        elif name in every and name not in allowed:
            problems.append(_("The column “%(name)s” holds personal data, which only the Foreign "
                              "Affairs Office imports. Remove the column.") % {"name": name})
        elif name not in every:
            problems.append(_("“%(name)s” is not a column of %(kind)s.") % {"name": title, "kind": kind.label})
        seen.add(name)
    missing = [column.name for column in allowed.values() if column.name not in seen and not column.personal]
    if missing:
        problems.append(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
    if problems:
        expected = ", ".join(allowed)
        problems.append(_("The header row must name these columns: %(names)s.") % {"names": expected})
        raise FileRejected("\n".join(problems))
    return [column for column in kind.columns_for(user) if column.name in seen]


def _positions(header: list[str]) -> dict[str, int]:
    return {title.strip().lower(): index for index, title in enumerate(header)}


def import_rows(kind: Kind, file, *, user, dry_run: bool, name: str | None = None,
                progress: Progress | None = None) -> ImportResult:
    """Import ``file`` as ``kind`` for ``user``; see the module docstring for the steps."""
    if not can_import(user, kind):
        raise PermissionDenied
    report = progress or (lambda phase, done, total: None)
    result = ImportResult(kind=kind.name)
    try:
        table: Table = parse_file(file, name=name)
        columns = _match_header(kind, table.header, user)
    except FileRejected as rejected:
        result.file_errors.extend(str(rejected).split("\n"))
        return result
    result.columns = [column.name for column in columns]
    result.total = len(table.rows)
    report("checking", 0, result.total)
    rows = _read_rows(kind, table, columns)
    _check_rows(kind, rows, columns, user)
    report("checking", result.total // 2, result.total)
    plan = _plan_changes(kind, rows, columns, user, report)

    for row in rows:
        result.errors.extend(row.errors)
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append({"row": row.number, "action": row.action,
                                   "cells": [row.cells[name] for name in result.columns]})
    result.created, result.updated = len(plan.new), len(plan.changed)
    result.unchanged = sum(1 for row in rows if row.action == "unchanged")
    if not result.ok or dry_run:
        return result

    report("writing", 0, result.total)
    try:
        _write(kind, plan, user)
    except IntegrityError as exc:
        result.file_errors.append(_("The database refused the rows (%(reason)s). Nothing was written.")
                                  % {"reason": exc})
        return result
    result.written = True
    report("done", result.total, result.total)
    return result


def _read_rows(kind: Kind, table: Table, columns: list[Column]) -> list[_Row]:
    positions = _positions(table.header)
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
        converters[column.name].prepare(row.cells[column.name] for row in rows if row.cells[column.name])
    for row in rows:
        for column in columns:
            text = row.cells[column.name]
            if text == "":
                if is_required(kind, column):
                    row.errors.append(RowError(row.number, column.name, _("This cell is empty, but %(column)s "
                                                                          "is required.") % {"column": column.name}))
                row.values[column.name] = _empty_value(kind, column)
                continue
            try:
                row.values[column.name] = converters[column.name].parse(text)
            except CellError as error:
                row.errors.append(RowError(row.number, column.name, str(error), text))
    return rows


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


def _existing(kind: Kind, rows: list[_Row], columns: list[Column]) -> dict[tuple, Model]:
    """The records the file's natural keys already name, in a query per ``BATCH`` rows."""
    key_columns = [kind.column(name) for name in kind.key]
    many = [column.field for column in columns if column.is_many]
    found: dict[tuple, Model] = {}
    keyed = [row for row in rows if not row.errors]
    for start in range(0, len(keyed), BATCH):
        chunk = keyed[start:start + BATCH]
        lookup = {}
        for position, column in enumerate(key_columns):
            model_field = kind.model._meta.get_field(column.field)
            name = model_field.attname if model_field.is_relation else column.field
            lookup[f"{name}__in"] = {row.key[position] for row in chunk}
        qs = kind.model._default_manager.filter(**lookup)
        if many:
            qs = qs.prefetch_related(*many)
        for obj in qs:
            found[tuple(_current(obj, column) for column in key_columns)] = obj
    return found


def _plan_changes(kind: Kind, rows: list[_Row], columns: list[Column], user, report: Progress) -> _Plan:
    plan = _Plan()
    existing = _existing(kind, rows, columns)
    single = [column for column in columns if not column.is_many]
    many = [column for column in columns if column.is_many]
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
        if obj is None:
            obj = kind.model()
            diff = {column.field: row.values[column.name] for column in single}
            many_diff = {column.field: row.values[column.name] for column in many if row.values[column.name]}
        else:
            diff = {column.field: row.values[column.name] for column in single
                    if _key_value(row.values[column.name]) != _current(obj, column)}
            many_diff = {}
            for column in many:
                wanted = row.values[column.name]
                if {o.pk for o in wanted} != {o.pk for o in getattr(obj, column.field).all()}:
                    many_diff[column.field] = wanted
            if not diff and not many_diff:
                row.action = "unchanged"
                continue
            if not access.can_edit(user, obj):
                row.errors.append(RowError(row.number, None, _(
                    "“%(record)s” can no longer be changed by you (it may be approved or belong to "
                    "another faculty). Leave this row as it was, or ask the Foreign Affairs Office.")
                    % {"record": obj}))
                continue
            plan.years.add(kind.year_of(obj))
        for name, value in diff.items():
            setattr(obj, name, value)
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                column = None if name == NON_FIELD_ERRORS else field_to_column.get(name, name)
                for message in messages:
                    row.errors.append(RowError(row.number, column, message, row.cells.get(column or "", "")))
            continue
        plan.years.add(kind.year_of(obj))
        if obj.pk is None:
            row.action = "create"
            plan.new.append(obj)
        else:
            row.action = "update"
            plan.changed.append(obj)
            plan.changed_fields.update(diff)
        for name, wanted in many_diff.items():
            plan.many.setdefault(name, []).append((obj, wanted))
    return plan


def _write(kind: Kind, plan: _Plan, user) -> None:
    model = kind.model
    reason = "import"
    # A command run without --user imports as the office but is credited to no one.
    user = user if getattr(user, "pk", None) else None
    with transaction.atomic():
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
        years = None if kind.year is None else {year for year in plan.years if year is not None}
        transaction.on_commit(lambda: records_imported.send(
            sender=model, kind=kind.name, years=years, user=user))
