"""Shared views: the generic record list, detail, create, edit and delete every app builds on,
the home page, and the language switch.

The generic views never decide access themselves: they ask ``intlportal.access``.  A record
the user may not see answers 404; a record the user may see but not change answers 403.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import partialmethod
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.urls import path as url_path
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DeleteView, DetailView
from django.views.generic.edit import CreateView, UpdateView
from django_filters.views import FilterView

from intlportal import access, exporting, verification
from intlportal.models import Verification
from intlportal.pagination import KeysFirstPaginator
from intlportal.versioning import StaleEdit, save_versioned


@dataclass(frozen=True)
class Column:
    """A list column: the attribute path to show, its header, and the sort key (if sortable)."""

    path: str
    label: Any
    sort: str | None = None
    link: bool = False


# What the portal's pages serve.  Nothing is changed with PUT, PATCH or DELETE: a delete page
# deletes on a confirmed POST (where a protected record gets the friendly message), and an
# edit form saves on POST only.  Any other method answers 405; OPTIONS answers with the
# methods (Django's ``View.options``) and renders nothing.
PAGE_METHODS = ["get", "post", "head", "options"]


def page_queryset(model) -> QuerySet:
    """What a kind's list and record page show: ``Model.objects.for_pages()`` where the kind's
    QuerySet defines it (bundling the joins its columns and fields need, so the query count
    does not grow with rows), else every record."""
    manager = model._default_manager
    return manager.for_pages() if hasattr(manager, "for_pages") else manager.all()


class ScopedQuerysetMixin:
    """``get_queryset`` = the record kind's base queryset, scoped to what the user may see."""

    http_method_names = PAGE_METHODS

    model = None

    def base_queryset(self) -> QuerySet:
        return self.model.objects.all()

    def get_queryset(self) -> QuerySet:
        return access.scope_for(self.request.user, self.base_queryset())


class RecordListView(ScopedQuerysetMixin, FilterView):
    """Filtered (django-filter), sorted (``?sort=``), paginated list with export.

    ``RecordPages`` sets ``model``, ``filterset_class``, ``columns``, ``sort_default``,
    ``export_kind``/``import_kind`` (kinds of the data-exchange registry) and ``create_url_name``.
    """

    template_name = "portal/record_list.html"
    paginate_by = settings.PAGINATE_BY
    paginator_class = KeysFirstPaginator
    columns: list[Column] = []
    sort_default: str | None = None
    export_kind: str | None = None
    create_url_name: str | None = None
    import_kind: str | None = None
    title = None
    empty_hint = gettext_lazy("No records match. Change the filters, or add the first record.")

    def base_queryset(self) -> QuerySet:
        return page_queryset(self.model)

    def sort_keys(self) -> dict[str, str]:
        return {c.sort: c.sort for c in self.columns if c.sort}

    def current_sort(self) -> str | None:
        requested = self.request.GET.get("sort", "")
        if requested.lstrip("-") in self.sort_keys():
            return requested
        return self.sort_default

    def get_queryset(self) -> QuerySet:
        qs = super().get_queryset()
        sort = self.current_sort()
        if sort:
            field = self.sort_keys().get(sort.lstrip("-"), sort.lstrip("-"))
            prefix = "-" if sort.startswith("-") else ""
            qs = qs.order_by(f"{prefix}{field}", f"{prefix}pk")
        return qs

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt and self.export_kind:
            if fmt not in {"csv", "xlsx"}:
                return HttpResponse(_("Unknown export format."), status=400)
            style = request.GET.get("style") or None
            if style is not None and style not in exporting.STYLES:
                return HttpResponse(_("Unknown export style."), status=400)
            filterset = self.get_filterset(self.get_filterset_class())
            if filterset.is_valid():
                return exporting.export_response(self.export_kind, filterset.qs, fmt=fmt, user=request.user,
                                                 style=style)
            # The list page, with the filters' errors next to them (and no rows), says what to fix.
            messages.error(request, _("Nothing was exported: correct the filters marked below, then export again."))
        return super().get(request, *args, **kwargs)

    def import_url(self) -> str | None:
        if not self.import_kind:
            return None
        try:
            return reverse("dataexchange:import", args=[self.import_kind])
        except NoReverseMatch:
            return None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        query = self.request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        ctx.update(
            title=self.title or self.model._meta.verbose_name_plural,
            columns=self.columns,
            current_sort=self.current_sort() or "",
            query_string=query.urlencode(),
            sort_query_string=sort_query.urlencode(),
            can_create=bool(self.create_url_name) and access.can_create(user, self.model),
            create_url=reverse(self.create_url_name) if self.create_url_name else None,
            export_kind=self.export_kind,
            import_url=self.import_url() if exporting.can_import(user, self.import_kind) else None,
            empty_hint=self.empty_hint,
            total_count=ctx["paginator"].count if ctx.get("paginator") else len(ctx["object_list"]),
        )
        return ctx


