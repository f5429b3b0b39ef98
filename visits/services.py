"""The approval chain of a foreign visit (来访接待), every step through
``intlportal.workflow.transition`` (locked row, checked state, version bumped, a
``WorkflowTransition`` with its comment, and the ``workflow_step`` signal that notifies the
people who act next: ``Visit.next_actors``).

    draft → submitted → office approved → (leader approved) → hosted → closed
    returned for changes (by the office, or a leader at the leader's step) and withdrawn (by
    the faculty or the office) before the visit is hosted; a returned visit is changed and
    submitted again.

Closing a visit records what it was (``record_outcomes``): each member becomes a completed
inbound ``Mobility`` and each lecture of the programme an ``overseas_scholar_lecture``
``Event`` of the host faculty, entered by the office and so verified: the assessment counts
them and nobody enters them a second time.

Each service checks who may take the step, so the rule holds whatever calls it (a page, the
API, an import, a task)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges import services as exchange_services
from exchanges.models import Event, Mobility
from intlportal import access, verification
from intlportal.workflow import WorkflowError, transition
from visits.models import ProgrammeItem, Visit, VisitMember

S = Visit.Status
#: The visit is changed (its facts, members and programme) while it is a draft or returned.
EDITABLE = (S.DRAFT, S.CHANGES_REQUESTED)
#: Waiting for a decision: the office's, or a university leader's.
PENDING = (S.SUBMITTED, S.OFFICE_APPROVED)
#: Withdrawn by the faculty or the office at any point before the delegation is hosted.
WITHDRAWABLE = (*EDITABLE, S.SUBMITTED, S.OFFICE_APPROVED, S.LEADER_APPROVED)
#: Once the visit is over, its members' passport data and its programme no longer change.
FINISHED = (S.CLOSED, S.WITHDRAWN)

#: The mobility activity each purpose of a visit becomes.
ACTIVITY = {
    Visit.Purpose.LECTURES: Mobility.Activity.LECTURE,
    Visit.Purpose.CONFERENCE: Mobility.Activity.CONFERENCE,
}


def _office(user, visit: Visit) -> bool:
    return access.is_office(user)


def _leader(user, visit: Visit) -> bool:
    return access.is_leader(user)


def approved_states(visit: Visit) -> tuple:
    """The state in which the visit is approved: approved by the office, or — when it needs one —
    by a university leader."""
    return (S.LEADER_APPROVED,) if visit.needs_leader else (S.OFFICE_APPROVED, S.LEADER_APPROVED)


def _return_states(user, visit: Visit) -> tuple:
    """The office returns a visit it is deciding on or has approved; a leader at the leader's step."""
    if access.is_office(user):
        return (S.SUBMITTED, S.OFFICE_APPROVED, S.LEADER_APPROVED)
    if access.is_leader(user) and visit.needs_leader:
        return (S.OFFICE_APPROVED,)
    return ()


# Each step: who may ask for it at all, and the states it moves the visit from for that user.
# The services below check the same two, and the visit's page offers exactly these buttons.
STEPS = {
    "submit": (access.acts_for_faculty, lambda user, visit: EDITABLE),
    "approve": (_office, lambda user, visit: (S.SUBMITTED,)),
    "leader-approve": (_leader, lambda user, visit: (S.OFFICE_APPROVED,) if visit.needs_leader else ()),
    "return": (lambda user, visit: access.is_office(user) or access.is_leader(user), _return_states),
    "withdraw": (access.acts_for_faculty, lambda user, visit: WITHDRAWABLE),
    "host": (access.acts_for_faculty, lambda user, visit: approved_states(visit)),
    "close": (_office, lambda user, visit: (S.HOSTED,)),
}


def may_ask(action: str, user, visit: Visit) -> bool:
    """Whether ``user`` may ask for the step at all, whatever the visit's state."""
    return STEPS[action][0](user, visit)


def available_steps(user, visit: Visit) -> set[str]:
    """The steps ``user`` can take on the visit as it stands."""
    return {action for action, (who, states) in STEPS.items()
            if who(user, visit) and visit.status in states(user, visit)}


