"""Only verified evidence counts (ASSESSMENT.md, "Which records count"): a record never
verified counts for nothing, and a verified record with a change awaiting the office counts
with its last verified values — headcounts included.  The verification fields are set
directly here: how they get set is ``intlportal.verification``'s business (and its tests')."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessment.rules import RULES, counted_groups, load_counts
from assessment.services import compute, current_parameters
from intlportal.indicators import IndicatorCode as C
from intlportal.models import Verification
from staff.models import StaffMember
from tests.factories import (
    EventFactory,
    FacultyFactory,
    FacultyYearFactory,
    LanguageAssessmentFactory,
    MobilityFactory,
    ProgramTeacherTrainingFactory,
    PublicationFactory,
    SiteUpdateFactory,
    StaffMemberFactory,
    TeachingAssignmentFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
PENDING = {"verification": Verification.PENDING, "verified_at": None}


def result(code: str, faculty: str = "A", year: int = 2025) -> dict:
    document = compute(year=year, parameters=current_parameters(year)).document()
    return next(f for f in document["faculties"] if f["code"] == faculty)["indicators"][code]


def numerator(code: str, faculty, year: int = 2025) -> int:
    return load_counts(RULES[code], faculty_ids=[faculty.pk], years=[year])[(year, faculty.pk)]


def stage(record, **proposal) -> None:
    """A coordinator's change waiting on a verified record: the row keeps its values."""
    type(record).objects.filter(pk=record.pk).update(
        staged=proposal, verification=Verification.PENDING, staged_at=timezone.now())


@pytest.fixture
def fa(db):
    faculty = FacultyFactory(code="A")
    FacultyYearFactory(faculty=faculty, year=2025, teachers=40, students=800)
    return faculty


# --- never verified: nothing ---------------------------------------------------------------------

NEVER_VERIFIED = {
    C.TEACHERS_ABROAD: lambda fa, **v: MobilityFactory(
        in_2025=True, faculty=fa, staff_member=StaffMemberFactory(faculty=fa), **v),
    C.STUDENT_OVERSEAS_SHARE: lambda fa, **v: MobilityFactory(in_2025=True, faculty=fa, person_kind="student", **v),
    C.TEACHER_OVERSEAS_SHARE: lambda fa, **v: StaffMemberFactory(faculty=fa, has_overseas_degree=True, **v),
    C.FOREIGN_TEACHER_SEMESTERS: lambda fa, **v: TeachingAssignmentFactory(
        staff_member__faculty=fa, semester="2025-2026-1", **v),
    C.OVERSEAS_SCHOLAR_LECTURES: lambda fa, **v: EventFactory(
        faculty=fa, kind="overseas_scholar_lecture", date=D(2025, 4, 1), **v),
    C.CONFERENCES_HOSTED: lambda fa, **v: EventFactory(in_2025=True, faculty=fa, **v),
    C.INTL_PUBLICATIONS_PER_TEACHER: lambda fa, **v: PublicationFactory(
        in_2025=True, staff_member__faculty=fa, **v),
    C.PROGRAM_TEACHER_TRAINING: lambda fa, **v: ProgramTeacherTrainingFactory(program__faculty=fa, **v),
    C.TEACHER_LANGUAGE_PASS_SHARE: lambda fa, **v: LanguageAssessmentFactory(staff_member__faculty=fa, **v),
    C.FOREIGN_SITE_UPDATED: lambda fa, **v: SiteUpdateFactory(faculty=fa, updated_on=D(2025, 5, 1), **v),
}


@pytest.mark.parametrize("code", NEVER_VERIFIED)
def test_a_record_never_verified_counts_for_nothing_until_the_office_verifies_it(fa, code):
    record = NEVER_VERIFIED[code](fa, **PENDING)
    assert numerator(code, fa) == 0
    assert counted_groups(RULES[code], faculty_id=fa.pk, year=2025) == []
    type(record).objects.filter(pk=record.pk).update(verification=Verification.VERIFIED, verified_at=timezone.now())
    assert numerator(code, fa) == 1
    assert len(counted_groups(RULES[code], faculty_id=fa.pk, year=2025)) == 1


def test_the_verify_rule_covers_every_indicator_that_counts_verified_kinds():
    # plan_approved (plans), partners (agreements) and cooperative_programs (programs) count
    # kinds the office keeps itself, which are not verified.
    assert set(NEVER_VERIFIED) == set(C.values) - {C.PLAN_APPROVED, C.PARTNERS, C.COOPERATIVE_PROGRAMS}


