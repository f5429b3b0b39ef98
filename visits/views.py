"""Foreign visits: list, form, page (members, programme, the next step, timeline), the steps,
and the office's passport data of a member."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from intlportal import access
from intlportal.views import Column, RecordDeleteView, RecordListView, RecordPages, RecordUpdateView, take_step
from intlportal.workflow import timeline
from visits import filters, forms, page, services
from visits.models import ProgrammeItem, Visit, VisitMember
from visits.page import VisitDetail, visit_queryset

S = Visit.Status
can_change = services.can_change


class VisitList(RecordListView):
    def base_queryset(self):
        return visit_queryset()


class VisitUpdate(RecordUpdateView):
    def get_object(self, queryset=None):
        visit = super().get_object(queryset)
        if not can_change(self.request.user, visit):
            raise PermissionDenied
        return visit

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # A returned visit's form shows what was asked for, above the fields it concerns.
        if self.object.status == S.CHANGES_REQUESTED:
            returns = [entry for entry in timeline(self.object) if entry.to_state == S.CHANGES_REQUESTED]
            if returns:
                ctx["returned_with"] = {"by": returns[-1].by, "at": returns[-1].at, "comment": returns[-1].comment}
        return ctx


class VisitDelete(RecordDeleteView):
    def get_object(self, queryset=None):
        visit = super().get_object(queryset)
        if not (can_change(self.request.user, visit) and visit.status == S.DRAFT):
            raise PermissionDenied
        return visit


visits = RecordPages(
    Visit, "visits", name="visit", form=forms.VisitForm, filterset=filters.VisitFilter,
    columns=[
        Column("title", gettext_lazy("title"), sort="title", link=True),
        Column("faculty", gettext_lazy("host faculty"), sort="faculty__code"),
        Column("institution_name", gettext_lazy("visiting institution")),
        Column("country", gettext_lazy("country or region"), sort="country"),
        Column("purpose", gettext_lazy("purpose of the visit"), sort="purpose"),
        Column("arrives_on", gettext_lazy("arrives on"), sort="arrives_on"),
        Column("leaves_on", gettext_lazy("leaves on"), sort="leaves_on"),
        Column("status", gettext_lazy("status"), sort="status"),
    ],
    sort_default="-arrives_on",
    # The import/export kind: visits/dataexchange.py.
    export_kind="visits",
    empty_hint=gettext_lazy("No visit matches. Change the filters, or register a visit: fill in the delegation, "
                            "then add its members and its programme day by day, and submit it to the office."),
    detail_fields=["faculty", "partner", "institution", "country", "delegation_leader", "delegation_leader_position",
                   "led_by_president", "host", "purpose", "arrives_on", "leaves_on", "reception_level",
                   "funding_source", "funding_scheme", "grant_number", "submitted_by", "submitted_at", "summary"],
    list_view=VisitList, detail_view=VisitDetail, update_view=VisitUpdate, delete_view=VisitDelete,
)


def _visit(request, pk: int) -> Visit:
    return access.get_visible_or_404(request.user, Visit.objects.select_related("faculty"), pk=pk)


def _changeable(request, pk: int) -> Visit:
    visit = _visit(request, pk)
    if not can_change(request.user, visit):
        raise PermissionDenied
    return visit


def _save_part(request, visit: Visit, form, name: str):
    """Save a panel's form, or show the page again with it (a race on the member's name is the
    form's error too)."""
    if form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            form.add_error(None, _("Someone saved the same entry a moment ago: check the list, then try again."))
        else:
            return None
    return page.show_invalid(request, visit, **{name: form})


@require_POST
def member_add(request, pk: int):
    visit = _changeable(request, pk)
    form = forms.member_form_class(request.user)(request.POST, user=request.user, visit=visit)
    refused = _save_part(request, visit, form, "member_form")
    if refused:
        return refused
    messages.success(request, _("%(person)s was added to the delegation.") % {"person": form.instance.name})
    return redirect(visit)


@require_POST
def programme_add(request, pk: int):
    visit = _changeable(request, pk)
    form = forms.ProgrammeItemForm(request.POST, user=request.user, visit=visit)
    refused = _save_part(request, visit, form, "programme_form")
    if refused:
        return refused
    messages.success(request, _("“%(entry)s” was added to the programme.") % {"entry": form.instance.title})
    return redirect(visit)


@require_POST
def part_delete(request, pk: int, kind: str, part_pk: int):
    visit = _changeable(request, pk)
    model = {"member": VisitMember, "item": ProgrammeItem}.get(kind)
    if model is None:
        raise Http404
    deleted, _detail = model.objects.filter(visit=visit, pk=part_pk).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("Removed from the visit."))
    return redirect(visit)


@require_POST
def member_personal(request, pk: int, member_pk: int):
    """The office records a member's passport number and date of birth (for the visa invitation)."""
    visit = _visit(request, pk)
    if not access.can_see_personal_data(request.user):
        raise PermissionDenied
    member = VisitMember.objects.filter(visit=visit, pk=member_pk).first()
    if member is None:
        raise Http404
    if not services.may_keep_personal_data(request.user, visit):
        messages.error(request, _("The passport data of a closed or withdrawn visit no longer change."))
        return redirect(visit)
    form = forms.PersonalDataForm(request.POST, instance=member, prefix=f"m{member.pk}")
    if not form.is_valid():
        return page.show_invalid(request, visit, personal_form=form)
    form.save()
    messages.success(request, _("The passport data of %(person)s were saved.") % {"person": member.name})
    return redirect(visit)


ACTIONS = {
    "submit": (services.submit, gettext_lazy("The visit was submitted. The office has been notified.")),
    "approve": (services.office_approve, gettext_lazy("The visit was approved.")),
    "leader-approve": (services.leader_approve, gettext_lazy("The visit was approved.")),
    "return": (services.return_for_changes, gettext_lazy("The visit was returned to the faculty with your comment.")),
    "withdraw": (services.withdraw, gettext_lazy("The visit was withdrawn.")),
    "host": (services.mark_hosted, gettext_lazy("The visit was recorded as hosted. The office closes it.")),
    "close": (services.close, gettext_lazy("The visit was closed: its visitors are recorded as inbound mobilities "
                                           "and its lectures as events of the faculty.")),
}


@require_POST
def step(request, pk: int, action: str):
    """One step of the visit's chain: 403 for someone who may never take it
    (``services.may_ask``); a refusal by the visit's state is shown on the visit's page."""
    if action not in ACTIONS:
        raise Http404
    visit = _visit(request, pk)
    if not services.may_ask(action, request.user, visit):
        raise PermissionDenied
    service, done = ACTIONS[action]
    return take_step(request, visit, service, done, keyword="visit")
