"""A staff member's standing — category and overseas degree — as a dated log, rebuilt from
the audit trail (django-simple-history) where there is no log yet.

The assessment takes both as of 31 December of the year it assesses
(``staff.models.StaffStanding``).  ``standing_steps`` turns a staff member's saved versions
into dated standings; the data migration that filled the log and ``services.standings_sync``
(for a staff member that still has none) both use it.  Plain values in, plain values out:
no models, so a migration may call it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

#: The start of the first standing of someone whose hire date is unknown: they count as hired
#: (``staff.models.active_in``), so their standing holds for every year.
EARLIEST = date(1900, 1, 1)


def first_effective(hired_on: date | None) -> date:
    """The first standing holds from the hire date, or from ``EARLIEST`` when it is unknown."""
    return hired_on or EARLIEST


@dataclass(frozen=True)
class Version:
    """One saved version of a staff member, oldest first, and the day it was saved (local date)."""

    category: str
    has_overseas_degree: bool
    hired_on: date | None
    saved_on: date


@dataclass(frozen=True)
class Standing:
    effective_on: date
    category: str
    has_overseas_degree: bool


def standing_steps(versions: Iterable[Version]) -> list[Standing]:
    """The standings the versions show: the first from the hire date (or ``EARLIEST``), then
    one per change of category or overseas degree, effective the day it was saved and never
    dated before the standing it follows."""
    steps: list[Standing] = []
    for version in versions:
        if steps and (version.category, version.has_overseas_degree) == (
                steps[-1].category, steps[-1].has_overseas_degree):
            continue
        effective = max(version.saved_on, steps[-1].effective_on) if steps else first_effective(version.hired_on)
        steps.append(Standing(effective, version.category, version.has_overseas_degree))
    return steps
