"""The audit trail's pages (office only): a record's history, field by field, and the deleted
records of every kind with a restore button.

The trail itself is django-simple-history's: every ``Record`` model has ``history``, written on
each create, change and delete (with the user, from ``HistoryRequestMiddleware``; imports and
workflow services save through the ORM and are recorded the same way).  This module only reads
it, and restores a deleted record from its last historical state.

It is also a template library (``{% load history %}``, registered in settings) giving record
pages their "History" link.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django import template
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, ForeignKey, Model, OuterRef, Q, Window
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intlportal import access
from intlportal.models import Record

HIDDEN_FIELDS = {"id", "version", "created_at", "updated_at"}
TYPE_LABELS = {"+": "created", "~": "changed", "-": "deleted"}


def record_models() -> list[type[Model]]:
    """Every concrete record kind (a subclass of ``Record``) that keeps a history."""
    return sorted(
        (m for m in apps.get_models() if issubclass(m, Record) and hasattr(m, "history")),
        key=lambda m: (m._meta.app_label, m._meta.model_name),
    )


def _record_model(app_label: str, model_name: str) -> type[Model]:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    if not issubclass(model, Record) or not hasattr(model, "history"):
        raise Http404
    return model


def _office_only(request) -> None:
    if not access.is_office(request.user):
        raise PermissionDenied


def _tracked_fields(model):
    return [f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS]


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return date_format(value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    historical: object
    type_label: str
    changes: list[Change] = field(default_factory=list)


class _Labels:
    """Display values of historical field values: choice labels, related records by name (all
    related records of a page are fetched in one query per foreign key)."""

    def __init__(self, model, rows):
        self.fields = _tracked_fields(model)
        self.related: dict[str, dict] = {}
        for f in self.fields:
            if isinstance(f, ForeignKey):
                ids = {getattr(r, f.attname) for r in rows} - {None}
                self.related[f.attname] = f.related_model._default_manager.in_bulk(ids) if ids else {}

    def value(self, f, raw) -> str:
        if raw is None:
            return "—"
        if isinstance(f, ForeignKey):
            obj = self.related.get(f.attname, {}).get(raw)
            return str(obj) if obj is not None else _("deleted record #%(id)s") % {"id": raw}
        if f.choices:
            return str(dict(f.flatchoices).get(raw, raw))
        return _show(raw)


def _entries(model, rows: list, before) -> list[Entry]:
    """``rows`` newest first; ``before`` is the entry just older than the last row (or None)."""
    labels = _Labels(model, [*rows, *([before] if before else [])])
    entries = []
    for index, row in enumerate(rows):
        older = rows[index + 1] if index + 1 < len(rows) else before
        entry = Entry(row, str(dict(TYPE_CHOICES()).get(row.history_type, row.history_type)))
        if row.history_type == "~" and older is not None:
            for f in labels.fields:
                old, new = getattr(older, f.attname), getattr(row, f.attname)
                if old != new:
                    entry.changes.append(Change(str(f.verbose_name), labels.value(f, old), labels.value(f, new)))
        elif row.history_type == "+":
            for f in labels.fields:
                raw = getattr(row, f.attname)
                if raw not in (None, ""):
                    entry.changes.append(Change(str(f.verbose_name), "", labels.value(f, raw)))
        entries.append(entry)
    return entries


def TYPE_CHOICES():  # noqa: N802 - reads like the constant it is, translated at call time
    return [("+", _("Created")), ("~", _("Changed")), ("-", _("Deleted"))]


def record_history(request, app_label: str, model_name: str, pk: int):
    """Every version of one record, newest first, with what changed and who changed it."""
    _office_only(request)
    model = _record_model(app_label, model_name)
    qs = model.history.filter(id=pk).select_related("history_user").order_by("-history_date", "-history_id")
    page = Paginator(qs, settings.PAGINATE_BY).get_page(request.GET.get("page"))
    if not page.paginator.count:
        raise Http404
    rows = list(page.object_list)
    # The entry just older than this page, to show what the page's oldest change changed.
    before = qs[page.end_index()] if page.has_next() else None
    current = model._default_manager.filter(pk=pk).first()
    return render(request, "history/record_history.html", {
        "title": _("History of %(kind)s “%(record)s”") % {
            "kind": model._meta.verbose_name, "record": current or rows[0].instance},
        "verbose_name": model._meta.verbose_name,
        "current": current,
        "entries": _entries(model, rows, before),
        "page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages(),
        "query_string": "",
        "deleted_entry": rows[0] if current is None and rows[0].history_type == "-" else None,
        "app_label": app_label, "model_name": model_name,
    })


@dataclass
class Deleted:
    model: type[Model]
    historical: object
    instance: Model

    @property
    def kind(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def label(self) -> str:
        try:
            return str(self.instance)
        except ObjectDoesNotExist:  # its name needs a record that is deleted too
            return f"{self.kind} #{self.instance.pk}"

    @property
    def history_url(self) -> str:
        return reverse("history:record", args=[self.model._meta.app_label, self.model._meta.model_name,
                                               self.historical.id])

    @property
    def restore_url(self) -> str:
        return reverse("history:restore", args=[self.model._meta.app_label, self.model._meta.model_name,
                                                self.historical.history_id])


def _instances_with_relations(model, rows) -> list[Model]:
    """The records as they were, with the records they point to loaded in one query per foreign
    key (their names are part of how a record reads)."""
    instances = [row.instance for row in rows]
    for f in model._meta.concrete_fields:
        if not isinstance(f, ForeignKey):
            continue
        ids = {getattr(i, f.attname) for i in instances} - {None}
        related = f.related_model._default_manager.in_bulk(ids) if ids else {}
        for instance in instances:
            target = related.get(getattr(instance, f.attname))
            if target is not None:
                setattr(instance, f.name, target)
    return instances


# A page number beyond any real list (the page shown is then the last).
MAX_PAGE = 100_000


def _deletions(model, *, oldest_first: bool):
    """``(history_date, history_id, how many in all)`` of the records of ``model`` deleted and
    not restored since, each by its latest deletion, in the page's order."""
    deleted = model.history.filter(history_type="-")
    later = deleted.filter(id=OuterRef("id")).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id")))
    order = ("history_date", "history_id") if oldest_first else ("-history_date", "-history_id")
    return (deleted.exclude(id__in=model._default_manager.values("pk")).exclude(Exists(later))
            .annotate(of_kind=Window(Count("history_id")))
            .order_by(*order).values_list("history_date", "history_id", "of_kind"))


