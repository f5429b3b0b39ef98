"""Creating notifications.  The in-portal notification is written in the caller's transaction;
its e-mail is enqueued once that transaction commits, so a rolled-back step notifies no one."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from intlportal.access import COORDINATOR, LEADER, OFFICE, record_faculty_ids
from notifications.models import Kind, Notification
from notifications.tasks import send_notification_email

logger = logging.getLogger(__name__)


def office_users():
    return get_user_model().objects.filter(Q(groups__name=OFFICE) | Q(is_superuser=True), is_active=True).distinct()


def leaders():
    return get_user_model().objects.filter(groups__name=LEADER, is_active=True).distinct()


def coordinators_of(faculty_ids: Iterable[int]):
    return get_user_model().objects.filter(
        groups__name=COORDINATOR, is_active=True, coordinator_memberships__faculty_id__in=list(faculty_ids),
    ).distinct()


def notify(*, recipients: Iterable, kind: str, record: Model, actor=None, comment: str = "",
           params: dict | None = None, exclude=None) -> list[Notification]:
    """Notify each recipient (once, whatever the overlap of the lists) about ``record``."""
    seen: set[int] = set()
    notes = []
    content_type = ContentType.objects.get_for_model(type(record))
    url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""
    for user in recipients:
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        notes.append(Notification(
            recipient=user, kind=kind, actor=actor if getattr(actor, "pk", None) else None,
            content_type=content_type, object_id=record.pk, url=url, record_label=str(record)[:300],
            params=params or {}, comment=comment,
        ))
    created = Notification.objects.bulk_create(notes)
    # Readers of the daily digest get theirs in the morning (notifications.tasks.send_daily_digests).
    ids = [n.pk for n in created if n.recipient.email and not n.recipient.email_digest]
    if ids:
        def enqueue():
            # The notifications are committed: a broker or mail server that is away must not
            # fail the request that wrote them.  What is not queued here, the sweep sends.
            for pk in ids:
                try:
                    send_notification_email.delay(pk)
                except Exception:
                    logger.warning("the e-mail of notification %s could not be queued; the sweep sends it",
                                   pk, exc_info=True)
                    break

        transaction.on_commit(enqueue)
    return created


def notify_plan_submitted(*, plan, by, comment: str = "") -> list[Notification]:
    """A submission tells the office (except the person who submitted)."""
    return notify(recipients=office_users(), kind=Kind.PLAN_SUBMITTED, record=plan, actor=by,
                  comment=comment, exclude=by)


def notify_plan_decided(*, plan, by, comment: str = "") -> list[Notification]:
    """An approval or return tells the person who submitted the plan."""
    if plan.submitted_by is None:
        return []
    kind = Kind.PLAN_APPROVED if plan.status == plan.Status.APPROVED else Kind.PLAN_RETURNED
    return notify(recipients=[plan.submitted_by], kind=kind, record=plan, actor=by, comment=comment)


def on_plan_submitted(sender, *, plan, by, comment: str = "", **kwargs) -> None:
    """``faculties.signals.plan_submitted``'s receiver."""
    notify_plan_submitted(plan=plan, by=by, comment=comment)


def on_plan_decided(sender, *, plan, by, comment: str = "", **kwargs) -> None:
    """``faculties.signals.plan_decided``'s receiver."""
    notify_plan_decided(plan=plan, by=by, comment=comment)


def notify_verification_decided(*, record, by, verified: bool, comment: str = "",
                                submitted_by=None) -> list[Notification]:
    """The office's verification or rejection tells the person who entered what was decided,
    or, when nobody is known (a record loaded by a command), the coordinators of its faculty.
    A rejection carries the office's comment: it says what to correct."""
    recipients = [submitted_by] if getattr(submitted_by, "pk", None) else coordinators_of(record_faculty_ids(record))
    kind = Kind.EVIDENCE_VERIFIED if verified else Kind.EVIDENCE_REJECTED
    return notify(recipients=recipients, kind=kind, record=record, actor=by, comment=comment, exclude=by)


def on_verification_decided(sender, *, record, by, verified: bool, comment: str = "", submitted_by=None,
                            **kwargs) -> None:
    """``intlportal.verification.verification_decided``'s receiver."""
    notify_verification_decided(record=record, by=by, verified=verified, comment=comment,
                                submitted_by=submitted_by)


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    qs = Notification.objects.for_user(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


# Kinds whose workflow notifies through signals of their own (a plan: ``plan_submitted``).
OWN_WORKFLOW_NOTIFICATIONS = {"faculties.internationalizationplan"}


def on_workflow_step(sender, *, record, from_state, to_state, state_field="status", by=None, comment="",
                     **kwargs) -> None:
    """``intlportal.workflow.workflow_step``'s receiver: a step a faculty takes (a submission)
    tells the office; a step the office takes (an approval, a return) tells the faculty's
    coordinators — the people who act next.  Nobody is told of their own step."""
    if sender._meta.label_lower in OWN_WORKFLOW_NOTIFICATIONS or from_state == to_state:
        return
    from intlportal import access

    by_office = by is not None and access.is_office(by)
    recipients = coordinators_of(record_faculty_ids(record)) if by_office or by is None else office_users()
    # A kind whose chain has more than two parties names who acts after a step: ``next_actors``
    # returns role names (``"leader"``, ``"office"``, ``"faculty"``), or None for the rule above.
    named = getattr(record, "next_actors", None)
    roles = named(to_state) if callable(named) else None
    if roles:
        by_role = {"leader": leaders, "office": office_users,
                   "faculty": lambda: coordinators_of(record_faculty_ids(record))}
        recipients = [user for role in roles for user in by_role[role]()]
    notify(recipients=recipients, kind=Kind.WORKFLOW_STEP, record=record, actor=by, comment=comment,
           params={"from": from_state, "to": to_state, "state_field": state_field}, exclude=by)
