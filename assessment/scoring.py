"""The arithmetic of the office's rulebook (shared/ASSESSMENT.md).

Targets, achievements, scores, ranks and the incentive split.

Pure functions of plain values: ``Decimal`` in, ``Decimal`` out, no Django and no database.
The assessment service loads the numbers, calls these functions and stores what they return.

``None`` always means *not applicable*: a rate whose headcount is missing or zero, an
indicator whose target is 0, ``program_teacher_training`` for a faculty without a program.

The rulebook keeps values unrounded and rounds only what it says to round (targets derived
from growth, and scores), half up to two decimals. Sums, products and the incentive split are
therefore done exactly with ``Fraction``; a quotient returned as a ``Decimal`` carries 28
significant digits, computed in this module's own context so the caller's context never
changes a result.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ACHIEVEMENT_CAP = Decimal("1.2")

# The kind of a yes-no indicator. The other spellings are accepted so that a choice stored
# as "yes_no" cannot silently send a yes-no indicator through the growth rule.
YES_NO = "yesno"
_YES_NO_KINDS = frozenset({YES_NO, "yes_no", "yes-no"})

_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
_CAP = Fraction(ACHIEVEMENT_CAP)
_HALF = Fraction(1, 2)

# (value, target) of one indicator for one faculty; value None when not applicable.
Measurement = tuple[Decimal | None, Decimal]


def round2(x: Decimal) -> Decimal:
    """Round ``x`` half up (away from zero on a tie) to two decimals: 2.675 -> 2.68."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP, context=_CONTEXT)


def _round2_exact(q: Fraction) -> Decimal:
    """Round an exact rational half up to two decimals, exactly as ``round2`` does."""
    cents = q * 100
    magnitude = (abs(cents) + _HALF) // 1
    return Decimal(f"{-magnitude if cents < 0 else magnitude}E-2")


def _to_decimal(q: Fraction) -> Decimal:
    """An exact rational as a Decimal of 28 significant digits (exact when it terminates)."""
    with localcontext(_CONTEXT):
        return Decimal(q.numerator) / Decimal(q.denominator)


def ratio(
    numerator: Decimal | int, denominator: Decimal | int | None, *, percent: bool
) -> Decimal | None:
    """The value of a rate or ratio indicator, unrounded.

    ``None`` (not applicable) when the denominator (a headcount) is missing or zero.
    With ``percent`` the quotient is multiplied by 100: 1 of 3 teachers is 33.333…%.
    """
    if denominator is None or denominator == 0:
        return None
    quotient = Fraction(numerator) / Fraction(denominator)
    return _to_decimal(quotient * 100 if percent else quotient)


def derive_target(
    *,
    kind: str,
    floor: Decimal,
    growth: Decimal,
    previous: Decimal | None,
    office_value: Decimal | None,
) -> Decimal:
    """The target of one indicator for one faculty in year Y.

    - ``office_value``, a target the office set by hand, wins (even 0, which makes the
      indicator not applicable).
    - A yes-no indicator's target is 1.
    - Otherwise max(floor, round2(previous * (1 + growth))), where ``growth`` is a fraction
      (``Decimal("0.10")`` for 10 %) and ``previous`` is the indicator's value for Y - 1.
      When ``previous`` is not applicable (``None``) the target is the floor.

    The product is computed exactly before it is rounded, so a tie such as 2.15 * 1.10 =
    2.365 rounds up to 2.37.
    """
    if office_value is not None:
        return office_value
    if kind in _YES_NO_KINDS:
        return Decimal(1)
    if previous is None:
        return floor
    grown = _round2_exact(Fraction(previous) * (1 + Fraction(growth)))
    return max(floor, grown)


def _achievement_exact(value: Decimal | None, target: Decimal) -> Fraction | None:
    if value is None or target == 0:
        return None
    return min(Fraction(value) / Fraction(target), _CAP)


def achievement(value: Decimal | None, target: Decimal) -> Decimal | None:
    """Achievement a = min(value ÷ target, 1.2), unrounded.

    ``None`` (not applicable) when the value is not applicable or the target is 0: there is
    nothing to reach.
    """
    exact = _achievement_exact(value, target)
    if exact is None:
        return None
    return _to_decimal(exact)