class _Index:
    """The deletions a page may show, merged across kinds, and how many there are in all (for
    the paginator, which only counts and slices)."""

    def __init__(self, entries: list, total: int):
        self.entries, self.total = entries, total

    def count(self) -> int:
        return self.total

    def __getitem__(self, index):
        return self.entries[index]


def deleted_records(request):
    """Records deleted and not restored since, of every kind (or one), newest deletion first."""
    _office_only(request)
    models_by_key = {f"{m._meta.app_label}.{m._meta.model_name}": m for m in record_models()}
    kind = request.GET.get("kind", "")
    chosen = [models_by_key[kind]] if kind in models_by_key else list(models_by_key.values())
    oldest_first = request.GET.get("sort") == "history_date"
    # The page can hold only the first ``number × PAGINATE_BY`` deletions of each kind (a page
    # past the last is shown as the last, which needs fewer): each kind's query is limited to
    # them and counts the rest in the same query.
    try:
        number = min(max(int(request.GET.get("page", 1)), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    index, total = [], 0  # index: (date, history_id, model); one query per kind
    for model in chosen:
        rows = list(_deletions(model, oldest_first=oldest_first)[:number * settings.PAGINATE_BY])
        total += rows[0][2] if rows else 0
        index.extend((when, history_id, model) for when, history_id, _of_kind in rows)
    index.sort(key=lambda e: (e[0], e[1]), reverse=not oldest_first)
    page = Paginator(_Index(index, total), settings.PAGINATE_BY).get_page(request.GET.get("page"))
    by_model: dict[type[Model], list[int]] = {}
    for _when, history_id, model in page.object_list:
        by_model.setdefault(model, []).append(history_id)
    fetched = {}
    for model, ids in by_model.items():
        rows = list(model.history.filter(history_id__in=ids).select_related("history_user"))
        for row, instance in zip(rows, _instances_with_relations(model, rows)):
            fetched[(model, row.history_id)] = (row, instance)
    items = [Deleted(model, *fetched[(model, history_id)]) for _when, history_id, model in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "history/deleted_records.html", {
        "title": _("Deleted records"),
        "items": items,
        "kinds": sorted(((key, str(m._meta.verbose_name_plural)) for key, m in models_by_key.items()),
                        key=lambda kv: kv[1]),
        "kind": kind if kind in models_by_key else "",
        "sort": "history_date" if oldest_first else "-history_date",
        "page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages(),
        "query_string": query.urlencode(),
    })


def restore(*, model: type[Model], history_id: int, by) -> Model:
    """Re-create a deleted record from its last historical state.

    Refused with a ``ValidationError`` saying why when the record exists again, when a record
    it belongs to is itself deleted, or when another record now holds one of its unique values.
    """
    historical = model.history.filter(history_id=history_id, history_type="-").first()
    if historical is None:
        raise Http404
    if model._default_manager.filter(pk=historical.id).exists():
        raise ValidationError(_("This record has already been restored."))
    instance = historical.instance
    for f in model._meta.concrete_fields:
        if isinstance(f, ForeignKey):
            value = getattr(instance, f.attname)
            if value is not None and not f.related_model._default_manager.filter(pk=value).exists():
                raise ValidationError(_("It belongs to %(kind)s #%(id)s, which is deleted too. Restore that "
                                        "first.") % {"kind": f.related_model._meta.verbose_name, "id": value})
    instance.validate_unique()
    instance.validate_constraints()
    instance.version = (historical.version or 0) + 1
    instance._change_reason = _("Restored")
    instance._history_user = by
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
    except IntegrityError as exc:
        raise ValidationError(_("The record could not be restored: another record holds one of its unique "
                                "values, or something it refers to is gone.")) from exc
    return instance


@require_POST
def restore_record(request, app_label: str, model_name: str, history_id: int):
    _office_only(request)
    model = _record_model(app_label, model_name)
    try:
        instance = restore(model=model, history_id=history_id, by=request.user)
    except ValidationError as error:
        messages.error(request, _("“%(kind)s” could not be restored: %(why)s") % {
            "kind": model._meta.verbose_name, "why": " ".join(error.messages)})
        return redirect("history:deleted")
    messages.success(request, _("%(kind)s “%(record)s” was restored.") % {
        "kind": model._meta.verbose_name, "record": instance})
    if hasattr(instance, "get_absolute_url"):
        return redirect(instance.get_absolute_url())
    return redirect("history:deleted")


def history_url(obj) -> str:
    return reverse("history:record", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


# URLs, included by intlportal/urls.py under /history/.
app_name = "history"
urlpatterns = [
    path("deleted/", deleted_records, name="deleted"),
    path("<str:app_label>/<str:model_name>/<int:pk>/", record_history, name="record"),
    path("<str:app_label>/<str:model_name>/restore/<int:history_id>/", restore_record, name="restore"),
]

# Template library: {% load history %} … {% history_link object %}.
register = template.Library()


@register.inclusion_tag("history/_history_link.html", takes_context=True)
def history_link(context, obj):
    request = context.get("request")
    user = getattr(request, "user", None)
    show = (user is not None and access.is_office(user) and isinstance(obj, Record)
            and getattr(obj, "pk", None) is not None)
    return {"show": show, "url": history_url(obj) if show else ""}
