"""The visit's page: what it shows (``VisitDetail``), and the page shown again when a form on
it is refused (``show_invalid``): the form comes back with what was typed and its errors,
answered 400, instead of a redirect that would lose the input."""

from __future__ import annotations

from itertools import groupby

from django.db.models import QuerySet
from django.utils import timezone

from intlportal import access
from intlportal.views import RecordDetailView, record_page_again
from intlportal.workflow import labelled_timeline
from visits import forms, services
from visits.models import BUDGET_LINES, Visit

S = Visit.Status


def visit_queryset() -> QuerySet:
    """The visits with what their list row and their page show, in one query."""
    return Visit.objects.select_related("faculty", "partner", "host", "funding_scheme", "submitted_by")


class VisitDetail(RecordDetailView):
    template_name = "visits/visit_detail.html"

    def base_queryset(self) -> QuerySet:
        return visit_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        visit, user = self.object, self.request.user
        changeable = services.can_change(user, visit)
        steps = services.available_steps(user, visit)
        personal = access.can_see_personal_data(user)
        members = list(visit.members.select_related("mobility"))
        programme = list(visit.programme.select_related("event"))
        if services.may_keep_personal_data(user, visit):
            # The office completes the passport data of each member, also once the faculty can no
            # longer change the delegation (the visa invitation is written after the approval).
            for member in members:
                member.personal_form = forms.PersonalDataForm(instance=member, prefix=f"m{member.pk}")
        ctx.update(
            can_edit=changeable, can_delete=changeable and visit.status == S.DRAFT, can_change_parts=changeable,
            steps=steps, can_step=bool(steps), can_submit="submit" in steps, can_approve="approve" in steps,
            can_leader_approve="leader-approve" in steps, can_return="return" in steps,
            can_withdraw="withdraw" in steps, can_host="host" in steps, can_close="close" in steps,
            not_arrived=timezone.localdate() < visit.arrives_on,
            leader_reasons=services.leader_reasons(visit),
            show_personal=personal,
            members=members,
            programme_days=[(day, list(items)) for day, items in groupby(programme, key=lambda item: item.day)],
            budget=[(Visit._meta.get_field(name).verbose_name, getattr(visit, name)) for name in BUDGET_LINES],
            timeline=labelled_timeline(visit, S.choices),
            member_form=forms.member_form_class(user)(user=user, visit=visit) if changeable else None,
            programme_form=forms.ProgrammeItemForm(user=user, visit=visit) if changeable else None,
            mobilities=[m.mobility for m in members if m.mobility_id],
            events=[item.event for item in programme if item.event_id],
        )
        return ctx


def _place_personal_form(context: dict, bound_forms: dict) -> None:
    """The office's refused passport-data form goes back into its member's row."""
    personal = bound_forms.pop("personal_form", None)
    if personal is not None:
        for member in context["members"]:
            if member.pk == personal.instance.pk:
                member.personal_form = personal


def show_invalid(request, visit: Visit, **bound_forms):
    """The visit's page again with the refused ``bound_forms``, answered 400
    (``intlportal.views.record_page_again``)."""
    return record_page_again(request, visit_queryset().get(pk=visit.pk), adjust=_place_personal_form,
                             **bound_forms)
