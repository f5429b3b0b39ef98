"""The rulebook's arithmetic (shared/ASSESSMENT.md), case by case, without a database."""

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

from assessment.scoring import (
    FacultyOutcome,
    achievement,
    derive_target,
    faculty_score,
    rank,
    ratio,
    round2,
    score_faculties,
    split_incentives,
    to_json_amount,
    to_json_number,
)

D = Decimal


# Rounding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (D("0.005"), D("0.01")),
        (D("2.675"), D("2.68")),
        (D("2.665"), D("2.67")),
        (D("0.004"), D("0.00")),
        (D("1.0049999"), D("1.00")),
        (D("87.125"), D("87.13")),
        (D("3"), D("3.00")),
    ],
)
def test_round2_rounds_half_up_to_two_decimals(x: Decimal, expected: Decimal) -> None:
    result = round2(x)
    assert result == expected
    assert result.as_tuple().exponent == -2


def test_round2_does_not_depend_on_the_callers_decimal_context() -> None:
    with localcontext() as ctx:
        ctx.prec = 3
        assert round2(D("12345.675")) == D("12345.68")


# Ratios -----------------------------------------------------------------------------------


@pytest.mark.parametrize("denominator", [None, 0, D("0")])
def test_ratio_is_not_applicable_without_a_headcount(denominator: Decimal | int | None) -> None:
    assert ratio(D(3), denominator, percent=True) is None
    assert ratio(D(3), denominator, percent=False) is None


@pytest.mark.parametrize(
    ("numerator", "denominator", "percent", "expected"),
    [
        (D(3), D(4), True, D(75)),
        (D(3), D(4), False, D("0.75")),
        (D(0), D(40), True, D(0)),
        (D(1), D(3), True, D("33.33333333333333333333333333")),
        (D(2), D(3), False, D("0.6666666666666666666666666667")),
    ],
)
def test_ratio_keeps_the_value_unrounded(
    numerator: Decimal, denominator: Decimal, percent: bool, expected: Decimal
) -> None:
    assert ratio(numerator, denominator, percent=percent) == expected


# Targets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "office_value"),
    [("count", D("7")), ("yesno", D("0")), ("rate", D("0")), ("ratio", D("0.35"))],
)
def test_a_target_the_office_set_wins(kind: str, office_value: Decimal) -> None:
    target = derive_target(
        kind=kind, floor=D(1), growth=D("0.10"), previous=D(50), office_value=office_value
    )
    assert target == office_value


@pytest.mark.parametrize("kind", ["yesno", "yes_no", "yes-no"])
@pytest.mark.parametrize("previous", [None, D(0), D(1)])
def test_a_yes_no_indicators_target_is_one(kind: str, previous: Decimal | None) -> None:
    target = derive_target(kind=kind, floor=D(0), growth=D(0), previous=previous, office_value=None)
    assert target == D(1)


@pytest.mark.parametrize(
    ("previous", "growth", "floor", "expected"),
    [
        (D(2), D("0.10"), D(1), D("2.20")),
        (D(3), D("0.10"), D(1), D("3.30")),
        (D("2.15"), D("0.10"), D(1), D("2.37")),  # 2.365 exactly: half up, not to even
        (D("1.05"), D("0.05"), D(0), D("1.10")),  # 1.1025
        (D("33.33333333333333333333333333"), D("0.10"), D(1), D("36.67")),
        (D(5), D(0), D(2), D(5)),
        (D(2), D(0), D(2), D(2)),
    ],
)
def test_a_derived_target_grows_last_years_value_and_rounds_half_up(
    previous: Decimal, growth: Decimal, floor: Decimal, expected: Decimal
) -> None:
    target = derive_target(
        kind="count", floor=floor, growth=growth, previous=previous, office_value=None
    )
    assert target == expected


