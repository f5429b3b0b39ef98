"""The Ministry's “one-third” rules for Sino-foreign cooperative programs, as pure arithmetic.

A program passes when all four hold:

1. ``introduced_courses``: courses introduced from the partner ≥ 1/3 of all courses;
2. ``introduced_core_courses``: introduced core courses ≥ 1/3 of the core courses;
3. ``partner_core_courses``: core courses taught by the partner's teachers ≥ 1/3 of all
   courses.  A *partner-taught core course* is a core course with at least one hour taught
   by the partner's teachers (``partner_taught_hours > 0``);
4. ``partner_hours``: hours taught by the partner's teachers ≥ 1/3 of all teaching hours.

Exactly one third passes.  Shares are exact fractions: no rounding decides a pass.

Edge cases, decided with the office:

* **No courses recorded**: the rules cannot be checked.  The result is a single failing
  rule ``no_courses`` (“no courses recorded”) so an approved or enrolling program without a
  curriculum in the portal is flagged instead of passing silently.
* **Courses but no core course**: rule 2 fails (“no core courses recorded”): the Ministry
  counts introduced core courses, and a program without core courses has none.
* **No teaching hours** (every course at 0 hours) makes rule 4 fail the same way.

The shortfall is the smallest number of courses (or hours) that would have to change —
a course becoming introduced, a core course getting a partner teacher, hours moving to the
partner's teachers — with the totals unchanged.

Nothing here touches the database: ``programs.selectors`` loads the counts and calls
:func:`check_one_third_rules`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ONE_THIRD = Fraction(1, 3)


@dataclass(frozen=True)
class CourseCounts:
    """What the rules need to know about a program's courses."""

    courses: int = 0
    core_courses: int = 0
    introduced_courses: int = 0
    introduced_core_courses: int = 0
    partner_taught_core_courses: int = 0
    hours: int = 0
    partner_taught_hours: int = 0


@dataclass(frozen=True)
class RuleResult:
    code: str
    name: str
    numerator: int
    denominator: int
    passed: bool
    shortfall: int
    shortfall_text: str = ""
    required: Fraction = ONE_THIRD

    @property
    def share(self) -> Fraction | None:
        """The actual share, or None when the denominator is zero."""
        if self.denominator == 0:
            return None
        return Fraction(self.numerator, self.denominator)

    @property
    def share_percent(self) -> float | None:
        share = self.share
        return None if share is None else float(share * 100)


@dataclass(frozen=True)
class OneThirdCheck:
    results: tuple[RuleResult, ...]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failing(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    @property
    def assessable(self) -> bool:
        return not any(r.code == "no_courses" for r in self.results)


def needed_for_one_third(numerator: int, denominator: int) -> int:
    """How many more units the numerator needs so that numerator/denominator ≥ 1/3."""
    required = -(-denominator // 3)  # ceil(denominator / 3), exact in integers
    return max(0, required - numerator)


def _rule(code, name, numerator, denominator, shortfall_text, empty_text) -> RuleResult:
    if denominator == 0:
        return RuleResult(code, name, numerator, denominator, passed=False, shortfall=0,
                          shortfall_text=str(empty_text))
    passed = Fraction(numerator, denominator) >= ONE_THIRD
    shortfall = 0 if passed else needed_for_one_third(numerator, denominator)
    return RuleResult(code, name, numerator, denominator, passed=passed, shortfall=shortfall,
                      shortfall_text="" if passed else shortfall_text(shortfall))


def check_one_third_rules(counts: CourseCounts) -> OneThirdCheck:
    """Check the four one-third rules against a program's course counts."""
    if counts.courses == 0:
        return OneThirdCheck(results=(
            RuleResult("no_courses", _("Courses recorded"), 0, 0, passed=False, shortfall=0,
                       shortfall_text=_("No courses recorded: add the program's courses so "
                                     "the one-third rules can be checked.")),
        ))
    results = (
        _rule(
            "introduced_courses", _("Introduced courses ≥ 1/3 of all courses"),
            counts.introduced_courses, counts.courses,
            lambda n: ngettext("%(n)d more introduced course needed",
                               "%(n)d more introduced courses needed", n) % {"n": n},
            "",
        ),
        _rule(
            "introduced_core_courses", _("Introduced core courses ≥ 1/3 of core courses"),
            counts.introduced_core_courses, counts.core_courses,
            lambda n: ngettext("%(n)d more introduced core course needed",
                               "%(n)d more introduced core courses needed", n) % {"n": n},
            _("No core courses recorded: mark the program's core courses."),
        ),
        _rule(
            "partner_core_courses", _("Partner-taught core courses ≥ 1/3 of all courses"),
            counts.partner_taught_core_courses, counts.courses,
            lambda n: ngettext("%(n)d more core course taught by partner teachers needed",
                               "%(n)d more core courses taught by partner teachers needed", n)
            % {"n": n},
            "",
        ),
        _rule(
            "partner_hours", _("Partner-taught hours ≥ 1/3 of all hours"),
            counts.partner_taught_hours, counts.hours,
            lambda n: ngettext("%(n)d more hour taught by partner teachers needed",
                               "%(n)d more hours taught by partner teachers needed", n) % {"n": n},
            _("No teaching hours recorded: enter the hours of each course."),
        ),
    )
    return OneThirdCheck(results=results)
