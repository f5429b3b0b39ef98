"""Writes on internationalization plans (create, edit, the approval workflow) and the copy of
a faculty's latest website update.

``draft → submitted → approved``, or ``submitted → returned → submitted``.  Coordinators of
the plan's faculty and the office edit drafts and returned plans and submit them; only the
office approves or returns, with a comment, and never a plan it submitted itself.  Every
transition locks the row (``intlportal.workflow.transition``), records who, when and why, and
sends ``faculties.signals.plan_submitted``/``plan_decided`` (the notifications tell the people
concerned; their e-mails go once the transaction commits).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from faculties import signals
from faculties.models import Faculty, InternationalizationPlan, PlanAttachment, PlanTarget, SiteUpdate
from intlportal import access
from intlportal.verification import counted
from intlportal.versioning import save_versioned
from intlportal.workflow import WorkflowError, transition

Status = InternationalizationPlan.Status

#: The states in which a plan's content (sections, targets, attachments) may change.
EDITABLE_STATES = frozenset({Status.DRAFT, Status.RETURNED})

PLAN_FIELDS = ("faculty", "first_year", "last_year", "title", "partnerships", "teachers", "students",
               "curriculum", "research", "support_measures")


def plan_is_editable(plan: InternationalizationPlan) -> bool:
    return plan.status in EDITABLE_STATES


def can_change_plan(user, plan: InternationalizationPlan) -> bool:
    """May the user change this plan's content (or its targets and attachments) now?"""
    return plan_is_editable(plan) and access.can_edit(user, plan)


def can_submit(user, plan: InternationalizationPlan) -> bool:
    """A coordinator of the plan's faculty submits it; the office may submit a draft on a
    faculty's behalf, but a plan it returned goes back to the office from the faculty, which
    answers the comment."""
    if not can_change_plan(user, plan):
        return False
    return plan.faculty_id in access.faculty_ids(user) or plan.status != Status.RETURNED


def can_decide(user, plan: InternationalizationPlan) -> bool:
    """May the user approve or return this plan (office, and not the person who submitted it)?"""
    return (access.can_review(user) and plan.status == Status.SUBMITTED
            and plan.submitted_by_id != getattr(user, "pk", None))


def _require_editable(plan: InternationalizationPlan) -> None:
    if not plan_is_editable(plan):
        raise WorkflowError(_("This plan is “%(state)s”: it can only be changed while it is a draft "
                              "or has been returned.") % {"state": plan.get_status_display()})


def plan_create(*, by, data: dict[str, Any]) -> InternationalizationPlan:
    """Create a draft plan from validated form data."""
    plan = InternationalizationPlan(**{name: data[name] for name in PLAN_FIELDS if name in data})
    plan.status = Status.DRAFT
    plan.full_clean()
    with transaction.atomic():
        plan._change_reason = _("Created")
        plan.save()
    return plan


def plan_update(*, plan: InternationalizationPlan, by, data: dict[str, Any],
                expected_version: int | None) -> InternationalizationPlan:
    """Save changed content of a draft or returned plan; refuses a save over a newer one or
    one naming no valid version (``StaleEdit``) and any change once the plan left the
    editable states."""
    with transaction.atomic():
        current = InternationalizationPlan.objects.select_for_update().get(pk=plan.pk)
        _require_editable(current)
        for name in PLAN_FIELDS:
            if name in data:
                setattr(plan, name, data[name])
        plan.status = current.status
        plan.full_clean()
        save_versioned(plan, expected_version=expected_version)
    return plan