def can_change(user, visit: Visit) -> bool:
    """The visit, its members and its programme change by its faculty (or the office) while it
    is a draft or returned for changes."""
    return visit.status in EDITABLE and access.acts_for_faculty(user, visit)


def may_keep_personal_data(user, visit: Visit) -> bool:
    """The members' passport numbers and dates of birth (for the visa invitation) are the
    office's: it keeps them at any point until the visit is closed or withdrawn."""
    return access.can_see_personal_data(user) and visit.status not in FINISHED


def leader_reasons(visit: Visit) -> list[str]:
    """Why a university leader must approve the visit (empty: the office's approval suffices):
    a reception budget above ``VISIT_LEADER_BUDGET_ABOVE`` yuan, and — when
    ``VISIT_LEADER_WHEN_PRESIDENT`` — a delegation led by the head of a university, or received
    by a university leader."""
    reasons = []
    if visit.budget_total > Decimal(settings.VISIT_LEADER_BUDGET_ABOVE):
        reasons.append(_("the reception budget is above %(amount)s yuan")
                       % {"amount": settings.VISIT_LEADER_BUDGET_ABOVE})
    if settings.VISIT_LEADER_WHEN_PRESIDENT:
        if visit.led_by_president:
            reasons.append(_("the delegation is led by a president, rector or vice-president"))
        if visit.reception_level == Visit.Level.UNIVERSITY_LEADER:
            reasons.append(_("a university leader receives the delegation"))
    return reasons


