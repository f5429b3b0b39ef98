"""The assessment run: load the numbers, apply the rulebook's arithmetic, store the result.

``assessment_run`` is the one entry point: the ``run_assessment`` command, the office's button
and the Celery task all call it.  Loading costs a fixed number of queries whatever the number
of faculties or records: one per active indicator (each counting years Y and Y − 1 at once,
see ``rules.load_counts``), plus faculties, headcounts, targets, the pool and the
university-wide figures; storing costs one bulk insert per table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count

from assessment import scoring
from assessment.models import AssessmentRun, FacultyScore, IncentivePool, Indicator, IndicatorResult, Target
from assessment.rules import DENOMINATORS, RULES, agreement_in_force, agreement_overlaps, dated_in, load_counts
from assessment.selectors import sensitivity_for_summary
from exchanges.models import TEACHER_ABROAD_ACTIVITIES, Agreement, Mobility
from faculties.models import Faculty, FacultyYear
from intlportal.indicators import IndicatorCode as C
from intlportal.verification import counted

RATE = Indicator.Kind.RATE
RATIO = Indicator.Kind.RATIO
YES_NO = Indicator.Kind.YES_NO


# --- parameters ------------------------------------------------------------------------------


def current_parameters(year: int) -> dict[str, Any]:
    """The rules in force for year Y, as a run stores them (decimals as strings).

    * ``indicators``: the active set in display order, each with kind, weight, growth (%)
      and floor;
    * ``targets``: the office's targets for Y, ``{faculty code: {indicator code: value}}``;
    * ``pool``: the incentive pool of Y (``amount``, ``threshold``), or ``None``.
    """
    indicators = [
        {"code": i.code, "kind": i.kind, "weight": str(i.weight), "growth_percent": str(i.growth_percent),
         "floor": str(i.floor)}
        for i in Indicator.objects.active().order_by("position", "code")
    ]
    targets: dict[str, dict[str, str]] = defaultdict(dict)
    for faculty_code, indicator_code, value in Target.objects.filter(year=year).values_list(
        "faculty__code", "indicator__code", "value"
    ):
        targets[faculty_code][indicator_code] = str(value)
    pool = IncentivePool.objects.filter(year=year).first()
    return {
        "indicators": indicators,
        "targets": dict(targets),
        "pool": None if pool is None else {"amount": str(pool.amount), "threshold": str(pool.threshold)},
    }


# --- computation -----------------------------------------------------------------------------


@dataclass
class Measured:
    """One indicator of one faculty before scoring."""

    numerator: int
    denominator: int | None
    value: Decimal | None
    previous: Decimal | None
    target: Decimal
    origin: str


@dataclass
class Computation:
    year: int
    parameters: dict[str, Any]
    faculties: list[Faculty]
    measured: dict[str, dict[str, Measured]]
    outcomes: list[scoring.FacultyOutcome]
    summary: dict[str, Any] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        """The run's JSON document, as ASSESSMENT.md shows it."""
        return {"year": self.year, "faculties": [outcome.as_json() for outcome in self.outcomes]}


def _value(kind: str, code: str, numerator: int, headcount: int | None, running_programs: int | None):
    if code == C.PROGRAM_TEACHER_TRAINING and not running_programs:
        # Applicable only to a faculty with a program running in the year (``rules.program_running``).
        return None
    if kind == YES_NO:
        return Decimal(1 if numerator else 0)
    if kind == RATE:
        return scoring.ratio(numerator, headcount, percent=True)
    if kind == RATIO:
        return scoring.ratio(numerator, headcount, percent=False)
    return Decimal(numerator)


