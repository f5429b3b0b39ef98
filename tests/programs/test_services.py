"""The cooperative program lifecycle: proposed → declared → approved → enrolling, then
suspended or closed; the office alone moves it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from intlportal.models import WorkflowTransition
from intlportal.workflow import WorkflowError
from programs import services
from programs.models import CooperativeProgram
from tests.factories import CooperativeProgramFactory

pytestmark = pytest.mark.django_db
Status = CooperativeProgram.Status


def test_the_office_takes_a_program_from_proposal_to_enrolment(office):
    program = CooperativeProgramFactory(status=Status.PROPOSED, approval_no="", approved_on=None, expires_on=None)

    services.program_declare(program=program, by=office, comment="已报教育部")
    services.program_approve(program=program, by=office, approval_no="MOE32US2A20251234N",
                             approved_on=datetime.date(2025, 5, 1), expires_on=datetime.date(2030, 5, 1))
    program = services.program_start_enrolling(program=program, by=office)

    assert program.status == Status.ENROLLING
    assert program.approval_no == "MOE32US2A20251234N"
    assert program.approved_on == datetime.date(2025, 5, 1)
    assert program.version == 4
    steps = WorkflowTransition.objects.filter(object_id=program.pk).order_by("pk")
    assert [(s.from_state, s.to_state) for s in steps] == [
        ("proposed", "declared"), ("declared", "approved"), ("approved", "enrolling")]
    assert steps[0].by == office and steps[0].comment == "已报教育部"


def test_approval_needs_the_ministry_number_and_date(office):
    program = CooperativeProgramFactory(status=Status.DECLARED)

    with pytest.raises(WorkflowError):
        services.program_approve(program=program, by=office, approval_no=" ", approved_on=datetime.date(2025, 5, 1))

    program.refresh_from_db()
    assert program.status == Status.DECLARED


def test_an_approval_cannot_expire_before_it_is_granted(office):
    program = CooperativeProgramFactory(status=Status.DECLARED)

    with pytest.raises(WorkflowError):
        services.program_approve(program=program, by=office, approval_no="MOE1", approved_on=datetime.date(2025, 5, 1),
                                 expires_on=datetime.date(2025, 4, 1))


def test_a_proposed_program_cannot_start_enrolling(office):
    program = CooperativeProgramFactory(status=Status.PROPOSED)

    with pytest.raises(WorkflowError):
        services.program_start_enrolling(program=program, by=office)

    program.refresh_from_db()
    assert program.status == Status.PROPOSED


def test_a_suspended_program_may_enrol_again_and_a_closed_one_may_not(office):
    program = CooperativeProgramFactory(status=Status.ENROLLING)

    services.program_suspend(program=program, by=office, comment="合作方调整")
    assert services.program_start_enrolling(program=program, by=office).status == Status.ENROLLING
    services.program_close(program=program, by=office, comment="协议到期")

    with pytest.raises(WorkflowError):
        services.program_start_enrolling(program=program, by=office)
    assert services.available_actions(CooperativeProgram.objects.get(pk=program.pk)) == []


def test_suspending_or_closing_needs_a_reason(office):
    program = CooperativeProgramFactory(status=Status.ENROLLING)

    with pytest.raises(WorkflowError):
        services.program_suspend(program=program, by=office, comment="")
    with pytest.raises(WorkflowError):
        services.program_close(program=program, by=office, comment="  ")


@pytest.mark.parametrize("persona", ["leader", "coord_a"])
def test_only_the_office_moves_a_program(persona, request, faculty_a):
    user = request.getfixturevalue(persona)
    program = CooperativeProgramFactory(faculty=faculty_a, status=Status.PROPOSED)

    with pytest.raises(PermissionDenied):
        services.program_declare(program=program, by=user)

    program.refresh_from_db()
    assert program.status == Status.PROPOSED