def _say(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _complete(visit: Visit, today) -> None:
    """What a submitted visit must hold (each message says what to add)."""
    errors = []
    try:
        visit.full_clean()
    except ValidationError as error:
        errors += [message for messages in error.message_dict.values() for message in messages]
    if not visit.members.exists():
        errors.append(_("Add the members of the delegation."))
    if visit.host_id is None:
        errors.append(_("Name the host: the member of staff who receives the delegation."))
    elif visit.host.faculty_id != visit.faculty_id:
        errors.append(_("The host must be a member of staff of the host faculty."))
    items = list(visit.programme.order_by("day", "starts_at", "pk"))
    if not items:
        errors.append(_("Add the programme of the visit, day by day."))
    for item in items:
        item.visit = visit  # the dates as they stand now
        try:
            item.clean()
        except ValidationError as error:
            errors.append(_("Programme entry “%(entry)s”: %(problem)s") % {"entry": item.title,
                                                                          "problem": _say(error)})
    if visit.arrives_on and visit.arrives_on < today:
        errors.append(_("The arrival on %(day)s is in the past: correct the dates of the visit.")
                      % {"day": visit.arrives_on})
    if errors:
        raise WorkflowError(" ".join(str(e) for e in errors))


def submit(*, visit: Visit, by, comment: str = "", today=None) -> Visit:
    """The faculty submits its visit to the office (or the office registers it for the faculty)."""
    if not may_ask("submit", by, visit):
        raise WorkflowError(_("Only the faculty's coordinators or the office can submit this visit."))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status not in EDITABLE:
            raise WorkflowError(_("This visit has already been submitted."))
        _complete(locked, today)
        return transition(model=Visit, pk=visit.pk, allowed_from=EDITABLE, to_state=S.SUBMITTED, by=by,
                          comment=comment, extra_updates={"submitted_by": by if getattr(by, "pk", None) else None,
                                                          "submitted_at": timezone.now()})


def office_approve(*, visit: Visit, by, comment: str = "") -> Visit:
    """The office approves; the visit goes on to a university leader when ``leader_reasons``
    gives a reason, and is approved otherwise."""
    if not may_ask("approve", by, visit):
        raise WorkflowError(_("Only the office approves a visit at this step."))
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        reasons = leader_reasons(locked)
        return transition(model=Visit, pk=visit.pk, allowed_from=[S.SUBMITTED], to_state=S.OFFICE_APPROVED, by=by,
                          comment=comment, extra_updates={"needs_leader": bool(reasons)})


def leader_approve(*, visit: Visit, by, comment: str = "") -> Visit:
    """A university leader approves a visit that needs it (the only write a leader has)."""
    if not may_ask("leader-approve", by, visit):
        raise WorkflowError(_("Only a university leader approves a visit at this step."))
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if not locked.needs_leader:
            raise WorkflowError(_("This visit does not need a university leader's approval."))
        return transition(model=Visit, pk=visit.pk, allowed_from=[S.OFFICE_APPROVED], to_state=S.LEADER_APPROVED,
                          by=by, comment=comment)


def return_for_changes(*, visit: Visit, by, comment: str) -> Visit:
    """The office (deciding on the visit or having approved it) or a leader (at the leader's
    step) hands the visit back to the faculty, saying what to change."""
    if not (comment or "").strip():
        raise WorkflowError(_("Say what the faculty should change: a comment is required to return a visit."))
    if not may_ask("return", by, visit):
        raise WorkflowError(_("Only the office or a university leader can return a visit for changes."))
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        return transition(model=Visit, pk=visit.pk, allowed_from=_return_states(by, locked),
                          to_state=S.CHANGES_REQUESTED, by=by, comment=comment.strip())


def withdraw(*, visit: Visit, by, comment: str = "") -> Visit:
    """The faculty or the office calls the visit off, at any point before it is hosted."""
    if not may_ask("withdraw", by, visit):
        raise WorkflowError(_("Only the faculty's coordinators or the office can withdraw this visit."))
    return transition(model=Visit, pk=visit.pk, allowed_from=WITHDRAWABLE, to_state=S.WITHDRAWN, by=by,
                      comment=comment)


def mark_hosted(*, visit: Visit, by, comment: str = "", today=None) -> Visit:
    """The faculty (or the office) records that the delegation was received: once the visit is
    approved, and not before the delegation arrives."""
    if not may_ask("host", by, visit):
        raise WorkflowError(_("Only the faculty's coordinators or the office record that a visit was hosted."))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status == S.OFFICE_APPROVED and locked.needs_leader:
            raise WorkflowError(_("This visit still awaits a university leader's approval."))
        if locked.status in approved_states(locked) and today < locked.arrives_on:
            raise WorkflowError(_("The delegation arrives on %(day)s: the visit can be recorded as hosted from "
                                  "that day.") % {"day": locked.arrives_on})
        return transition(model=Visit, pk=visit.pk, allowed_from=approved_states(locked), to_state=S.HOSTED,
                          by=by, comment=comment)


# --- closing: the mobilities and the lecture events -------------------------------------------------


@dataclass
class Outcomes:
    """What closing a visit recorded: new mobilities and events, and events already recorded
    that were linked instead of entered twice."""

    mobilities: list[Mobility] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    linked_mobilities: list[Mobility] = field(default_factory=list)
    linked_events: list[Event] = field(default_factory=list)


def person_id(member: VisitMember) -> str:
    """The mobility's person id of a member of a delegation (who has no staff or student number)."""
    return f"visit-{member.visit_id}-{member.pk}"[:50]


def _mobility_of(visit: Visit, member: VisitMember, by, outcome: Outcomes) -> Mobility:
    activity = ACTIVITY.get(visit.purpose, Mobility.Activity.VISIT)
    existing = Mobility.objects.filter(faculty_id=visit.faculty_id, person_id=person_id(member), activity=activity,
                                       starts_on=visit.arrives_on).first()
    if existing is not None:
        if VisitMember.objects.filter(mobility=existing).exclude(pk=member.pk).exists():
            raise WorkflowError(_("The mobility “%(mobility)s” already belongs to another visitor: correct it "
                                  "before closing this visit.") % {"mobility": existing})
        outcome.linked_mobilities.append(existing)
        return existing
    mobility = Mobility(
        faculty_id=visit.faculty_id, direction=Mobility.Direction.INBOUND, person_kind=Mobility.PersonKind.SCHOLAR,
        person_name=member.name, person_id=person_id(member), partner_id=visit.partner_id,
        country=member.nationality, activity=activity, starts_on=visit.arrives_on, ends_on=visit.leaves_on,
        status=Mobility.Status.COMPLETED,
    )
    mobility._change_reason = f"visit {visit.pk} closed"
    try:
        mobility.full_clean(validate_unique=False, validate_constraints=False)
        exchange_services.mobility_save(mobility=mobility, by=by)
    except ValidationError as error:
        raise WorkflowError(_("%(person)s cannot become a mobility: %(problem)s")
                            % {"person": member.name, "problem": _say(error)}) from error
    outcome.mobilities.append(mobility)
    return mobility


def _event_of(visit: Visit, item: ProgrammeItem, by, outcome: Outcomes) -> Event:
    existing = Event.objects.filter(faculty_id=visit.faculty_id, title=item.title, date=item.day).first()
    if existing is not None:
        if ProgrammeItem.objects.filter(event=existing).exclude(pk=item.pk).exists():
            raise WorkflowError(_("The event “%(event)s” of %(day)s already belongs to another programme entry: "
                                  "rename the lecture or correct that event before closing this visit.")
                                % {"event": existing, "day": existing.date})
        outcome.linked_events.append(existing)
        return existing
    event = Event(faculty_id=visit.faculty_id, kind=Event.Kind.OVERSEAS_SCHOLAR_LECTURE, title=item.title,
                  date=item.day, speaker=item.speaker, participants_total=item.participants,
                  # Who of the audience came from abroad is not known: the visitors are counted as
                  # mobilities, not here.
                  participants_foreign=0)
    event._change_reason = f"visit {visit.pk} closed"
    verification.mark_entry(event, by=by)
    try:
        event.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise WorkflowError(_("The lecture “%(entry)s” cannot become an event: %(problem)s")
                            % {"entry": item.title, "problem": _say(error)}) from error
    event.save()
    if visit.partner_id:
        event.partners.add(visit.partner_id)
    outcome.events.append(event)
    return event


def record_outcomes(*, visit: Visit, by) -> Outcomes:
    """Give each member of the visit one completed inbound mobility and each lecture of its
    programme one ``overseas_scholar_lecture`` event of the host faculty (idempotent: a member or
    an entry already linked is skipped; a record already there with the same key is linked
    rather than entered twice).

    Called inside the closing's transaction; entered by the office, the records are verified
    and count in the assessment."""
    if by is not None and not access.is_office(by):
        raise WorkflowError(_("Only the office records what a closed visit was."))
    outcome = Outcomes()
    for member in visit.members.filter(mobility__isnull=True).order_by("pk"):
        member.mobility = _mobility_of(visit, member, by, outcome)
        member.save(update_fields=["mobility"])
    lectures = visit.programme.filter(kind=ProgrammeItem.Kind.LECTURE, event__isnull=True)
    for item in lectures.order_by("day", "starts_at", "pk"):
        item.event = _event_of(visit, item, by, outcome)
        item.save(update_fields=["event"])
    return outcome


def close(*, visit: Visit, by, comment: str = "") -> Visit:
    """The office closes a hosted visit: each member becomes a completed inbound mobility and
    each lecture an event of the host faculty (``record_outcomes``), in the same transaction."""
    if not may_ask("close", by, visit):
        raise WorkflowError(_("Only the office closes a visit."))
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status == S.CLOSED:
            raise WorkflowError(_("This visit is already closed: its mobilities and lecture events are recorded."))
        if locked.status == S.HOSTED:
            outcome = record_outcomes(visit=locked, by=by)
            notes = [comment.strip()] if comment.strip() else []
            notes.append(_("%(mobilities)s inbound mobilities and %(events)s lecture events recorded.")
                         % {"mobilities": len(outcome.mobilities), "events": len(outcome.events)})
            for record in (*outcome.linked_mobilities, *outcome.linked_events):
                notes.append(_("Linked to the record already there: %(record)s.") % {"record": record})
            comment = " ".join(str(note) for note in notes)
        return transition(model=Visit, pk=visit.pk, allowed_from=[S.HOSTED], to_state=S.CLOSED, by=by,
                          comment=comment)
