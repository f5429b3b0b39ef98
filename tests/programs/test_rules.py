"""The Ministry's one-third rules, as pure arithmetic: no database."""

from fractions import Fraction

import pytest
from django.utils import translation

from programs.rules import CourseCounts, check_one_third_rules, needed_for_one_third

# 9 courses, 6 of them core: exactly one third of everything is introduced / partner-taught.
EXACTLY_ONE_THIRD = CourseCounts(courses=9, core_courses=6, introduced_courses=3, introduced_core_courses=2,
                                 partner_taught_core_courses=3, hours=300, partner_taught_hours=100)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def rule(check, code):
    return next(r for r in check.results if r.code == code)


def test_a_program_at_exactly_one_third_meets_every_rule():
    check = check_one_third_rules(EXACTLY_ONE_THIRD)

    assert check.passed
    assert [r.share for r in check.results] == [Fraction(1, 3)] * 4
    assert all(r.shortfall == 0 and r.shortfall_text == "" for r in check.results)


@pytest.mark.parametrize(
    ("change", "code", "shortfall"),
    [
        ({"introduced_courses": 2}, "introduced_courses", 1),
        ({"introduced_core_courses": 1}, "introduced_core_courses", 1),
        ({"partner_taught_core_courses": 2}, "partner_core_courses", 1),
        ({"partner_taught_hours": 99}, "partner_hours", 1),
    ],
)
def test_a_program_just_under_one_third_fails_that_rule_alone_by_one(change, code, shortfall):
    counts = CourseCounts(**{**EXACTLY_ONE_THIRD.__dict__, **change})

    check = check_one_third_rules(counts)

    assert [r.code for r in check.failing] == [code]
    assert rule(check, code).shortfall == shortfall
    assert rule(check, code).share < Fraction(1, 3)


def test_the_shortfall_says_how_many_more_courses_are_needed():
    counts = CourseCounts(courses=10, core_courses=6, introduced_courses=1, introduced_core_courses=2,
                          partner_taught_core_courses=4, hours=320, partner_taught_hours=200)

    failing = check_one_third_rules(counts).failing

    assert [r.code for r in failing] == ["introduced_courses"]
    # ceil(10 / 3) = 4 introduced courses are needed; 1 is there.
    assert failing[0].shortfall == 3
    assert failing[0].shortfall_text == "3 more introduced courses needed"


def test_the_hours_shortfall_is_counted_in_hours():
    counts = CourseCounts(**{**EXACTLY_ONE_THIRD.__dict__, "hours": 301, "partner_taught_hours": 90})

    result = rule(check_one_third_rules(counts), "partner_hours")

    assert not result.passed
    assert result.shortfall == 11  # ceil(301 / 3) = 101 hours
    assert result.shortfall_text == "11 more hours taught by partner teachers needed"


def test_a_program_with_no_courses_is_a_breach_of_no_courses_recorded():
    check = check_one_third_rules(CourseCounts())

    assert not check.passed
    assert not check.assessable
    assert [r.code for r in check.failing] == ["no_courses"]
    assert check.results[0].share is None


def test_courses_without_any_core_course_fail_the_core_course_rules():
    counts = CourseCounts(courses=6, core_courses=0, introduced_courses=3, hours=200, partner_taught_hours=100)

    check = check_one_third_rules(counts)

    assert check.assessable
    assert {r.code for r in check.failing} == {"introduced_core_courses", "partner_core_courses"}
    assert rule(check, "introduced_core_courses").share is None
    assert "No core courses recorded" in rule(check, "introduced_core_courses").shortfall_text


def test_courses_without_hours_fail_the_hours_rule_instead_of_dividing_by_zero():
    counts = CourseCounts(**{**EXACTLY_ONE_THIRD.__dict__, "hours": 0, "partner_taught_hours": 0})

    result = rule(check_one_third_rules(counts), "partner_hours")

    assert not result.passed
    assert result.share is None


@pytest.mark.parametrize(("numerator", "denominator", "needed"),
                         [(0, 1, 1), (0, 3, 1), (1, 3, 0), (1, 4, 1), (2, 7, 1), (0, 0, 0), (5, 6, 0)])
def test_needed_for_one_third_is_the_smallest_whole_number_that_reaches_one_third(numerator, denominator, needed):
    assert needed_for_one_third(numerator, denominator) == needed
    if denominator:
        assert Fraction(numerator + needed, denominator) >= Fraction(1, 3)
        if needed:
            assert Fraction(numerator + needed - 1, denominator) < Fraction(1, 3)
