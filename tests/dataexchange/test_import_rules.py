"""Imports obey the rules the forms obey: the workflow, the funding budget and the access
scope (issue 12, items 1, 2, 7, 8 and 12)."""

from __future__ import annotations

import json
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from assessment import tasks
from dataexchange import registry
from dataexchange.signals import records_imported
from exchanges.models import FundingScheme, Mobility
from faculties.models import InternationalizationPlan
from intlportal.models import WorkflowTransition
from intlportal.workflow import timeline
from programs.models import CooperativeProgram
from staff.models import StaffMember, TeachingAssignment
from tests.dataexchange.helpers import GOOD_MOBILITY, MOBILITY_HEADER, csv_file, mobility_csv, with_cell_row
from tests.factories import PlanFactory, StaffMemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STAFF_HEADER = "staff_no,faculty,name,nationality,category,title,hired_on,left_on,has_overseas_degree"
TEACHING_HEADER = "staff_no,semester,course,hours,context"
PLAN_HEADER = "faculty,first_year,last_year,title,status"
PROGRAM_HEADER = "code,faculty,name_zh,name_en,level,form,status,approval_no,approved_on,expires_on"


def import_mobilities(user, *rows, dry_run=False):
    return registry.import_rows("mobilities", mobility_csv(*rows), user=user, dry_run=dry_run)


def import_csv(kind, user, header, *rows, dry_run=False):
    return registry.import_rows(kind, csv_file("\n".join([header, *rows]) + "\n"), user=user, dry_run=dry_run)


def errors_of(result):
    return [(e.row, e.column) for e in result.errors]


def steps(obj):
    return [(s.from_state, s.to_state, s.by_id, s.comment) for s in timeline(obj)]


def row(**cells):
    """GOOD_MOBILITY with some cells replaced."""
    text = GOOD_MOBILITY
    for column, value in cells.items():
        text = with_cell_row(column, value, text)
    return text


# --- item 1: the workflow ------------------------------------------------------------------


@pytest.mark.parametrize("state", ["approved", "completed", "cancelled"])
def test_a_coordinator_cannot_create_a_mobility_in_a_later_state(coord_a, mobility_refs, state):
    result = import_mobilities(coord_a, row(person_id="S1"), row(status=state))
    assert errors_of(result) == [(3, "status")]
    [error] = result.errors
    assert "Foreign Affairs Office" in error.message and error.value == state
    assert "row 3, column status" in str(error)
    assert not Mobility.objects.exists()


def test_a_coordinator_cannot_approve_their_planned_mobility_by_importing_it_again(coord_a, mobility_refs):
    assert import_mobilities(coord_a, GOOD_MOBILITY).ok
    for state in ("approved", "completed"):
        result = import_mobilities(coord_a, row(status=state))
        assert errors_of(result) == [(2, "status")]
        assert "from “Planned” to" in result.errors[0].message
    mobility = Mobility.objects.get()
    assert (mobility.status, mobility.version) == ("planned", 1)
    assert not WorkflowTransition.objects.exists()


def test_a_coordinator_may_keep_a_planned_mobility_planned_while_changing_it(coord_a, mobility_refs):
    assert import_mobilities(coord_a, GOOD_MOBILITY).ok
    result = import_mobilities(coord_a, row(person_name="王大明"))
    assert result.ok and result.updated == 1


def test_an_office_import_that_changes_a_state_records_the_workflow_step(office, mobility_refs):
    import_mobilities(office, GOOD_MOBILITY)
    mobility = Mobility.objects.get()
    assert steps(mobility) == []
    result = import_mobilities(office, row(status="approved"))
    assert result.ok and result.updated == 1
    assert steps(mobility) == [("planned", "approved", office.pk, "Imported from a spreadsheet")]
    # Importing the same file again moves nothing and records nothing.
    assert import_mobilities(office, row(status="approved")).unchanged == 1
    assert len(steps(mobility)) == 1


def test_the_office_creating_a_record_in_a_later_state_records_a_step_from_the_initial_state(office, mobility_refs):
    result = import_mobilities(office, GOOD_MOBILITY, row(person_id="S1", status="completed"))
    assert result.ok and result.created == 2
    assert steps(Mobility.objects.get(person_id="T1001")) == []
    assert steps(Mobility.objects.get(person_id="S1")) == [
        ("planned", "completed", office.pk, "Imported from a spreadsheet")]


def test_a_dry_run_records_no_workflow_step(office, mobility_refs):
    assert import_mobilities(office, row(status="approved"), dry_run=True).ok
    assert not WorkflowTransition.objects.exists()


def test_the_step_is_in_the_chinese_timeline_as_an_import(office, mobility_refs):
    with translation.override("zh-hans"):
        import_mobilities(office, row(status="approved"))
    assert WorkflowTransition.objects.get().comment == "通过表格导入"


