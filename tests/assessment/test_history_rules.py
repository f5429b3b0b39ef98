"""A year's value depends only on what was true in that year (ASSESSMENT.md, "Which records
count: verified, as they were in Y"): agreements in force by their termination date, programs
running by their dated status history, websites updated by their dated log, and staff
category and overseas degree as of 31 December."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from assessment.rules import RULES, counted_groups, load_counts
from assessment.services import compute, current_parameters
from exchanges.models import Agreement
from faculties.models import SiteUpdate
from intlportal.indicators import IndicatorCode as C
from programs import services as program_services
from programs.models import CooperativeProgram, ProgramStatusChange
from staff.models import StaffMember, StaffStanding
from tests.factories import (
    AgreementFactory,
    CooperativeProgramFactory,
    FacultyFactory,
    FacultyYearFactory,
    LanguageAssessmentFactory,
    ProgramStatusChangeFactory,
    ProgramTeacherTrainingFactory,
    SiteUpdateFactory,
    StaffMemberFactory,
    StaffStandingFactory,
    TeachingAssignmentFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
Status = CooperativeProgram.Status


def frozen_today(monkeypatch, day: datetime.date) -> None:
    """Make it noon of ``day`` in the portal's time zone: the services date what they record
    by ``timezone.localdate()``, and the audit trail by ``timezone.now()``."""
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def values(year: int, faculty: str = "A") -> dict[str, float | None]:
    document = compute(year=year, parameters=current_parameters(year)).document()
    entry = next(f for f in document["faculties"] if f["code"] == faculty)
    return {code: result["value"] for code, result in entry["indicators"].items()}


def counts(code: str, faculty, years) -> dict[int, int]:
    found = load_counts(RULES[code], faculty_ids=[faculty.pk], years=years)
    return {year: found[(year, faculty.pk)] for year in years}


@pytest.fixture
def fa(db):
    faculty = FacultyFactory(code="A", foreign_site_url="https://a.example.edu.cn/en/")
    for year in (2023, 2024, 2025, 2026):
        FacultyYearFactory(faculty=faculty, year=year, teachers=20, students=400)
    return faculty


# --- changes dated 2026 leave 2025 as it was ---------------------------------------------------


def test_changes_dated_2026_leave_the_2025_calculation_unchanged(monkeypatch, fa, office):
    frozen_today(monkeypatch, D(2026, 6, 30))
    agreement = AgreementFactory(in_2025=True, faculties=[fa])
    declared = CooperativeProgramFactory(faculty=fa, status=Status.DECLARED, approved_on=None, approval_no="")
    ProgramStatusChangeFactory(program=declared, status=Status.DECLARED, effective_on=D(2024, 3, 1))
    SiteUpdateFactory(faculty=fa, updated_on=D(2025, 4, 1))
    changes_category = StaffMemberFactory(faculty=fa, has_overseas_degree=True, hired_on=D(2015, 9, 1))
    loses_degree = StaffMemberFactory(faculty=fa, has_overseas_degree=True, hired_on=D(2015, 9, 1))
    foreign = StaffMemberFactory(faculty=fa, category=StaffMember.Category.FOREIGN_TEACHER, hired_on=D(2020, 9, 1))
    for semester in ("2025-2026-1", "2025-2026-2"):  # autumn 2025, spring 2026
        TeachingAssignmentFactory(staff_member=foreign, semester=semester)
    LanguageAssessmentFactory(staff_member=changes_category, date=D(2024, 5, 1))
    before = compute(year=2025, parameters=current_parameters(2025))
    assert values(2025)[C.PARTNERS] == 1.0
    assert values(2025)[C.FOREIGN_SITE_UPDATED] == 1.0
    assert values(2025)[C.TEACHER_OVERSEAS_SHARE] == 10.0  # 2 of 20

    # 2026: the Ministry approves the program, the site is updated, the agreement is
    # terminated, one teacher becomes an overseas talent, one's degree is corrected away, the
    # foreign teacher is recorded as domestic.
    program_services.program_approve(program=declared, by=office, approval_no="MOE-2026-1",
                                     approved_on=D(2026, 3, 1))
    SiteUpdate.objects.create(faculty=fa, updated_on=D(2026, 2, 1), url="https://a.example.edu.cn/en/")
    agreement.status, agreement.terminated_on = Agreement.Status.TERMINATED, D(2026, 3, 31)
    agreement.full_clean()
    agreement.save()
    changes_category.category = StaffMember.Category.OVERSEAS_TALENT
    changes_category.save()
    loses_degree.has_overseas_degree = False
    loses_degree.save()
    foreign.category = StaffMember.Category.DOMESTIC
    foreign.save()

    after = compute(year=2025, parameters=current_parameters(2025))
    assert after.document() == before.document()
    assert after.summary == before.summary
    # 2026 sees them: the program runs, the site was updated, the agreement was in force
    # until it ended, and the staff count with their new standings.
    in_2026 = values(2026)
    assert (in_2026[C.COOPERATIVE_PROGRAMS], in_2026[C.FOREIGN_SITE_UPDATED], in_2026[C.PARTNERS]) == (1.0, 1.0, 1.0)
    assert in_2026[C.TEACHER_OVERSEAS_SHARE] == 0.0
    assert in_2026[C.FOREIGN_TEACHER_SEMESTERS] == 0.0


# --- agreements ------------------------------------------------------------------------------


def test_a_terminated_agreement_counts_for_the_years_it_was_in_force(fa):
    AgreementFactory(faculties=[fa], starts_on=D(2021, 3, 1), ends_on=D(2030, 2, 28),
                     status=Agreement.Status.TERMINATED, terminated_on=D(2023, 6, 30))
    assert counts(C.PARTNERS, fa, (2020, 2021, 2022, 2023, 2024, 2025)) == {
        2020: 0, 2021: 1, 2022: 1, 2023: 1, 2024: 0, 2025: 0}


def test_a_terminated_agreement_without_a_date_is_in_force_in_no_year_and_a_draft_never(fa):
    AgreementFactory(faculties=[fa], starts_on=D(2021, 3, 1), ends_on=None, status=Agreement.Status.TERMINATED)
    AgreementFactory(faculties=[fa], starts_on=D(2021, 3, 1), ends_on=None, status=Agreement.Status.DRAFT)
    assert counts(C.PARTNERS, fa, (2021, 2025)) == {2021: 0, 2025: 0}


# --- programs --------------------------------------------------------------------------------


def _history(program, *steps):
    for status, day in steps:
        ProgramStatusChangeFactory(program=program, status=status, effective_on=day)


def test_a_program_suspended_in_2024_counts_in_2023_and_2024_but_not_2025(fa):
    program = CooperativeProgramFactory(faculty=fa, status=Status.SUSPENDED, approved_on=D(2022, 6, 1))
    _history(program, (Status.DECLARED, D(2021, 10, 1)), (Status.APPROVED, D(2022, 6, 1)),
             (Status.ENROLLING, D(2022, 9, 1)), (Status.SUSPENDED, D(2024, 5, 1)))
    assert counts(C.COOPERATIVE_PROGRAMS, fa, (2021, 2022, 2023, 2024, 2025)) == {
        2021: 0, 2022: 1, 2023: 1, 2024: 1, 2025: 0}


def test_a_program_counts_again_from_the_year_it_enrols_after_a_suspension(fa):
    program = CooperativeProgramFactory(faculty=fa, status=Status.ENROLLING)
    _history(program, (Status.ENROLLING, D(2020, 9, 1)), (Status.SUSPENDED, D(2022, 12, 31)),
             (Status.ENROLLING, D(2024, 1, 1)))
    assert counts(C.COOPERATIVE_PROGRAMS, fa, (2022, 2023, 2024)) == {2022: 1, 2023: 0, 2024: 1}


def test_two_steps_on_the_same_day_are_taken_in_the_order_recorded(fa):
    program = CooperativeProgramFactory(faculty=fa, status=Status.CLOSED)
    _history(program, (Status.ENROLLING, D(2020, 9, 1)), (Status.SUSPENDED, D(2023, 5, 1)),
             (Status.CLOSED, D(2023, 5, 1)))
    assert counts(C.COOPERATIVE_PROGRAMS, fa, (2023, 2024)) == {2023: 1, 2024: 0}


def test_a_program_without_history_counts_by_its_status_from_its_approval_year(fa):
    CooperativeProgramFactory(faculty=fa, status=Status.ENROLLING, approved_on=D(2023, 6, 1))
    CooperativeProgramFactory(faculty=fa, status=Status.SUSPENDED, approved_on=D(2020, 6, 1))
    assert counts(C.COOPERATIVE_PROGRAMS, fa, (2022, 2023)) == {2022: 0, 2023: 1}


def test_program_teacher_training_applies_only_in_the_years_a_program_was_running(fa):
    program = CooperativeProgramFactory(faculty=fa, status=Status.CLOSED)
    _history(program, (Status.APPROVED, D(2022, 6, 1)), (Status.CLOSED, D(2024, 7, 1)))
    ProgramTeacherTrainingFactory(program=program, year=2024, date=D(2024, 5, 1))
    ProgramTeacherTrainingFactory(program=program, year=2025, date=D(2025, 5, 1))
    assert values(2024)[C.PROGRAM_TEACHER_TRAINING] == 1.0
    assert values(2025)[C.PROGRAM_TEACHER_TRAINING] is None  # not applicable: nothing ran in 2025


def test_the_lifecycle_actions_write_the_dated_history_the_rule_reads(monkeypatch, fa, office):
    frozen_today(monkeypatch, D(2022, 10, 1))
    program = CooperativeProgramFactory(faculty=fa, status=Status.PROPOSED, approved_on=None, approval_no="")
    frozen_today(monkeypatch, D(2023, 2, 1))
    program_services.program_declare(program=program, by=office)
    frozen_today(monkeypatch, D(2023, 8, 1))
    program_services.program_approve(program=program, by=office, approval_no="MOE-1", approved_on=D(2023, 7, 15))
    frozen_today(monkeypatch, D(2024, 9, 1))
    program_services.program_start_enrolling(program=program, by=office)
    frozen_today(monkeypatch, D(2025, 3, 1))
    program_services.program_suspend(program=program, by=office, comment="合作方调整")
    steps = list(ProgramStatusChange.objects.filter(program=program)
                 .values_list("status", "effective_on", "recorded_by"))
    # The first move finds no history and rebuilds it from the audit trail: proposed since
    # the program was entered.
    assert steps == [
        (Status.PROPOSED, D(2022, 10, 1), None), (Status.DECLARED, D(2023, 2, 1), office.pk),
        (Status.APPROVED, D(2023, 7, 15), office.pk),
        (Status.ENROLLING, D(2024, 9, 1), office.pk), (Status.SUSPENDED, D(2025, 3, 1), office.pk),
    ]
    assert counts(C.COOPERATIVE_PROGRAMS, fa, (2022, 2023, 2024, 2025, 2026)) == {
        2022: 0, 2023: 1, 2024: 1, 2025: 1, 2026: 0}


def test_moving_a_program_without_history_keeps_the_years_it_was_running(monkeypatch, fa, office):
    # Entered before the history was kept: enrolling since its approval in 2019.
    frozen_today(monkeypatch, D(2021, 1, 10))
    program = CooperativeProgramFactory(faculty=fa, status=Status.ENROLLING, approved_on=D(2019, 6, 1))
    assert not program.status_changes.exists()
    assert counts(C.COOPERATIVE_PROGRAMS, fa, (2019, 2024)) == {2019: 1, 2024: 1}
    frozen_today(monkeypatch, D(2025, 3, 1))
    program_services.program_suspend(program=program, by=office, comment="暂停招生")
    assert counts(C.COOPERATIVE_PROGRAMS, fa, (2018, 2019, 2024, 2025, 2026)) == {
        2018: 0, 2019: 1, 2024: 1, 2025: 1, 2026: 0}


# --- website updates -------------------------------------------------------------------------


def test_a_site_updated_in_2024_counts_in_2024_only(fa):
    SiteUpdateFactory(faculty=fa, updated_on=D(2024, 11, 3))
    assert counts(C.FOREIGN_SITE_UPDATED, fa, (2023, 2024, 2025)) == {2023: 0, 2024: 1, 2025: 0}
    assert (values(2024)[C.FOREIGN_SITE_UPDATED], values(2025)[C.FOREIGN_SITE_UPDATED]) == (1.0, 0.0)


def test_the_faculty_keeps_a_copy_of_its_latest_verified_update(fa):
    SiteUpdateFactory(faculty=fa, updated_on=D(2024, 11, 3))
    latest = SiteUpdateFactory(faculty=fa, updated_on=D(2025, 2, 1))
    SiteUpdateFactory(faculty=fa, updated_on=D(2025, 5, 1), verified_at=None, verification="pending")
    fa.refresh_from_db()
    assert fa.foreign_site_updated_on == D(2025, 2, 1)
    latest.delete()
    fa.refresh_from_db()
    assert fa.foreign_site_updated_on == D(2024, 11, 3)


# --- staff standings -------------------------------------------------------------------------


def test_category_and_degree_are_taken_as_of_the_end_of_each_year(fa):
    became_foreign = StaffMemberFactory(faculty=fa, category=StaffMember.Category.FOREIGN_TEACHER)
    StaffStanding.objects.filter(staff_member=became_foreign).delete()
    StaffStandingFactory(staff_member=became_foreign, effective_on=D(2015, 9, 1), has_overseas_degree=True)
    StaffStandingFactory(staff_member=became_foreign, effective_on=D(2025, 3, 1),
                         category=StaffMember.Category.FOREIGN_TEACHER, has_overseas_degree=True)
    earned_degree = StaffMemberFactory(faculty=fa, has_overseas_degree=True)
    StaffStanding.objects.filter(staff_member=earned_degree).delete()
    StaffStandingFactory(staff_member=earned_degree, effective_on=D(2015, 9, 1))
    StaffStandingFactory(staff_member=earned_degree, effective_on=D(2024, 12, 31), has_overseas_degree=True)
    for semester in ("2023-2024-2", "2025-2026-1"):
        TeachingAssignmentFactory(staff_member=became_foreign, semester=semester)
    LanguageAssessmentFactory(staff_member=became_foreign, date=D(2022, 5, 1))

    assert counts(C.TEACHER_OVERSEAS_SHARE, fa, (2023, 2024, 2025)) == {2023: 1, 2024: 2, 2025: 1}
    assert counts(C.TEACHER_LANGUAGE_PASS_SHARE, fa, (2024, 2025)) == {2024: 1, 2025: 0}
    assert counts(C.FOREIGN_TEACHER_SEMESTERS, fa, (2024, 2025)) == {2024: 0, 2025: 1}


def test_a_staff_member_without_standings_counts_with_the_staff_record(fa):
    member = StaffMemberFactory(faculty=fa, has_overseas_degree=True)
    StaffStanding.objects.filter(staff_member=member).delete()
    assert counts(C.TEACHER_OVERSEAS_SHARE, fa, (2020, 2025)) == {2020: 1, 2025: 1}


# --- the records page ------------------------------------------------------------------------


CHANGED_RULES = [C.PARTNERS, C.TEACHER_OVERSEAS_SHARE, C.FOREIGN_TEACHER_SEMESTERS, C.COOPERATIVE_PROGRAMS,
                 C.TEACHER_LANGUAGE_PASS_SHARE, C.FOREIGN_SITE_UPDATED, C.PROGRAM_TEACHER_TRAINING]


@pytest.mark.parametrize("code", CHANGED_RULES)
def test_the_records_page_lists_as_many_items_as_the_numerator(fa, code):
    AgreementFactory(faculties=[fa], starts_on=D(2021, 1, 1), ends_on=None,
                     status=Agreement.Status.TERMINATED, terminated_on=D(2025, 2, 1))
    AgreementFactory(faculties=[fa], starts_on=D(2021, 1, 1), ends_on=None,
                     status=Agreement.Status.TERMINATED, terminated_on=D(2024, 2, 1))
    AgreementFactory(in_2025=True, faculties=[fa])
    program = CooperativeProgramFactory(faculty=fa, status=Status.CLOSED)
    _history(program, (Status.APPROVED, D(2022, 6, 1)), (Status.CLOSED, D(2025, 7, 1)))
    gone = CooperativeProgramFactory(faculty=fa, status=Status.CLOSED)
    _history(gone, (Status.APPROVED, D(2022, 6, 1)), (Status.CLOSED, D(2024, 7, 1)))
    ProgramTeacherTrainingFactory(program=gone, year=2025, date=D(2025, 5, 1))
    SiteUpdateFactory(faculty=fa, updated_on=D(2025, 1, 1))
    SiteUpdateFactory(faculty=fa, updated_on=D(2025, 9, 1))
    SiteUpdateFactory(faculty=fa, updated_on=D(2024, 9, 1))
    domestic_then = StaffMemberFactory(faculty=fa, category=StaffMember.Category.OVERSEAS_TALENT,
                                       has_overseas_degree=True)
    StaffStanding.objects.filter(staff_member=domestic_then).delete()
    StaffStandingFactory(staff_member=domestic_then, effective_on=D(2010, 1, 1), has_overseas_degree=True)
    StaffStandingFactory(staff_member=domestic_then, effective_on=D(2026, 1, 1),
                         category=StaffMember.Category.OVERSEAS_TALENT, has_overseas_degree=True)
    LanguageAssessmentFactory(staff_member=domestic_then, date=D(2025, 3, 1))
    StaffMemberFactory(faculty=fa, has_overseas_degree=False)
    teacher = StaffMemberFactory(faculty=fa, category=StaffMember.Category.FOREIGN_EXPERT)
    TeachingAssignmentFactory(staff_member=teacher, semester="2024-2025-2")
    TeachingAssignmentFactory(staff_member=teacher, semester="2025-2026-1")

    numerator = counts(code, fa, (2025,))[2025]
    assert numerator > 0
    assert len(counted_groups(RULES[code], faculty_id=fa.pk, year=2025)) == numerator