@pytest.mark.parametrize(
    ("previous", "growth", "floor"),
    [
        (D(0), D("0.10"), D(1)),
        (D("0.5"), D("0.10"), D(1)),  # 0.55 is below the floor
        (D(1), D(0), D(2)),
        (D(0), D("0.05"), D(0)),
    ],
)
def test_a_derived_target_is_never_below_the_floor(
    previous: Decimal, growth: Decimal, floor: Decimal
) -> None:
    assert (
        derive_target(
            kind="count", floor=floor, growth=growth, previous=previous, office_value=None
        )
        == floor
    )


@pytest.mark.parametrize("floor", [D(0), D(1), D(2)])
def test_a_target_without_an_applicable_previous_value_is_the_floor(floor: Decimal) -> None:
    target = derive_target(
        kind="rate", floor=floor, growth=D("0.10"), previous=None, office_value=None
    )
    assert target == floor


# Achievement ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (D(1), D(2), D("0.5")),
        (D(0), D(1), D(0)),
        (D(2), D("2.20"), D("0.9090909090909090909090909091")),
        (D("2.4"), D(2), D("1.2")),
        (D(3), D("2.2"), D("1.2")),  # capped
        (D(100), D(1), D("1.2")),
    ],
)
def test_achievement_is_value_over_target_capped_at_one_point_two(
    value: Decimal, target: Decimal, expected: Decimal
) -> None:
    assert achievement(value, target) == expected


@pytest.mark.parametrize("value", [D(0), D(3)])
def test_a_target_of_zero_makes_the_indicator_not_applicable(value: Decimal) -> None:
    assert achievement(value, D(0)) is None
    assert achievement(value, D("0.00")) is None


def test_an_indicator_without_an_applicable_value_is_not_applicable() -> None:
    assert achievement(None, D(1)) is None


# Scores -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([(D(10), D("1.2")), (D(5), None), (D(15), D("0.5"))], D("78.00")),
        ([(D(10), D(1))], D("100.00")),
        ([(D(10), D("1.2"))], D("120.00")),
        ([(D(1), D("0.87125"))], D("87.13")),  # half up
        ([(D(5), D(1)), (D(10), D(0)), (D(15), None)], D("33.33")),
        ([(D(5), D(1)), (D(10), D(1)), (D(15), None)], D("100.00")),
    ],
)
def test_a_score_weighs_only_the_applicable_indicators(
    items: list[tuple[Decimal, Decimal | None]], expected: Decimal
) -> None:
    score, flagged = faculty_score(items)
    assert score == expected
    assert score.as_tuple().exponent == -2
    assert flagged is False


@pytest.mark.parametrize(
    "items",
    [
        [],
        [(D(10), None)],
        [(D(10), None), (D(5), None)],
        [(D(0), D(1)), (D(10), None)],  # applicable, but weighs nothing
    ],
)
def test_a_faculty_with_nothing_to_weigh_scores_zero_and_is_flagged(
    items: list[tuple[Decimal, Decimal | None]],
) -> None:
    assert faculty_score(items) == (D("0.00"), True)


def test_an_applicable_indicator_of_weight_zero_changes_nothing() -> None:
    with_it = faculty_score([(D(0), D(1)), (D(10), D("0.5"))])
    without_it = faculty_score([(D(10), D("0.5"))])
    assert with_it == without_it == (D("50.00"), False)


def test_a_negative_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        faculty_score([(D(-1), D(1))])


# Ranks ------------------------------------------------------------------------------------


def test_equal_scores_share_a_rank_and_the_next_rank_skips() -> None:
    scores = {
        "LAW": D("70.00"),
        "EE": D("80.00"),
        "CS": D("90.00"),
        "ME": D("80.00"),
        "ART": D("60.00"),
    }
    assert rank(scores) == [
        ("CS", D("90.00"), 1),
        ("EE", D("80.00"), 2),
        ("ME", D("80.00"), 2),
        ("LAW", D("70.00"), 4),
        ("ART", D("60.00"), 5),
    ]


