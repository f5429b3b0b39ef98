"""The approval chain of a trip abroad, every step through ``intlportal.workflow.transition``
(locked row, checked state, version bumped, a ``WorkflowTransition`` with its comment, and the
``workflow_step`` signal that notifies the people who act next).

    draft → submitted → faculty approved → office approved → (leader approved) → on notice
          → approved for travel → …
    returned for changes (by the office, or a leader) and withdrawn (by the faculty or the
    office) from any pending state; a returned trip is changed and submitted again.
    approved for travel → change being prepared → submitted → … (a change request,
    ``trips.changes``: the whole chain again; withdrawing it restores the approved version).

Each service checks who may take the step, so the rule holds whatever calls it (a page, the
API, a command, a task)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intlportal import access, workdays
from intlportal.workflow import WorkflowError, transition
from trips import changes, passports
from trips.models import Trip

S = Trip.Status
# A change of an approved trip (任务变更, ``trips.changes``) is edited like a draft: its
# application, group, countries and itinerary, then submitted again (never deleted: only a
# draft is).
EDITABLE = (S.DRAFT, S.CHANGES_REQUESTED, S.CHANGING)
PENDING = (S.SUBMITTED, S.FACULTY_APPROVED, S.OFFICE_APPROVED, S.LEADER_APPROVED)
WITHDRAWABLE = (*EDITABLE, *PENDING, S.ON_NOTICE)


def _office(user, trip: Trip) -> bool:
    return access.is_office(user)


def _leader(user, trip: Trip) -> bool:
    return access.is_leader(user)


def _return_states(user, trip: Trip) -> tuple:
    """The office returns a trip at any pending step or on notice; a leader at the leader's step."""
    if access.is_office(user):
        return (*PENDING, S.ON_NOTICE)
    if access.is_leader(user) and trip.needs_leader:
        return (S.OFFICE_APPROVED,)
    return ()


# Each step: who may ask for it at all, and the states it moves the trip from for that user.
# The services below check the same two, and the trip's page offers exactly these buttons.
STEPS = {
    "submit": (access.acts_for_faculty, lambda user, trip: EDITABLE),
    "approve": (_office, lambda user, trip: (S.FACULTY_APPROVED,)),
    "leader-approve": (_leader, lambda user, trip: (S.OFFICE_APPROVED,) if trip.needs_leader else ()),
    "return": (lambda user, trip: access.is_office(user) or access.is_leader(user), _return_states),
    "withdraw": (access.acts_for_faculty, lambda user, trip: WITHDRAWABLE),
    "clear": (_office, lambda user, trip: (S.ON_NOTICE,)),
    # A trip from approval to closing (trips/travel.py): departure, return, closing.
    "depart": (access.acts_for_faculty, lambda user, trip: (S.CLEARED,)),
    "come-back": (access.acts_for_faculty, lambda user, trip: (S.TRAVELLING,)),
    "close": (_office, lambda user, trip: (S.BACK,)),
    "change": (access.acts_for_faculty, lambda user, trip: (S.CLEARED,)),
}


def may_ask(action: str, user, trip: Trip) -> bool:
    """Whether ``user`` may ask for the step at all, whatever the trip's state."""
    return STEPS[action][0](user, trip)


def available_steps(user, trip: Trip) -> set[str]:
    """The steps ``user`` can take on the trip as it stands."""
    return {action for action, (who, states) in STEPS.items()
            if who(user, trip) and trip.status in states(user, trip)}


def can_change(user, trip: Trip) -> bool:
    """The application, its group and its countries change by its faculty (or the office) while
    it is a draft, returned for changes, or a change of an approved trip being prepared."""
    return trip.status in EDITABLE and access.acts_for_faculty(user, trip)