def _score_exact(
    items: Iterable[tuple[Decimal, Fraction | Decimal | None]],
) -> tuple[Decimal, bool]:
    weighted = Fraction(0)
    total_weight = Fraction(0)
    for weight, achieved in items:
        if weight < 0:
            raise ValueError(f"An indicator weight cannot be negative: {weight}.")
        if achieved is None:
            continue
        w = weight if type(weight) is Fraction else Fraction(weight)
        weighted += w * (achieved if type(achieved) is Fraction else Fraction(achieved))
        total_weight += w
    if total_weight == 0:
        return ZERO, True
    return _round2_exact(100 * weighted / total_weight), False


def achievements(measurements: Mapping[str, Mapping[str, Measurement]]) -> dict[str, list[tuple[str, Fraction | None]]]:
    """{faculty: [(indicator, exact achievement or None)]}: what ``rank_by_weights`` re-weighs."""
    return {faculty: [(code, _achievement_exact(value, target)) for code, (value, target) in indicators.items()]
            for faculty, indicators in measurements.items()}


def rank_by_weights(achieved: Mapping[str, list[tuple[str, Fraction | None]]],
                    weights: Mapping[str, Decimal]) -> dict[str, int]:
    """{faculty: rank} with these weights: the ranks ``score_faculties`` gives, without the
    achievements computed again or the incentives split."""
    exact = {code: Fraction(weight) for code, weight in weights.items()}
    scores = {faculty: _score_exact([(exact[code], a) for code, a in items])[0] for faculty, items in achieved.items()}
    return {faculty: position for faculty, _score, position in rank(scores)}


def faculty_score(items: Iterable[tuple[Decimal, Decimal | None]]) -> tuple[Decimal, bool]:
    """A faculty's score S and whether it is flagged.

    ``items`` are (weight, achievement) pairs, one per indicator; an achievement of ``None``
    marks an indicator not applicable to the faculty, which leaves both sums. The score is
    100 * Σ weight·a ÷ Σ weight over the applicable indicators, rounded half up to two
    decimals.

    A faculty with no applicable indicator scores 0.00 and is flagged. An applicable
    indicator of weight 0 adds 0 to both sums, so it changes nothing; if every applicable
    indicator weighs 0 there is nothing to divide by, and the faculty likewise scores 0.00
    and is flagged. A negative weight raises ``ValueError``.
    """
    return _score_exact(items)


def rank(scores: Mapping[str, Decimal]) -> list[tuple[str, Decimal, int]]:
    """(faculty code, score, rank) triples, highest score first.

    Equal scores share a rank and the next rank skips (1, 2, 2, 4); faculties with equal
    scores are listed by code.
    """
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    ranked: list[tuple[str, Decimal, int]] = []
    for position, (code, score) in enumerate(ordered, start=1):
        if ranked and ranked[-1][1] == score:
            ranked.append((code, score, ranked[-1][2]))
        else:
            ranked.append((code, score, position))
    return ranked


