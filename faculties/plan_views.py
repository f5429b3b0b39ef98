"""Internationalization plans: list, page (sections, targets, attachments, timeline), form,
the workflow actions and the access-checked attachment download."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from faculties import plan_filters, plan_forms, services
from faculties.models import InternationalizationPlan, PlanAttachment, PlanTarget
from intlportal import access, uploads
from intlportal.versioning import StaleEdit
from intlportal.views import Column, RecordCreateView, RecordDeleteView, RecordDetailView, RecordPages, RecordUpdateView
from intlportal.workflow import WorkflowError, timeline

Status = InternationalizationPlan.Status


class PlanDetail(RecordDetailView):
    template_name = "faculties/plan_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        changeable = services.can_change_plan(user, plan)
        ctx.update(
            can_edit=changeable,
            can_delete=changeable,
            can_change_parts=changeable,
            can_submit=services.can_submit(user, plan),
            can_decide=services.can_decide(user, plan),
            own_submission=access.can_review(user) and plan.status == Status.SUBMITTED
            and plan.submitted_by_id == user.pk,
            sections=[(plan._meta.get_field(name).verbose_name, getattr(plan, name))
                      for name in plan_forms.SECTION_FIELDS],
            targets=plan.targets.all(),
            attachments=plan.attachments.all(),
            timeline=timeline(plan),
            target_form=plan_forms.PlanTargetForm(user=user, plan=plan) if changeable else None,
            decision_form=plan_forms.DecisionForm(),
        )
        return ctx


class PlanCreate(RecordCreateView):
    def form_valid(self, form):
        self.object = services.plan_create(by=self.request.user, data=form.cleaned_data)
        messages.success(self.request, _("The draft plan “%(plan)s” was created. Add its planned targets, "
                                         "then submit it to the office.") % {"plan": self.object})
        return HttpResponseRedirect(self.object.get_absolute_url())


class PlanUpdate(RecordUpdateView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # A returned plan's form shows what the office asked for, above the fields it concerns.
        if self.object.status == InternationalizationPlan.Status.RETURNED:
            returns = [step for step in timeline(self.object)
                       if step.to_state == InternationalizationPlan.Status.RETURNED]
            if returns:
                ctx["returned_with"] = {"by": returns[-1].by, "at": returns[-1].at, "comment": returns[-1].comment}
        return ctx

    def get_object(self, queryset=None):
        plan = super().get_object(queryset)
        if not services.plan_is_editable(plan):
            raise PermissionDenied
        return plan

    def form_valid(self, form):
        try:
            # The version the form validated; plan_update refuses a missing or stale one.
            self.object = services.plan_update(plan=form.instance, by=self.request.user, data=form.cleaned_data,
                                               expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            return self.stale(form, stale)
        except InternationalizationPlan.DoesNotExist as gone:  # deleted while the form was open
            raise Http404 from gone
        except WorkflowError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The plan “%(plan)s” was saved.") % {"plan": self.object})
        return HttpResponseRedirect(self.object.get_absolute_url())


class PlanDelete(RecordDeleteView):
    def get_object(self, queryset=None):
        plan = super().get_object(queryset)
        if not services.plan_is_editable(plan):
            raise PermissionDenied
        return plan


plans = RecordPages(
    InternationalizationPlan, "plans", name="plan", form=plan_forms.PlanForm, filterset=plan_filters.PlanFilter,
    columns=[
        Column("title", gettext_lazy("title"), sort="title", link=True),
        Column("faculty", gettext_lazy("faculty"), sort="faculty__code"),
        Column("first_year", gettext_lazy("first year"), sort="first_year"),
        Column("last_year", gettext_lazy("last year"), sort="last_year"),
        Column("status", gettext_lazy("status"), sort="status"),
        Column("submitted_at", gettext_lazy("submitted at"), sort="submitted_at"),
    ],
    sort_default="-first_year", export_kind="plans",
    empty_hint=gettext_lazy("No plans match. Change the filters, or write your faculty's plan: add it, "
                            "fill in its sections and targets, then submit it to the office."),
    detail_fields=["faculty", "first_year", "last_year", "status", "submitted_by", "submitted_at"],
    detail_view=PlanDetail, create_view=PlanCreate, update_view=PlanUpdate, delete_view=PlanDelete,
)


def _plan_for(request, pk: int) -> InternationalizationPlan:
    return access.get_visible_or_404(request.user, InternationalizationPlan.objects.select_related("faculty"), pk=pk)


def _run(request, plan, action, **kwargs):
    try:
        action(plan=plan, by=request.user, **kwargs)
    except WorkflowError as error:
        messages.error(request, str(error))
        return False
    return True


@require_POST
def plan_submit(request, pk: int):
    plan = _plan_for(request, pk)
    # Who may submit at all is checked here; whether the plan's state allows it, the service says.
    if not access.acts_for_faculty(request.user, plan):
        raise PermissionDenied
    form = plan_forms.DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if _run(request, plan, services.plan_submit, comment=comment):
        messages.success(request, _("The plan was submitted. The office has been notified."))
    return redirect(plan)


@require_POST
def plan_decide(request, pk: int, decision: str):
    plan = _plan_for(request, pk)
    if not access.can_review(request.user):
        raise PermissionDenied
    form = plan_forms.DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    action = services.plan_approve if decision == "approve" else services.plan_return
    if _run(request, plan, action, comment=comment):
        messages.success(request, _("The plan was approved.") if decision == "approve"
                         else _("The plan was returned to the faculty with your comment."))
    return redirect(plan)


def _changeable_plan(request, pk: int) -> InternationalizationPlan:
    plan = _plan_for(request, pk)
    if not services.can_change_plan(request.user, plan):
        raise PermissionDenied
    return plan


def target_form(request, pk: int, target_pk: int | None = None):
    """Add a planned target (from the plan's page) or change one."""
    plan = _changeable_plan(request, pk)
    target = None
    if target_pk is not None:
        target = PlanTarget.objects.filter(plan=plan, pk=target_pk).first()
        if target is None:
            raise Http404
    form = plan_forms.PlanTargetForm(request.POST or None, instance=target, user=request.user, plan=plan)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_target_save(target=form.save(commit=False), by=request.user,
                                      expected_version=form.cleaned_data.get("version"))
        except StaleEdit as error:
            stale = error
            data = request.POST.copy()
            data["version"] = str(error.current_version)
            form = plan_forms.PlanTargetForm(data, instance=PlanTarget.objects.get(pk=target.pk), user=request.user,
                                             plan=plan)
            form.is_valid()
            form.add_error(None, _("Someone saved this target after you opened it. Your values are still in the "
                                   "form; review the other changes, then save again to keep yours."))
        except PlanTarget.DoesNotExist as gone:  # deleted while the form was open
            raise Http404 from gone
        except (WorkflowError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect(plan)
        else:
            messages.success(request, _("The planned target was saved."))
            return redirect(plan)
    return render(request, "faculties/plan_target_form.html", {
        "plan": plan, "form": form, "stale": stale,
        "title": _("Change planned target") if target else _("Add a planned target"),
    })


def attachment_form(request, pk: int):
    plan = _changeable_plan(request, pk)
    form = plan_forms.PlanAttachmentForm(request.POST or None, request.FILES or None, user=request.user, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_attachment_add(attachment=form.save(commit=False), by=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The attachment was added."))
        return redirect(plan)
    return render(request, "faculties/plan_attachment_form.html", {
        "plan": plan, "form": form, "title": _("Attach a document")})


def part_delete(request, pk: int, kind: str, part_pk: int):
    """Confirm, then delete a planned target or an attachment."""
    plan = _changeable_plan(request, pk)
    model = PlanTarget if kind == "target" else PlanAttachment
    part = model.objects.filter(plan=plan, pk=part_pk).first()
    if part is None:
        raise Http404
    if request.method == "POST":
        try:
            services.plan_part_delete(part=part, by=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("“%(part)s” was deleted.") % {"part": part})
        return redirect(plan)
    return render(request, "faculties/plan_part_confirm_delete.html", {
        "plan": plan, "part": part, "title": _("Delete “%(part)s”?") % {"part": part}})


def attachment_download(request, pk: int):
    """Serve an attachment to whoever may see its plan, always as a download."""
    attachment = access.get_visible_or_404(request.user, PlanAttachment.objects.select_related("plan"), pk=pk)
    extension = PurePath(attachment.file.name).suffix
    return uploads.download(attachment.file, f"{attachment.title}{extension}")
