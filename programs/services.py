"""The lifecycle of a cooperative program: ``proposed → declared → approved → enrolling``,
then ``suspended`` (and back to ``enrolling``) or ``closed``.  The office alone moves it."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from intlportal import access
from intlportal.workflow import WorkflowError, transition
from programs.models import CooperativeProgram

Status = CooperativeProgram.Status

# action: (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "declare": ((Status.PROPOSED,), Status.DECLARED),
    "approve": ((Status.DECLARED,), Status.APPROVED),
    "enroll": ((Status.APPROVED, Status.SUSPENDED), Status.ENROLLING),
    "suspend": ((Status.APPROVED, Status.ENROLLING), Status.SUSPENDED),
    "close": ((Status.PROPOSED, Status.DECLARED, Status.APPROVED, Status.ENROLLING, Status.SUSPENDED),
              Status.CLOSED),
}


def available_actions(program: CooperativeProgram) -> list[str]:
    """The actions allowed from the program's current state, in lifecycle order."""
    return [name for name, (sources, _target) in TRANSITIONS.items() if program.status in sources]


def _move(action: str, *, program: CooperativeProgram, by, comment: str = "", extra=None) -> CooperativeProgram:
    access.require(access.can_move_program(by))
    sources, target = TRANSITIONS[action]
    return transition(model=CooperativeProgram, pk=program.pk, allowed_from=sources, to_state=target,
                      by=by, comment=comment, extra_updates=extra)


def program_declare(*, program: CooperativeProgram, by, comment: str = "") -> CooperativeProgram:
    """The application was declared to the Ministry of Education."""
    return _move("declare", program=program, by=by, comment=comment)


def program_approve(*, program: CooperativeProgram, by, approval_no: str, approved_on: date,
                    expires_on: date | None = None, comment: str = "") -> CooperativeProgram:
    """The Ministry approved the program: record its approval number and dates."""
    approval_no = (approval_no or "").strip()
    if not approval_no or approved_on is None:
        raise WorkflowError(_("Give the Ministry approval number and the approval date."))
    if expires_on is not None and expires_on <= approved_on:
        raise WorkflowError(_("The approval must expire after the date it was granted."))
    extra = {"approval_no": approval_no, "approved_on": approved_on}
    if expires_on is not None:
        extra["expires_on"] = expires_on
    return _move("approve", program=program, by=by, comment=comment, extra=extra)


def program_start_enrolling(*, program: CooperativeProgram, by, comment: str = "") -> CooperativeProgram:
    """The program enrols students (first intake, or again after a suspension)."""
    return _move("enroll", program=program, by=by, comment=comment)


def program_suspend(*, program: CooperativeProgram, by, comment: str = "") -> CooperativeProgram:
    """Enrolment stops for now; a comment saying why is required."""
    if not comment.strip():
        raise WorkflowError(_("Say why the program is suspended."))
    return _move("suspend", program=program, by=by, comment=comment)


def program_close(*, program: CooperativeProgram, by, comment: str = "") -> CooperativeProgram:
    """The program ends for good; a comment saying why is required."""
    if not comment.strip():
        raise WorkflowError(_("Say why the program is closed."))
    return _move("close", program=program, by=by, comment=comment)