def test_faculties_with_equal_scores_are_listed_by_code() -> None:
    scores = {"ZOO": D("50.00"), "BIO": D("50.0"), "AAA": D("10.00"), "MED": D("50")}
    assert [(code, position) for code, _, position in rank(scores)] == [
        ("BIO", 1),
        ("MED", 1),
        ("ZOO", 1),
        ("AAA", 4),
    ]


def test_ranking_nobody_gives_an_empty_list() -> None:
    assert rank({}) == []


# Incentives -------------------------------------------------------------------------------


def test_an_uneven_split_gives_the_extra_fen_to_the_first_code_on_equal_remainders() -> None:
    shares = split_incentives(
        amount=D("100.00"), threshold=D(60), scores={"C": D(70), "A": D(70), "B": D(70)}
    )
    assert shares == {"A": D("33.34"), "B": D("33.33"), "C": D("33.33")}


def test_the_left_over_fen_go_to_the_largest_remainders() -> None:
    # Exact shares in fen: A 30.95, B 33.33, C 35.71; two fen are left over and go to A and C.
    shares = split_incentives(
        amount=D("1.00"), threshold=D(60), scores={"A": D(65), "B": D(70), "C": D(75)}
    )
    assert shares == {"A": D("0.31"), "B": D("0.33"), "C": D("0.36")}


def test_equal_remainders_are_served_by_faculty_code() -> None:
    # Exact shares in fen: A 30.5, B 31, C 38.5; the one fen left over goes to A before C.
    shares = split_incentives(
        amount=D("1.00"), threshold=D(60), scores={"C": D(77), "B": D(62), "A": D(61)}
    )
    assert shares == {"A": D("0.31"), "B": D("0.31"), "C": D("0.38")}


def test_faculties_below_the_threshold_get_nothing() -> None:
    shares = split_incentives(
        amount=D("150.00"),
        threshold=D(60),
        scores={"A": D("59.99"), "B": D("60.00"), "C": D("90.00")},
    )
    assert shares == {"A": D("0.00"), "B": D("60.00"), "C": D("90.00")}


@pytest.mark.parametrize(
    ("threshold", "scores"),
    [
        (D(60), {"A": D("59.99"), "B": D("10.00")}),
        (D(60), {"A": D("0.00")}),
        (D(0), {"A": D("0.00"), "B": D("0.00")}),  # eligible, but their scores add up to 0
    ],
)
def test_with_no_eligible_faculty_nothing_is_paid(
    threshold: Decimal, scores: dict[str, Decimal]
) -> None:
    shares = split_incentives(amount=D("1000.00"), threshold=threshold, scores=scores)
    assert shares == dict.fromkeys(scores, D("0.00"))
    assert all(share.as_tuple().exponent == -2 for share in shares.values())


def test_splitting_among_no_faculty_gives_nothing() -> None:
    assert split_incentives(amount=D("100.00"), threshold=D(60), scores={}) == {}


@pytest.mark.parametrize("amount", [D("100.001"), D("-1.00")])
def test_a_pool_that_is_not_a_whole_number_of_fen_is_refused(amount: Decimal) -> None:
    with pytest.raises(ValueError, match="fen"):
        split_incentives(amount=amount, threshold=D(60), scores={"A": D(70)})


SCORE_SETS = [
    {"A": D("70.00")},
    {"A": D("70.00"), "B": D("70.00"), "C": D("70.00")},
    {"A": D("61.37"), "B": D("99.99"), "C": D("73.21"), "D": D("60.00"), "E": D("12.00")},
    {f"F{i:02}": D(60) + D(i) / 7 for i in range(23)},
    {"CS": D("120.00"), "EE": D("0.01"), "ME": D("87.50"), "LAW": D("87.50")},
]
AMOUNTS = [D("0.00"), D("0.01"), D("0.02"), D("1.00"), D("100.00"), D("99999.99"), D("123456.78")]


