"""Working days with the mainland China holiday calendar (issue 17's public-notice period),
across the 2026 Spring Festival (15–23 February off; Saturday 14 and Saturday 28 February
worked) and National Day (1–7 October off; Sunday 20 September and Saturday 10 October worked)."""

from __future__ import annotations

from datetime import date

import pytest

from intlportal import workdays

D = date


@pytest.mark.parametrize(("day", "working"), [
    (D(2026, 2, 13), True),   # Friday before the Spring Festival
    (D(2026, 2, 14), True),   # Saturday, made up
    (D(2026, 2, 15), False),  # Sunday, first day off
    (D(2026, 2, 16), False),  # Monday, a holiday
    (D(2026, 2, 23), False),  # Monday, last day off
    (D(2026, 2, 24), True),
    (D(2026, 2, 28), True),   # Saturday, made up
    (D(2026, 3, 7), False),   # an ordinary Saturday
    (D(2026, 9, 20), True),   # Sunday, made up before National Day
    (D(2026, 10, 1), False),
    (D(2026, 10, 7), False),
    (D(2026, 10, 8), True),
    (D(2026, 10, 10), True),  # Saturday, made up
    (D(2026, 10, 11), False),  # Sunday
])
def test_the_2026_calendar(day, working):
    assert workdays.is_working_day(day) is working
    assert workdays.covered(day)


def test_five_working_days_across_the_spring_festival():
    # Posted Thursday 12 February: 13 (Fri), 14 (Sat, made up), then the holiday, then 24, 25, 26.
    assert workdays.add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)
    assert workdays.working_days_between(D(2026, 2, 13), D(2026, 2, 26)) == 5


def test_five_working_days_across_national_day():
    # Posted Friday 18 September: 20 (Sun, made up), 21, 22, 23, 24.
    assert workdays.add_working_days(D(2026, 9, 18), 5) == D(2026, 9, 24)
    # Posted Tuesday 29 September: 30, then the holiday, then 8, 9, 10 (Sat, made up), 12.
    assert workdays.add_working_days(D(2026, 9, 29), 5) == D(2026, 10, 12)
    assert workdays.working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 5


def test_an_ordinary_week_and_the_edges():
    assert workdays.add_working_days(D(2026, 3, 6), 5) == D(2026, 3, 13)  # Friday to Friday
    assert workdays.add_working_days(D(2026, 3, 6), 0) == D(2026, 3, 6)
    assert workdays.working_days_between(D(2026, 3, 9), D(2026, 3, 8)) == 0
    with pytest.raises(ValueError):
        workdays.add_working_days(D(2026, 3, 6), -1)


def test_a_year_the_calendar_does_not_know_counts_monday_to_friday():
    far = D(2099, 10, 1)  # a Thursday; whatever the holidays of 2099 will be, they are not published
    assert not workdays.covered(far)
    assert workdays.is_working_day(far)
    assert not workdays.is_working_day(D(2099, 10, 3))  # Saturday
    assert workdays.add_working_days(D(2099, 10, 1), 2) == D(2099, 10, 5)