def take_step(request, record, service, done, *, keyword: str) -> HttpResponse:
    """One workflow step asked for from a record's page: ``service(<keyword>=record, by=…,
    comment=…)`` with the posted comment; its ``WorkflowError`` (the record's state refuses it) is
    shown on the page, as is ``done`` when it went through.  Who may ask at all is the caller's
    check (a 403 before this)."""
    from intlportal.forms import DecisionForm
    from intlportal.workflow import WorkflowError

    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        service(**{keyword: record}, by=request.user, comment=comment)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(done))
    return redirect(record)


def record_page_again(request, record, *, status: int = 400, adjust=None, **bound_forms) -> HttpResponse:
    """A record's page (as ``RecordPages`` configured it for the record's URL) shown again with
    ``bound_forms`` (the page's context names → refused, bound forms) in place of its empty forms,
    answered ``status``: a form posted from a panel of the page comes back with what was typed and
    its errors instead of a redirect that would lose them.  Pass the record read again: a model
    form's validation has written the typed values onto the instance it was given.  ``adjust``,
    when given, places in the context what a plain update cannot (a form inside a row)."""
    from django.urls import resolve  # the URL's view, as the URLconf registered it

    registered = resolve(record.get_absolute_url()).func
    view = registered.view_class(**registered.view_initkwargs)
    view.setup(request, pk=record.pk)
    view.object = record
    context = view.get_context_data(object=record)
    if adjust is not None:
        adjust(context, bound_forms)
    context.update(bound_forms)
    return view.render_to_response(context, status=status)


class RecordDetailView(ScopedQuerysetMixin, DetailView):
    """A record's page.  ``detail_fields`` lists the attribute paths shown: a path, labelled with its
    field's ``verbose_name``, or ``(path, label)`` for a property or an annotation, which has none."""

    template_name = "portal/record_detail.html"
    detail_fields: list[str | tuple[str, str]] = []
    edit_url_name: str | None = None
    delete_url_name: str | None = None
    list_url_name: str | None = None

    def base_queryset(self) -> QuerySet:
        return page_queryset(self.model)

    def personal_fields(self) -> tuple[str, ...]:
        if access.can_see_personal_data(self.request.user):
            return ()
        return tuple(getattr(self.model, "PERSONAL_FIELDS", ()))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        user = self.request.user
        hidden = set(self.personal_fields())
        rows = []
        for entry in self.detail_fields:
            path, label = entry if isinstance(entry, tuple) else (entry, None)
            if path in hidden:
                continue
            rows.append((label or field_label(self.model, path), display_value(obj, path)))
        ctx.update(
            rows=rows,
            can_edit=bool(self.edit_url_name) and access.can_edit(user, obj),
            can_delete=bool(self.delete_url_name) and access.can_delete(user, obj),
            edit_url=reverse(self.edit_url_name, args=[obj.pk]) if self.edit_url_name else None,
            delete_url=reverse(self.delete_url_name, args=[obj.pk]) if self.delete_url_name else None,
            list_url=reverse(self.list_url_name) if self.list_url_name else None,
            title=str(obj),
            verbose_name=self.model._meta.verbose_name,
        )
        return ctx


