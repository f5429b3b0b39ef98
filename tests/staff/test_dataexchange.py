"""Staff kinds in the import/export registry: round trips, bad rows, and personal columns
that only the office exports or imports."""

import datetime

import pytest

from dataexchange import registry
from dataexchange.writing import export_to_path
from staff.models import ForeignTeacherContract, Publication, StaffMember, TeachingAssignment
from tests.dataexchange.helpers import assert_round_trip, csv_file
from tests.factories import (
    ContractFactory,
    ForeignTeacherFactory,
    LanguageAssessmentFactory,
    PublicationFactory,
    StaffMemberFactory,
    TeachingAssignmentFactory,
    TeachingEvaluationFactory,
)

pytestmark = pytest.mark.django_db


def rows(header, *lines):
    return csv_file("\n".join([header, *lines]) + "\n")


ROUND_TRIP_KINDS = ("staff", "contracts", "teaching_assignments", "language_assessments", "publications",
                    "teaching_evaluations")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_staff_kind_imports_its_own_export_unchanged(office, faculty_a, tmp_path, fmt):
    teacher = ForeignTeacherFactory(faculty=faculty_a, hired_on=datetime.date(2020, 9, 1))
    StaffMemberFactory(faculty=faculty_a, has_overseas_degree=True, left_on=datetime.date(2024, 7, 1))
    ContractFactory(staff_member=teacher)
    TeachingAssignmentFactory(staff_member=teacher, context="cooperative_program")
    LanguageAssessmentFactory(staff_member__faculty=faculty_a)
    PublicationFactory(staff_member=teacher, doi="10.1000/abc")
    TeachingEvaluationFactory(staff_member=teacher, feedback="讲解清楚")

    for kind in ROUND_TRIP_KINDS:
        assert_round_trip(kind, office, tmp_path, fmt)


STAFF_HEADER = "staff_no,faculty,name,nationality,category,title,hired_on,left_on,has_overseas_degree"


def test_staff_rows_take_codes_and_chinese_labels(office, faculty_a):
    result = registry.import_rows("staff", rows(
        STAFF_HEADER,
        "A100,A,张伟,CN,domestic,professor,2010-09-01,,是",
        "A101,A,Emily Carter,US,外籍教师,Lecturer,2022-09-01,,yes",
    ), user=office, dry_run=False)

    assert result.ok, [str(e) for e in result.errors]
    assert StaffMember.objects.get(staff_no="A101").category == StaffMember.Category.FOREIGN_TEACHER
    assert StaffMember.objects.get(staff_no="A100").has_overseas_degree


def test_staff_rows_take_chinese_headings_and_the_offices_category_words(office, faculty_a):
    result = registry.import_rows("staff", rows(
        "工号,学院,姓名,国籍,人员类别,职称,入职日期,离职日期,海外学位",
        "A200,甲学院,刘洋,CN,专任教师,研究员,2015-09-01,,是",
        "A201,A,Tom Baker,GB,外教,讲师,2023-09-01,,否",
    ), user=office, dry_run=False)

    assert result.ok, (result.file_errors, [str(e) for e in result.errors])
    assert dict(StaffMember.objects.values_list("staff_no", "category")) == {
        "A200": StaffMember.Category.DOMESTIC, "A201": StaffMember.Category.FOREIGN_TEACHER}
    assert StaffMember.objects.get(staff_no="A200").title == StaffMember.Title.PROFESSOR


def test_staff_linked_rows_name_the_staff_member_by_number_or_name(office, faculty_a):
    teacher = ForeignTeacherFactory(faculty=faculty_a, staff_no="F7", name="Emily Carter")

    result = registry.import_rows("publications", rows(
        "工号,发表年份,论文题目,期刊名称,是否国际期刊,doi",
        "F7,2024,Paper A,Journal A,是,",
        "Emily Carter,2024,Paper B,Journal B,否,",
    ), user=office, dry_run=False)

    assert result.ok, (result.file_errors, [str(e) for e in result.errors])
    assert set(Publication.objects.values_list("staff_member", flat=True)) == {teacher.pk}


