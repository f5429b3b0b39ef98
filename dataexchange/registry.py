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
  (personal columns excepted, see ``Column``).  Converters: ``Text``, ``Integer``,
  ``Decimal``, ``Date`` (ISO), ``Bool`` (yes/no, true/false, 1/0, 是/否), ``Choice`` (code,
  English or Chinese label), ``Country`` (ISO 3166 alpha-2), ``ForeignKey`` (another record
  by natural key), ``ManyToMany`` (``;``-separated natural keys).
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

Then ``RecordListView.export_kind = "mobilities"`` exports any filtered list, and
``/data/mobilities/import/`` imports.  After a successful import,
``dataexchange.signals.records_imported`` is sent on commit (a receiver's error is logged,
never raised: the import is committed).

Every ``key`` must be a unique constraint of the model (a ``unique`` field or a
``UniqueConstraint`` on exactly those fields, added with a migration whose first step is
``dataexchange.migration_checks.refuse_duplicate_keys``): concurrent imports then cannot
duplicate a record, and ``tests/dataexchange/test_import_races.py`` checks every kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from dataexchange.columns import Column, ForeignKey, ManyToMany
from intlportal import access

if TYPE_CHECKING:
    from dataexchange.importer import ImportResult

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

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

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


def kinds() -> list[Kind]:
    """Every registered kind, in registration order."""
    return list(_KINDS.values())


def can_export(user, kind: Kind) -> bool:
    """Every signed-in role exports what it may see (``access.scope_for``)."""
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


def export_response(kind_name: str, queryset: QuerySet, *, fmt: str, user):
    """A streaming download of ``queryset`` (scoped to the user) as ``csv`` or ``xlsx``."""
    from dataexchange.files import export_response as respond

    return respond(get(kind_name), queryset, fmt=fmt, user=user)


def parse_file(file, *, name: str | None = None):
    """Read an uploaded or local ``.xlsx``/``.csv`` into a ``Table``; ``FileRejected`` if not."""
    from dataexchange.files import parse_file as parse

    return parse(file, name=name)


def import_rows(kind: Kind | str, file, *, user, dry_run: bool, name: str | None = None,
                progress=None, before_write=None, after_write=None) -> ImportResult:
    """Check every row of ``file`` and, unless ``dry_run`` or any row is bad, write them all
    (``before_write``/``after_write``: hooks inside the write transaction, see the importer)."""
    from dataexchange.importer import import_rows as run

    return run(get(kind) if isinstance(kind, str) else kind, file, user=user, dry_run=dry_run,
               name=name, progress=progress, before_write=before_write, after_write=after_write)


__all__ = [
    "BatchCheck", "Column", "ImportWorkflow", "Kind", "ManyToMany", "PlannedRow", "can_export", "can_import",
    "export_response", "get", "import_rows", "kinds", "not_more_than", "ordered", "parse_file", "register",
    "same_faculty",
]
