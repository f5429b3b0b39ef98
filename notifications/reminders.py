"""The nightly reminders: expiring agreements, contracts and work permits (``EXPIRY_WARNING_DAYS``
and 30 days ahead), post-exchange reports overdue (``REPORT_DUE_DAYS`` after the exchange),
plans not submitted by the office's deadline.

Each reminder goes out once per item and threshold: a ``ReminderLog`` row is inserted in the
same transaction as the notifications, and its unique constraint refuses a second one, so
running the job twice, or two workers at once, sends nothing new.

The nightly task ``send_reminders`` lives here rather than in ``notifications.tasks`` (the
reminders notify through ``notifications.services``, which enqueues that module's e-mail task);
the worker imports this module through ``CELERY_IMPORTS``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from exchanges.models import REPORT_DUE_DAYS, Agreement, Mobility
from faculties.models import CoordinatorMembership, InternationalizationPlan, plan_submission_deadline
from intlportal import access
from notifications.models import Kind, ReminderLog
from notifications.services import notify, office_users
from notifications.tasks import RETRY
from staff.models import EXPIRY_WARNING_DAYS, ForeignTeacherContract

logger = logging.getLogger(__name__)

# Days ahead; an item is reminded at the tightest one it has reached, the first time when it
# enters the work queue's "expiring" sections.
THRESHOLDS = (30, EXPIRY_WARNING_DAYS)


@dataclass
class Due:
    kind: str
    record: Model
    due_on: date
    threshold: str
    faculty_ids: set[int] = field(default_factory=set)
    office_only: bool = False
    params: dict = field(default_factory=dict)


def _threshold(days_left: int) -> int:
    return next(t for t in THRESHOLDS if days_left <= t)


def _expiring(kind: str, qs, date_attr: str, faculty_ids, today: date, office_only=False) -> Iterator[Due]:
    for obj in qs:
        due_on = getattr(obj, date_attr)
        days = (due_on - today).days
        yield Due(kind, obj, due_on, str(_threshold(days)), faculty_ids(obj), office_only,
                  {"due": due_on.isoformat(), "days": days})


def due_reminders(today: date) -> Iterator[Due]:
    """Every reminder that should exist today, sent or not.  What makes an item due is the
    models' queryset methods' to say, the same ones the work queue reads."""
    within = max(THRESHOLDS)
    agreements = Agreement.objects.expiring_within(within, today=today).with_related()
    yield from _expiring(Kind.AGREEMENT_EXPIRING, agreements.order_by("ends_on", "pk"),
                         "ends_on", lambda a: {f.pk for f in a.faculties.all()}, today)
    contracts = ForeignTeacherContract.objects.select_related("staff_member__faculty")
    yield from _expiring(Kind.CONTRACT_EXPIRING,
                         contracts.expiring_within(within, today=today).order_by("ends_on", "pk"),
                         "ends_on", lambda c: {c.staff_member.faculty_id}, today)
    # Work-permit dates are personal data: only the office hears about them.
    yield from _expiring(Kind.PERMIT_EXPIRING,
                         contracts.work_permit_expiring_within(within, today=today)
                         .order_by("work_permit_expires_on", "pk"),
                         "work_permit_expires_on", lambda c: set(), today, office_only=True)
    overdue = Mobility.objects.report_overdue(REPORT_DUE_DAYS, today=today).select_related("faculty")
    for mobility in overdue.order_by("ends_on", "pk"):
        yield Due(Kind.REPORT_OVERDUE, mobility, mobility.ends_on, str(REPORT_DUE_DAYS),
                  {mobility.faculty_id}, params={"due": mobility.ends_on.isoformat()})
    deadline = plan_submission_deadline(today.year)
    late_plans = InternationalizationPlan.objects.past_submission_deadline(today).select_related("faculty")
    for plan in late_plans.order_by("faculty__code", "pk"):
        yield Due(Kind.PLAN_DEADLINE, plan, deadline, "deadline", {plan.faculty_id},
                  params={"due": deadline.isoformat()})


def _coordinators_by_faculty() -> dict[int, list]:
    """The active users who hold the coordinator role now, by the faculties they serve.

    A membership outlives a change of role: whether its user is still a coordinator is the
    access module's decision (``access.is_coordinator``), asked once per user.
    """
    memberships = CoordinatorMembership.objects.filter(user__is_active=True).select_related("user")
    users: dict[int, object] = {}
    coordinators: dict[int, list] = defaultdict(list)
    for membership in memberships.order_by("faculty_id", "user_id"):
        user = users.setdefault(membership.user_id, membership.user)
        if access.is_coordinator(user):
            coordinators[membership.faculty_id].append(user)
    return coordinators


def send_due_reminders(today: date | None = None) -> int:
    """Send the reminders not sent yet; returns how many items were reminded."""
    today = today or timezone.localdate()
    due = list(due_reminders(today))
    if not due:
        return 0
    content_types = ContentType.objects.get_for_models(*{type(d.record) for d in due})
    already = set(ReminderLog.objects.filter(due_on__in={d.due_on for d in due}).values_list(
        "kind", "content_type_id", "object_id", "threshold", "due_on"))
    office = list(office_users())
    coordinators = _coordinators_by_faculty()
    sent = 0
    for item in due:
        content_type = content_types[type(item.record)]
        key = (item.kind, content_type.pk, item.record.pk, item.threshold, item.due_on)
        if key in already:
            continue
        recipients = list(office)
        if not item.office_only:
            for faculty_id in sorted(item.faculty_ids):
                recipients.extend(coordinators.get(faculty_id, ()))
        try:
            with transaction.atomic():
                ReminderLog.objects.create(kind=item.kind, content_type=content_type, object_id=item.record.pk,
                                           threshold=item.threshold, due_on=item.due_on)
                notify(recipients=recipients, kind=item.kind, record=item.record, params=item.params)
        except IntegrityError:
            continue  # another run sent this one a moment ago
        sent += 1
    return sent


@shared_task(name="notifications.send_reminders", **RETRY)
def send_reminders() -> int:
    """The nightly reminders (Celery beat)."""
    sent = send_due_reminders()
    logger.info("reminders sent for %s items", sent)
    return sent
