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
from django.db.models import F, Model
from django.utils import timezone

from exchanges.models import REPORT_DUE_DAYS, Agreement, Mobility
from faculties.models import CoordinatorMembership, InternationalizationPlan, plan_submission_deadline
from intlportal import access
from notifications.models import Kind, Notification, ReminderLog
from notifications.services import notify, office_users
from notifications.tasks import RETRY
from staff.models import EXPIRY_WARNING_DAYS, ForeignTeacherContract
from trips import passports
from trips.travel import VISA_WARNING_DAYS, trips_lacking_visa

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
    # The record's counter of reminders sent, bumped with the reminder (a passport's
    # ``return_reminders``, a trip's ``report_reminders``: enough of them block the faculty).
    counter: str = ""
    # Where the faculty's coordinators are sent, when the record's own page is the office's.
    faculty_url: str = ""


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
    # A week before departure, the office hears of the members still lacking a visa (the work
    # queue's "visas" section reads the same selector).
    for trip in trips_lacking_visa(today=today).order_by("departs_on", "pk"):
        yield Due(Kind.VISA_MISSING, trip, trip.departs_on, str(VISA_WARNING_DAYS), office_only=True,
                  params={"due": trip.departs_on.isoformat(), "count": trip.lacking_members})
    yield from _travel_documents_and_trip_reports(today)
    deadline = plan_submission_deadline(today.year)
    late_plans = InternationalizationPlan.objects.past_submission_deadline(today).select_related("faculty")
    for plan in late_plans.order_by("faculty__code", "pk"):
        yield Due(Kind.PLAN_DEADLINE, plan, deadline, "deadline", {plan.faculty_id},
                  params={"due": deadline.isoformat()})


def overdue_threshold(days_overdue: int) -> int:
    """An overdue item is reminded 1, 8, 15, 22… days after its due date: once a week until it is
    settled (each threshold once, so the reminders sent can be counted)."""
    return 1 + 7 * ((max(days_overdue, 1) - 1) // 7)


# Days ahead of a passport's expiry; reminded at the tightest one reached (six months first).
PASSPORT_THRESHOLDS = (30, 90, 183)


def _travel_documents_and_trip_reports(today: date) -> Iterator[Due]:
    """Passports and permits not returned (the office and the coordinators of the holder's faculty,
    counted on the document), passports expiring within six months (the office only), and trip
    reports overdue (counted on the trip): ``trips.passports`` says what is due, as for the work
    queue and the block on new trips."""
    overdue = passports.overdue_returns(today).select_related("holder", "lent_for").order_by("return_due_on", "pk")
    for document in overdue:
        days = (today - document.return_due_on).days
        yield Due(Kind.PASSPORT_RETURN_OVERDUE, document, document.return_due_on, str(overdue_threshold(days)),
                  {document.holder.faculty_id}, params={"due": document.return_due_on.isoformat(), "days": days},
                  counter="return_reminders",
                  faculty_url=document.lent_for.get_absolute_url() + "#passports" if document.lent_for else "")
    expiring = passports.expiring(today).filter(expires_on__gte=today).order_by("expires_on", "pk")
    for document in expiring:
        days = (document.expires_on - today).days
        threshold = next((t for t in PASSPORT_THRESHOLDS if days <= t), PASSPORT_THRESHOLDS[-1])
        yield Due(Kind.PASSPORT_EXPIRING, document, document.expires_on, str(threshold), office_only=True,
                  params={"due": document.expires_on.isoformat(), "days": days})
    for trip in passports.reports_overdue(today).order_by("returns_on", "pk"):
        due_on = passports.report_due_on(trip)
        yield Due(Kind.TRIP_REPORT_OVERDUE, trip, due_on, str(overdue_threshold((today - due_on).days)),
                  {trip.faculty_id}, params={"due": due_on.isoformat()}, counter="report_reminders")


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
                notes = notify(recipients=recipients, kind=item.kind, record=item.record, params=item.params)
                _after_sent(item, notes, office)
        except IntegrityError:
            continue  # another run sent this one a moment ago
        sent += 1
    return sent


def _after_sent(item: Due, notes, office) -> None:
    """Count the reminder on the record, and send the coordinators where they may look."""
    if item.faculty_url:
        office_ids = {user.pk for user in office}
        Notification.objects.filter(pk__in=[n.pk for n in notes if n.recipient_id not in office_ids]).update(
            url=item.faculty_url)
    if item.counter:
        type(item.record).objects.filter(pk=item.record.pk).update(
            **{item.counter: F(item.counter) + 1, "version": F("version") + 1})


@shared_task(name="notifications.send_reminders", **RETRY)
def send_reminders() -> int:
    """The nightly reminders (Celery beat)."""
    sent = send_due_reminders()
    logger.info("reminders sent for %s items", sent)
    return sent
