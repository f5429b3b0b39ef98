"""The list pages' ``?export=csv|xlsx`` and their Import button: who writes the file, and who
may import.

The generic list view (``intlportal.views.RecordListView``) offers the export of its kind (in
one of ``STYLES``: the codes, or the headings and values in the user's language), and
the import to whoever may import it; the file is written, and the import allowed, by the
data-exchange registry, an app above the base package.  So that the base package imports no
app above it, the data exchange provides both when it is ready (``DataexchangeConfig.ready``:
``exporting.provide(registry.export_response, importable=…)``), as apps register their menu
entries with ``intlportal.navigation``.  The button asks the registry's own rule
(``dataexchange.kinds.can_import``), never a look-alike: a button must not lead to a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpResponse

# The data exchange's export styles (``dataexchange.columns.STYLES``; the base package imports no
# app above it).
STYLES = ("codes", "labels")

Writer = Callable[..., HttpResponse]
Importable = Callable[[Any, str], bool]
_writer: Writer | None = None
_importable: Importable | None = None


def provide(writer: Writer, *, importable: Importable | None = None) -> None:
    """Set the function answering ``writer(kind_name, queryset, fmt=, user=, style=)`` with a download,
    and the one answering ``importable(user, kind_name)``: may the user import that kind?"""
    global _writer, _importable
    _writer, _importable = writer, importable


def can_import(user, kind_name: str | None) -> bool:
    """May ``user`` import the kind called ``kind_name``?  No when there is no such kind or no
    data exchange to import with."""
    return bool(kind_name) and _importable is not None and _importable(user, kind_name)


def export_response(kind_name: str, queryset: QuerySet, *, fmt: str, user, style: str | None = None) -> HttpResponse:
    """The kind's records in ``queryset`` that ``user`` may see, as a ``csv`` or ``xlsx`` download,
    in ``style`` (one of ``STYLES``; None: the default for the active language)."""
    if _writer is None:
        raise ImproperlyConfigured("No export writer: is the dataexchange app installed?")
    return _writer(kind_name, queryset, fmt=fmt, user=user, style=style)
