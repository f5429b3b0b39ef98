"""Reads of stored runs, for the pages, the exports and the API (never recomputing)."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count

from assessment import scoring
from assessment.models import AssessmentRun, Indicator, IndicatorResult, Publication
from assessment.rules import dated_in
from exchanges.models import Mobility
from faculties.models import Faculty
from intlportal import access
from intlportal.verification import counted


def latest_run(year: int) -> AssessmentRun | None:
    return AssessmentRun.objects.latest_for(year)


def published_years() -> set[int]:
    """Years the office has published: their official result is frozen, so the automatic
    recompute leaves them alone (the office's own "Recalculate" still stores a run)."""
    return set(Publication.objects.values_list("year", flat=True).distinct())


# --- which run a page shows: the published one, or the latest calculation ---------------------


def may_see_latest(user) -> bool:
    """Office and leaders may look at a published year's latest, unofficial calculation."""
    return access.sees_everything(user)


def wants_latest(request) -> bool:
    """``?run=latest`` from a user who may see it; anybody else is shown the official result."""
    return request.GET.get("run") == "latest" and may_see_latest(request.user)


@dataclass
class Shown:
    """The run a page shows for a year, and its standing.

    ``publication`` is the year's current (latest) publication, ``None`` when the year was never
    published; ``latest_id`` is the newest stored run of the year.  The run shown is the
    published one unless the year is unpublished or the latest calculation was asked for.
    """

    run: AssessmentRun
    publication: Publication | None
    latest_id: int

    @property
    def official(self) -> bool:
        return self.publication is not None and self.publication.run_id == self.run.pk

    @property
    def recalculated(self) -> bool:
        """A run newer than the published one is stored for the year."""
        return self.publication is not None and self.publication.run_id != self.latest_id


def shown_run(year: int, *, latest: bool = False) -> Shown | None:
    """The run to show for ``year`` (two queries), ``None`` when the year has no run."""
    newest = AssessmentRun.objects.latest_for(year)
    if newest is None:
        return None
    publication = Publication.objects.select_related("run", "published_by").filter(year=year) \
        .order_by("-version").first()
    run = newest if latest or publication is None else publication.run
    return Shown(run, publication, newest.pk)


def shown_runs(*, latest: bool = False, fields: tuple[str, ...] = ()) -> dict[int, Shown]:
    """``shown_run`` for every year with a run, in two queries; runs load only ``fields``."""
    newest = {run.year: run for run in AssessmentRun.objects.latest_per_year().only("id", "year", *fields)}
    publications = {
        p.year: p for p in Publication.objects.current_per_year().select_related("run", "published_by")
        .only("id", "year", "version", "published_at", "reason", "run_id", "published_by",
              *(f"run__{name}" for name in ("id", "year", *fields)))
    }
    shown = {}
    for year, run in newest.items():
        publication = publications.get(year)
        official = publication.run if publication is not None and not latest else run
        shown[year] = Shown(official, publication, run.pk)
    return shown


# --- what changed between two stored runs ----------------------------------------------------


@dataclass
class FacultyChange:
    """What differs for one faculty between two runs; ``(old, new)`` pairs, ``None`` when equal.

    ``indicators`` lists ``(indicator code, what, old, new)`` with ``what`` "value" or
    "target"; a faculty in one run only has ``None`` on the other side of score, rank and
    incentive.
    """

    code: str
    score: tuple | None = None
    rank: tuple | None = None
    incentive: tuple | None = None
    indicators: list[tuple[str, str, Any, Any]] = field(default_factory=list)


@dataclass
class Differences:
    """What differs between two stored runs of a year, as a user may see them."""

    faculties: list[FacultyChange]
    parameters: list[tuple[str, str | None, str | None]]  # (parameter key, old, new)

    def __bool__(self) -> bool:
        return bool(self.faculties or self.parameters)


def _pair(old, new) -> tuple | None:
    return None if old == new else (old, new)


def _parameters(run: AssessmentRun) -> dict[str, str | None]:
    pool = run.parameters.get("pool") or {}
    flat = {"pool": pool.get("amount"), "threshold": pool.get("threshold")}
    for spec in run.parameters.get("indicators", []):
        flat[f"weight:{spec['code']}"] = spec["weight"]
    return flat


def differences(user, old: AssessmentRun, new: AssessmentRun) -> Differences:
    """Every figure of ``new`` that differs from ``old``: per faculty the score, rank, incentive
    and each indicator's value and target (as the stored documents show them, rounded as they
    are published), and the parameters that changed (pool, threshold, weights).  Reads the two
    runs only: nothing is computed.  A coordinator compares what ``document_for`` shows them."""
    before = {entry["code"]: entry for entry in document_for(user, old).get("faculties", [])}
    after = {entry["code"]: entry for entry in document_for(user, new).get("faculties", [])}
    changes = []
    for code in sorted(set(before) | set(after)):
        a, b = before.get(code, {}), after.get(code, {})
        change = FacultyChange(
            code,
            score=_pair(a.get("score"), b.get("score")),
            rank=_pair(a.get("rank"), b.get("rank")),
            incentive=_pair(a.get("incentive"), b.get("incentive")),
        )
        old_indicators, new_indicators = a.get("indicators", {}), b.get("indicators", {})
        for indicator in [*old_indicators, *(c for c in new_indicators if c not in old_indicators)]:
            for what in ("value", "target"):
                was = old_indicators.get(indicator, {}).get(what)
                now = new_indicators.get(indicator, {}).get(what)
                if was != now:
                    change.indicators.append((indicator, what, was, now))
        if change.score or change.rank or change.incentive or change.indicators:
            changes.append(change)
    old_parameters, new_parameters = _parameters(old), _parameters(new)
    parameters = [
        (key, old_parameters.get(key), new_parameters.get(key))
        for key in [*old_parameters, *(k for k in new_parameters if k not in old_parameters)]
        if old_parameters.get(key) != new_parameters.get(key)
    ]
    return Differences(changes, parameters)


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


def measurements_of(run: AssessmentRun, *, growth: dict[str, Decimal] | None = None,
                    floors: dict[str, Decimal] | None = None) -> dict[str, dict[str, scoring.Measurement]]:
    """{faculty code: {indicator: (exact value, target)}} of a stored run (one query).

    With another growth rate (a fraction: 0.10 for 10 %) or floor for some indicators, the
    targets the rulebook derived from last year's value and the floor are derived again with
    them; a target the office set and a yes-no indicator's target stay as they were."""
    specs = {spec["code"]: spec for spec in run.parameters.get("indicators", [])}
    growth, floors = growth or {}, floors or {}
    rederived = {IndicatorResult.TargetOrigin.DERIVED, IndicatorResult.TargetOrigin.FLOOR}
    measurements: dict[str, dict[str, scoring.Measurement]] = {}
    for result in run.results.order_by("faculty_code", "position"):
        code = result.indicator
        spec = specs.get(code, {})
        target = result.target
        if (code in growth or code in floors) and result.target_origin in rederived:
            target = scoring.derive_target(
                kind=spec["kind"], floor=floors.get(code, Decimal(spec["floor"])),
                growth=growth.get(code, Decimal(spec["growth_percent"]) / 100),
                previous=result.previous_value, office_value=None,
            )
        measurements.setdefault(result.faculty_code, {})[code] = (
            _exact_value(spec.get("kind", ""), result), target,
        )
    return measurements


def run_weights(run: AssessmentRun) -> dict[str, Decimal]:
    return {spec["code"]: Decimal(spec["weight"]) for spec in run.parameters.get("indicators", [])}


def rescore(run: AssessmentRun, measurements, weights: dict[str, Decimal], *, pool_amount: Decimal | None = None,
            threshold: Decimal | None = None) -> list[scoring.FacultyOutcome]:
    """The run's faculties scored, ranked and paid with other weights (and, given, another
    incentive pool or threshold); nothing is saved."""
    pool = run.parameters.get("pool")
    if pool_amount is None:
        pool_amount = None if pool is None else Decimal(pool["amount"])
    if threshold is None:
        threshold = Decimal(pool["threshold"]) if pool else Decimal(0)
    return scoring.score_faculties(measurements=measurements, weights=weights, pool_amount=pool_amount,
                                   threshold=threshold)


@dataclass
class Sensitivity:
    indicator: str
    direction: int  # +1: weight raised by 20 %, -1: lowered by 20 %
    changes: list[tuple[str, int, int]]  # (faculty code, rank before, rank after)


def sensitivity(run: AssessmentRun, measurements) -> list[Sensitivity]:
    """For each indicator and each move of its weight by ±20 %, the faculties whose rank
    changes (the other weights stay as the run used them).

    Only the weights move, so each achievement is computed once and the 27 rankings re-weigh
    them (``scoring.rank_by_weights``): the same scores and ranks as ``rescore`` gives, at a
    fraction of its time (the run stores the table: 0.5 s of a 1.7 s run at 60 faculties)."""
    weights = run_weights(run)
    achieved = scoring.achievements(measurements)
    before = scoring.rank_by_weights(achieved, weights)
    found = []
    for code in weights:
        for direction in (-1, 1):
            moved = dict(weights)
            moved[code] = weights[code] * (1 + direction * SENSITIVITY_STEP)
            after = scoring.rank_by_weights(achieved, moved)
            changes = sorted((f, before[f], after[f]) for f in before if after[f] != before[f])
            found.append(Sensitivity(code, direction, changes))
    return found


def sensitivity_for_summary(run: AssessmentRun) -> list[dict]:
    """``sensitivity`` as the run's summary keeps it (computed once when the run is stored)."""
    return [{"indicator": item.indicator, "direction": item.direction, "changes": [list(c) for c in item.changes]}
            for item in sensitivity(run, measurements_of(run))]


def stored_sensitivity(run: AssessmentRun) -> list[Sensitivity]:
    """The run's sensitivity table: stored with the run, or, for a run stored before it was,
    computed now (27 re-scorings of the run)."""
    kept = run.summary.get("sensitivity")
    if kept is None:
        return sensitivity(run, measurements_of(run))
    return [Sensitivity(item["indicator"], item["direction"], [tuple(change) for change in item["changes"]])
            for item in kept]


# --- university-wide figures ------------------------------------------------------------------


def inbound_by_faculty(year: int) -> list[dict[str, Any]]:
    """The incoming visitors and students of ``year`` by faculty, counted as the run's summary
    counts them (verified, starting in the year, not cancelled), most first."""
    return list(
        Mobility.objects.filter(counted(), dated_in("starts_on", year), direction="inbound")
        .exclude(status="cancelled").order_by().values("faculty__code", "faculty_id")
        .annotate(n=Count("pk")).order_by("-n", "faculty__code")
    )


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
