"""The lifecycle of a cooperative program: ``proposed → declared → approved → enrolling``,
then ``suspended`` (and back to ``enrolling``) or ``closed``.  The office alone moves it.

Every move is also a dated step of the program's status history (``ProgramStatusChange``),
which the assessment reads to know the years a program was running: effective the day of the
move, or the approval date when the Ministry's approval is recorded.  ``status_history_sync``
writes the steps; the lifecycle actions, the program import and the admin call it.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from intlportal import access
from intlportal.workflow import WorkflowError, transition
from programs.models import CooperativeProgram, ProgramStatusChange
from programs.status_history import Step, Version, status_steps

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
    with transaction.atomic():
        moved = transition(model=CooperativeProgram, pk=program.pk, allowed_from=sources, to_state=target,
                           by=by, comment=comment, extra_updates=extra)
        status_history_sync(programs=CooperativeProgram.objects.filter(pk=moved.pk), by=by)
    return moved


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


# --- the dated status history ------------------------------------------------------------------


def _user_id(by) -> int | None:
    return by.pk if getattr(by, "is_authenticated", False) else None


def _next_step(program: CooperativeProgram, last: date, *, by) -> Step:
    """The step a program's current status adds after a history whose last step is dated
    ``last``: effective today, or on the approval date for an approval (never before ``last``)."""
    effective = timezone.localdate()
    if program.status == Status.APPROVED and program.approved_on is not None:
        effective = program.approved_on
    return Step(program.status, max(effective, last), _user_id(by))


def _rebuilt_steps(program: CooperativeProgram, versions: list[Version], *, by) -> list[Step]:
    """The steps of a program that has no status history yet, from its audit trail; a program
    without one (loaded in bulk) starts with its current status, since its approval date when
    it is active and the date is known, else since it was entered."""
    steps = status_steps(versions)
    if steps and by is not None:
        # The last step is the move being recorded now: by whom the caller says.
        steps[-1] = Step(steps[-1].status, steps[-1].effective_on, _user_id(by) or steps[-1].recorded_by_id)
    if not steps:
        since = timezone.localdate(program.created_at) if program.created_at else timezone.localdate()
        if program.status in CooperativeProgram.ACTIVE_STATUSES and program.approved_on is not None:
            since = program.approved_on
        return [Step(program.status, since, _user_id(by))]
    if steps[-1].status != program.status:
        steps.append(_next_step(program, steps[-1].effective_on, by=by))
    return steps


def status_history_sync(*, programs: QuerySet | None = None, by=None) -> int:
    """Bring the dated status history of ``programs`` (default: all) up to their status.

    A program whose last step differs from its status gets a step for it; one without any
    step gets its history rebuilt from its audit trail (``status_history.status_steps``), so
    the years it was running before stay as they were.  A proposed program without history is
    left alone: it has run in no year.  Idempotent; returns the number of steps written.
    Called inside the transaction that moved the status (a lifecycle action, an import).
    """
    latest = ProgramStatusChange.objects.filter(program=OuterRef("pk")).order_by("-effective_on", "-pk")
    candidates = (CooperativeProgram.objects.all() if programs is None else programs).annotate(
        logged_status=Subquery(latest.values("status")[:1]), logged_on=Subquery(latest.values("effective_on")[:1]),
    ).filter(
        (Q(logged_status__isnull=True) & ~Q(status=Status.PROPOSED))
        | (Q(logged_status__isnull=False) & ~Q(logged_status=F("status")))
    )
    stale = list(candidates)
    if not stale:
        return 0
    versions: dict[int, list[Version]] = {program.pk: [] for program in stale if program.logged_status is None}
    if versions:
        trail = (CooperativeProgram.history.filter(id__in=list(versions)).exclude(history_type="-")
                 .order_by("history_date", "history_id")
                 .values_list("id", "status", "approved_on", "history_date", "history_user_id"))
        for pk, status, approved_on, saved_at, user_id in trail:
            versions[pk].append(Version(status, approved_on, timezone.localdate(saved_at), user_id))
    rows = []
    for program in stale:
        if program.logged_status is None:
            steps = _rebuilt_steps(program, versions[program.pk], by=by)
        else:
            steps = [_next_step(program, program.logged_on, by=by)]
        rows += [ProgramStatusChange(program=program, status=step.status, effective_on=step.effective_on,
                                     recorded_by_id=step.recorded_by_id) for step in steps]
    ProgramStatusChange.objects.bulk_create(rows)
    return len(rows)
