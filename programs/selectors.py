"""Reads of cooperative programs: the one-third check of one program or many."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from programs.models import CooperativeProgram
from programs.rules import CourseCounts, OneThirdCheck, check_one_third_rules


@dataclass(frozen=True)
class ProgramCheck:
    program: CooperativeProgram
    check: OneThirdCheck


def course_counts(program: CooperativeProgram) -> CourseCounts:
    """The counts of a program annotated by ``ProgramQuerySet.with_course_counts``."""
    return CourseCounts(
        courses=program.n_courses,
        core_courses=program.n_core,
        introduced_courses=program.n_introduced,
        introduced_core_courses=program.n_introduced_core,
        partner_taught_core_courses=program.n_partner_core,
        hours=program.sum_hours,
        partner_taught_hours=program.sum_partner_hours,
    )


def one_third_check(program: CooperativeProgram) -> OneThirdCheck:
    """Check one program (one aggregate query unless it already carries the counts)."""
    if not hasattr(program, "n_courses"):
        program = CooperativeProgram.objects.with_course_counts().get(pk=program.pk)
    return check_one_third_rules(course_counts(program))


def breaching_programs(queryset: QuerySet | None = None) -> list[ProgramCheck]:
    """Approved or enrolling programs that break at least one one-third rule.

    One query, however many programs: the course counts are aggregated in the program query
    and the rules are applied in Python (``programs.rules``).  Pass a queryset to narrow it,
    e.g. ``access.scope_for(user, CooperativeProgram.objects.all())``.  Proposed, declared,
    suspended and closed programs are not counted.  A program with no courses recorded
    counts as breaching (rule ``no_courses``).
    """
    qs = CooperativeProgram.objects.all() if queryset is None else queryset
    qs = qs.active().with_course_counts().select_related("faculty").order_by("faculty__code", "code")
    checks = [ProgramCheck(program, check_one_third_rules(course_counts(program))) for program in qs]
    return [c for c in checks if not c.check.passed]
