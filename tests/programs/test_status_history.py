"""A program's dated status history: built from versions (``status_history.status_steps``),
kept in step by the import and the admin (``services.status_history_sync``; the lifecycle
actions are covered with the rule in ``tests/assessment/test_history_rules.py``), and filled
from the audit trail by the data migration."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps

from dataexchange import registry
from programs import services
from programs.models import CooperativeProgram, ProgramStatusChange
from programs.status_history import Step, Version, status_steps
from tests.dataexchange.helpers import csv_file
from tests.factories import CooperativeProgramFactory, ProgramStatusChangeFactory, today

pytestmark = pytest.mark.django_db
D = datetime.date
Status = CooperativeProgram.Status
migration = importlib.import_module("programs.migrations.0004_program_status_history")

HEADER = "code,faculty,name_zh,name_en,level,form,status,approval_no,approved_on,expires_on"


def steps_of(program) -> list[tuple[str, datetime.date]]:
    return list(ProgramStatusChange.objects.filter(program=program).values_list("status", "effective_on"))


@pytest.mark.parametrize(("versions", "expected"), [
    # Entered as enrolling: since its approval date.
    ([Version("enrolling", D(2019, 6, 1), D(2024, 3, 1))], [Step("enrolling", D(2019, 6, 1))]),
    # Entered as proposed: since the day it was entered; saved again without a move: no step.
    ([Version("proposed", None, D(2021, 3, 1)), Version("proposed", None, D(2021, 4, 1)),
      Version("declared", None, D(2021, 9, 1)), Version("approved", D(2022, 5, 20), D(2022, 6, 2)),
      Version("enrolling", D(2022, 5, 20), D(2022, 9, 1))],
     [Step("proposed", D(2021, 3, 1)), Step("declared", D(2021, 9, 1)), Step("approved", D(2022, 5, 20)),
      Step("enrolling", D(2022, 9, 1))]),
    # An approval date before the previous step is not believed: the day it was saved.
    ([Version("declared", None, D(2022, 1, 10)), Version("approved", D(2021, 12, 1), D(2022, 2, 1))],
     [Step("declared", D(2022, 1, 10)), Step("approved", D(2022, 2, 1))]),
    # A step is never dated before the one it follows.
    ([Version("enrolling", D(2023, 6, 1), D(2023, 1, 1)), Version("suspended", D(2023, 6, 1), D(2023, 3, 1))],
     [Step("enrolling", D(2023, 6, 1)), Step("suspended", D(2023, 6, 1))]),
    ([], []),
])
def test_status_steps_date_each_change_of_status(versions, expected):
    assert status_steps(versions) == expected


def test_the_recorder_of_a_step_is_who_saved_the_version():
    assert status_steps([Version("proposed", None, D(2021, 3, 1), 7)]) == [Step("proposed", D(2021, 3, 1), 7)]


def test_a_status_set_by_import_is_a_step_of_the_history(office, faculty_a):
    program = CooperativeProgramFactory(code="A-UK", faculty=faculty_a, status=Status.ENROLLING,
                                        approved_on=D(2020, 6, 1))
    ProgramStatusChangeFactory(program=program, status=Status.ENROLLING, effective_on=D(2020, 6, 1))
    rows = [f"A-UK,A,{program.name_zh},,bachelor,program,suspended,{program.approval_no},2020-06-01,2030-06-01",
            "A-NEW,A,新项目,,bachelor,program,approved,MOE-NEW,2024-06-01,2034-06-01",
            "A-PRO,A,筹备项目,,bachelor,program,proposed,,,"]
    result = registry.import_rows("programs", csv_file("\n".join([HEADER, *rows]) + "\n"), user=office,
                                  dry_run=False)
    assert result.ok, [str(error) for error in result.errors]
    assert steps_of(program) == [(Status.ENROLLING, D(2020, 6, 1)), (Status.SUSPENDED, today())]
    assert ProgramStatusChange.objects.get(program__code="A-UK", status=Status.SUSPENDED).recorded_by == office
    # A new program imported as approved has been approved since its approval date.
    assert steps_of(CooperativeProgram.objects.get(code="A-NEW")) == [(Status.APPROVED, D(2024, 6, 1))]
    assert steps_of(CooperativeProgram.objects.get(code="A-PRO")) == []


def test_the_sync_writes_nothing_when_the_history_is_up_to_date(faculty_a):
    program = CooperativeProgramFactory(faculty=faculty_a, status=Status.ENROLLING)
    assert services.status_history_sync() == 1
    assert services.status_history_sync() == 0
    assert steps_of(program) == [(Status.ENROLLING, D(2020, 6, 1))]


def test_a_status_set_in_the_admin_is_a_step_of_the_history(admin_client, faculty_a):
    program = CooperativeProgramFactory(faculty=faculty_a, status=Status.ENROLLING)
    ProgramStatusChangeFactory(program=program, status=Status.ENROLLING, effective_on=D(2020, 6, 1))
    page = admin_client.get(f"/admin/programs/cooperativeprogram/{program.pk}/change/")
    data = {key: value for key, value in page.context["adminform"].form.initial.items() if value is not None}
    data.update(status=Status.CLOSED, faculty=faculty_a.pk, partners=[], approved_on="2020-06-01",
                expires_on="2030-06-01")
    response = admin_client.post(f"/admin/programs/cooperativeprogram/{program.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert steps_of(program) == [(Status.ENROLLING, D(2020, 6, 1)), (Status.CLOSED, today())]


def test_the_migration_builds_the_history_from_the_audit_trail(faculty_a):
    traced = CooperativeProgramFactory(faculty=faculty_a, status=Status.ENROLLING, approved_on=D(2019, 6, 1))
    traced.status = Status.SUSPENDED
    traced.save()
    kept = CooperativeProgramFactory(faculty=faculty_a, status=Status.ENROLLING)
    ProgramStatusChangeFactory(program=kept, status=Status.APPROVED, effective_on=D(2018, 1, 1))
    migration.forwards(apps, None)
    assert steps_of(traced) == [(Status.ENROLLING, D(2019, 6, 1)), (Status.SUSPENDED, today())]
    assert steps_of(kept) == [(Status.APPROVED, D(2018, 1, 1))]  # a history already there is left alone
    migration.backwards(apps, None)
    assert not ProgramStatusChange.objects.exists()