def verification_notice(user, obj) -> dict | None:
    """What a record's edit form says about its verification (the record's page shows its
    state with ``portal/_verification.html``): where it stands, the office's comment on a
    rejection, the proposal waiting (verified value → proposed value), and which of the two
    the form holds — a coordinator edits their proposal, the office the verified values
    (``RecordUpdateView.form_instance``)."""
    if not verification.verifiable(obj) or verification.settled(obj):
        return None
    office = verification.enters_verified(user)
    never = obj.verified_at is None
    rejected = obj.verification == Verification.REJECTED
    if rejected and never:
        headline = _("The Foreign Affairs Office did not verify this record, so it counts for nothing in the "
                     "assessment. Correct it and save it to submit it again.")
    elif rejected:
        headline = _("The Foreign Affairs Office rejected the change proposed below; the verified values "
                     "still count. Edit the record to propose a corrected change.")
    elif never:
        headline = _("This record awaits the Foreign Affairs Office's verification: it counts in the "
                     "assessment once the office verifies it.")
    else:
        headline = _("A change to this record awaits the Foreign Affairs Office's verification; until then "
                     "the verified values count.")
    hint = ""
    if obj.staged:
        hint = (_("The form shows the verified values. What you save is verified at once; the proposal "
                  "stays in the work queue for you to verify or reject.") if office
                else _("The form shows your proposed values. Saving replaces the proposal."))
    return {
        "tone": "warning" if rejected else "info",
        "headline": headline,
        "hint": hint,
        "comment": obj.review_comment if rejected else "",
        "changes": verification.changes(obj),
    }


def safe_return_url(request, candidate: str | None, fallback: str) -> str:
    """``candidate`` (a Referer, a ``?next=``) when it points into this site, else ``fallback``."""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return fallback


class RecordFormMixin:
    template_name = "portal/record_form.html"
    success_url_name: str | None = None
    http_method_names = PAGE_METHODS

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_form(self, form_class=None):
        self.submitted_form = super().get_form(form_class)
        return self.submitted_form

    def post(self, request, *args, **kwargs):
        # Every create and edit page of a record — the generic ones and those saving through a
        # service (mobilities, plans) — answers a duplicate-key race with the form, not a 500.
        try:
            with transaction.atomic():
                return super().post(request, *args, **kwargs)
        except IntegrityError:
            return duplicate_key(self, self.submitted_form)

    def get_success_url(self):
        if hasattr(self.object, "get_absolute_url"):
            return self.object.get_absolute_url()
        return reverse(self.success_url_name)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["verbose_name"] = self.model._meta.verbose_name
        came_from = safe_return_url(self.request, self.request.GET.get("next")
                                    or self.request.META.get("HTTP_REFERER"), "")
        if not came_from or urlsplit(came_from).path == self.request.path:
            # Off-site, none, or the form itself (shown again after an error).
            came_from = self.cancel_fallback_url()
        ctx["cancel_url"] = came_from
        return ctx

    def cancel_fallback_url(self) -> str:
        """The record's page when editing, else the list of its kind (``<name>-list`` next to
        this page's ``<name>-create``/``<name>-edit``), else the home page."""
        obj = getattr(self, "object", None)
        if obj is not None and obj.pk and hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
        match = self.request.resolver_match
        if match and match.view_name and "-" in match.view_name:
            try:
                return reverse(match.view_name.rsplit("-", 1)[0] + "-list")
            except NoReverseMatch:
                pass
        if self.success_url_name:
            try:
                return reverse(self.success_url_name)
            except NoReverseMatch:
                pass
        return reverse("home")