def compute(*, year: int, parameters: dict[str, Any]) -> Computation:
    """Compute year Y's assessment with the given parameters, without saving anything."""
    faculties = list(Faculty.objects.active().order_by("code"))
    ids = [f.pk for f in faculties]
    years = (year, year - 1)
    indicators = parameters["indicators"]
    codes = {i["code"] for i in indicators}

    counts: dict[str, dict[tuple[int, int], int]] = {}
    needed = set(codes)
    if C.PROGRAM_TEACHER_TRAINING in codes:
        needed.add(C.COOPERATIVE_PROGRAMS)
    for code in sorted(needed):
        counts[code] = load_counts(RULES[code], faculty_ids=ids, years=years)

    # Only verified headcounts: a FacultyYear never verified is a missing headcount (the rate
    # does not apply), and one with a change awaiting verification still holds its verified
    # values in its own fields.
    headcounts: dict[tuple[int, int], FacultyYear] = {
        (fy.year, fy.faculty_id): fy
        for fy in FacultyYear.objects.filter(counted(), faculty_id__in=ids, year__in=years)
    }

    def headcount(code: str, y: int, fid: int) -> int | None:
        row = headcounts.get((y, fid))
        attribute = DENOMINATORS.get(code)
        return None if row is None or attribute is None else getattr(row, attribute)

    office_targets = parameters.get("targets") or {}
    measured: dict[str, dict[str, Measured]] = {}
    for faculty in faculties:
        fid = faculty.pk
        programs = counts.get(C.COOPERATIVE_PROGRAMS, {}).get((year, fid))
        row: dict[str, Measured] = {}
        for spec in indicators:
            code, kind = spec["code"], spec["kind"]
            numerator = counts[code][(year, fid)]
            denominator = headcount(code, year, fid)
            value = _value(kind, code, numerator, denominator, programs)
            previous = None
            if kind != YES_NO:
                previous = _value(kind, code, counts[code][(year - 1, fid)], headcount(code, year - 1, fid),
                                  counts.get(C.COOPERATIVE_PROGRAMS, {}).get((year - 1, fid)))
            office_value = office_targets.get(faculty.code, {}).get(code)
            office = None if office_value is None else Decimal(office_value)
            target = scoring.derive_target(
                kind=kind, floor=Decimal(spec["floor"]), growth=Decimal(spec["growth_percent"]) / 100,
                previous=previous, office_value=office,
            )
            if office is not None:
                origin = IndicatorResult.TargetOrigin.OFFICE
            elif kind == YES_NO:
                origin = IndicatorResult.TargetOrigin.YES_NO
            elif previous is None or target == Decimal(spec["floor"]):
                origin = IndicatorResult.TargetOrigin.FLOOR
            else:
                origin = IndicatorResult.TargetOrigin.DERIVED
            row[code] = Measured(numerator, denominator, value, previous, target, origin)
        measured[faculty.code] = row

    pool = parameters.get("pool")
    outcomes = scoring.score_faculties(
        measurements={fc: {code: (m.value, m.target) for code, m in row.items()} for fc, row in measured.items()},
        weights={i["code"]: Decimal(i["weight"]) for i in indicators},
        pool_amount=None if pool is None else Decimal(pool["amount"]),
        threshold=Decimal(pool["threshold"]) if pool else Decimal(0),
    )
    computation = Computation(year, parameters, faculties, measured, outcomes)
    computation.summary = _summary(computation, counts, headcounts, ids)
    return computation


# Per-faculty numerators the dashboard adds up into university-wide figures.
SUMMED = (
    C.TEACHERS_ABROAD, C.FOREIGN_TEACHER_SEMESTERS, C.OVERSEAS_SCHOLAR_LECTURES, C.CONFERENCES_HOSTED,
    C.INTL_PUBLICATIONS_PER_TEACHER, C.COOPERATIVE_PROGRAMS,
)