def leader_reasons(trip: Trip) -> list[str]:
    """Why a university leader must approve the trip (empty: the office's approval suffices):
    a member with a post of division head or above, a budget above
    ``TRIP_LEADER_BUDGET_ABOVE`` yuan, or more than ``TRIP_LEADER_COUNTRIES_ABOVE`` countries."""
    reasons = []
    if trip.members.filter(senior_post=True).exists():
        reasons.append(_("a member holds a post of division head or above"))
    if trip.budget_total > Decimal(settings.TRIP_LEADER_BUDGET_ABOVE):
        reasons.append(_("the budget is above %(amount)s yuan") % {"amount": settings.TRIP_LEADER_BUDGET_ABOVE})
    if trip.countries.count() > settings.TRIP_LEADER_COUNTRIES_ABOVE:
        reasons.append(_("it visits more than %(n)s countries or regions")
                       % {"n": settings.TRIP_LEADER_COUNTRIES_ABOVE})
    return reasons


def earliest_departure(today=None):
    """The first day a trip applied for today can leave: after the office's review, the public
    notice of ``TRIP_NOTICE_WORKING_DAYS`` working days must have ended."""
    today = today or timezone.localdate()
    return workdays.add_working_days(today, settings.TRIP_NOTICE_WORKING_DAYS) + timedelta(days=1)


def _complete(trip: Trip, today) -> None:
    """What a submitted application must hold (each message says what to add)."""
    errors = []
    try:
        trip.full_clean()
    except ValidationError as error:
        errors += [message for messages in error.message_dict.values() for message in messages]
    if not trip.members.exists():
        errors.append(_("Add the members of the group."))
    countries = list(trip.countries.all())
    if not countries:
        errors.append(_("Add the countries or regions the group visits, with the days in each."))
    for country in countries:
        try:
            country.clean()
        except ValidationError as error:
            errors += error.messages
    if trip.departs_on < earliest_departure(today):
        errors.append(_("The departure on %(day)s leaves no time for the review and the public notice of "
                        "%(n)s working days: leave on %(earliest)s or later.") % {
            "day": trip.departs_on, "n": settings.TRIP_NOTICE_WORKING_DAYS, "earliest": earliest_departure(today)})
    if not trip.invitation:
        errors.append(_("Upload the invitation letter (a PDF, or a JPEG or PNG scan)."))
    if errors:
        raise WorkflowError(" ".join(str(e) for e in errors))


def submit(*, trip: Trip, by, comment: str = "", today=None) -> Trip:
    """The faculty submits its application (or the office for it); the coordinator's submission
    records the faculty's confirmation as its own step."""
    if not may_ask("submit", by, trip):
        raise WorkflowError(_("Only the faculty's coordinators or the office can submit this trip."))
    today = today or timezone.localdate()
    passports.refuse_if_blocked(trip, today)  # a faculty keeping a passport or a report overdue
    with transaction.atomic():
        locked = Trip.objects.select_for_update().get(pk=trip.pk)
        if locked.status not in EDITABLE:
            raise WorkflowError(_("This trip has already been submitted."))
        _complete(locked, today)
        transition(model=Trip, pk=trip.pk, allowed_from=EDITABLE, to_state=S.SUBMITTED,
                   by=by, comment=comment, extra_updates={"submitted_by": by, "submitted_at": timezone.now()})
        return transition(model=Trip, pk=trip.pk, allowed_from=[S.SUBMITTED], to_state=S.FACULTY_APPROVED, by=by,
                          comment=_("The faculty's confirmation, recorded with its submission."))


def _start_notice(pk: int, *, by, today) -> Trip:
    ends = workdays.add_working_days(today, settings.TRIP_NOTICE_WORKING_DAYS)
    return transition(model=Trip, pk=pk, allowed_from=[S.OFFICE_APPROVED, S.LEADER_APPROVED], to_state=S.ON_NOTICE,
                      by=by, comment=_("Public notice until %(day)s.") % {"day": ends},
                      extra_updates={"notice_starts_on": today, "notice_ends_on": ends})


