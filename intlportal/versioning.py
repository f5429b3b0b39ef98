"""No lost updates: every record carries a version, and a save must name the version it read.

``parse_expected_version`` is the one place that decides what counts as "the version I read":
a whole number from 1 up.  A missing, empty, non-numeric, zero or negative version is refused
(``InvalidVersion``); it never falls back to the record's current version, which would let
any save through.

``save_versioned`` locks the row, compares versions and refuses a stale save (or one that
names no valid version) with ``StaleEdit``, which carries what the other person changed (from
the record's history) so the form can show it next to what this user typed.

On SQLite the row lock is the database's write lock: the settings open every transaction
with ``BEGIN IMMEDIATE`` and wait (busy timeout) for the other writer, so of two concurrent
saves the second reads the first one's version and gets ``StaleEdit``, not "database is
locked".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Model


class InvalidVersion(ValueError):
    """The version a save names is missing or not a whole number from 1 up."""


def parse_expected_version(value: object) -> int:
    """The version a form or a caller says it read, as an ``int`` ≥ 1.

    Raises ``InvalidVersion`` for ``None``, ``""``, text that is not a whole number, a bool,
    and anything below 1.  There is no default: a save that cannot say which version it
    read is refused, never treated as a save of the current version.
    """
    if value is None or isinstance(value, bool):
        raise InvalidVersion(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit():
            raise InvalidVersion(value)
        try:
            number = int(text)
        except ValueError as exc:  # more digits than Python converts
            raise InvalidVersion(value) from exc
    if number < 1:
        raise InvalidVersion(value)
    return number


@dataclass
class FieldChange:
    field: str
    label: str
    theirs: object
    old: object = None


@dataclass
class StaleEdit(Exception):
    current_version: int
    changed_by: object = None
    changes: list[FieldChange] = field(default_factory=list)


def _changes_since(obj: Model, version: int) -> tuple[object, list[FieldChange]]:
    history = getattr(type(obj), "history", None)
    if history is None:
        return None, []
    records = obj.history.filter(version__gte=version).order_by("history_date")
    first = records.first()
    last = records.last()
    if first is None or last is None or first == last:
        return (last.history_user if last else None), []
    delta = last.diff_against(first)
    changes = []
    for change in delta.changes:
        if change.field in {"version", "updated_at"}:
            continue
        model_field = obj._meta.get_field(change.field)
        changes.append(FieldChange(change.field, str(model_field.verbose_name), change.new, change.old))
    return last.history_user, changes


def save_versioned(obj: Model, *, expected_version: object) -> Model:
    """Save the existing record ``obj`` if nobody saved it since ``expected_version``; bump
    its version.

    Raises ``StaleEdit`` when the record is at another version, or when ``expected_version``
    is not a valid version (``parse_expected_version``), and ``DoesNotExist`` when the record
    was deleted meanwhile (saving would bring it back).
    """
    model = type(obj)
    with transaction.atomic():
        current = (
            model.objects.select_for_update().filter(pk=obj.pk).values_list("version", flat=True).first()
            if obj.pk is not None else None
        )
        if current is None:
            raise model.DoesNotExist(f"{model._meta.label} {obj.pk} does not exist (any more)")
        try:
            expected = parse_expected_version(expected_version)
        except InvalidVersion:
            raise StaleEdit(current_version=current) from None
        if current != expected:
            who, changes = _changes_since(obj, expected)
            raise StaleEdit(current_version=current, changed_by=who, changes=changes)
        obj.version = current + 1
        obj.save()
    return obj
