"""Passports and travel permits (护照管理): the office's registry, custody log, lending and return,
the block on new trips and its lift, and what the trip's page shows of its members' documents.

The registry's pages are the office's alone (403 for leaders and coordinators): a document's
number is personal data.  The trip's page shows its coordinators and leaders the custody and the
return date of the documents lent for the trip, never a number."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from faculties.models import Faculty
from intlportal import access
from intlportal.versioning import StaleEdit
from intlportal.views import (
    Column,
    RecordCreateView,
    RecordDeleteView,
    RecordDetailView,
    RecordListView,
    RecordPages,
    RecordUpdateView,
    safe_return_url,
)
from intlportal.workflow import WorkflowError
from trips import page, passports, services
from trips.forms_passports import (
    BlockLiftForm,
    CustodyForm,
    LendForm,
    ReturnForm,
    TravelDocumentFilter,
    TravelDocumentForm,
)
from trips.models import TravelDocument, Trip, TripMember

C = TravelDocument.Custody
RELATED = ("holder__faculty", "lent_for")


class OfficeOnly:
    """The registry is the office's: anyone else signed in gets 403 (the number is personal data)."""

    def dispatch(self, request, *args, **kwargs):
        if not access.is_office(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PassportList(OfficeOnly, RecordListView):
    template_name = "trips/passport_list.html"

    def base_queryset(self):
        return TravelDocument.objects.select_related(*RELATED)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("Passports and travel permits"), blocks=passports.block_overview(),
                   lift_form=BlockLiftForm(), today=timezone.localdate())
        return ctx


class PassportDetail(OfficeOnly, RecordDetailView):
    template_name = "trips/passport_detail.html"

    def base_queryset(self):
        return TravelDocument.objects.select_related(*RELATED)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        document = self.object
        ctx.update(
            custody_log=document.custody_log.select_related("trip", "by").order_by("on", "at", "pk"),
            lend_form=LendForm(document=document) if document.custody in (C.IN_OFFICE, C.RETURNED) else None,
            return_form=ReturnForm(document=document) if document.custody == C.LENT else None,
            custody_form=CustodyForm(document=document) if document.custody in passports.LIVE else None,
            overdue=document.custody == C.LENT and document.return_due_on < timezone.localdate(),
            expiring=document.custody in passports.LIVE
            and document.expires_on <= passports.add_months(timezone.localdate(), passports.EXPIRY_WARNING_MONTHS),
        )
        return ctx


class PassportCreate(OfficeOnly, RecordCreateView):
    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("holder", "").isdigit():
            initial["holder"] = self.request.GET["holder"]
        return initial

    def form_valid(self, form):
        try:
            self.object = passports.register(document=form.instance, by=self.request.user)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("The %(kind)s of %(holder)s is in the registry, in the office's "
                                         "custody.") % {"kind": self.object.get_kind_display(),
                                                        "holder": self.object.holder.name})
        return HttpResponseRedirect(self.object.get_absolute_url())


