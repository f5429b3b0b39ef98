"""Working days in mainland China: weekends and public holidays off, make-up working days on.

A notice "for 5 working days" (出访公示) or a deadline in working days is counted with the
holiday calendar the State Council publishes each year, make-up working days (调休) included:
the maintained ``chinese-calendar`` package holds it. The package knows the years up to its
release; for a later year (its calendar not yet published) a working day is Monday to Friday,
and ``covered(day)`` says whether the count for that day is the official one.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def covered(day: date) -> bool:
    """Whether the official holiday calendar of ``day``'s year is known."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date) -> bool:
    """A working day: Monday to Friday except public holidays, and a make-up Saturday or Sunday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package does not know yet
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The last of ``days`` working days counted from the day after ``start``: a notice posted
    on ``start`` for ``days`` working days ends at the close of the returned day.
    ``days`` = 0 is ``start`` itself."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    left = days
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(first: date, last: date) -> int:
    """The working days from ``first`` to ``last``, both included (0 when ``last`` < ``first``)."""
    count = 0
    day = first
    while day <= last:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count