def plan_submit(*, plan: InternationalizationPlan, by, comment: str = "") -> InternationalizationPlan:
    """Hand a draft or returned plan to the office.  It needs at least one planned target."""
    with transaction.atomic():
        if not can_submit(by, InternationalizationPlan.objects.select_for_update().get(pk=plan.pk)):
            raise WorkflowError(_("The plan was returned to its faculty: a coordinator of the faculty submits "
                                  "it again, answering the office's comment."))
        if not PlanTarget.objects.filter(plan_id=plan.pk).exists():
            raise WorkflowError(_("Add at least one planned target before submitting the plan."))
        plan = transition(
            model=InternationalizationPlan, pk=plan.pk, allowed_from=EDITABLE_STATES,
            to_state=Status.SUBMITTED, by=by, comment=comment,
            extra_updates={"submitted_by": by, "submitted_at": timezone.now()},
        )
        signals.plan_submitted.send(sender=InternationalizationPlan, plan=plan, by=by, comment=comment)
    return plan


def _decide(*, plan: InternationalizationPlan, by, to_state: str, comment: str) -> InternationalizationPlan:
    if not access.can_review(by):
        raise WorkflowError(_("Only the Foreign Affairs Office approves or returns plans."))
    with transaction.atomic():
        locked = InternationalizationPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status == Status.SUBMITTED and locked.submitted_by_id == by.pk:
            raise WorkflowError(_("You submitted this plan yourself; another member of the office "
                                  "must approve or return it."))
        plan = transition(model=InternationalizationPlan, pk=plan.pk, allowed_from={Status.SUBMITTED},
                          to_state=to_state, by=by, comment=comment)
        signals.plan_decided.send(sender=InternationalizationPlan, plan=plan, by=by, comment=comment)
    return plan


def plan_approve(*, plan: InternationalizationPlan, by, comment: str = "") -> InternationalizationPlan:
    """Approve a submitted plan; from then on it is read-only."""
    return _decide(plan=plan, by=by, to_state=Status.APPROVED, comment=comment)


def plan_return(*, plan: InternationalizationPlan, by, comment: str) -> InternationalizationPlan:
    """Send a submitted plan back to its faculty with a comment saying what to change."""
    if not (comment or "").strip():
        raise WorkflowError(_("Say in the comment what the faculty should change before returning the plan."))
    return _decide(plan=plan, by=by, to_state=Status.RETURNED, comment=comment.strip())


def plan_target_save(*, target: PlanTarget, by, expected_version: int | None = None) -> PlanTarget:
    """Add or change a planned target of an editable plan.  Changing one needs the version it
    was read at (``StaleEdit`` when it is missing, invalid or older than the stored one)."""
    with transaction.atomic():
        plan = InternationalizationPlan.objects.select_for_update().get(pk=target.plan_id)
        _require_editable(plan)
        target.full_clean()
        if target.pk is None:
            target.save()
        else:
            save_versioned(target, expected_version=expected_version)
    return target


def plan_attachment_add(*, attachment: PlanAttachment, by) -> PlanAttachment:
    with transaction.atomic():
        plan = InternationalizationPlan.objects.select_for_update().get(pk=attachment.plan_id)
        _require_editable(plan)
        attachment.save()
    return attachment


def plan_part_delete(*, part: PlanTarget | PlanAttachment, by) -> None:
    """Delete a target or attachment of an editable plan (the history keeps it)."""
    with transaction.atomic():
        plan = InternationalizationPlan.objects.select_for_update().get(pk=part.plan_id)
        _require_editable(plan)
        part.delete()


# --- the website update log ------------------------------------------------------------------


def site_updated_on_refresh(*, faculty_ids=None) -> None:
    """Copy each faculty's latest verified website update into ``Faculty.foreign_site_updated_on``
    (the lists and exports show it; the assessment reads the log itself).  One ``UPDATE``;
    ``faculty_ids`` limits it to those faculties.  The copy is derived, so it writes no history
    and leaves the faculty's version alone (an open faculty form stays valid)."""
    latest = (SiteUpdate.objects.filter(counted(), faculty=OuterRef("pk")).order_by("-updated_on")
              .values("updated_on")[:1])
    faculties = Faculty.objects.all() if faculty_ids is None else Faculty.objects.filter(pk__in=faculty_ids)
    faculties.update(foreign_site_updated_on=Subquery(latest))
