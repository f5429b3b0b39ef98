"""The audit trail's pages (office only): a record's history, field by field, and the deleted
records of every kind with a restore button.

The trail itself is django-simple-history's: every ``Record`` model has ``history``, written on
each create, change and delete (with the user, from ``HistoryRequestMiddleware``; imports and
workflow services save through the ORM and are recorded the same way).  This module reads it,
and restores a deleted record from its last historical state.

Many-to-many fields that decide something — an agreement's faculties (who sees it), an event's
and a program's partners — are in the trail too (``_history_m2m_fields`` on the model): every
history entry keeps the set as it was then, so an entry shows who added or removed which
record, and a restore brings the set back as it was in the record's last version.  A form's
``set()`` records them through ``m2m_changed``; a bulk write, which sends no signal (an
import), records them with ``record_m2m_history`` once the through rows are written.

It is also a template library (``{% load history %}``, registered in settings) giving record
pages their "History" link.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django import template
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, ForeignKey, Model, OuterRef, Q, Subquery, Window
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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
    # The personal fields a kind leaves out of its history (``Record.HISTORY_EXCLUDED_FIELDS``)
    # are not in its historical rows at all.
    hidden = {*HIDDEN_FIELDS, *getattr(model, "HISTORY_EXCLUDED_FIELDS", ())}
    return [f for f in model._meta.concrete_fields if f.name not in hidden]


def m2m_fields(model) -> list:
    """The many-to-many fields whose sets the model's history keeps."""
    return list(getattr(model.history.model, "_history_m2m_fields", ()))


def _m2m_history(model, m2m):
    """The history model of one tracked many-to-many field: one row per member of the set, per
    history entry (``history_id``), with the through model's columns."""
    return getattr(model.history.model, m2m.name).model


def _m2m_sets(model, m2m, history_ids) -> dict[int, set]:
    """{history id: the set's member ids} for the given history entries (one query)."""
    sets: dict[int, set] = defaultdict(set)
    target = f"{m2m.m2m_reverse_field_name()}_id"
    for history_id, member in (_m2m_history(model, m2m).objects.filter(history_id__in=list(history_ids))
                               .values_list("history_id", target)):
        sets[history_id].add(member)
    return sets


M2M_BATCH = 500  # records per statement (SQLite bounds the parameters)


def record_m2m_history(model, records) -> None:
    """Keep the many-to-many sets of ``records`` in their latest history entries, for writes that
    bypass ``m2m_changed``: call it after the through rows are written (an import writes them
    with ``bulk_create``).  Replaces what those entries held; one query per step and batch."""
    fields = m2m_fields(model)
    pks = [r.pk for r in records]
    if not fields or not pks:
        return
    newest = model.history.filter(id=OuterRef("id")).order_by("-history_date", "-history_id").values("history_id")
    for start in range(0, len(pks), M2M_BATCH):
        batch = pks[start:start + M2M_BATCH]
        entries = dict(model.history.filter(id__in=batch, history_id=Subquery(newest[:1]))
                       .values_list("id", "history_id"))
        for m2m in fields:
            through, source = m2m.remote_field.through, m2m.m2m_field_name()
            columns = [f.attname for f in through._meta.concrete_fields]
            history = _m2m_history(model, m2m)
            history.objects.filter(history_id__in=list(entries.values())).delete()
            history.objects.bulk_create([
                history(history_id=entries[row[f"{source}_id"]], **row)
                for row in through.objects.filter(**{f"{source}_id__in": list(entries)}).values(*columns)
            ])


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d H:i")
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
    # A many-to-many field: the names that joined and left the set.
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


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


class _Sets:
    """The many-to-many sets of history entries, with their members' names: one query per
    tracked field for the sets, one for the names."""

    def __init__(self, model, rows):
        self.fields = m2m_fields(model)
        ids = [r.history_id for r in rows]
        self.sets = {m2m.name: _m2m_sets(model, m2m, ids) for m2m in self.fields}
        self.names = {}
        for m2m in self.fields:
            members = set().union(*self.sets[m2m.name].values())
            self.names[m2m.name] = m2m.related_model._default_manager.in_bulk(members) if members else {}

    def of(self, m2m, row) -> set:
        return self.sets[m2m.name].get(row.history_id, set())

    def show(self, m2m, members) -> list[str]:
        known = self.names[m2m.name]
        return sorted(str(known[m]) if m in known else _("deleted record #%(id)s") % {"id": m} for m in members)

    def change(self, m2m, old: set, new: set) -> Change:
        return Change(str(m2m.verbose_name), ", ".join(self.show(m2m, old)) or "—",
                      ", ".join(self.show(m2m, new)) or "—",
                      added=self.show(m2m, new - old), removed=self.show(m2m, old - new))


def _entries(model, rows: list, before) -> list[Entry]:
    """``rows`` newest first; ``before`` is the entry just older than the last row (or None)."""
    every = [*rows, *([before] if before else [])]
    labels, sets = _Labels(model, every), _Sets(model, every)
    entries = []
    for index, row in enumerate(rows):
        older = rows[index + 1] if index + 1 < len(rows) else before
        entry = Entry(row, str(dict(TYPE_CHOICES()).get(row.history_type, row.history_type)))
        if row.history_type == "~" and older is not None:
            for f in labels.fields:
                old, new = getattr(older, f.attname), getattr(row, f.attname)
                if old != new:
                    entry.changes.append(Change(str(f.verbose_name), labels.value(f, old), labels.value(f, new)))
            for m2m in sets.fields:
                old, new = sets.of(m2m, older), sets.of(m2m, row)
                if old != new:
                    entry.changes.append(sets.change(m2m, old, new))
        elif row.history_type == "+":
            for f in labels.fields:
                raw = getattr(row, f.attname)
                if raw not in (None, ""):
                    entry.changes.append(Change(str(f.verbose_name), "", labels.value(f, raw)))
            for m2m in sets.fields:
                if sets.of(m2m, row):
                    entry.changes.append(sets.change(m2m, set(), sets.of(m2m, row)))
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


def _last_version(model, deleted):
    """The record's last history entry before ``deleted``: the deletion's own entry holds no
    many-to-many set (the through rows go first), this one holds the set as it last was."""
    earlier = Q(history_date__lt=deleted.history_date) | Q(history_date=deleted.history_date,
                                                           history_id__lt=deleted.history_id)
    return (model.history.filter(earlier, id=deleted.id).exclude(history_type="-")
            .order_by("-history_date", "-history_id").first())


def _restore_sets(model, instance, deleted) -> int:
    """Give the restored record its many-to-many sets as they were in its last version; returns
    how many members were left out because they no longer exist."""
    fields = m2m_fields(model)
    last = _last_version(model, deleted) if fields else None
    left_out = 0
    for m2m in fields:
        wanted = _m2m_sets(model, m2m, [last.history_id]).get(last.history_id, set()) if last else set()
        existing = set(m2m.related_model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))
        left_out += len(wanted - existing)
        if existing:
            getattr(instance, m2m.name).set(sorted(existing))
    return left_out


def restore(*, model: type[Model], history_id: int, by) -> Model:
    """Re-create a deleted record from its last historical state, its many-to-many sets (those
    the history keeps) included; ``left_out`` on the record counts the members of those sets
    that no longer exist.

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
            instance.left_out = _restore_sets(model, instance, historical)
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
    if instance.left_out:
        messages.warning(request, ngettext(
            "%(count)s record it was linked to no longer exists and was left out.",
            "%(count)s records it was linked to no longer exist and were left out.",
            instance.left_out) % {"count": instance.left_out})
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