def _summary(computation: Computation, counts, headcounts, ids) -> dict[str, Any]:
    """University-wide figures of year Y: totals, the average score, and counts by country.

    Four queries whatever the data size: partners and their countries (an agreement of any
    faculty or university-wide, in force in Y and overlapping it), mobilities of Y by country
    and direction, the distinct outbound students of Y, and the teacher mobilities that name no
    staff member.  Like the indicators, they count verified mobilities only, and the
    headcounts are the verified ones ``compute`` loaded.
    """
    year = computation.year
    totals: dict[str, Any] = {}
    for code in SUMMED:
        if code in counts:
            totals[code] = sum(counts[code][(year, fid)] for fid in ids)
    totals["teachers"] = sum(fy.teachers for (y, _fid), fy in headcounts.items() if y == year)
    totals["students"] = sum(fy.students for (y, _fid), fy in headcounts.items() if y == year)

    agreements = Agreement.objects.filter(agreement_in_force(year), agreement_overlaps(year))
    partners_by_country = {
        str(row["partner__country"]): row["n"]
        for row in agreements.order_by().values("partner__country").annotate(n=Count("partner", distinct=True))
    }
    totals["partners"] = sum(partners_by_country.values())

    mobilities: dict[str, dict[str, int]] = defaultdict(lambda: {"outbound": 0, "inbound": 0})
    inbound_by_faculty: dict[str, int] = defaultdict(int)  # the dashboard's figure, by faculty
    for row in (
        Mobility.objects.filter(counted(), dated_in("starts_on", year)).exclude(status="cancelled")
        .order_by().values("country", "direction", "faculty__code").annotate(n=Count("pk"))
    ):
        mobilities[str(row["country"])][row["direction"]] += row["n"]
        if row["direction"] == "inbound":
            inbound_by_faculty[row["faculty__code"]] += row["n"]
    totals["mobilities_outbound"] = sum(m["outbound"] for m in mobilities.values())
    totals["mobilities_inbound"] = sum(m["inbound"] for m in mobilities.values())
    totals["students_abroad"] = (
        Mobility.objects.filter(counted(), dated_in("starts_on", year), direction="outbound", person_kind="student",
                                status="completed").values("person_id").distinct().count()
    )

    # Teacher mobilities that would count but name no staff member: shown on the scorecard
    # so the office can link them.
    unlinked = {
        row["faculty__code"]: row["n"]
        for row in Mobility.objects.filter(
            counted(), dated_in("starts_on", year), faculty_id__in=ids, direction="outbound", person_kind="teacher",
            status="completed", activity__in=TEACHER_ABROAD_ACTIVITIES, staff_member__isnull=True,
        ).order_by().values("faculty__code").annotate(n=Count("pk"))
    }

    scores = [o.score for o in computation.outcomes]
    pool = computation.parameters.get("pool")
    return {
        "unlinked_teacher_mobilities": unlinked,
        "totals": totals,
        "average_score": str(scoring.round2(sum(scores, Decimal(0)) / len(scores))) if scores else None,
        "pool": pool,
        "paid": str(sum((o.incentive for o in computation.outcomes), Decimal("0.00"))),
        "partners_by_country": partners_by_country,
        "mobilities_by_country": dict(mobilities),
        "inbound_by_faculty": dict(inbound_by_faculty),
    }


# --- the run ---------------------------------------------------------------------------------


def assessment_run(*, year: int, by=None, trigger: str = AssessmentRun.Trigger.COMMAND,
                   parameters: dict[str, Any] | None = None) -> AssessmentRun:
    """Compute and store year Y's assessment.

    With ``parameters`` (an earlier run's ``parameters``) the run repeats that run's rules
    instead of the ones in force, so the same data gives the same result.
    """
    params = parameters if parameters is not None else current_parameters(year)
    computation = compute(year=year, parameters=params)
    with transaction.atomic():
        run = AssessmentRun.objects.create(
            year=year, created_by=by, trigger=trigger, parameters=params, summary=computation.summary,
            document=computation.document(),
        )
        _store(run, computation)
        # The dashboard's sensitivity table re-scores the run 27 times: done once, here.
        run.summary = {**run.summary, "sensitivity": sensitivity_for_summary(run)}
        run.save(update_fields=["summary"])
    return run


def _store(run: AssessmentRun, computation: Computation) -> None:
    faculty_by_code = {f.code: f for f in computation.faculties}
    positions = {spec["code"]: index for index, spec in enumerate(computation.parameters["indicators"])}
    scores, results = [], []
    for outcome in computation.outcomes:
        faculty = faculty_by_code[outcome.code]
        scores.append(FacultyScore(
            run=run, faculty=faculty, faculty_code=outcome.code, score=outcome.score, rank=outcome.rank,
            incentive=outcome.incentive, flagged=outcome.flagged,
        ))
        for code, indicator in outcome.indicators.items():
            m = computation.measured[outcome.code][code]
            results.append(IndicatorResult(
                run=run, faculty=faculty, faculty_code=outcome.code, indicator=code, position=positions[code],
                weight=indicator.weight, numerator=Decimal(m.numerator), denominator=m.denominator,
                value=_stored(m.value), previous_value=_stored(m.previous), target=m.target,
                target_origin=m.origin, achievement=_stored(indicator.achievement), applicable=indicator.applicable,
            ))
    FacultyScore.objects.bulk_create(scores)
    IndicatorResult.objects.bulk_create(results)


_TEN_PLACES = Decimal("1E-10")


def _stored(value: Decimal | None) -> Decimal | None:
    """A value for a ``decimal_places=10`` column (the exact numbers live in ``document``)."""
    if value is None:
        return None
    return value.quantize(_TEN_PLACES)
