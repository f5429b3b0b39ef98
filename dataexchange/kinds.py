"""What a data-exchange kind declares: its columns, natural key, faculty, checks and workflow
(``Kind``), and the rules over a kind (who may export or import it, the cross-column checks).

The apps import these through ``dataexchange.registry`` (see its docstring); the importer and
the file readers and writers import them from here, so the registry may call on both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from dataexchange.columns import Column, ForeignKey, header_word
from intlportal import access

RowCheck = Callable[[dict[str, Any]], dict[str, str]]


@dataclass(frozen=True)
class ImportWorkflow:
    """The column of a kind that holds its workflow state, and which states an import may set.

    ``initial`` is the state the forms create a record in; ``coordinator_states`` the states
    anyone but the office may create a row in (default: only ``initial``).  Only the office
    changes the state of an existing record by import, and every such change is recorded as a
    ``WorkflowTransition``.
    """

    column: str
    initial: str
    coordinator_states: Sequence[str] = ()

    def states_for_new(self) -> tuple[str, ...]:
        return tuple(self.coordinator_states) or (self.initial,)


@dataclass
class PlannedRow:
    """A checked row about to be written: ``record`` holds its new values (``pk`` None if new)."""

    number: int
    values: dict[str, Any]
    record: Model


BatchCheck = Callable[[Sequence[PlannedRow]], dict[int, dict[str | None, str]]]


@dataclass
class Kind:
    """A record kind that can be exported to and imported from a spreadsheet."""

    name: str
    model: type[Model]
    columns: Sequence[Column]
    key: Sequence[str]
    faculty: str | None = None
    year: str | Callable[[Model], int | None] | None = None
    checks: Sequence[RowCheck] = field(default_factory=tuple)
    label: Any = None
    workflow: ImportWorkflow | None = None
    batch_checks: Sequence[BatchCheck] = field(default_factory=tuple)
    # Called in the write transaction with every row written (its record saved, ``pk`` set)
    # and the importing user: writes what a row holds beyond the record's own fields (its
    # ``Parts``) and logs what the kind logs (a travel document's custody).
    after_write: Callable[[Sequence[PlannedRow], Any], None] | None = None
    # The office's alone: nobody else exports, imports or even sees the kind (passports).
    office_only: bool = False

    def __post_init__(self) -> None:
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate column names")
        workflow = self.workflow.column if self.workflow else None
        unknown = [name for name in (*self.key, self.faculty, workflow) if name and name not in names]
        if unknown:
            raise ValueError(f"{self.name}: key, faculty or workflow names unknown columns {unknown}")
        self.columns = tuple(self.columns)
        self.key = tuple(self.key)
        self.label = self.label or self.model._meta.verbose_name_plural
        for column in self.columns:
            column.bind(self.model)
        self._headers: dict[str, Column] | None = None

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def column_for_header(self, title: str) -> Column | None:
        """The column a header cell names (its code, English or Chinese label or an alias,
        ``Column.matches``), personal columns included; None if it names none."""
        return self.headers().get(header_word(title))

    def headers(self) -> dict[str, Column]:
        """Every normalised header of the kind and its column.  A code names its own column
        whatever another column's label says; two columns sharing a label or an alias is a
        programming error."""
        if self._headers is None:
            table: dict[str, Column] = {}
            codes = {header_word(column.name): column for column in self.columns}
            for column in self.columns:
                for word in column.words():
                    if word in codes:
                        continue
                    if table.setdefault(word, column) is not column:
                        raise ValueError(f"{self.name}: columns {table[word].name} and {column.name} "
                                         f"both answer to the header {word!r}")
            self._headers = {**table, **codes}
        return self._headers

    def columns_for(self, user) -> tuple[Column, ...]:
        """The columns this user exports and imports: personal data is the office's alone."""
        if access.can_see_personal_data(user):
            return tuple(self.columns)
        return tuple(column for column in self.columns if not column.personal)

    def export_queryset(self, queryset: QuerySet | None = None) -> QuerySet:
        """The queryset with every related record an export reads fetched up front."""
        qs = self.model._default_manager.all() if queryset is None else queryset
        singles = [c.field for c in self.columns if isinstance(c.converter, ForeignKey) and not c.is_many]
        many = [c.field for c in self.columns if c.is_many]
        many += [lookup for c in self.columns if c.is_parts for lookup in c.converter.prefetch]
        if singles:
            qs = qs.select_related(*singles)
        if many:
            qs = qs.prefetch_related(*many)
        return qs

    def year_of(self, obj: Model) -> int | None:
        if self.year is None:
            return None
        if callable(self.year):
            return self.year(obj)
        value = getattr(obj, self.year)
        return getattr(value, "year", value)


def can_export(user, kind: Kind) -> bool:
    """Every signed-in role exports what it may see (``access.scope_for``); an office-only
    kind, the office alone."""
    if kind.office_only:
        return access.is_office(user)
    return bool(access.roles(user))


def can_import(user, kind: Kind) -> bool:
    """Importing creates records: the office, and coordinators for kinds they create whose
    rows name their faculty (a kind without a ``faculty`` column is the office's alone)."""
    if access.is_office(user):
        return True
    return kind.faculty is not None and access.can_create(user, kind.model)


def ordered(first: str, then: str) -> RowCheck:
    """A check that the ``then`` column (a date) is not before the ``first`` one."""

    def check(values: dict[str, Any]) -> dict[str, str]:
        start, end = values.get(first), values.get(then)
        if start is not None and end is not None and end < start:
            return {then: _("%(then)s %(end)s is before %(first)s %(start)s.") % {
                "then": then, "end": end, "first": first, "start": start}}
        return {}

    return check


def not_more_than(part: str, whole: str) -> RowCheck:
    """A check that the ``part`` column is not greater than the ``whole`` one."""

    def check(values: dict[str, Any]) -> dict[str, str]:
        a, b = values.get(part), values.get(whole)
        if a is not None and b is not None and a > b:
            return {part: _("%(part)s (%(a)s) is more than %(whole)s (%(b)s).") % {
                "part": part, "a": a, "whole": whole, "b": b}}
        return {}

    return check


def same_faculty(record: str, faculty: str) -> RowCheck:
    """A check that the record named in the ``record`` column (a staff member, a programme)
    belongs to the faculty of the ``faculty`` column, as the forms require."""

    def check(values: dict[str, Any]) -> dict[str, str]:
        named, chosen = values.get(record), values.get(faculty)
        if named is None or chosen is None or getattr(named, "faculty_id", None) in (None, chosen.pk):
            return {}
        return {record: _("%(value)s does not belong to %(faculty)s, the faculty of this row.")
                % {"value": named, "faculty": chosen}}

    return check


def is_required(kind, column) -> bool:
    """Must the column's cell be filled in (``Column.required``, else what the model field says)?"""
    if column.required is not None:
        return column.required
    if column.is_many or column.is_parts:
        return False
    model_field = kind.model._meta.get_field(column.field)
    return not (model_field.blank or model_field.null or model_field.has_default())