def duplicate_key(view, form):
    """The form again, with what was typed, when the database refused the row as a duplicate.

    The form's own unique checks refuse a duplicate already; this is the race they cannot see:
    someone saved a record with the same key between the check and the insert.
    """
    if getattr(view, "object", None) is not None and view.object.pk is None:
        view.object = None
    form.add_error(None, _("A record with the same details was saved by someone else a moment ago, "
                           "so this one was not saved. Your entries are kept below: check the list, "
                           "then change them or cancel."))
    return view.form_invalid(form)


def saved_message(obj, user, *, created: bool = False, staged: bool = False) -> str:
    """The success message of a create or edit form, saying when the office must verify it."""
    names = {"kind": obj._meta.verbose_name, "record": obj}
    if staged:
        return _("Your change to %(kind)s “%(record)s” awaits the Foreign Affairs Office's verification; "
                 "until then the verified values count.") % names
    done = (_("%(kind)s “%(record)s” was created.") if created else _("%(kind)s “%(record)s” was saved.")) % names
    if verification.verifiable(obj) and obj.verified_at is None:
        return f"{done} " + _("It counts in the assessment once the Foreign Affairs Office verifies it.")
    return done


class RecordCreateView(RecordFormMixin, CreateView):
    def dispatch(self, request, *args, **kwargs):
        if not access.can_create(request.user, self.model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        verification.mark_entry(form.instance, by=self.request.user)
        response = super().form_valid(form)
        messages.success(self.request, saved_message(self.object, self.request.user, created=True))
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("New %(kind)s") % {"kind": self.model._meta.verbose_name}
        return ctx


class RecordUpdateView(RecordFormMixin, ScopedQuerysetMixin, UpdateView):
    """Edit a record; refuses a save over someone else's newer save (see ``versioning``)."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)  # scoped: another faculty's record is a 404
        if not access.can_edit(self.request.user, obj):
            raise PermissionDenied
        return obj

    def form_instance(self, obj):
        """The record the form edits: a coordinator edits their proposal waiting on a verified
        record (``verification.proposed``), the office the verified values."""
        if (verification.verifiable(obj) and obj.staged
                and not verification.enters_verified(self.request.user)):
            return verification.proposed(obj)
        return obj

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.form_instance(kwargs["instance"])
        return kwargs

    def form_valid(self, form):
        staged = False
        try:
            # The version the form validated (ScopedModelForm.clean_version); save_versioned
            # checks it again and never substitutes the current one.
            version = form.cleaned_data.get("version")
            if verification.verifiable(self.model):
                # A coordinator's change to a verified record is staged: the row, and so its
                # many-to-many fields, stay as verified (no save_m2m).
                many = {f.name: form.cleaned_data[f.name] for f in self.model._meta.many_to_many
                        if f.name in form.cleaned_data}
                self.object = verification.save_change(form.save(commit=False), by=self.request.user,
                                                       expected_version=version, many=many)
                staged = self.object.was_staged
            else:
                self.object = form.save(commit=False)
                save_versioned(self.object, expected_version=version)
                if hasattr(form, "save_m2m"):
                    form.save_m2m()
        except StaleEdit as stale:
            return self.stale(form, stale)
        except ObjectDoesNotExist as gone:  # deleted while the form was open
            raise Http404 from gone
        messages.success(self.request, saved_message(self.object, self.request.user, staged=staged))
        return HttpResponseRedirect(self.get_success_url())

    def stale(self, form, stale: StaleEdit):
        """Keep what the user typed, show what the other person changed, and offer the newer
        version so that saving again is a deliberate choice."""
        data = form.data.copy()
        data["version"] = str(stale.current_version)
        fresh = self.form_instance(type(self.object).objects.get(pk=self.object.pk))
        new_form = self.get_form_class()(data=data, files=form.files, instance=fresh, user=self.request.user)
        new_form.is_valid()
        who = stale.changed_by or _("someone else")
        new_form.add_error(None, _(
            "%(who)s saved this record after you opened it. Your changes were not saved: "
            "they are still in the form below. Review the other changes listed, then save again "
            "to keep yours.") % {"who": who})
        return self.render_to_response(self.get_context_data(form=new_form, stale=stale))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Edit %(kind)s “%(record)s”") % {"kind": self.model._meta.verbose_name,
                                                          "record": self.object}
        ctx["verification_notice"] = verification_notice(self.request.user, self.object)
        return ctx


class RecordDeleteView(ScopedQuerysetMixin, DeleteView):
    """Confirmation page (GET) and deletion (POST).  ``DELETE`` is not served (405): Django's
    ``DeletionMixin.delete`` would skip ``form_valid`` and its protected-record message."""

    template_name = "portal/record_confirm_delete.html"
    success_url_name: str = ""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not access.can_delete(self.request.user, obj):
            raise PermissionDenied
        return obj

    def get_success_url(self):
        return reverse(self.success_url_name)

    def form_valid(self, form):
        label = str(self.object)
        try:
            response = super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, _(
                "“%(record)s” cannot be deleted because other records refer to it. "
                "Delete or reassign those first.") % {"record": label})
            return redirect(self.object.get_absolute_url())
        messages.success(self.request, _("%(kind)s “%(record)s” was deleted.") % {
            "kind": self.model._meta.verbose_name, "record": label})
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["verbose_name"] = self.model._meta.verbose_name
        return ctx


PAGES = ("list", "create", "detail", "edit", "delete")


class RecordPages:
    """A record kind's list, create, detail, edit and delete pages, declared once::

        mobilities = RecordPages(Mobility, "mobilities", form=MobilityForm, filterset=MobilityFilter,
                                 columns=[...], detail_fields=[...], export_kind="mobilities",
                                 detail_view=MobilityDetail)
        urlpatterns = [*views.mobilities.urls()]

    URL names are ``<name>-list|create|detail|edit|delete`` (``name`` defaults to the model
    name) in the namespace of the model's app, which the pages link to each other with.  The
    list and the record page read ``page_queryset(model)``.  A page that adds behaviour passes
    its class (a subclass of the generic view, without ``model`` or URL names): ``detail_view=``,
    ``list_view=``, ``create_view=``, ``update_view=``, ``delete_view=``.  ``pages`` leaves out
    pages a kind does not have; ``import_kind`` defaults to ``export_kind``.
    """

    def __init__(self, model, prefix: str, *, name: str | None = None, form=None, filterset=None,
                 columns: list[Column] = (), detail_fields: list[str | tuple[str, str]] = (),
                 sort_default: str | None = None,
                 export_kind: str | None = None, import_kind: str | None = None, empty_hint=None,
                 pages: tuple[str, ...] = PAGES, list_template: str | None = None,
                 detail_template: str | None = None, form_template: str | None = None,
                 list_view=None, detail_view=None, create_view=None, update_view=None, delete_view=None):
        self.model, self.prefix, self.pages = model, prefix, pages
        self.name = name or model._meta.model_name
        self.namespace = model._meta.app_label
        url = {page: self.url_name(page) if page in pages else None for page in PAGES}
        form_attrs = {"model": model, "form_class": form, "template_name": form_template}
        self.views = {
            "list": self._view(list_view or RecordListView, "List", {
                "model": model, "filterset_class": filterset, "columns": list(columns),
                "sort_default": sort_default, "export_kind": export_kind,
                "import_kind": import_kind or export_kind, "create_url_name": url["create"],
                "empty_hint": empty_hint, "template_name": list_template}),
            "detail": self._view(detail_view or RecordDetailView, "Detail", {
                "model": model, "detail_fields": list(detail_fields), "edit_url_name": url["edit"],
                "delete_url_name": url["delete"], "list_url_name": url["list"],
                "template_name": detail_template}),
            "create": self._view(create_view or RecordCreateView, "Create", form_attrs),
            "edit": self._view(update_view or RecordUpdateView, "Update", form_attrs),
            "delete": self._view(delete_view or RecordDeleteView, "Delete", {
                "model": model, "success_url_name": url["list"]}),
        }

    def url_name(self, page: str) -> str:
        return f"{self.namespace}:{self.name}-{page}"

    def _view(self, base, suffix: str, attrs: dict):
        # A value the declaration leaves out keeps the base class's own (its template, its hint).
        attrs = {key: value for key, value in attrs.items() if value is not None}
        return type(f"{self.model.__name__}{suffix}", (base,), {"__module__": base.__module__, **attrs})

    def urls(self) -> list:
        """The URL patterns, for the app's ``urlpatterns``."""
        routes = {"list": "", "create": "new/", "detail": "<int:pk>/", "edit": "<int:pk>/edit/",
                  "delete": "<int:pk>/delete/"}
        order = ("list", "detail", "create", "edit", "delete")
        return [url_path(f"{self.prefix}/{routes[page]}", self.views[page].as_view(), name=f"{self.name}-{page}")
                for page in order if page in self.pages]


def field_label(model, path: str) -> str:
    """The verbose name of the last field on an attribute path."""
    current = model
    label = path
    for part in path.split("__"):
        try:
            field = current._meta.get_field(part)
        except Exception:  # a property: its name is its label
            return str(getattr(getattr(current, part, None), "short_description", part))
        label = field.verbose_name
        if field.is_relation and field.related_model is not None:
            current = field.related_model
    return str(label)


_CHOICE_LABELS: dict[tuple, dict | None] = {}


def _choice_labels(model, name: str) -> dict | None:
    """{stored value: label} of a model field with choices, built once per field and language
    (``get_<field>_display()`` rebuilds it on every call: the 250 countries of a list of 25
    mobilities cost 20 ms a page).  ``None`` for a field without choices or with its own
    ``get_<field>_display``."""
    key = (model, name, get_language())
    if key not in _CHOICE_LABELS:
        labels = None
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        # Django's own get_<field>_display is a partialmethod; anything else is the model's own.
        own = not isinstance(inspect.getattr_static(model, f"get_{name}_display", None), partialmethod | None)
        if field is not None and field.choices and not own and not getattr(field, "multiple", False):
            labels = {make_hashable(value): label for value, label in field.flatchoices}
        _CHOICE_LABELS[key] = labels
    return _CHOICE_LABELS[key]


def display_value(obj, path: str):
    """The value shown for an attribute path, with choice labels instead of codes."""
    target = obj
    parts = path.split("__")
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    last = parts[-1]
    labels = _choice_labels(type(target), last)
    if labels is not None:
        field = type(target)._meta.get_field(last)
        value = field.get_prep_value(field.value_from_object(target))  # a Country: its code
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
    display = getattr(target, f"get_{last}_display", None)
    if callable(display):
        return display()
    value = getattr(target, last, None)
    if hasattr(value, "all") and callable(value.all):
        return ", ".join(str(v) for v in value.all())
    return value() if callable(value) else value


# Where each role lands: its work, not a page of menu links (the office holding several roles
# lands on its work queue).
HOME_BY_ROLE = [(access.is_office, "workqueue:index"), (access.is_leader, "assessment:dashboard"),
                (access.is_coordinator, "workqueue:mine")]


def home(request):
    """The start page: each role lands on its work; an account without a role is told what to do."""
    user = request.user
    for has_role, url_name in HOME_BY_ROLE:
        if has_role(user):
            return redirect(url_name)
    return render(request, "portal/home.html", {"no_role": True})


@login_not_required
@require_POST
def set_language(request):
    """Switch the language and remember it on the user (and in a cookie for the login page)."""
    language = request.POST.get("language", "")
    supported = {code for code, _name in settings.LANGUAGES}
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if language in supported:
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=True,
        )
    return response


