"""Migration steps that make an import key (``Kind.key``) a unique constraint safely.

``refuse_duplicate_keys(app_label, model_name, fields, constraint)`` is a ``RunPython`` step
to put right before the ``AddConstraint`` of ``constraint``: when existing records already
share a key it prints every such key with the ids of its records, and stops the migration
with a message saying how to fix them — it never deletes or merges anything itself (which of
two records is right is the office's call).  Nothing is changed by a refused migration; run
``migrate`` again once the duplicates are resolved.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from django.db import migrations
from django.db.models import Count

SHOWN = 50  # keys listed in the message; all of them are printed


class DuplicateImportKeys(RuntimeError):
    """Records share an import key that is about to become unique."""


def duplicate_keys(model, fields: Sequence[str]) -> list[tuple[dict, list]]:
    """Each key of ``fields`` used by more than one record of ``model``, with those records' ids."""
    groups = (model._default_manager.values(*fields).annotate(records=Count("pk"))
              .filter(records__gt=1).order_by(*fields))
    found = []
    for group in groups:
        key = {name: group[name] for name in fields}
        ids = sorted(model._default_manager.filter(**key).values_list("pk", flat=True))
        found.append((key, ids))
    return found


def describe(label: str, constraint: str, found: list[tuple[dict, list]]) -> str:
    lines = [
        f"Cannot add the unique constraint {constraint} to {label}: {len(found)} import key(s) are "
        f"used by more than one record.  Nothing was changed.",
    ]
    for key, ids in found[:SHOWN]:
        shown = ", ".join(f"{name}={value!r}" for name, value in key.items())
        lines.append(f"  {shown}: records {', '.join(str(pk) for pk in ids)}")
    if len(found) > SHOWN:
        lines.append(f"  … and {len(found) - SHOWN} more keys (all printed below).")
    lines.append(
        "Fix: for each key, keep one record and delete the others or change their key (in the "
        "portal, the admin or `manage.py shell`), moving anything that refers to them first; then "
        "run `manage.py migrate` again.")
    return "\n".join(lines)


def refuse_duplicate_keys(app_label: str, model_name: str, fields: Sequence[str],
                          constraint: str) -> migrations.RunPython:
    """A migration step refusing to go on while records share the key ``fields``."""

    def check(apps, schema_editor) -> None:
        model = apps.get_model(app_label, model_name)
        found = duplicate_keys(model, fields)
        if not found:
            return
        label = f"{app_label}.{model_name}"
        message = describe(label, constraint, found)
        print(message, file=sys.stderr)
        if len(found) > SHOWN:  # the message shows the first keys; the output gets every one
            for key, ids in found[SHOWN:]:
                print(f"  {label} {key}: records {ids}", file=sys.stderr)
        raise DuplicateImportKeys(message)

    return migrations.RunPython(check, migrations.RunPython.noop, elidable=False)
