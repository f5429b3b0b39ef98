"""Writes on staff that follow a change of the record: the dated log of standings.

The assessment takes a staff member's category and overseas degree as of 31 December of the
year it assesses, from ``StaffStanding``.  ``standings_sync`` keeps that log in step with the
staff record, whichever way the record changed: a form, the office's verification of a
proposed change, the admin (``receivers``: ``post_save``), or an import, whose bulk writes send
no ``post_save`` (``staff/dataexchange.py``: ``records_imported``).
"""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from staff.models import StaffMember, StaffStanding
from staff.standings import Standing, Version, first_effective, standing_steps


def _current(member: StaffMember) -> tuple[str, bool]:
    return member.category, member.has_overseas_degree


def standings_sync(*, staff: QuerySet | None = None) -> int:
    """Bring the standings of ``staff`` (default: every staff member) up to their records.

    * A staff member whose latest standing differs from their category or overseas degree
      gets a standing effective today (never dated before the latest one).
    * One without any standing gets the standings their audit trail shows
      (``standings.standing_steps``), or one from their hire date with what the record holds.
    * Until the office first verifies a staff record, what it holds was never in force: its
      standings are replaced by one from the hire date with what it holds now, so that a
      coordinator's corrections before verification leave no dated trace in earlier years.

    Idempotent; returns the number of standings written.
    """
    latest = StaffStanding.objects.filter(staff_member=OuterRef("pk")).order_by("-effective_on", "-pk")
    members = (StaffMember.objects.all() if staff is None else staff).annotate(
        standing_category=Subquery(latest.values("category")[:1]),
        standing_degree=Subquery(latest.values("has_overseas_degree")[:1]),
        standing_on=Subquery(latest.values("effective_on")[:1]),
    )
    stale = list(members.filter(
        Q(standing_category__isnull=True) | ~Q(standing_category=F("category"))
        | ~Q(standing_degree=F("has_overseas_degree"))
    ))
    if not stale:
        return 0
    today = timezone.localdate()
    unverified = [m.pk for m in stale if m.verified_at is None and m.standing_category is not None]
    if unverified:
        StaffStanding.objects.filter(staff_member_id__in=unverified).delete()
    rebuilt = [m.pk for m in stale if m.standing_category is None and m.verified_at is not None]
    versions: dict[int, list[Version]] = {pk: [] for pk in rebuilt}
    if rebuilt:
        trail = (StaffMember.history.filter(id__in=rebuilt).exclude(history_type="-")
                 .order_by("history_date", "history_id")
                 .values_list("id", "category", "has_overseas_degree", "hired_on", "history_date"))
        for pk, category, degree, hired_on, saved_at in trail:
            versions[pk].append(Version(category, degree, hired_on, timezone.localdate(saved_at)))
    rows = []
    for member in stale:
        category, degree = _current(member)
        if member.verified_at is None:
            steps = [Standing(first_effective(member.hired_on), category, degree)]
        elif member.standing_category is None:
            steps = standing_steps(versions[member.pk]) or [Standing(first_effective(member.hired_on), category,
                                                                     degree)]
            if (steps[-1].category, steps[-1].has_overseas_degree) != (category, degree):
                steps.append(Standing(max(today, steps[-1].effective_on), category, degree))
        else:
            steps = [Standing(max(today, member.standing_on), category, degree)]
        rows += [StaffStanding(staff_member=member, effective_on=step.effective_on, category=step.category,
                               has_overseas_degree=step.has_overseas_degree) for step in steps]
    StaffStanding.objects.bulk_create(rows)
    return len(rows)
