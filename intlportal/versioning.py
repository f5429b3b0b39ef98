"""No lost updates: every record carries a version, and a save must name the version it read.

``save_versioned`` locks the row, compares versions and refuses a stale save with
``StaleEdit``, which carries what the other person changed (from the record's history) so
the form can show it next to what this user typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Model


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


def save_versioned(obj: Model, *, expected_version: int) -> Model:
    """Save ``obj`` if nobody saved it since ``expected_version``; bump its version."""
    model = type(obj)
    with transaction.atomic():
        current = (
            model.objects.select_for_update().filter(pk=obj.pk).values_list("version", flat=True).first()
        )
        if current is not None and current != expected_version:
            who, changes = _changes_since(obj, expected_version)
            raise StaleEdit(current_version=current, changed_by=who, changes=changes)
        obj.version = (current or expected_version) + 1
        obj.save()
    return obj
