"""Loading the one-third counts from the database and finding breaching programs."""

import pytest

from programs.models import CooperativeProgram
from programs.rules import CourseCounts
from programs.selectors import breaching_programs, course_counts, one_third_check
from tests.factories import CooperativeProgramFactory, ProgramCourseFactory

pytestmark = pytest.mark.django_db


def compliant_program(**kwargs):
    """Three courses: one introduced core course taught partly by the partner, two local ones."""
    program = CooperativeProgramFactory(**kwargs)
    ProgramCourseFactory(program=program, is_core=True, is_introduced=True, hours=60, partner_taught_hours=40)
    ProgramCourseFactory(program=program, is_core=True, hours=30)
    ProgramCourseFactory(program=program, hours=30)
    return program


def test_course_counts_are_aggregated_in_the_program_query():
    program = compliant_program()
    ProgramCourseFactory(program=program, is_core=True, is_introduced=False, hours=10, partner_taught_hours=5)

    annotated = CooperativeProgram.objects.with_course_counts().get(pk=program.pk)

    assert course_counts(annotated) == CourseCounts(
        courses=4, core_courses=3, introduced_courses=1, introduced_core_courses=1,
        partner_taught_core_courses=2, hours=130, partner_taught_hours=45)


def test_a_program_without_courses_counts_zero_everywhere():
    program = CooperativeProgramFactory()

    assert course_counts(CooperativeProgram.objects.with_course_counts().get(pk=program.pk)) == CourseCounts()


def test_breaching_programs_lists_active_programs_that_fail_a_rule(django_assert_num_queries):
    compliant_program(code="OK")
    breaching = CooperativeProgramFactory(code="BAD")
    ProgramCourseFactory.create_batch(3, program=breaching, is_core=True)  # nothing introduced
    CooperativeProgramFactory(code="EMPTY", status=CooperativeProgram.Status.APPROVED)
    # Not approved or enrolling: not counted, whatever their courses.
    CooperativeProgramFactory(code="NEW", status=CooperativeProgram.Status.PROPOSED)
    CooperativeProgramFactory(code="SHUT", status=CooperativeProgram.Status.CLOSED)

    # 1 query: the active programs with their course counts and faculty.
    with django_assert_num_queries(1):
        found = breaching_programs()

    assert {c.program.code: [r.code for r in c.check.failing] for c in found} == {
        "BAD": ["introduced_courses", "introduced_core_courses", "partner_core_courses", "partner_hours"],
        "EMPTY": ["no_courses"],
    }


def test_breaching_programs_can_be_narrowed_to_a_faculty(faculty_a, faculty_b):
    CooperativeProgramFactory(faculty=faculty_a, code="A1")
    CooperativeProgramFactory(faculty=faculty_b, code="B1")

    found = breaching_programs(CooperativeProgram.objects.filter(faculty=faculty_a))

    assert [c.program.code for c in found] == ["A1"]


def test_one_third_check_of_a_plain_program_loads_its_counts():
    program = compliant_program()

    assert one_third_check(CooperativeProgram.objects.get(pk=program.pk)).passed
