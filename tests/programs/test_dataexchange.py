"""Program kinds in the import/export registry: round trips and bad rows."""

import pytest
from django.core.exceptions import PermissionDenied

from dataexchange import registry
from programs.models import CooperativeProgram, ProgramTeacherTraining
from tests.dataexchange.helpers import assert_round_trip, csv_file
from tests.factories import CooperativeProgramFactory, ProgramTeacherTrainingFactory

pytestmark = pytest.mark.django_db

PROGRAM_HEADER = "code,faculty,name_zh,name_en,level,form,status,approval_no,approved_on,expires_on"
TRAINING_HEADER = "program,year,date,title,participants"


def rows(header, *lines):
    return csv_file("\n".join([header, *lines]) + "\n")


ROUND_TRIP_KINDS = ("programs", "program_trainings")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_programs_and_trainings_import_their_own_export_unchanged(office, faculty_a, tmp_path, fmt):
    program = CooperativeProgramFactory(faculty=faculty_a)
    CooperativeProgramFactory(faculty=faculty_a, status="proposed", approval_no="", approved_on=None,
                              expires_on=None)
    ProgramTeacherTrainingFactory(program=program)

    for kind in ROUND_TRIP_KINDS:
        assert_round_trip(kind, office, tmp_path, fmt)


def test_the_office_imports_programs_with_chinese_labels(office, faculty_a):
    result = registry.import_rows("programs", rows(
        PROGRAM_HEADER,
        "A-UK,A,机械工程中英合作办学项目,Mechanical Engineering,本科,program,招生中,"
        "MOE32GB2A20201234N,2020-06-01,2030-06-01",
    ), user=office, dry_run=False)

    assert result.ok, [str(e) for e in result.errors]
    assert CooperativeProgram.objects.get(code="A-UK").status == CooperativeProgram.Status.ENROLLING


def test_bad_program_rows_are_all_named_and_nothing_is_written(office, faculty_a):
    result = registry.import_rows("programs", rows(
        PROGRAM_HEADER,
        "P1,A,项目一,,bachelor,program,approved,MOE1,2020-06-01,2030-06-01",
        "P2,A,项目二,,bachelor,program,flying,MOE2,2020-06-01,2030-06-01",
        "P3,A,项目三,,bachelor,program,approved,MOE3,2020-06-01,2019-06-01",
    ), user=office, dry_run=False)

    assert {(e.row, e.column) for e in result.errors} == {(3, "status"), (4, "expires_on")}
    assert not CooperativeProgram.objects.exists()


def test_a_coordinator_cannot_import_programs(coord_a, faculty_a):
    with pytest.raises(PermissionDenied):
        registry.import_rows("programs", rows(
            PROGRAM_HEADER, "P1,A,项目一,,bachelor,program,approved,MOE1,2020-06-01,2030-06-01",
        ), user=coord_a, dry_run=False)
    assert not CooperativeProgram.objects.exists()


def test_a_training_dated_outside_its_year_or_for_an_unknown_program_is_refused(coord_a, faculty_a, faculty_b):
    CooperativeProgramFactory(faculty=faculty_a, code="A1")
    CooperativeProgramFactory(faculty=faculty_b, code="B1")

    result = registry.import_rows("program_trainings", rows(
        TRAINING_HEADER,
        "A1,2025,2025-07-01,全英文授课培训,12",
        "A1,2025,2024-07-01,课程设计培训,10",
        "NOPE,2025,2025-07-01,课程设计培训,10",
        "B1,2025,2025-07-01,乙学院培训,10",
    ), user=coord_a, dry_run=False)

    assert result.bad_rows == [3, 4, 5]
    assert "date" in {e.column for e in result.errors if e.row == 3}
    assert not ProgramTeacherTraining.objects.exists()