@pytest.mark.parametrize("amount", AMOUNTS)
@pytest.mark.parametrize("scores", SCORE_SETS)
def test_the_shares_always_add_up_to_the_pool_exactly(
    amount: Decimal, scores: dict[str, Decimal]
) -> None:
    threshold = D("0.01")
    shares = split_incentives(amount=amount, threshold=threshold, scores=scores)
    assert sum(shares.values()) == amount
    assert set(shares) == set(scores)
    total = sum(scores.values())
    for code, share in shares.items():
        exact = Fraction(amount) * Fraction(scores[code]) / Fraction(total)
        assert share.as_tuple().exponent == -2
        assert share >= 0
        assert abs(Fraction(share) - exact) < Fraction(1, 100)


# JSON -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (None, None),
        (D("2.675"), 2.68),
        (D("33.33333333333333333333333333"), 33.33),
        (D("1.2"), 1.2),
        (D(3), 3.0),
    ],
)
def test_json_numbers_are_shown_to_two_decimals(d: Decimal | None, expected: float | None) -> None:
    assert to_json_number(d) == expected


def test_json_amounts_are_strings_with_two_decimals() -> None:
    assert to_json_amount(D("120000")) == "120000.00"
    assert to_json_amount(D("0.00")) == "0.00"


# A whole run ------------------------------------------------------------------------------


def test_scoring_a_run_scores_ranks_and_pays_every_faculty() -> None:
    weights = {"partners": D(10), "student_overseas_share": D(15), "cooperative_programs": D(5)}
    measurements = {
        "EE": {
            "partners": (D(1), D("2.20")),
            "student_overseas_share": (None, D(1)),  # no student headcount
            "cooperative_programs": (D(0), D(0)),
        },
        "CS": {
            "partners": (D(3), D("2.20")),
            "student_overseas_share": (D("1.5"), D(1)),
            "cooperative_programs": (D(0), D(0)),
        },
        "ME": {
            "partners": (None, D(1)),
            "student_overseas_share": (None, D(1)),
            "cooperative_programs": (D(1), D(0)),
        },
    }
    outcomes = score_faculties(
        measurements=measurements, weights=weights, pool_amount=D("1000.00"), threshold=D(60)
    )

    assert [(o.code, o.score, o.rank, o.flagged, o.incentive) for o in outcomes] == [
        ("CS", D("120.00"), 1, False, D("1000.00")),
        ("EE", D("45.45"), 2, False, D("0.00")),  # 1 ÷ 2.2 = 0.4545…
        ("ME", D("0.00"), 3, True, D("0.00")),
    ]
    cs: FacultyOutcome = outcomes[0]
    assert cs.as_json() == {
        "code": "CS",
        "score": 120.0,
        "rank": 1,
        "incentive": "1000.00",
        "flagged": False,
        "indicators": {
            "partners": {"value": 3.0, "target": 2.2, "achievement": 1.2, "applicable": True},
            "student_overseas_share": {
                "value": 1.5,
                "target": 1.0,
                "achievement": 1.2,
                "applicable": True,
            },
            "cooperative_programs": {
                "value": 0.0,
                "target": 0.0,
                "achievement": None,
                "applicable": False,
            },
        },
    }


def test_scoring_a_run_without_a_pool_pays_nobody() -> None:
    outcomes = score_faculties(
        measurements={"CS": {"partners": (D(3), D(2))}},
        weights={"partners": D(10)},
        pool_amount=None,
        threshold=D(60),
    )
    assert [(o.code, o.score, o.incentive) for o in outcomes] == [("CS", D("120.00"), D("0.00"))]


def test_scoring_a_run_sums_exact_achievements_not_their_rounded_forms() -> None:
    # 1/3 and 2/3 of the target: the exact weighted mean is 50 % of 1, i.e. 50.00 exactly.
    outcomes = score_faculties(
        measurements={"CS": {"a": (D(1), D(3)), "b": (D(2), D(3))}},
        weights={"a": D(1), "b": D(1)},
        pool_amount=D("0.00"),
        threshold=D(60),
    )
    assert outcomes[0].score == D("50.00")