def test_one_bad_staff_row_rejects_the_file_and_names_every_bad_row(office, faculty_a):
    result = registry.import_rows("staff", rows(
        STAFF_HEADER,
        "A100,A,张伟,CN,domestic,professor,2010-09-01,,no",
        "A101,Z,李娜,CN,domestic,lecturer,2012-09-01,,no",
        "A102,A,王芳,XX,domestic,lecturer,2012-09-01,,no",
        "A103,A,赵强,CN,domestic,lecturer,2012-09-01,2011-01-01,no",
    ), user=office, dry_run=False)

    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} == {(3, "faculty"), (4, "nationality"), (5, "left_on")}
    assert not StaffMember.objects.exists()


ASSIGNMENT_HEADER = "staff_no,semester,course,hours,context"


def test_an_assignment_with_a_bad_semester_is_refused(office, faculty_a):
    ForeignTeacherFactory(faculty=faculty_a, staff_no="F1")

    result = registry.import_rows("teaching_assignments", rows(
        ASSIGNMENT_HEADER,
        "F1,2025-2026-1,Academic English,32,general",
        "F1,2025-2027-1,Academic Writing,32,general",
        "F9,2025-2026-2,Academic Writing,32,general",
    ), user=office, dry_run=False)

    assert {(e.row, e.column) for e in result.errors} == {(3, "semester"), (4, "staff_no")}
    assert not TeachingAssignment.objects.exists()


def test_a_coordinator_cannot_import_rows_of_another_faculty_staff(coord_a, faculty_a, faculty_b):
    ForeignTeacherFactory(faculty=faculty_a, staff_no="FA1")
    ForeignTeacherFactory(faculty=faculty_b, staff_no="FB1")

    result = registry.import_rows("publications", rows(
        "staff_no,year,title,journal,is_international,doi",
        "FA1,2024,Paper A,Journal A,yes,",
        "FB1,2024,Paper B,Journal B,no,",
    ), user=coord_a, dry_run=False)

    assert result.bad_rows == [3]
    assert not Publication.objects.exists()


def test_a_leader_export_of_contracts_has_no_salary_or_work_permit_column(leader, office, tmp_path):
    ContractFactory(salary=18500, work_permit_no="WP-SECRET-1")
    kind = registry.get("contracts")

    export_to_path(kind, ForeignTeacherContract.objects.all(), tmp_path / "leader.csv", user=leader)
    export_to_path(kind, ForeignTeacherContract.objects.all(), tmp_path / "office.csv", user=office)

    leader_text = (tmp_path / "leader.csv").read_text(encoding="utf-8-sig")
    office_text = (tmp_path / "office.csv").read_text(encoding="utf-8-sig")
    assert "salary" not in leader_text and "WP-SECRET-1" not in leader_text and "18500" not in leader_text
    assert "work_permit_no" in office_text and "WP-SECRET-1" in office_text


@pytest.mark.parametrize("kind", ["staff", "teaching_assignments", "language_assessments", "publications",
                                  "teaching_evaluations"])
def test_no_other_staff_export_carries_personal_data(kind, office, tmp_path):
    contract = ContractFactory(work_permit_no="WP-SECRET-2")
    TeachingAssignmentFactory(staff_member=contract.staff_member)
    TeachingEvaluationFactory(staff_member=contract.staff_member)
    LanguageAssessmentFactory(staff_member=contract.staff_member)
    PublicationFactory(staff_member=contract.staff_member)
    registry_kind = registry.get(kind)

    export_to_path(registry_kind, registry_kind.model.objects.all(), tmp_path / "out.csv", user=office)

    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "WP-SECRET-2" not in text and "salary" not in text


def test_the_contract_list_exports_without_personal_columns_for_a_leader(leader_client):
    ContractFactory(work_permit_no="WP-SECRET-3", salary=23456)

    response = leader_client.get("/staff/contracts/", {"export": "csv", "style": "codes"})

    body = b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else \
        response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert "WP-SECRET-3" not in body and "23456" not in body and "staff_no" in body
