"""Reads of stored runs, for the pages, the exports and the API (never recomputing)."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from assessment import scoring
from assessment.models import AssessmentRun, Indicator, IndicatorResult
from faculties.models import Faculty
from intlportal import access


def latest_run(year: int) -> AssessmentRun | None:
    return AssessmentRun.objects.latest_for(year)


def run_years() -> list[int]:
    """Years that have a run, newest first."""
    return list(AssessmentRun.objects.order_by("-year").values_list("year", flat=True).distinct())


def visible_faculty_codes(user) -> set[str] | None:
    """Faculty codes whose indicator details the user may see; ``None`` means all of them."""
    if access.sees_everything(user):
        return None
    return set(Faculty.objects.filter(pk__in=access.faculty_ids(user)).values_list("code", flat=True))


def document_for(user, run: AssessmentRun) -> dict[str, Any]:
    """The run's JSON document as the user may see it.

    The office and leaders see all of it.  A coordinator sees the university's ranking
    (code, score, rank, incentive, flagged of every faculty) but the ``indicators`` of the
    faculties they serve only: for the others the key is left out, so that no detail of
    another faculty is sent.
    """
    visible = visible_faculty_codes(user)
    if visible is None:
        return run.document
    document = copy.deepcopy(run.document)
    for entry in document["faculties"]:
        if entry["code"] not in visible:
            entry.pop("indicators", None)
    return document


# --- re-scoring a stored run (what-if and sensitivity) ---------------------------------------

SENSITIVITY_STEP = Decimal("0.2")


def _exact_value(kind: str, result: IndicatorResult) -> Decimal | None:
    """The unrounded value of a stored result, rebuilt from what was counted."""
    if result.value is None:
        return None
    if kind == Indicator.Kind.RATE:
        return scoring.ratio(result.numerator, result.denominator, percent=True)
    if kind == Indicator.Kind.RATIO:
        return scoring.ratio(result.numerator, result.denominator, percent=False)
    return result.value


def measurements_of(run: AssessmentRun) -> dict[str, dict[str, scoring.Measurement]]:
    """{faculty code: {indicator: (exact value, target)}} of a stored run (one query)."""
    kinds = {spec["code"]: spec["kind"] for spec in run.parameters.get("indicators", [])}
    measurements: dict[str, dict[str, scoring.Measurement]] = {}
    for result in run.results.order_by("faculty_code", "position"):
        measurements.setdefault(result.faculty_code, {})[result.indicator] = (
            _exact_value(kinds.get(result.indicator, ""), result), result.target,
        )
    return measurements


def run_weights(run: AssessmentRun) -> dict[str, Decimal]:
    return {spec["code"]: Decimal(spec["weight"]) for spec in run.parameters.get("indicators", [])}


def rescore(run: AssessmentRun, measurements, weights: dict[str, Decimal]) -> list[scoring.FacultyOutcome]:
    """The run's faculties scored, ranked and paid with other weights; nothing is saved."""
    pool = run.parameters.get("pool")
    return scoring.score_faculties(
        measurements=measurements, weights=weights,
        pool_amount=None if pool is None else Decimal(pool["amount"]),
        threshold=Decimal(pool["threshold"]) if pool else Decimal(0),
    )


@dataclass
class Sensitivity:
    indicator: str
    direction: int  # +1: weight raised by 20 %, -1: lowered by 20 %
    changes: list[tuple[str, int, int]]  # (faculty code, rank before, rank after)


def sensitivity(run: AssessmentRun, measurements) -> list[Sensitivity]:
    """For each indicator and each move of its weight by ±20 %, the faculties whose rank
    changes (the other weights stay as the run used them)."""
    weights = run_weights(run)
    before = {o.code: o.rank for o in rescore(run, measurements, weights)}
    found = []
    for code in weights:
        for direction in (-1, 1):
            moved = dict(weights)
            moved[code] = weights[code] * (1 + direction * SENSITIVITY_STEP)
            after = {o.code: o.rank for o in rescore(run, measurements, moved)}
            changes = sorted((f, before[f], after[f]) for f in before if after[f] != before[f])
            found.append(Sensitivity(code, direction, changes))
    return found


# --- scorecards ------------------------------------------------------------------------------


def still_missing(kind: str, result: IndicatorResult) -> int | None:
    """How many more counted records would reach the target (``None`` when not applicable
    or already reached).  A rate needs ⌈target × headcount ÷ 100⌉ counted people, a ratio
    ⌈target × headcount⌉, a count ⌈target⌉, a yes-no indicator one record."""
    if not result.applicable or result.achievement is None or result.achievement >= 1:
        return None
    numerator = int(result.numerator or 0)
    target = result.target
    if kind == Indicator.Kind.RATE:
        needed = target * result.denominator / 100
    elif kind == Indicator.Kind.RATIO:
        needed = target * result.denominator
    elif kind == Indicator.Kind.YES_NO:
        return 1
    else:
        needed = target
    return max(1, math.ceil(needed) - numerator)
