"""Semesters, expiry querysets and the evaluation trend of the staff records."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from staff.models import ForeignTeacherContract, StaffMember, semester_label, semesters_of_year, validate_semester
from staff.selectors import evaluation_trend, expiry_counts
from tests.factories import (
    ContractFactory,
    ForeignTeacherFactory,
    StaffMemberFactory,
    TeachingEvaluationFactory,
    today,
)


@pytest.mark.parametrize("value", ["2025-2026-1", "2025-2026-2", "1999-2000-1"])
def test_a_semester_is_two_consecutive_years_and_a_term(value):
    validate_semester(value)


@pytest.mark.parametrize("value", ["2025-2027-1", "2025-2026-3", "2025-2026", "2025/2026-1", "", "2026-2025-1"])
def test_anything_else_is_not_a_semester(value):
    with pytest.raises(ValidationError):
        validate_semester(value)


def test_the_semesters_of_a_year_are_its_spring_and_its_autumn():
    assert semesters_of_year(2025) == ("2024-2025-2", "2025-2026-1")


def test_a_semester_reads_as_autumn_or_spring_of_its_calendar_year():
    with translation.override("en"):
        assert semester_label("2025-2026-1") == "2025-2026-1 (autumn 2025)"
        assert semester_label("2025-2026-2") == "2025-2026-2 (spring 2026)"
    with translation.override("zh-hans"):
        assert "2025年秋季" in semester_label("2025-2026-1")


def days(n):
    return today() + datetime.timedelta(days=n)


@pytest.mark.django_db
def test_expiring_within_finds_active_contracts_ending_in_the_window():
    inside = ContractFactory(ends_on=days(90))
    ContractFactory(ends_on=days(91))
    ContractFactory(ends_on=days(-1), starts_on=days(-400))
    ContractFactory(ends_on=days(5), status=ForeignTeacherContract.Status.ENDED)

    assert list(ForeignTeacherContract.objects.expiring_within(90)) == [inside]


@pytest.mark.django_db
def test_work_permit_expiring_within_finds_active_contracts_whose_permit_ends_in_the_window():
    next_month = ContractFactory(work_permit_expires_on=days(30))
    ContractFactory(work_permit_expires_on=days(120))
    ContractFactory(work_permit_expires_on=None, work_permit_no="")
    ContractFactory(work_permit_expires_on=days(10), status=ForeignTeacherContract.Status.TERMINATED)

    assert list(ForeignTeacherContract.objects.work_permit_expiring_within(31)) == [next_month]
    assert expiry_counts() == {"contracts": 0, "work_permits": 1}


@pytest.mark.django_db
def test_staff_active_in_a_year_were_hired_by_its_end_and_had_not_left():
    kept = StaffMemberFactory(hired_on=datetime.date(2020, 1, 1))
    StaffMemberFactory(hired_on=datetime.date(2026, 1, 1))
    StaffMemberFactory(hired_on=datetime.date(2020, 1, 1), left_on=datetime.date(2025, 12, 31))
    left_later = StaffMemberFactory(hired_on=datetime.date(2020, 1, 1), left_on=datetime.date(2026, 1, 1))

    assert set(StaffMember.objects.active_in(2025)) == {kept, left_later}


@pytest.mark.django_db
def test_foreign_staff_are_foreign_teachers_and_foreign_experts():
    teacher = ForeignTeacherFactory()
    expert = ForeignTeacherFactory(category=StaffMember.Category.FOREIGN_EXPERT)
    StaffMemberFactory(category=StaffMember.Category.OVERSEAS_TALENT)

    assert set(StaffMember.objects.foreign()) == {teacher, expert}


@pytest.mark.django_db
def test_the_evaluation_trend_averages_each_source_and_all_evaluations_per_semester(django_assert_num_queries):
    teacher = ForeignTeacherFactory()
    for source, course, score in [("students", "Oral English", 80), ("students", "Writing", 91),
                                  ("peers", "", 90), ("supervisors", "", 70)]:
        TeachingEvaluationFactory(staff_member=teacher, semester="2025-2026-1", source=source, course=course,
                                  score=score)
    TeachingEvaluationFactory(staff_member=teacher, semester="2024-2025-2", source="peers", score=77.5)
    TeachingEvaluationFactory(semester="2024-2025-2", score=10)  # someone else's

    with django_assert_num_queries(1):
        trend = evaluation_trend(teacher)

    assert [t.semester for t in trend] == ["2024-2025-2", "2025-2026-1"]
    assert trend[0].ordered() == [None, Decimal("77.50"), None]
    assert trend[1].ordered() == [Decimal("85.50"), Decimal("90.00"), Decimal("70.00")]
    # Every evaluation weighs the same: (80 + 91 + 90 + 70) / 4.
    assert trend[1].overall == Decimal("82.75")
    assert trend[1].count == 4
