"""A program's dated status history, rebuilt from its audit trail (django-simple-history).

The assessment counts a program in the years its dated status history shows it approved or
enrolling (``programs.models.ProgramStatusChange``).  Programs recorded before that history
was kept have only the audit trail: each saved version with its status and the moment it was
saved.  ``status_steps`` turns those versions into dated steps; the data migration that
filled the history and ``services.status_history_sync`` (for a program that still has none)
both use it.  Plain values in, plain values out: no models, so a migration may call it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

APPROVED = "approved"


@dataclass(frozen=True)
class Version:
    """One saved version of a program, oldest first: its status and approval date then, the
    day it was saved (local date) and who saved it."""

    status: str
    approved_on: date | None
    saved_on: date
    saved_by_id: int | None = None


@dataclass(frozen=True)
class Step:
    status: str
    effective_on: date
    recorded_by_id: int | None = None


def status_steps(versions: Iterable[Version]) -> list[Step]:
    """The dated steps the versions show: one per change of status.

    * The first step is effective on the approval date when that version knows it (a program
      entered as approved or enrolling has held that status since its approval), else on
      the day it was entered.
    * A later step is effective the day it was saved; a move to approved, on the approval
      date it recorded when that date lies between the previous step and the save.
    * Steps never go back in time: a step is never dated before the one it follows.
    """
    steps: list[Step] = []
    for version in versions:
        if steps and version.status == steps[-1].status:
            continue
        if not steps:
            effective = version.approved_on or version.saved_on
        elif (version.status == APPROVED and version.approved_on is not None
              and steps[-1].effective_on <= version.approved_on <= version.saved_on):
            effective = version.approved_on
        else:
            effective = max(version.saved_on, steps[-1].effective_on)
        steps.append(Step(version.status, effective, version.saved_by_id))
    return steps
