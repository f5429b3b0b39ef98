"""What is waiting for the Foreign Affairs Office.

Each selector returns a queryset with what its page needs already joined, so the work queue
and the nightly reminders read the same definitions: a reminder is never sent for an item the
work queue would not show, and the other way round.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from exchanges.models import Agreement, Mobility
from faculties.models import InternationalizationPlan
from staff.models import ForeignTeacherContract

EXPIRY_DAYS = 90
REPORT_DUE_DAYS = 30


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def plans_to_review() -> QuerySet:
    """Submitted plans, oldest submission first."""
    return (InternationalizationPlan.objects.filter(status=InternationalizationPlan.Status.SUBMITTED)
            .select_related("faculty", "submitted_by").order_by("submitted_at", "pk"))


def mobilities_to_review() -> QuerySet:
    """Planned mobilities a faculty has submitted for approval."""
    return (Mobility.objects.filter(status=Mobility.Status.PLANNED, submitted_at__isnull=False)
            .select_related("faculty").order_by("submitted_at", "pk"))


def agreements_expiring(*, within: int = EXPIRY_DAYS, today: date | None = None) -> QuerySet:
    """Active agreements ending between today and ``within`` days from now."""
    today = _today(today)
    return (Agreement.objects.filter(status=Agreement.Status.ACTIVE, ends_on__gte=today,
                                     ends_on__lte=today + timedelta(days=within))
            .select_related("partner").prefetch_related("faculties").order_by("ends_on", "pk"))


def contracts_expiring(*, within: int = EXPIRY_DAYS, today: date | None = None) -> QuerySet:
    """Active foreign teachers' contracts ending between today and ``within`` days from now."""
    today = _today(today)
    return (ForeignTeacherContract.objects.filter(status=ForeignTeacherContract.Status.ACTIVE, ends_on__gte=today,
                                                  ends_on__lte=today + timedelta(days=within))
            .select_related("staff_member__faculty").order_by("ends_on", "pk"))


def permits_expiring(*, within: int = EXPIRY_DAYS, today: date | None = None) -> QuerySet:
    """Active contracts whose work permit expires between today and ``within`` days from now
    (personal data: for the office only)."""
    today = _today(today)
    return (ForeignTeacherContract.objects.filter(status=ForeignTeacherContract.Status.ACTIVE,
                                                  work_permit_expires_on__gte=today,
                                                  work_permit_expires_on__lte=today + timedelta(days=within))
            .select_related("staff_member__faculty").order_by("work_permit_expires_on", "pk"))


def reports_overdue(*, after: int = REPORT_DUE_DAYS, today: date | None = None) -> QuerySet:
    """Completed outbound teacher mobilities that ended more than ``after`` days ago without a
    report (only teachers file one: ``Mobility.takes_report``).  The partial index
    ``mobility_report_due_idx`` serves exactly this filter."""
    today = _today(today)
    return (Mobility.objects.filter(direction=Mobility.Direction.OUTBOUND, person_kind=Mobility.PersonKind.TEACHER,
                                    status=Mobility.Status.COMPLETED, ends_on__lt=today - timedelta(days=after),
                                    report_submitted_at__isnull=True)
            .select_related("faculty").order_by("ends_on", "pk"))


def plan_deadline(year: int) -> date:
    """The office's deadline for submitting the plans that cover ``year`` (settings,
    ``PLAN_SUBMISSION_DEADLINE`` as ``MM-DD``)."""
    month, day = (int(part) for part in settings.PLAN_SUBMISSION_DEADLINE.split("-"))
    return date(year, month, day)


def plans_past_deadline(*, today: date | None = None) -> QuerySet:
    """Plans covering this year still in draft or returned after this year's deadline."""
    today = _today(today)
    if today <= plan_deadline(today.year):
        return InternationalizationPlan.objects.none()
    return (InternationalizationPlan.objects.filter(
        status__in=[InternationalizationPlan.Status.DRAFT, InternationalizationPlan.Status.RETURNED],
        first_year__lte=today.year, last_year__gte=today.year,
    ).select_related("faculty").order_by("faculty__code", "pk"))


def breaching_programs() -> list:
    """Cooperative programs breaching a one-third rule (``programs.selectors``)."""
    from programs import selectors

    return list(selectors.breaching_programs())
