"""The list pages' ``?export=csv|xlsx``: who writes the file.

The generic list view (``intlportal.views.RecordListView``) offers the export of its kind; the
file is written by the data-exchange registry, an app above the base package.  So that the
base package imports no app above it, the data exchange provides its writer when it is ready
(``DataexchangeConfig.ready``: ``exporting.provide(registry.export_response)``), as apps
register their menu entries with ``intlportal.navigation``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpResponse

Writer = Callable[..., HttpResponse]
_writer: Writer | None = None


def provide(writer: Writer) -> None:
    """Set the function answering ``writer(kind_name, queryset, fmt=, user=)`` with a download."""
    global _writer
    _writer = writer


def export_response(kind_name: str, queryset: QuerySet, *, fmt: str, user) -> HttpResponse:
    """The kind's records in ``queryset`` that ``user`` may see, as a ``csv`` or ``xlsx`` download."""
    if _writer is None:
        raise ImproperlyConfigured("No export writer: is the dataexchange app installed?")
    return _writer(kind_name, queryset, fmt=fmt, user=user)
