"""Records of every kind the exchanges and faculties register, for the data-exchange tests.

The exchanges' factories belong to that app's section of ``tests/factories.py``; these
fixtures build the few records the import/export tests need directly, with the awkward
values an export must carry intact (Chinese text, formula-like titles, several faculties).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from exchanges.models import Agreement, Event, FundingScheme, Mobility, PartnerInstitution
from tests.factories import FacultyYearFactory, StaffMemberFactory


@pytest.fixture
def partner(db):
    return PartnerInstitution.objects.create(
        name="University of Edinburgh", name_en="University of Edinburgh", name_zh="爱丁堡大学",
        country="GB", kind=PartnerInstitution.Kind.UNIVERSITY, website="https://www.ed.ac.uk/")


@pytest.fixture
def scheme(db):
    return FundingScheme.objects.create(name="国家留学基金", year=2025, budget=Decimal("500000.00"))


@pytest.fixture
def teacher_a(faculty_a):
    return StaffMemberFactory(faculty=faculty_a, staff_no="T1001", name="王老师")


@pytest.fixture
def mobility_refs(faculty_a, faculty_b, partner, scheme, teacher_a):
    """The faculties, partner, scheme and staff member the mobility rows refer to."""


@pytest.fixture
def exchange_records(faculty_a, faculty_b, partner, scheme, teacher_a):
    """One record of each exchanges and faculties kind, some with formula-like text."""
    FacultyYearFactory(faculty=faculty_a, year=2025, teachers=120, students=3000)
    agreement = Agreement.objects.create(
        partner=partner, kind=Agreement.Kind.STUDENT_EXCHANGE, title="=HYPERLINK(\"x\") 学生交换协议",
        signed_on=datetime.date(2024, 12, 1), starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2029, 12, 31), status=Agreement.Status.ACTIVE)
    agreement.faculties.set([faculty_a, faculty_b])
    Agreement.objects.create(partner=partner, kind=Agreement.Kind.FRAMEWORK, title="校级框架协议",
                             starts_on=datetime.date(2023, 5, 1), status=Agreement.Status.ACTIVE)
    Mobility.objects.create(
        faculty=faculty_a, direction=Mobility.Direction.OUTBOUND, person_kind=Mobility.PersonKind.TEACHER,
        person_name="王老师", person_id="T1001", staff_member=teacher_a, partner=partner, country="GB",
        activity=Mobility.Activity.FURTHER_STUDY, starts_on=datetime.date(2025, 3, 1),
        ends_on=datetime.date(2025, 8, 31), funding_scheme=scheme, amount=Decimal("80000.50"))
    Mobility.objects.create(
        faculty=faculty_b, direction=Mobility.Direction.INBOUND, person_kind=Mobility.PersonKind.STUDENT,
        person_name="+Anna Smith", person_id="S2025001", country="DE",
        activity=Mobility.Activity.SEMESTER_EXCHANGE, starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2026, 1, 15))
    Event.objects.create(faculty=faculty_a, kind=Event.Kind.CONFERENCE_HOSTED, title="@国际会议 2025",
                         date=datetime.date(2025, 10, 20), participants_total=150, participants_foreign=30)