def office_approve(*, trip: Trip, by, comment: str = "", today=None) -> Trip:
    """The office approves; the trip goes on public notice, or first to a university leader when
    ``leader_reasons`` gives a reason."""
    if not may_ask("approve", by, trip):
        raise WorkflowError(_("Only the office approves a trip at this step."))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Trip.objects.select_for_update().get(pk=trip.pk)
        reasons = leader_reasons(locked)
        approved = transition(model=Trip, pk=trip.pk, allowed_from=[S.FACULTY_APPROVED], to_state=S.OFFICE_APPROVED,
                              by=by, comment=comment, extra_updates={"needs_leader": bool(reasons)})
        if reasons:
            return approved
        return _start_notice(trip.pk, by=by, today=today)


def leader_approve(*, trip: Trip, by, comment: str = "", today=None) -> Trip:
    """A university leader approves a trip that needs it (the only write a leader has); the trip
    goes on public notice."""
    if not may_ask("leader-approve", by, trip):
        raise WorkflowError(_("Only a university leader approves a trip at this step."))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Trip.objects.select_for_update().get(pk=trip.pk)
        if not locked.needs_leader:
            raise WorkflowError(_("This trip does not need a university leader's approval."))
        transition(model=Trip, pk=trip.pk, allowed_from=[S.OFFICE_APPROVED], to_state=S.LEADER_APPROVED, by=by,
                   comment=comment)
        return _start_notice(trip.pk, by=by, today=today)


def return_for_changes(*, trip: Trip, by, comment: str) -> Trip:
    """The office (at any pending step) or a leader (at the leader's step) hands the application
    back to the faculty, saying what to change."""
    if not (comment or "").strip():
        raise WorkflowError(_("Say what the faculty should change: a comment is required to return a trip."))
    if not may_ask("return", by, trip):
        raise WorkflowError(_("Only the office or a university leader can return a trip for changes."))
    with transaction.atomic():
        locked = Trip.objects.select_for_update().get(pk=trip.pk)
        return transition(model=Trip, pk=trip.pk, allowed_from=_return_states(by, locked),
                          to_state=S.CHANGES_REQUESTED, by=by, comment=comment.strip(),
                          extra_updates={"notice_starts_on": None, "notice_ends_on": None})


def withdraw(*, trip: Trip, by, comment: str = "") -> Trip:
    """The faculty or the office withdraws an application that has not been cleared for travel;
    for a trip with a change pending, the change is withdrawn instead and the trip is approved
    for travel again as it was (``trips.changes.withdraw_change``)."""
    if not may_ask("withdraw", by, trip):
        raise WorkflowError(_("Only the faculty's coordinators or the office can withdraw this trip."))
    if changes.change_pending(Trip.objects.get(pk=trip.pk)):
        # A trip approved before: withdrawing abandons the change, not the trip (trips.changes).
        return changes.withdraw_change(trip=trip, by=by, comment=comment)
    return transition(model=Trip, pk=trip.pk, allowed_from=WITHDRAWABLE, to_state=S.WITHDRAWN, by=by,
                      comment=comment)


def clear_for_travel(*, trip: Trip, by, comment: str = "", today=None) -> Trip:
    """The office approves the trip for travel once its public notice has ended."""
    if not may_ask("clear", by, trip):
        raise WorkflowError(_("Only the office approves a trip for travel."))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Trip.objects.select_for_update().get(pk=trip.pk)
        if locked.status == S.ON_NOTICE and today <= locked.notice_ends_on:
            raise WorkflowError(_("The public notice runs until %(day)s: the trip can be approved for travel "
                                  "from the next day.") % {"day": locked.notice_ends_on})
        if changes.open_objections(locked).exists():
            raise WorkflowError(_("An objection to this trip has no outcome yet: record its outcome before "
                                  "approving the trip for travel."))
        # What this approval covers: the approval document follows it, and a later change is
        # shown against it (trips.changes).
        return transition(model=Trip, pk=trip.pk, allowed_from=[S.ON_NOTICE], to_state=S.CLEARED, by=by,
                          comment=comment, extra_updates={"approved_version": changes.snapshot(locked)})