def split_incentives(
    *, amount: Decimal, threshold: Decimal, scores: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Split the incentive pool among the eligible faculties, to the fen.

    A faculty is eligible when its score S ≥ ``threshold``. Each eligible faculty receives
    amount * S ÷ Σ S(eligible) floored to the fen; the fen left over go one each to the
    largest remainders (exact share - floored share), equal remainders by faculty code. The
    shares add up to ``amount`` exactly.

    Returns a share, with two decimals, for every faculty of ``scores`` (keyed and ordered
    by code); a faculty that is not eligible gets 0.00. With no eligible faculty, or when
    the eligible scores add up to 0, nothing is paid and everybody gets 0.00.

    ``amount`` must be a non-negative whole number of fen, or ``ValueError`` is raised.
    """
    pool_fen = Fraction(amount) * 100
    if pool_fen < 0 or pool_fen.denominator != 1:
        raise ValueError(f"An incentive pool must be a non-negative amount in fen: {amount}.")
    codes = sorted(scores)
    shares_fen = dict.fromkeys(codes, 0)
    eligible = [code for code in codes if scores[code] >= threshold]
    total = sum((Fraction(scores[code]) for code in eligible), Fraction(0))
    if total > 0:
        remainders: dict[str, Fraction] = {}
        for code in eligible:
            exact = pool_fen * Fraction(scores[code]) / total
            shares_fen[code] = int(exact // 1)
            remainders[code] = exact - shares_fen[code]
        left_over = int(pool_fen) - sum(shares_fen.values())
        by_remainder = sorted(eligible, key=lambda code: (-remainders[code], code))
        for code in by_remainder[:left_over]:
            shares_fen[code] += 1
    return {code: Decimal(f"{fen}E-2") for code, fen in shares_fen.items()}


def to_json_number(d: Decimal | None) -> float | None:
    """A value, target, achievement or score as the JSON document shows it.

    Rounded half up to two decimals, as a float; ``None`` stays ``None`` (JSON null).
    """
    if d is None:
        return None
    return float(round2(d))


def to_json_amount(d: Decimal) -> str:
    """An amount of money as the JSON document shows it: a string with two decimals."""
    return format(round2(d), "f")


@dataclass(frozen=True)
class IndicatorOutcome:
    """One indicator of one faculty in a run.

    ``achievement`` is ``None`` when the indicator is not applicable to the faculty (its
    value is not applicable or its target is 0).
    """

    code: str
    weight: Decimal
    value: Decimal | None
    target: Decimal
    achievement: Decimal | None

    @property
    def applicable(self) -> bool:
        return self.achievement is not None

    def as_json(self) -> dict[str, Any]:
        """The indicator's entry in the run's JSON document."""
        return {
            "value": to_json_number(self.value),
            "target": to_json_number(self.target),
            "achievement": to_json_number(self.achievement),
            "applicable": self.applicable,
        }


@dataclass(frozen=True)
class FacultyOutcome:
    """One faculty's result in a run: score, rank, incentive and its indicators."""

    code: str
    score: Decimal
    flagged: bool
    rank: int
    incentive: Decimal
    indicators: dict[str, IndicatorOutcome]

    def as_json(self) -> dict[str, Any]:
        """The faculty's entry in the run's JSON document."""
        return {
            "code": self.code,
            "score": to_json_number(self.score),
            "rank": self.rank,
            "incentive": to_json_amount(self.incentive),
            "flagged": self.flagged,
            "indicators": {code: outcome.as_json() for code, outcome in self.indicators.items()},
        }


def score_faculties(
    *,
    measurements: Mapping[str, Mapping[str, Measurement]],
    weights: Mapping[str, Decimal],
    pool_amount: Decimal | None,
    threshold: Decimal,
) -> list[FacultyOutcome]:
    """Score, rank and pay every faculty of a run.

    - ``measurements`` maps faculty code -> indicator code -> (value, target): the value
      unrounded or ``None`` when not applicable (see ``ratio``), the target as given by
      ``derive_target``.
    - ``weights`` maps indicator code -> weight; every indicator in ``measurements`` must
      have one (``KeyError`` otherwise).
    - ``pool_amount`` is the year's incentive pool, ``None`` when the year has none (then
      nobody is paid); ``threshold`` is the pool's eligibility threshold.

    Returns one ``FacultyOutcome`` per faculty in rank order (ties by code), each with its
    indicators in the order ``measurements`` gave them. Scores are computed from the exact
    achievements, not from their 28-digit ``Decimal`` forms.
    """
    scored: dict[str, tuple[Decimal, bool, dict[str, IndicatorOutcome]]] = {}
    for faculty, indicators in measurements.items():
        outcomes: dict[str, IndicatorOutcome] = {}
        items: list[tuple[Decimal, Fraction | None]] = []
        for code, (value, target) in indicators.items():
            exact = _achievement_exact(value, target)
            weight = weights[code]
            items.append((weight, exact))
            outcomes[code] = IndicatorOutcome(
                code=code,
                weight=weight,
                value=value,
                target=target,
                achievement=None if exact is None else _to_decimal(exact),
            )
        score, flagged = _score_exact(items)
        scored[faculty] = (score, flagged, outcomes)

    scores = {faculty: score for faculty, (score, _, _) in scored.items()}
    if pool_amount is None:
        incentives = dict.fromkeys(scores, ZERO)
    else:
        incentives = split_incentives(amount=pool_amount, threshold=threshold, scores=scores)
    return [
        FacultyOutcome(
            code=faculty,
            score=score,
            flagged=scored[faculty][1],
            rank=position,
            incentive=incentives[faculty],
            indicators=scored[faculty][2],
        )
        for faculty, score, position in rank(scores)
    ]