def test_an_unverified_long_stay_or_language_pass_does_not_make_a_teacher_count(fa):
    stayed, passed = StaffMemberFactory(faculty=fa), StaffMemberFactory(faculty=fa)
    MobilityFactory(in_2025=True, faculty=fa, staff_member=stayed, starts_on=D(2025, 1, 1), ends_on=D(2025, 6, 30),
                    **PENDING)
    LanguageAssessmentFactory(staff_member=passed, **PENDING)
    assert numerator(C.TEACHER_OVERSEAS_SHARE, fa) == 0
    assert numerator(C.TEACHER_LANGUAGE_PASS_SHARE, fa) == 0


def test_a_staff_record_never_verified_lends_its_faculty_and_category_to_nothing(fa):
    teacher = StaffMemberFactory(faculty=fa, category=StaffMember.Category.FOREIGN_TEACHER, **PENDING)
    TeachingAssignmentFactory(staff_member=teacher, semester="2025-2026-1")
    PublicationFactory(in_2025=True, staff_member=teacher)
    assert numerator(C.FOREIGN_TEACHER_SEMESTERS, fa) == 0
    assert numerator(C.INTL_PUBLICATIONS_PER_TEACHER, fa) == 0


def test_a_headcount_never_verified_is_missing_so_the_rate_does_not_apply(db):
    faculty = FacultyFactory(code="A")
    FacultyYearFactory(faculty=faculty, year=2025, teachers=40, students=800, **PENDING)
    StaffMemberFactory(faculty=faculty, has_overseas_degree=True)
    assert result(C.TEACHER_OVERSEAS_SHARE)["value"] is None
    assert result(C.TEACHER_OVERSEAS_SHARE)["applicable"] is False
    summary = compute(year=2025, parameters=current_parameters(2025)).summary
    assert (summary["totals"]["teachers"], summary["totals"]["students"]) == (0, 0)


# --- a pending change: the verified values count ------------------------------------------------


def test_a_headcount_with_a_pending_change_counts_with_its_verified_value(fa):
    StaffMemberFactory.create_batch(4, faculty=fa, has_overseas_degree=True)
    headcount = fa.years.get(year=2025)
    stage(headcount, teachers=10)  # lowering the denominator helps nobody until verified
    assert result(C.TEACHER_OVERSEAS_SHARE)["value"] == 10.0  # 4 of the verified 40
    summary = compute(year=2025, parameters=current_parameters(2025)).summary
    assert summary["totals"]["teachers"] == 40


def test_records_with_a_pending_change_count_with_their_verified_values(fa):
    event = EventFactory(faculty=fa, kind="overseas_scholar_lecture", date=D(2025, 4, 1))
    stage(event, kind="conference_hosted", date="2024-04-01")
    update = SiteUpdateFactory(faculty=fa, updated_on=D(2025, 5, 1))
    stage(update, updated_on="2026-01-10")
    mobility = MobilityFactory(in_2025=True, faculty=fa, person_kind="student", person_id="S1")
    stage(mobility, status="cancelled")
    assert (numerator(C.OVERSEAS_SCHOLAR_LECTURES, fa), numerator(C.CONFERENCES_HOSTED, fa)) == (1, 0)
    assert result(C.FOREIGN_SITE_UPDATED)["value"] == 1.0
    assert numerator(C.STUDENT_OVERSEAS_SHARE, fa) == 1


def test_a_rejected_change_leaves_the_verified_values_in_force(fa):
    event = EventFactory(in_2025=True, faculty=fa)
    stage(event, date="2024-05-20")
    type(event).objects.filter(pk=event.pk).update(verification=Verification.REJECTED,
                                                   review_comment="日期与通知不符")
    assert numerator(C.CONFERENCES_HOSTED, fa) == 1


# --- the university-wide figures ----------------------------------------------------------------


def test_the_summary_counts_verified_mobilities_only(fa):
    MobilityFactory(in_2025=True, faculty=fa, person_kind="student", person_id="S1", country="GB")
    MobilityFactory(in_2025=True, faculty=fa, person_kind="student", person_id="S2", country="GB", **PENDING)
    MobilityFactory(in_2025=True, faculty=fa, person_kind="teacher", staff_member=None, country="JP", **PENDING)
    summary = compute(year=2025, parameters=current_parameters(2025)).summary
    assert summary["totals"]["students_abroad"] == 1
    assert summary["mobilities_by_country"] == {"GB": {"outbound": 1, "inbound": 0}}
    assert summary["unlinked_teacher_mobilities"] == {}