def test_plans_and_programs_follow_the_same_rule(office, faculty_a):
    plan = PlanFactory(faculty=faculty_a, title="甲学院规划", first_year=2025, last_year=2027)
    result = import_csv("plans", office, PLAN_HEADER, "A,2025,2027,甲学院规划,submitted")
    assert result.ok and result.updated == 1
    assert steps(plan) == [("draft", "submitted", office.pk, "Imported from a spreadsheet")]

    result = import_csv("programs", office, PROGRAM_HEADER,
                        "P1,A,项目一,,bachelor,program,approved,MOE1,2020-06-01,2030-06-01",
                        "P2,A,项目二,,bachelor,program,proposed,,,")
    assert result.ok and result.created == 2
    assert steps(CooperativeProgram.objects.get(code="P1")) == [
        ("proposed", "approved", office.pk, "Imported from a spreadsheet")]
    assert steps(CooperativeProgram.objects.get(code="P2")) == []
    assert InternationalizationPlan.objects.get().status == "submitted"


def test_every_kind_whose_records_have_workflow_steps_declares_its_workflow():
    declared = {kind.name for kind in registry.kinds() if kind.workflow is not None}
    assert {"mobilities", "plans", "programs"} <= declared
    for kind in registry.kinds():
        if kind.workflow is not None:
            assert kind.column(kind.workflow.column).field == "status"


# --- item 2: the funding budget --------------------------------------------------------------


@pytest.fixture
def small_scheme(db):
    return FundingScheme.objects.create(name="校级交流基金", year=2025, budget=Decimal("1500000.00"))


def funded(**cells):
    return row(funding_scheme="校级交流基金", **cells)


def test_one_row_over_the_budget_is_refused_with_the_forms_reasons(office, mobility_refs, small_scheme):
    result = import_mobilities(office, funded(amount="99999999.00"))
    assert errors_of(result) == [(2, "amount")]
    message = result.errors[0].message
    assert "校级交流基金" in message and "1500000.00" in message and "99999999.00" in message
    assert not Mobility.objects.exists()
    small_scheme.refresh_from_db()
    assert small_scheme.remaining == Decimal("1500000.00")


def test_rows_that_each_fit_but_together_overspend_are_refused(office, mobility_refs, small_scheme):
    result = import_mobilities(office, funded(amount="1000000"), funded(person_id="S1", amount="600000"),
                               funded(person_id="S2", amount="400000"))
    # The second row would take 1,600,000 of 1,500,000; the third fits what the first leaves.
    assert errors_of(result) == [(3, "amount")]
    message = result.errors[0].message
    assert "only 500000.00 yuan is left" in message and "1000000" in message
    assert not Mobility.objects.exists()


def test_the_database_and_the_file_are_counted_together(office, mobility_refs, small_scheme):
    assert import_mobilities(office, funded(amount="1000000")).ok
    result = import_mobilities(office, funded(person_id="S1", amount="600000"))
    assert errors_of(result) == [(2, "amount")]
    assert Mobility.objects.count() == 1


def test_a_row_changing_a_mobility_replaces_its_old_amount(office, mobility_refs, small_scheme):
    assert import_mobilities(office, funded(amount="1000000")).ok
    result = import_mobilities(office, funded(amount="1400000"))
    assert result.ok and result.updated == 1, [str(e) for e in result.errors]
    assert Mobility.objects.get().amount == Decimal("1400000")


def test_cancelled_rows_take_nothing_and_completed_ones_count(office, mobility_refs, small_scheme):
    result = import_mobilities(office, funded(amount="1500000", status="cancelled"),
                               funded(person_id="S1", amount="1500000", status="completed"),
                               funded(person_id="S2", amount="1", status="approved"))
    assert errors_of(result) == [(4, "amount")]


def test_a_coordinators_import_is_checked_too(coord_a, mobility_refs, small_scheme):
    result = import_mobilities(coord_a, funded(amount="1500000.01"))
    assert errors_of(result) == [(2, "amount")]


def test_the_budget_is_read_under_a_lock_in_the_transaction_that_writes(office, mobility_refs, small_scheme):
    with CaptureQueriesContext(connection) as captured:
        assert import_mobilities(office, funded(amount="1000")).ok
    sqls = [query["sql"] for query in captured.captured_queries]
    insert = next(i for i, sql in enumerate(sqls) if sql.startswith('INSERT INTO "exchanges_mobility"'))
    opened = max(i for i, sql in enumerate(sqls[:insert]) if sql.startswith("SAVEPOINT"))
    # In the transaction that inserts: the scheme is read again, locked, before the insert.
    [lock] = [sql for sql in sqls[opened:insert] if 'FROM "exchanges_fundingscheme"' in sql]
    assert ("FOR UPDATE" in lock) == connection.features.has_select_for_update
    assert not any(sql.startswith(("RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")) for sql in sqls[opened:insert])


# --- item 7: references are looked up within the user's scope -------------------------------------


@pytest.fixture
def staff_b(faculty_b):
    return StaffMemberFactory(faculty=faculty_b, staff_no="FL001", name="金霞")


