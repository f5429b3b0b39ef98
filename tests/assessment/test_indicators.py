"""Each indicator counts exactly what the rulebook says, for year 2025 (shared/ASSESSMENT.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from assessment.models import Indicator, IndicatorResult
from assessment.services import assessment_run
from exchanges.models import Event
from faculties.models import InternationalizationPlan
from programs.models import CooperativeProgram
from staff.models import LanguageAssessment, StaffMember
from tests.factories import (
    AgreementFactory,
    CooperativeProgramFactory,
    EventFactory,
    FacultyFactory,
    FacultyYearFactory,
    LanguageAssessmentFactory,
    MobilityFactory,
    PartnerFactory,
    PlanFactory,
    ProgramTeacherTrainingFactory,
    PublicationFactory,
    SiteUpdateFactory,
    StaffMemberFactory,
    TeachingAssignmentFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def indicator(code: str, faculty="A", year=2025) -> dict:
    document = assessment_run(year=year).document
    entry = next(f for f in document["faculties"] if f["code"] == faculty)
    return entry["indicators"][code]


@pytest.fixture
def fa(db):
    faculty = FacultyFactory(code="A")
    FacultyYearFactory(faculty=faculty, year=2025, teachers=40, students=800)
    return faculty


def test_plan_approved_needs_an_approved_plan_covering_the_year(fa):
    PlanFactory(faculty=fa, first_year=2021, last_year=2024, status=InternationalizationPlan.Status.APPROVED)
    PlanFactory(faculty=fa, first_year=2025, last_year=2027, status=InternationalizationPlan.Status.SUBMITTED)
    assert indicator("plan_approved")["value"] == 0.0
    PlanFactory(faculty=fa, first_year=2023, last_year=2025, status=InternationalizationPlan.Status.APPROVED)
    assert indicator("plan_approved") == {"value": 1.0, "target": 1.0, "achievement": 1.0, "applicable": True}


def test_partners_counts_distinct_partners_of_agreements_in_force_and_overlapping_the_year(fa):
    oxford = PartnerFactory(name="Oxford")
    AgreementFactory(in_2025=True, partner=oxford, faculties=[fa])
    AgreementFactory(in_2025=True, partner=oxford, faculties=[fa], kind="student_exchange")  # same partner: once
    AgreementFactory(in_2025=True, faculties=[fa], starts_on=D(2020, 1, 1), ends_on=None)  # open-ended
    AgreementFactory(in_2025=True, faculties=[fa], starts_on=D(2025, 12, 31),
                     ends_on=D(2026, 12, 31))  # starts on the last day
    AgreementFactory(in_2025=True, faculties=[fa], starts_on=D(2020, 1, 1),
                     ends_on=D(2025, 1, 1))  # ends on the first day
    AgreementFactory(in_2025=True, faculties=[fa], starts_on=D(2020, 1, 1), ends_on=D(2024, 12, 31))  # ended before
    AgreementFactory(in_2025=True, faculties=[fa], starts_on=D(2026, 1, 1))  # not yet
    AgreementFactory(in_2025=True, faculties=[fa], status="terminated")  # no termination date: no year
    AgreementFactory(in_2025=True, faculties=[fa], status="terminated", terminated_on=D(2025, 1, 1))  # in force
    AgreementFactory(in_2025=True, faculties=[fa], status="terminated", terminated_on=D(2024, 12, 31))
    AgreementFactory(in_2025=True, faculties=[fa], status="draft")
    AgreementFactory(in_2025=True, faculties=[])  # university-wide: counts for no faculty
    assert indicator("partners")["value"] == 5.0


def test_an_agreement_listing_two_faculties_counts_for_both(fa):
    other = FacultyFactory(code="B")
    AgreementFactory(in_2025=True, faculties=[fa, other])
    document = assessment_run(year=2025).document
    assert {f["code"]: f["indicators"]["partners"]["value"] for f in document["faculties"]} == {"A": 1.0, "B": 1.0}


def test_teachers_abroad_counts_distinct_linked_staff_members_on_qualifying_mobilities(fa):
    wang, li = StaffMemberFactory(faculty=fa), StaffMemberFactory(faculty=fa)
    MobilityFactory(in_2025=True, faculty=fa, staff_member=wang, activity="conference")
    MobilityFactory(in_2025=True, faculty=fa, staff_member=wang, activity="lecture")  # the same teacher again
    MobilityFactory(in_2025=True, faculty=fa, staff_member=li, activity="joint_research", starts_on=D(2025, 12, 31),
                    ends_on=D(2026, 1, 5))
    MobilityFactory(in_2025=True, faculty=fa, staff_member=None)  # no staff member linked: cannot count
    MobilityFactory(in_2025=True, faculty=fa, staff_member=StaffMemberFactory(faculty=fa), activity="semester_exchange")
    MobilityFactory(in_2025=True, faculty=fa, staff_member=StaffMemberFactory(faculty=fa), status="approved")
    MobilityFactory(in_2025=True, faculty=fa, staff_member=StaffMemberFactory(faculty=fa), direction="inbound")
    MobilityFactory(in_2025=True, faculty=fa, staff_member=StaffMemberFactory(faculty=fa), starts_on=D(2024, 12, 31))
    MobilityFactory(in_2025=True, faculty=fa, staff_member=StaffMemberFactory(faculty=fa), person_kind="administrator")
    assert indicator("teachers_abroad")["value"] == 2.0


def test_teacher_overseas_share_counts_active_domestic_staff_with_a_degree_or_a_long_stay(fa):
    StaffMemberFactory(faculty=fa, has_overseas_degree=True)
    ninety = StaffMemberFactory(faculty=fa)
    # 1 Jan to 31 Mar 2025 is 90 days, end - start + 1.
    MobilityFactory(in_2025=True, faculty=fa, staff_member=ninety, starts_on=D(2025, 1, 1), ends_on=D(2025, 3, 31))
    short = StaffMemberFactory(faculty=fa)
    MobilityFactory(in_2025=True, faculty=fa, staff_member=short, starts_on=D(2025, 1, 1), ends_on=D(2025, 3, 30))
    late = StaffMemberFactory(faculty=fa)
    MobilityFactory(in_2025=True, faculty=fa, staff_member=late, starts_on=D(2025, 11, 1), ends_on=D(2026, 2, 1))
    earlier = StaffMemberFactory(faculty=fa)  # a long stay years ago still counts
    MobilityFactory(in_2025=True, faculty=fa, staff_member=earlier, person_kind="student", starts_on=D(2019, 2, 1),
                    ends_on=D(2019, 7, 1), faculty__code="OTHER")
    cancelled = StaffMemberFactory(faculty=fa)
    MobilityFactory(in_2025=True, faculty=fa, staff_member=cancelled, status="cancelled", starts_on=D(2025, 1, 1),
                    ends_on=D(2025, 6, 30))
    StaffMemberFactory(faculty=fa, has_overseas_degree=True, left_on=D(2025, 12, 31))  # left within Y
    StaffMemberFactory(faculty=fa, has_overseas_degree=True, hired_on=D(2026, 1, 1))  # not yet hired
    StaffMemberFactory(faculty=fa, has_overseas_degree=True, hired_on=None, left_on=D(2026, 1, 1))
    StaffMemberFactory(faculty=fa, has_overseas_degree=True, category=StaffMember.Category.FOREIGN_TEACHER)
    StaffMemberFactory(faculty__code="B", has_overseas_degree=True)
    # degree, ninety, earlier, the one without a hire date who left after Y: 4 of 40 teachers.
    assert indicator("teacher_overseas_share")["value"] == 10.0


def test_a_rate_without_a_headcount_has_no_value_and_does_not_apply(db):
    faculty = FacultyFactory(code="A")
    StaffMemberFactory(faculty=faculty, has_overseas_degree=True)
    FacultyYearFactory(faculty=faculty, year=2024, teachers=10)  # last year's headcount only
    result = indicator("teacher_overseas_share")
    # The target still grows last year's 10 % by 5 %, but there is no value to compare with it.
    assert result == {"value": None, "target": 10.5, "achievement": None, "applicable": False}


def test_a_zero_headcount_makes_a_rate_not_applicable(db):
    FacultyYearFactory(faculty=FacultyFactory(code="A"), year=2025, teachers=0, students=0)
    assert indicator("student_overseas_share")["applicable"] is False
    assert indicator("intl_publications_per_teacher")["value"] is None


def test_student_overseas_share_counts_distinct_person_ids(fa):
    for person_id, starts_on in [("S1", D(2025, 3, 1)), ("S1", D(2025, 9, 1)), ("S2", D(2025, 3, 1)),
                                 ("S3", D(2025, 3, 1))]:
        MobilityFactory(in_2025=True, faculty=fa, person_kind="student", person_id=person_id,
                        activity="semester_exchange", starts_on=starts_on,
                        ends_on=starts_on + datetime.timedelta(days=9))
    MobilityFactory(in_2025=True, faculty=fa, person_kind="student", person_id="S4", status="planned")
    MobilityFactory(in_2025=True, faculty=fa, person_kind="student", person_id="S5", starts_on=D(2026, 1, 2),
                    ends_on=D(2026, 2, 1))
    # 3 of 800 students.
    assert indicator("student_overseas_share")["value"] == 0.38


def test_foreign_teacher_semesters_counts_staff_semester_pairs_of_the_years_semesters(fa):
    smith = StaffMemberFactory(faculty=fa, category=StaffMember.Category.FOREIGN_TEACHER)
    expert = StaffMemberFactory(faculty=fa, category=StaffMember.Category.FOREIGN_EXPERT)
    TeachingAssignmentFactory(staff_member=smith, semester="2024-2025-2")
    TeachingAssignmentFactory(staff_member=smith, semester="2024-2025-2")  # a second course: same pair
    TeachingAssignmentFactory(staff_member=smith, semester="2025-2026-1")
    TeachingAssignmentFactory(staff_member=expert, semester="2025-2026-1")
    TeachingAssignmentFactory(staff_member=expert, semester="2024-2025-1")  # autumn 2024
    TeachingAssignmentFactory(staff_member=expert, semester="2025-2026-2")  # spring 2026
    TeachingAssignmentFactory(staff_member=StaffMemberFactory(faculty=fa), semester="2025-2026-1")  # domestic
    TeachingAssignmentFactory(staff_member__faculty__code="B", semester="2025-2026-1")
    assert indicator("foreign_teacher_semesters")["value"] == 3.0


def test_events_are_counted_by_kind_and_date(fa):
    EventFactory(faculty=fa, kind=Event.Kind.OVERSEAS_SCHOLAR_LECTURE, date=D(2025, 1, 1))
    EventFactory(faculty=fa, kind=Event.Kind.OVERSEAS_SCHOLAR_LECTURE, date=D(2024, 12, 31))
    for kind in ["conference_hosted", "seminar_coorganized", "summer_school_hosted"]:
        EventFactory(faculty=fa, kind=kind, date=D(2025, 12, 31))
    EventFactory(in_2025=True, faculty__code="B", kind="conference_hosted")
    assert indicator("overseas_scholar_lectures")["value"] == 1.0
    assert indicator("conferences_hosted")["value"] == 3.0


def test_international_publications_per_teacher_uses_the_authors_faculty(fa):
    author = StaffMemberFactory(faculty=fa)
    PublicationFactory.create_batch(3, in_2025=True, staff_member=author)
    PublicationFactory(in_2025=True, staff_member=author, is_international=False)
    PublicationFactory(staff_member=author, year=2024)
    PublicationFactory(in_2025=True, staff_member__faculty__code="B")
    assert indicator("intl_publications_per_teacher")["value"] == 0.08  # 3 / 40 = 0.075, half up


def test_cooperative_programs_count_approved_and_enrolling_programs(fa):
    # Without a status history, a program's current status and approval date decide.
    CooperativeProgramFactory(faculty=fa, status=CooperativeProgram.Status.APPROVED)
    CooperativeProgramFactory(faculty=fa, status=CooperativeProgram.Status.ENROLLING)
    CooperativeProgramFactory(faculty=fa, status=CooperativeProgram.Status.ENROLLING, approved_on=None)
    CooperativeProgramFactory(faculty=fa, status=CooperativeProgram.Status.CLOSED)
    CooperativeProgramFactory(faculty=fa, status=CooperativeProgram.Status.APPROVED, approved_on=D(2026, 1, 1))
    assert indicator("cooperative_programs")["value"] == 3.0


def test_a_faculty_without_programs_has_a_zero_target_so_programs_do_not_apply(fa):
    assert indicator("cooperative_programs") == {
        "value": 0.0, "target": 0.0, "achievement": None, "applicable": False,
    }


def test_program_teacher_training_applies_only_to_faculties_running_a_program(fa):
    closed = CooperativeProgramFactory(faculty=fa, status=CooperativeProgram.Status.CLOSED)
    ProgramTeacherTrainingFactory(program=closed)
    assert indicator("program_teacher_training")["applicable"] is False
    CooperativeProgramFactory(faculty=fa, status=CooperativeProgram.Status.APPROVED)
    # Any program of the faculty may hold the training, the closed one too.
    assert indicator("program_teacher_training") == {
        "value": 1.0, "target": 1.0, "achievement": 1.0, "applicable": True,
    }


def test_program_teacher_training_is_zero_without_a_training_in_the_year(fa):
    program = CooperativeProgramFactory(faculty=fa)
    ProgramTeacherTrainingFactory(program=program, year=2024, date=D(2024, 7, 1))
    assert indicator("program_teacher_training")["value"] == 0.0


@pytest.mark.parametrize(
    ("updated", "expected"),
    [
        ([D(2025, 12, 31)], 1.0),
        ([D(2025, 1, 1), D(2025, 6, 1)], 1.0),  # updated twice: still yes
        ([D(2024, 12, 31), D(2026, 1, 1)], 0.0),  # before and after the year, not in it
        ([], 0.0),
    ],
)
def test_foreign_site_updated_needs_an_update_in_the_log_dated_in_the_year(db, updated, expected):
    faculty = FacultyFactory(code="A", foreign_site_url="https://a.example.edu.cn/en/")
    for day in updated:
        SiteUpdateFactory(faculty=faculty, updated_on=day)
    assert indicator("foreign_site_updated")["value"] == expected


def test_the_faculty_row_no_longer_decides_whether_the_site_was_updated(db):
    FacultyFactory(code="A", foreign_site_url="https://a.example.edu.cn/en/", foreign_site_updated_on=D(2025, 6, 1))
    assert indicator("foreign_site_updated")["value"] == 0.0


def test_teacher_language_pass_share_counts_domestic_staff_passed_by_the_end_of_the_year(fa):
    LanguageAssessmentFactory(staff_member__faculty=fa, date=D(2022, 5, 1))
    LanguageAssessmentFactory(staff_member__faculty=fa, date=D(2025, 12, 31))
    LanguageAssessmentFactory(staff_member__faculty=fa, date=D(2026, 1, 1))
    LanguageAssessmentFactory(staff_member__faculty=fa, result=LanguageAssessment.Result.FAIL)
    LanguageAssessmentFactory(staff_member__faculty=fa, staff_member__left_on=D(2025, 7, 1))
    LanguageAssessmentFactory(staff_member__faculty=fa, staff_member__category="foreign_expert")
    twice = StaffMemberFactory(faculty=fa)
    LanguageAssessmentFactory(staff_member=twice)
    LanguageAssessmentFactory(staff_member=twice, date=D(2025, 3, 1))  # passed twice: counted once
    assert indicator("teacher_language_pass_share")["value"] == 7.5  # 3 of 40


def test_inactive_faculties_are_left_out_and_inactive_indicators_are_not_assessed(fa):
    FacultyFactory(code="OLD", is_active=False)
    Indicator.objects.filter(code="partners").update(is_active=False)
    document = assessment_run(year=2025).document
    assert [f["code"] for f in document["faculties"]] == ["A"]
    assert "partners" not in document["faculties"][0]["indicators"]
    assert len(document["faculties"][0]["indicators"]) == 12


def test_a_derived_target_grows_last_years_unrounded_value(fa):
    FacultyYearFactory(faculty=fa, year=2024, students=6)
    MobilityFactory(in_2025=True, faculty=fa, person_kind="student", starts_on=D(2024, 4, 1), ends_on=D(2024, 4, 9))
    run = assessment_run(year=2025)
    result = IndicatorResult.objects.get(run=run, indicator="student_overseas_share")
    assert result.previous_value == Decimal("16.6666666667")
    # 16.666… × 1.10 = 18.333… -> 18.33; rounding last year's value first would give 18.34.
    assert result.target == Decimal("18.33")
    assert result.target_origin == IndicatorResult.TargetOrigin.DERIVED