class PassportUpdate(OfficeOnly, RecordUpdateView):
    def form_valid(self, form):
        try:
            self.object = passports.edit(document=form.save(commit=False), by=self.request.user,
                                         expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            return self.stale(form, stale)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
            return self.form_invalid(form)
        except TravelDocument.DoesNotExist as gone:
            raise Http404 from gone
        messages.success(self.request, _("The travel document was saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class PassportDelete(OfficeOnly, RecordDeleteView):
    def form_valid(self, form):
        if self.object.custody == C.LENT:
            messages.error(self.request, _("A lent document cannot be deleted: record its return first."))
            return redirect(self.object)
        return super().form_valid(form)


documents = RecordPages(
    TravelDocument, "passports", name="passport", form=TravelDocumentForm, filterset=TravelDocumentFilter,
    columns=[
        Column("holder__name", gettext_lazy("holder"), sort="holder__name", link=True),
        Column("holder__faculty", gettext_lazy("faculty"), sort="holder__faculty__code"),
        Column("kind", gettext_lazy("document type"), sort="kind"),
        Column("number", gettext_lazy("document number"), sort="number"),
        Column("expires_on", gettext_lazy("expires on"), sort="expires_on"),
        Column("custody", gettext_lazy("custody"), sort="custody"),
        Column("return_due_on", gettext_lazy("return due on"), sort="return_due_on"),
    ],
    sort_default="holder__name",
    empty_hint=gettext_lazy("No travel document matches. Change the filters, or register a document the office "
                            "keeps: holder, type, number, dates of issue and expiry."),
    detail_fields=["holder", "holder__faculty", "kind", "number", "issued_on", "expires_on", "custody",
                   "lent_for", "lent_on", "return_due_on", "return_reminders"],
    list_view=PassportList, detail_view=PassportDetail, create_view=PassportCreate, update_view=PassportUpdate,
    delete_view=PassportDelete,
)


def _document(request, pk: int) -> TravelDocument:
    if not access.is_office(request.user):
        raise PermissionDenied
    return get_object_or_404(TravelDocument.objects.select_related("holder", "lent_for"), pk=pk)


def _back(request, document) -> HttpResponseRedirect:
    return redirect(safe_return_url(request, request.POST.get("next"), document.get_absolute_url()))


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _act(request, document, form, action) -> HttpResponseRedirect:
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, document)
    try:
        done = action(form.cleaned_data)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return _back(request, document)


@require_POST
def lend(request, pk: int):
    document = _document(request, pk)
    form = LendForm(request.POST, document=document)

    def action(data):
        passports.lend(document=document, trip=data["trip"], by=request.user, on=data["on"],
                       expected_version=data.get("version"))
        return _("The %(kind)s of %(holder)s was lent for “%(trip)s”.") % {
            "kind": document.get_kind_display(), "holder": document.holder.name, "trip": data["trip"].title}
    return _act(request, document, form, action)


@require_POST
def give_back(request, pk: int):
    document = _document(request, pk)
    form = ReturnForm(request.POST, document=document)

    def action(data):
        passports.give_back(document=document, by=request.user, on=data["on"], note=data["note"],
                            expected_version=data.get("version"))
        return _("The return of the %(kind)s of %(holder)s was recorded.") % {
            "kind": document.get_kind_display(), "holder": document.holder.name}
    return _act(request, document, form, action)


@require_POST
def custody(request, pk: int):
    document = _document(request, pk)
    form = CustodyForm(request.POST, document=document)

    def action(data):
        done = passports.mark(document=document, custody=data["custody"], by=request.user, on=data["on"],
                              note=data["note"], expected_version=data.get("version"))
        return _("The document is now marked “%(state)s”.") % {"state": done.get_custody_display()}
    return _act(request, document, form, action)


@require_POST
def block_lift(request, pk: int):
    """The office lifts a faculty's block on new trips, with a reason, until a day."""
    if not access.is_office(request.user):
        raise PermissionDenied
    faculty = get_object_or_404(Faculty, pk=pk)
    back = safe_return_url(request, request.POST.get("next"), reverse("trips:passport-list"))
    form = BlockLiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(back)
    try:
        lift = passports.lift_block(faculty=faculty, reason=form.cleaned_data["reason"],
                                    until=form.cleaned_data["until"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(faculty)s may submit trips abroad again until %(day)s.") % {
            "faculty": faculty, "day": lift.until.isoformat()})
    return redirect(back)


urlpatterns = [
    *documents.urls(),
    path("passports/<int:pk>/lend/", lend, name="passport-lend"),
    path("passports/<int:pk>/return/", give_back, name="passport-return"),
    path("passports/<int:pk>/custody/", custody, name="passport-custody"),
    path("blocks/<int:pk>/lift/", block_lift, name="block-lift"),
]


@page.part
def detail_context(request, trip: Trip) -> dict:
    """What this part adds to the trip's page (``trips.views.TripDetail``): for the office, each
    member's documents with a lend and a return form; for everyone who sees the trip, the custody
    and return date of the documents lent for it (never a number); and the block on new trips."""
    user = request.user
    office = access.is_office(user)
    today = timezone.localdate()
    lendable = trip.status in passports.LENDABLE_TRIP_STATES
    ctx: dict = {"passports_office": office, "passports_lendable": lendable}
    if office:
        valid_until = passports.add_months(trip.returns_on, passports.VALID_AFTER_RETURN_MONTHS)
        held = TravelDocument.objects.select_related("lent_for").order_by("kind", "expires_on")
        members = (TripMember.objects.filter(trip=trip).select_related("staff_member")
                   .prefetch_related(Prefetch("staff_member__travel_documents", queryset=held, to_attr="documents")))
        rows = []
        for member in members:
            for document in member.staff_member.documents:
                document.too_short = document.expires_on < valid_until
                document.can_lend = (lendable and document.custody in (C.IN_OFFICE, C.RETURNED)
                                     and not document.too_short)
                document.lent_here = document.custody == C.LENT and document.lent_for_id == trip.pk
            rows.append(member)
        ctx.update(passports_members=rows, passports_valid_until=valid_until, passports_today=today)
    else:
        # Plain values only: what a coordinator's or a leader's page may show of a document.
        lent = TravelDocument.objects.filter(lent_for=trip).select_related("holder").order_by("holder__name")
        ctx["passports_lent"] = [{"holder": d.holder.name, "kind": d.get_kind_display(),
                                  "custody": d.get_custody_display(), "return_due_on": d.return_due_on,
                                  "overdue": d.return_due_on is not None and d.return_due_on < today}
                                 for d in lent]
    if trip.status in services.EDITABLE and access.acts_for_faculty(user, trip):  # a submission to come
        ctx["passports_blocked"] = passports.blocked_reasons(trip.faculty, today)
        ctx["passports_lift"] = passports.active_lift(trip.faculty, today)
        if office and ctx["passports_blocked"]:
            ctx["passports_lift_form"] = BlockLiftForm()
    return ctx
