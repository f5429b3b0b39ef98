"""Cooperative program pages: access, the one-third check on the page, the lifecycle
buttons, and what each list costs."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import escape

from programs.models import CooperativeProgram, ProgramCourse
from staff.models import TeachingAssignment
from tests.factories import (
    CooperativeProgramFactory,
    ProgramCourseFactory,
    ProgramEnrollmentFactory,
    ProgramTeacherTrainingFactory,
    StaffMemberFactory,
    TeachingAssignmentFactory,
)

pytestmark = pytest.mark.django_db
Status = CooperativeProgram.Status


def url(name, *args):
    return reverse(f"programs:{name}", args=args)


@pytest.fixture
def program_a(faculty_a):
    return CooperativeProgramFactory(faculty=faculty_a, code="A-UK", name_zh="机械工程中英合作办学项目")


def record_of(kind, program):
    return {
        "program": lambda: program,
        "course": lambda: ProgramCourseFactory(program=program),
        "enrollment": lambda: ProgramEnrollmentFactory(program=program, year=2025),
        "training": lambda: ProgramTeacherTrainingFactory(program=program),
    }[kind]()


KINDS = ["program", "course", "enrollment", "training"]


@pytest.mark.parametrize("kind", KINDS)
def test_an_anonymous_visitor_is_sent_to_sign_in(kind, personas, program_a):
    record = record_of(kind, program_a)
    for page in (url(f"{kind}-list"), url(f"{kind}-detail", record.pk)):
        response = personas["anonymous"].get(page)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("kind", KINDS)
def test_every_role_reads_what_it_may_see(kind, personas, program_a):
    record = record_of(kind, program_a)
    for persona in ("office", "leader", "coord_a"):
        assert personas[persona].get(url(f"{kind}-list")).status_code == 200
        assert personas[persona].get(url(f"{kind}-detail", record.pk)).status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_a_coordinator_cannot_see_another_faculty_program_records(kind, personas, program_a):
    record = record_of(kind, program_a)
    for page in (url(f"{kind}-detail", record.pk), url(f"{kind}-edit", record.pk), url(f"{kind}-delete", record.pk)):
        assert personas["coord_b"].get(page).status_code == 404
    assert personas["coord_b"].get(url(f"{kind}-list")).context["paginator"].count == 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_leader_never_gets_a_write_form(kind, personas, program_a):
    record = record_of(kind, program_a)
    assert personas["leader"].get(url(f"{kind}-create")).status_code == 403
    assert personas["leader"].get(url(f"{kind}-edit", record.pk)).status_code == 403
    assert personas["leader"].post(url(f"{kind}-delete", record.pk)).status_code == 403


def test_the_program_itself_is_the_office_s_and_its_courses_the_coordinator_s(personas, program_a):
    course = ProgramCourseFactory(program=program_a)

    assert personas["coord_a"].get(url("program-create")).status_code == 403
    assert personas["coord_a"].get(url("program-edit", program_a.pk)).status_code == 403
    assert personas["coord_a"].get(url("course-edit", course.pk)).status_code == 200
    assert personas["office"].get(url("program-edit", program_a.pk)).status_code == 200


def test_the_program_page_names_the_failing_rule_and_the_shortfall(personas, program_a):
    # 6 courses, 3 core; only one introduced course: two more are needed to reach 2 of 6.
    ProgramCourseFactory(program=program_a, is_core=True, is_introduced=True, hours=60, partner_taught_hours=60)
    ProgramCourseFactory(program=program_a, is_core=True, hours=60, partner_taught_hours=20)
    ProgramCourseFactory(program=program_a, is_core=True, hours=60, partner_taught_hours=10)
    ProgramCourseFactory.create_batch(3, program=program_a, hours=20)

    response = personas["leader"].get(url("program-detail", program_a.pk), HTTP_ACCEPT_LANGUAGE="en")

    check = response.context["one_third"]
    assert [r.code for r in check.failing] == ["introduced_courses"]
    html = response.content.decode()
    assert "1 / 6" in html
    assert escape(check.failing[0].shortfall_text) in html


def test_a_program_without_courses_says_none_are_recorded(personas, program_a):
    response = personas["office"].get(url("program-detail", program_a.pk))

    assert not response.context["one_third"].assessable
    assert escape(response.context["one_third"].results[0].shortfall_text) in response.content.decode()


def test_the_program_list_counts_and_filters_breaching_programs(personas, program_a, faculty_b):
    ok = CooperativeProgramFactory(faculty=faculty_b, code="B-OK")
    ProgramCourseFactory(program=ok, is_core=True, is_introduced=True, partner_taught_hours=48)
    CooperativeProgramFactory(faculty=faculty_b, code="B-NEW", status=Status.PROPOSED)

    response = personas["office"].get(url("program-list"))
    assert response.context["breaching_count"] == 1

    response = personas["office"].get(url("program-list"), {"breaching": "true"})
    assert [p.code for p in response.context["object_list"]] == ["A-UK"]
    response = personas["office"].get(url("program-list"), {"breaching": "false"})
    assert [p.code for p in response.context["object_list"]] == ["B-OK"]


def test_a_coordinator_counts_only_their_faculty_breaching_programs(personas, program_a, faculty_b):
    CooperativeProgramFactory(faculty=faculty_b)

    assert personas["coord_a"].get(url("program-list")).context["breaching_count"] == 1


def test_the_office_moves_a_program_along_its_lifecycle_from_its_page(personas, program_a):
    program_a.status = Status.DECLARED
    program_a.save()

    page = personas["office"].get(url("program-detail", program_a.pk))
    assert [a["name"] for a in page.context["actions"]] == ["approve", "close"]

    response = personas["office"].post(url("program-transition", program_a.pk, "approve"), {
        "approve-approval_no": "MOE44GB2A20250001N", "approve-approved_on": "2025-06-01",
        "approve-expires_on": "2031-06-01", "approve-comment": ""})

    assert response.status_code == 302
    program_a.refresh_from_db()
    assert (program_a.status, program_a.approval_no) == (Status.APPROVED, "MOE44GB2A20250001N")


def test_an_approval_without_its_number_is_refused_with_a_message(personas, program_a):
    program_a.status = Status.DECLARED
    program_a.save()

    response = personas["office"].post(url("program-transition", program_a.pk, "approve"), {
        "approve-approved_on": "2025-06-01"}, follow=True)

    program_a.refresh_from_db()
    assert program_a.status == Status.DECLARED
    assert list(response.context["messages"])


@pytest.mark.parametrize(("persona", "status"), [("leader", 403), ("coord_a", 403), ("coord_b", 404)])
def test_only_the_office_may_move_a_program(persona, status, personas, program_a):
    response = personas[persona].post(url("program-transition", program_a.pk, "suspend"),
                                      {"suspend-comment": "暂停招生"})

    assert response.status_code == status
    program_a.refresh_from_db()
    assert program_a.status == Status.ENROLLING
    if persona != "coord_b":
        assert personas[persona].get(url("program-detail", program_a.pk)).context["actions"] == []


def test_the_lifecycle_only_answers_posts(personas, program_a):
    assert personas["office"].get(url("program-transition", program_a.pk, "suspend")).status_code == 405


def test_partner_hours_above_the_course_hours_are_refused(personas, program_a):
    response = personas["coord_a"].post(url("course-create"), {
        "program": program_a.pk, "course": "Thermodynamics", "credits": "3", "hours": "48",
        "partner_taught_hours": "60"})

    assert response.status_code == 200
    assert "partner_taught_hours" in response.context["form"].errors
    assert 'value="Thermodynamics"' in response.content.decode()
    assert not ProgramCourse.objects.exists()


def test_a_second_enrolment_for_the_same_year_is_refused(personas, program_a):
    ProgramEnrollmentFactory(program=program_a, year=2025)

    response = personas["coord_a"].post(url("enrollment-create"), {"program": program_a.pk, "year": 2025,
                                                                   "students": 80})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_training_dated_outside_its_year_is_refused(personas, program_a):
    response = personas["coord_a"].post(url("training-create"), {
        "program": program_a.pk, "year": 2025, "date": "2024-07-01", "title": "全英文授课能力培训",
        "participants": 10})

    assert "date" in response.context["form"].errors


def test_the_program_page_lists_only_the_teaching_the_reader_may_see(personas, program_a, faculty_b):
    """A teacher of faculty B may teach in A's program: A's coordinator sees the program, not B's
    teacher and assignment (whose page would answer 404); the office and leaders see both."""
    in_program = {"context": TeachingAssignment.Context.COOPERATIVE_PROGRAM, "program": program_a}
    own = TeachingAssignmentFactory(staff_member=StaffMemberFactory(faculty=program_a.faculty, name="Own Teacher"),
                                    course="Own Faculty Course", **in_program)
    other = TeachingAssignmentFactory(staff_member=StaffMemberFactory(faculty=faculty_b, name="Outside Teacher"),
                                      course="Outside Faculty Course", **in_program)
    page = url("program-detail", program_a.pk)

    response = personas["coord_a"].get(page)
    assert list(response.context["teaching"]) == [own]
    html = response.content.decode()
    assert "Own Faculty Course" in html and "Own Teacher" in html
    assert "Outside Faculty Course" not in html and "Outside Teacher" not in html
    assert other.get_absolute_url() not in html
    for persona in ("office", "leader"):
        assert set(personas[persona].get(page).context["teaching"]) == {own, other}


LIST_FACTORIES = {
    "program": lambda faculty: ProgramCourseFactory(program__faculty=faculty),
    "course": lambda faculty: ProgramCourseFactory(program__faculty=faculty),
    "enrollment": lambda faculty: ProgramEnrollmentFactory(program__faculty=faculty),
    "training": lambda faculty: ProgramTeacherTrainingFactory(program__faculty=faculty),
}


@pytest.mark.parametrize(("kind", "persona", "expected"), [
    # session, user, roles, count, page of programs with their course counts (one aggregate),
    # breaching programs (one aggregate), notifications badge, faculty choices of the filter
    ("program", "office", 8),
    ("program", "leader", 8),
    # ... and the faculties a coordinator serves
    ("program", "coord_a", 9),
    # session, user, roles, count, notifications badge, faculty choices, program choices, page of rows
    ("course", "office", 8),
    ("enrollment", "office", 8),
    ("training", "office", 8),
    ("training", "coord_a", 9),
])
def test_a_list_runs_the_same_queries_for_one_row_and_for_many(kind, persona, expected, personas, faculty_a,
                                                               django_assert_num_queries):
    LIST_FACTORIES[kind](faculty_a)
    with django_assert_num_queries(expected):
        assert personas[persona].get(url(f"{kind}-list")).status_code == 200
    for _ in range(10):
        LIST_FACTORIES[kind](faculty_a)
    with django_assert_num_queries(expected):
        response = personas[persona].get(url(f"{kind}-list"))
    assert len(response.context["object_list"]) == 11


def test_the_program_page_does_not_grow_with_courses(personas, program_a, django_assert_num_queries):
    # session, user, roles, program with counts, partners, content type, workflow steps,
    # notifications badge, courses, enrolments, trainings, teaching assignments
    # (the content type is cached per process: clear it so the count does not depend on
    # which test ran first)
    ProgramCourseFactory(program=program_a)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(12):
        personas["office"].get(url("program-detail", program_a.pk))
    ProgramCourseFactory.create_batch(8, program=program_a)
    ProgramTeacherTrainingFactory.create_batch(3, program=program_a)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(12):
        personas["office"].get(url("program-detail", program_a.pk))
