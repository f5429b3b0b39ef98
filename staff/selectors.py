"""Reads of staff records: a teacher's evaluation trend and the office's expiry counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from staff.models import (
    EXPIRY_WARNING_DAYS,
    ForeignTeacherContract,
    TeachingEvaluation,
    semester_label,
)

TWO_PLACES = Decimal("0.01")
SOURCES = [code for code, _label in TeachingEvaluation.Source.choices]


@dataclass
class SemesterAverages:
    semester: str
    by_source: dict[str, Decimal | None] = field(default_factory=dict)
    overall: Decimal | None = None
    count: int = 0

    @property
    def label(self) -> str:
        return semester_label(self.semester)

    def ordered(self) -> list[Decimal | None]:
        """The averages in the order of ``SOURCES`` (students, peers, supervisors)."""
        return [self.by_source.get(code) for code in SOURCES]


def _average(total: Decimal, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / count).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def evaluation_trend(staff_member) -> list[SemesterAverages]:
    """Per semester, oldest first: the average score from each source and over all evaluations.

    One aggregate query.  The overall average weighs every evaluation equally (it is not the
    mean of the three source averages)."""
    rows = (
        TeachingEvaluation.objects.filter(staff_member=staff_member)
        .values("semester", "source")
        .annotate(total=Sum("score"), n=Count("pk"))
        .order_by("semester", "source")
    )
    semesters: dict[str, SemesterAverages] = {}
    totals: dict[str, Decimal] = {}
    for row in rows:
        entry = semesters.setdefault(row["semester"], SemesterAverages(row["semester"]))
        entry.by_source[row["source"]] = _average(row["total"], row["n"])
        entry.count += row["n"]
        totals[row["semester"]] = totals.get(row["semester"], Decimal(0)) + Decimal(row["total"])
    for semester, entry in semesters.items():
        entry.overall = _average(totals[semester], entry.count)
    return [semesters[s] for s in sorted(semesters)]


def expiry_counts(queryset=None, days: int = EXPIRY_WARNING_DAYS) -> dict[str, int]:
    """For the office: active contracts ending, and work permits expiring, within ``days``.

    One query.  Work-permit dates are personal data: show this to the office only."""
    today = timezone.localdate()
    until = today + timedelta(days=days)
    qs = ForeignTeacherContract.objects.all() if queryset is None else queryset
    return qs.active().aggregate(
        contracts=Count("pk", filter=Q(ends_on__gte=today, ends_on__lte=until)),
        work_permits=Count("pk", filter=Q(work_permit_expires_on__gte=today,
                                          work_permit_expires_on__lte=until)),
    )
