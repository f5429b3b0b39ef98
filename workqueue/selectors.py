"""What is waiting for the Foreign Affairs Office.

Each selector returns a queryset with what its page needs already joined.  What makes an item
due (an agreement expiring, a report overdue…) is the models' queryset methods' to say, and the
nightly reminders (``notifications.reminders``) read the same methods: a reminder is never sent
for an item the work queue would not show, and the other way round.  The selectors only add
the joins and the order the office reads them in.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from exchanges.models import REPORT_DUE_DAYS, Agreement, Mobility
from faculties.models import InternationalizationPlan
from programs import selectors as program_selectors
from programs.selectors import ProgramCheck
from staff.models import EXPIRY_WARNING_DAYS, ForeignTeacherContract


def plans_to_review() -> QuerySet:
    """Submitted plans, oldest submission first."""
    return (InternationalizationPlan.objects.filter(status=InternationalizationPlan.Status.SUBMITTED)
            .select_related("faculty", "submitted_by").order_by("submitted_at", "pk"))


def mobilities_to_review() -> QuerySet:
    """Mobilities a faculty has submitted for approval, oldest submission first."""
    return Mobility.objects.awaiting_approval().select_related("faculty").order_by("submitted_at", "pk")


def agreements_expiring(*, within: int = EXPIRY_WARNING_DAYS, today: date | None = None) -> QuerySet:
    """Active agreements ending between today and ``within`` days from now."""
    return Agreement.objects.expiring_within(within, today=today).with_related().order_by("ends_on", "pk")


def contracts_expiring(*, within: int = EXPIRY_WARNING_DAYS, today: date | None = None) -> QuerySet:
    """Active foreign teachers' contracts ending between today and ``within`` days from now."""
    return (ForeignTeacherContract.objects.expiring_within(within, today=today)
            .select_related("staff_member__faculty").order_by("ends_on", "pk"))


def permits_expiring(*, within: int = EXPIRY_WARNING_DAYS, today: date | None = None) -> QuerySet:
    """Active contracts whose work permit expires between today and ``within`` days from now
    (personal data: for the office only)."""
    return (ForeignTeacherContract.objects.work_permit_expiring_within(within, today=today)
            .select_related("staff_member__faculty").order_by("work_permit_expires_on", "pk"))


def reports_overdue(*, after: int = REPORT_DUE_DAYS, today: date | None = None) -> QuerySet:
    """Completed outbound teacher mobilities that ended more than ``after`` days ago without a
    report (``MobilityQuerySet.report_overdue``; the partial index ``mobility_report_due_idx``
    serves exactly this filter)."""
    return Mobility.objects.report_overdue(after, today=today).select_related("faculty").order_by("ends_on", "pk")


def breaching_programs() -> list[ProgramCheck]:
    """Cooperative programs breaching a one-third rule, each with its check
    (``programs.selectors.breaching_programs``)."""
    return program_selectors.breaching_programs()