def test_another_facultys_staff_number_is_not_found_like_a_missing_one(coord_a, mobility_refs, staff_b):
    result = import_mobilities(coord_a, row(staff_no="FL001"), row(person_id="S1", staff_no="NOPE01"))
    assert errors_of(result) == [(2, "staff_no"), (3, "staff_no")]
    elsewhere, missing = (e.message for e in result.errors)
    assert elsewhere.replace("FL001", "?") == missing.replace("NOPE01", "?")
    assert "金霞" not in elsewhere and "乙学院" not in elsewhere


def test_the_office_may_not_link_a_mobility_to_another_facultys_staff_member(office, mobility_refs, staff_b):
    result = import_mobilities(office, row(staff_no="FL001"))
    assert errors_of(result) == [(2, "staff_no")]
    assert "FL001" in result.errors[0].message


def test_a_coordinator_cannot_record_teaching_for_another_facultys_teacher(coord_a, staff_b):
    result = import_csv("teaching_assignments", coord_a, TEACHING_HEADER, "FL001,2025-2026-1,学术英语,32,general",
                        "NOPE01,2025-2026-1,学术英语,32,general")
    assert errors_of(result) == [(2, "staff_no"), (3, "staff_no")]
    elsewhere, missing = (e.message for e in result.errors)
    assert elsewhere.replace("FL001", "?") == missing.replace("NOPE01", "?")
    assert not TeachingAssignment.objects.exists()


# --- item 8: no message reveals a record outside the user's scope -------------------------------


def test_rows_colliding_with_another_facultys_records_reveal_nothing_of_them(coord_a, mobility_refs, staff_b):
    staff = import_csv("staff", coord_a, STAFF_HEADER, "FL001,A,李四,CN,domestic,lecturer,2020-09-01,,no")
    teaching = import_csv("teaching_assignments", coord_a, TEACHING_HEADER, "FL001,2025-2026-1,学术英语,32,general")
    mobilities = import_mobilities(coord_a, row(staff_no="FL001", person_id="FL001"))
    for result in (staff, teaching, mobilities):
        assert not result.ok
        text = json.dumps(result.as_dict(), ensure_ascii=False, default=str)
        for secret in ("金霞", "乙学院", "Faculty B"):
            assert secret not in text, (secret, text)
        for error in result.errors:
            assert "can no longer be changed" not in error.message
    assert staff.errors[0].column is None and staff.errors[0].value == ""
    assert StaffMember.objects.get(staff_no="FL001").name == "金霞"


def test_a_visible_locked_record_is_still_named(office, coord_a, mobility_refs):
    import_mobilities(office, row(status="approved"))
    result = import_mobilities(coord_a, row(status="approved", person_name="改名"))
    [error] = result.errors
    assert "can no longer be changed" in error.message and str(Mobility.objects.get()) in error.message


# --- item 12: an import that changes nothing recomputes nothing ------------------------------------


@pytest.fixture
def signals_received():
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs["kind"], kwargs["years"]))

    records_imported.connect(receiver)
    yield received
    records_imported.disconnect(receiver)


def test_a_header_only_import_sends_nothing_and_schedules_nothing(
        office, mobility_refs, signals_received, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(tasks, "schedule_recompute") as schedule,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = registry.import_rows("mobilities", csv_file(MOBILITY_HEADER + "\n"), user=office, dry_run=False)
    assert result.ok and result.total == 0
    assert signals_received == [] and not schedule.called


def test_an_import_of_unchanged_rows_sends_nothing(
        office, mobility_refs, signals_received, django_capture_on_commit_callbacks):
    import_mobilities(office, GOOD_MOBILITY)
    signals_received.clear()
    with (
        mock.patch.object(tasks, "schedule_recompute") as schedule,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = import_mobilities(office, GOOD_MOBILITY)
    assert result.ok and result.unchanged == 1
    assert signals_received == [] and not schedule.called


def test_an_import_that_changes_records_recomputes_only_the_years_it_touched(
        office, mobility_refs, signals_received, django_capture_on_commit_callbacks):
    of_2022 = row(person_id="Y", starts_on="2022-03-01", ends_on="2022-03-05")
    import_mobilities(office, GOOD_MOBILITY, of_2022)
    signals_received.clear()
    with (
        mock.patch.object(tasks, "schedule_recompute") as schedule,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = import_mobilities(office, row(person_name="王大明"), of_2022,
                                   row(person_id="X", starts_on="2023-05-01", ends_on="2023-05-03"))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert signals_received == [("mobilities", {2023, 2025})]  # not 2022: that row changed nothing
    # A mobility may be a long stay abroad, which counts from its end on: 2023 and every year since.
    schedule.assert_called_once_with(set(range(2023, timezone.localdate().year + 1)))


def test_an_import_signal_with_no_year_schedules_no_recompute(django_capture_on_commit_callbacks):
    cache.delete(tasks.SCHEDULED_KEY)  # no recompute already on its way
    with (
        mock.patch.object(tasks.recompute_assessments, "apply_async") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        records_imported.send(sender=Mobility, kind="mobilities", years=set(), user=None)
    assert not enqueue.called
