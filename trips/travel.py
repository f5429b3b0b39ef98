"""A trip from approval to closing (services): the pre-departure briefing (行前教育), the visas,
the departure and the return, the trip report, the actual spending, and the closing that turns
each member's trip into a completed outbound ``Mobility`` the assessment counts.

    approved for travel → travelling → back home → closed

Each step goes through ``intlportal.workflow.transition`` (a ``WorkflowTransition`` with its
comment, and notifications to whoever acts next); each service checks who may ask for it, so the
rule holds whatever calls it (a page, the API, a command, a task).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges import services as exchange_services
from exchanges.models import Mobility
from intlportal import access
from intlportal.versioning import save_versioned
from intlportal.workflow import WorkflowError, transition
from trips import passports, services
from trips.models import Trip, TripCountry, TripMember, Visa

S = Trip.Status
#: A visa that lets the member travel to the country.
VISA_OK = (Visa.Status.GRANTED, Visa.Status.NOT_NEEDED)
#: The briefing is confirmed once the trip is approved (on notice or approved for travel).
BRIEFING_STATES = (S.ON_NOTICE, S.CLEARED)
#: Visas are kept while the trip is neither closed nor withdrawn.
VISA_FROZEN = (S.CLOSED, S.WITHDRAWN)
#: The office sees who still lacks a visa this many days before departure.
VISA_WARNING_DAYS = 7

#: The mobility activity of each purpose of a trip.
ACTIVITY = {
    Trip.Purpose.CONFERENCE: Mobility.Activity.CONFERENCE,
    Trip.Purpose.JOINT_RESEARCH: Mobility.Activity.JOINT_RESEARCH,
    Trip.Purpose.VISIT: Mobility.Activity.VISIT,
    Trip.Purpose.TRAINING: Mobility.Activity.SHORT_TERM_TRAINING,
    Trip.Purpose.TEACHING: Mobility.Activity.LECTURE,
    Trip.Purpose.OTHER: Mobility.Activity.VISIT,
}


def _say(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# --- who may do what ------------------------------------------------------------------------------


def may_brief(user, trip: Trip) -> bool:
    """The faculty's coordinator or the office confirms the briefing, once the trip is approved."""
    return access.acts_for_faculty(user, trip) and trip.status in BRIEFING_STATES


def may_keep_visas(user, trip: Trip) -> bool:
    """The faculty's coordinator or the office keeps the visas while the trip is open."""
    return access.acts_for_faculty(user, trip) and trip.status not in VISA_FROZEN


def may_report(user, trip: Trip) -> bool:
    """The faculty (or the office) files the trip report and the spending once the group is back."""
    return access.acts_for_faculty(user, trip) and trip.status == S.BACK


# --- the pre-departure briefing -------------------------------------------------------------------


def confirm_briefing(*, trip: Trip, member: TripMember, by) -> TripMember:
    """Record that ``member`` attended the pre-departure briefing (security, discipline, the
    host's rules)."""
    if not access.acts_for_faculty(by, trip):
        raise WorkflowError(_("Only the faculty's coordinators or the office confirm a briefing."))
    with transaction.atomic():
        locked = Trip.objects.select_for_update().get(pk=trip.pk)
        if locked.status not in BRIEFING_STATES:
            raise WorkflowError(_("The briefing is confirmed once the trip is approved, before the group leaves; "
                                  "this trip is “%(state)s”.") % {"state": locked.get_status_display()})
        member = TripMember.objects.select_for_update().get(pk=member.pk, trip=locked)
        if member.briefed_at is None:
            member.briefed_at, member.briefed_by = timezone.now(), by
            member.save(update_fields=["briefed_at", "briefed_by"])
    return member


def _head_first(member: TripMember) -> tuple:
    return (member.role != TripMember.Role.LEADER, member.pk)


def not_briefed(trip: Trip) -> list[TripMember]:
    """The members whose briefing is not confirmed yet, the head of the group first."""
    return sorted((m for m in trip.members.select_related("staff_member") if m.briefed_at is None), key=_head_first)


# --- visas --------------------------------------------------------------------------------------


def check_visa(visa: Visa, trip: Trip) -> None:
    """Refuse a visa whose dates contradict each other, for a country the trip does not visit,
    or granted without covering the member's days in that country (each message says what to fix)."""
    errors: dict[str, list[str]] = {}
    stay = TripCountry.objects.filter(trip=trip, country=visa.country).first()
    if stay is None:
        errors.setdefault("country", []).append(
            _("The trip does not visit %(country)s: add the visa for one of its countries or regions.")
            % {"country": visa.country.name or visa.country.code})
    if visa.applied_on and visa.granted_on and visa.granted_on < visa.applied_on:
        errors.setdefault("granted_on", []).append(_("A visa cannot be granted before it was applied for."))
    if visa.valid_from and visa.valid_until and visa.valid_until < visa.valid_from:
        errors.setdefault("valid_until", []).append(_("The validity cannot end before it starts."))
    if visa.granted_on and visa.status not in (Visa.Status.GRANTED,):
        errors.setdefault("status", []).append(_("A visa with a date of grant is granted: choose the status "
                                                 "“Granted”, or clear the date."))
    if visa.status == Visa.Status.GRANTED and stay is not None:
        if not (visa.valid_from and visa.valid_until):
            errors.setdefault("valid_until", []).append(_("Give the validity of the granted visa (from and until)."))
        elif visa.valid_from > stay.arrives_on or visa.valid_until < stay.leaves_on:
            errors.setdefault("valid_until", []).append(
                _("The visa, valid %(start)s to %(end)s, does not cover the days in %(country)s, %(arrives)s to "
                  "%(leaves)s: check the dates, or apply for a visa that covers the stay.") % {
                    "start": visa.valid_from, "end": visa.valid_until, "country": stay.country.name,
                    "arrives": stay.arrives_on, "leaves": stay.leaves_on})
    if errors:
        raise ValidationError(errors)


def save_visa(*, visa: Visa, by) -> Visa:
    """Add or change a member's visa for a country of the trip."""
    trip = Trip.objects.get(pk=visa.member.trip_id)
    if not access.acts_for_faculty(by, trip):
        raise WorkflowError(_("Only the faculty's coordinators or the office keep the visas of a trip."))
    if trip.status in VISA_FROZEN:
        raise WorkflowError(_("The visas of a closed or withdrawn trip no longer change."))
    visa.full_clean()
    check_visa(visa, trip)
    visa.save()
    return visa


def delete_visa(*, visa: Visa, by) -> None:
    trip = Trip.objects.get(pk=visa.member.trip_id)
    if not may_keep_visas(by, trip):
        raise WorkflowError(_("The visas of a closed or withdrawn trip no longer change."))
    visa.delete()


@dataclass
class Lacking:
    """A member and the countries of the trip they have no granted (or unneeded) visa for."""

    member: TripMember
    countries: list = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.member.staff_member.name} ({', '.join(str(c.name or c.code) for c in self.countries)})"


def members_without_visa(trip: Trip) -> list[Lacking]:
    """The members with a country of the trip whose visa is missing, applied for or refused."""
    countries = [c.country for c in trip.countries.all()]
    lacking = []
    for member in sorted(trip.members.select_related("staff_member").prefetch_related("visas"), key=_head_first):
        ok = {v.country.code for v in member.visas.all() if v.status in VISA_OK}
        missing = [c for c in countries if c.code not in ok]
        if missing:
            lacking.append(Lacking(member, missing))
    return lacking


def _lacking_members():
    """The members of the outer trip (``OuterRef("pk")``) lacking a visa for one of its countries."""
    ok = Visa.objects.filter(member=OuterRef(OuterRef("pk")), country=OuterRef("country"), status__in=VISA_OK)
    country_lacking = TripCountry.objects.filter(trip=OuterRef("trip")).exclude(Exists(ok))
    return TripMember.objects.filter(trip=OuterRef("pk")).filter(Exists(country_lacking))


def trips_lacking_visa(*, today: date | None = None, within: int = VISA_WARNING_DAYS) -> QuerySet:
    """Trips on notice or approved for travel leaving in the next ``within`` days with a member
    who still lacks a visa, each with ``lacking_members`` (one query: subqueries, no loop)."""
    today = today or timezone.localdate()
    count = Subquery(_lacking_members().order_by().values("trip").annotate(n=Count("pk")).values("n")[:1],
                     output_field=IntegerField())
    return (Trip.objects.filter(status__in=BRIEFING_STATES, departs_on__gte=today,
                                departs_on__lte=today + timedelta(days=within))
            .filter(Exists(_lacking_members()))
            .annotate(lacking_members=Coalesce(count, Value(0))))


# --- departure and return ------------------------------------------------------------------------


def depart(*, trip: Trip, by, comment: str = "", today=None) -> Trip:
    """The group has left (the faculty or the office records it): not before the day of departure,
    every member briefed and holding a visa for each country."""
    if not services.may_ask("depart", by, trip):
        raise WorkflowError(_("Only the faculty's coordinators or the office record a departure."))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Trip.objects.select_for_update().get(pk=trip.pk)
        if locked.status == S.CLEARED:
            problems = []
            if today < locked.departs_on:
                problems.append(_("The group leaves on %(day)s: the departure can be recorded from that day.")
                                % {"day": locked.departs_on})
            unbriefed = not_briefed(locked)
            if unbriefed:
                problems.append(_("The pre-departure briefing is not confirmed for: %(names)s.")
                                % {"names": ", ".join(m.staff_member.name for m in unbriefed)})
            lacking = members_without_visa(locked)
            if lacking:
                problems.append(_("No granted visa yet for: %(names)s.")
                                % {"names": "; ".join(str(entry) for entry in lacking)})
            if problems:
                raise WorkflowError(" ".join(problems))
        return transition(model=Trip, pk=trip.pk, allowed_from=[S.CLEARED], to_state=S.TRAVELLING, by=by,
                          comment=comment)


def come_back(*, trip: Trip, by, comment: str = "", today=None) -> Trip:
    """The group is back home (the faculty or the office records it), not before the day of return;
    the trip report is due ``TRIP_REPORT_DUE_DAYS`` after it."""
    if not services.may_ask("come-back", by, trip):
        raise WorkflowError(_("Only the faculty's coordinators or the office record the return."))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Trip.objects.select_for_update().get(pk=trip.pk)
        if locked.status == S.TRAVELLING and today < locked.returns_on:
            raise WorkflowError(_("The group returns on %(day)s: the return can be recorded from that day.")
                                % {"day": locked.returns_on})
        return transition(model=Trip, pk=trip.pk, allowed_from=[S.TRAVELLING], to_state=S.BACK, by=by,
                          comment=comment)


# --- the trip report and the spending -------------------------------------------------------------


#: The day the report is due (``TRIP_REPORT_DUE_DAYS`` after the return): the reminders' rule.
report_due_on = passports.report_due_on


def report_overdue(trip: Trip, today: date | None = None) -> bool:
    """The trip's report is overdue (what ``passports.reports_overdue`` lists, for one trip)."""
    today = today or timezone.localdate()
    return (trip.status in passports.REPORT_STATES and trip.report_submitted_at is None
            and today > report_due_on(trip))


def submit_report(*, trip: Trip, by, expected_version) -> Trip:
    """File (or revise) the trip report: ``trip`` carries its text and/or its PDF (checked by the
    form, ``intlportal.uploads.validate_pdf``)."""
    if not access.acts_for_faculty(by, trip):
        raise WorkflowError(_("Only the faculty's coordinators or the office file the trip report."))
    current = Trip.objects.only("status").get(pk=trip.pk)
    if current.status != S.BACK:
        raise WorkflowError(_("The trip report is filed once the group is back, before the trip is closed."))
    if not (trip.report_text or "").strip() and not trip.report_file:
        raise WorkflowError(_("Write the report or attach it as a PDF: what was done, with whom, and what "
                              "comes next."))
    trip.report_text = (trip.report_text or "").strip()
    trip.report_submitted_at = timezone.now()
    trip._change_reason = "trip report filed"
    return save_versioned(trip, expected_version=expected_version)


def _check_funding(trip: Trip, amount: Decimal) -> None:
    """Refuse spending a funding scheme cannot pay: the exchanges' own check
    (``exchanges.services.check_funding``), asked for the whole amount at once."""
    if trip.funding_source != Trip.Funding.SCHEME or trip.funding_scheme_id is None or not amount:
        return
    probe = Mobility(funding_scheme_id=trip.funding_scheme_id, amount=amount, status=Mobility.Status.COMPLETED)
    try:
        exchange_services.check_funding(probe)
    except ValidationError as error:
        raise WorkflowError(_say(error)) from error


def record_spending(*, trip: Trip, by, expected_version) -> Trip:
    """Record the actual spending, line by line (``trip`` carries the ``spent_*`` values); paid
    from a funding scheme, it must fit what the scheme has left."""
    if not access.acts_for_faculty(by, trip):
        raise WorkflowError(_("Only the faculty's coordinators or the office record the spending."))
    with transaction.atomic():
        current = Trip.objects.select_for_update().only("status").get(pk=trip.pk)
        if current.status != S.BACK:
            raise WorkflowError(_("The spending is recorded once the group is back, before the trip is closed."))
        _check_funding(trip, trip.spent_total)
        trip.spending_recorded_at = timezone.now()
        trip._change_reason = "spending recorded"
        return save_versioned(trip, expected_version=expected_version)


# --- closing ------------------------------------------------------------------------------------


def main_country(trip: Trip):
    """The country where the group spent most days (the earliest on a tie)."""
    stays = sorted(trip.countries.all(), key=lambda c: (-(c.leaves_on - c.arrives_on).days, c.arrives_on, c.pk))
    return stays[0].country if stays else None


def shares(total: Decimal, members: list[TripMember]) -> dict[int, Decimal]:
    """``total`` split evenly among ``members`` to the cent, the cents left over to the head of
    the group (the first member when none is the head)."""
    if not members:
        return {}
    each = (total / len(members)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    split = {m.pk: each for m in members}
    head = next((m for m in members if m.role == TripMember.Role.LEADER), members[0])
    split[head.pk] += total - each * len(members)
    return split


@dataclass
class Closing:
    created: list[Mobility] = field(default_factory=list)
    linked: list[Mobility] = field(default_factory=list)


def record_mobilities(*, trip: Trip, by) -> Closing:
    """Give each member of the trip one completed outbound mobility (idempotent: a member who has
    one keeps it; one already recorded with the same key is linked rather than duplicated).

    Called inside the closing's transaction; entered by the office, the mobilities are verified
    and count in the assessment."""
    outcome = Closing()
    members = list(trip.members.select_related("staff_member").order_by("pk"))
    country = main_country(trip)
    if country is None:
        raise WorkflowError(_("The trip has no country or region: it cannot become mobilities."))
    activity = ACTIVITY.get(trip.purpose, Mobility.Activity.VISIT)
    funded = trip.funding_source == Trip.Funding.SCHEME and trip.funding_scheme_id is not None
    amounts = shares(trip.spent_total, members) if funded else {}
    waiting = [m for m in members if m.mobility_id is None]
    fresh = []
    for member in waiting:
        person = member.staff_member
        existing = Mobility.objects.filter(faculty=trip.faculty_id, person_id=person.staff_no, activity=activity,
                                           starts_on=trip.departs_on).first()
        if existing is not None:
            if TripMember.objects.filter(mobility=existing).exists():
                raise WorkflowError(_("The mobility “%(mobility)s” already belongs to another trip: correct it "
                                      "before closing this one.") % {"mobility": existing})
            member.mobility = existing
            member.save(update_fields=["mobility"])
            outcome.linked.append(existing)
        else:
            fresh.append(member)
    new_total = sum((amounts.get(m.pk, Decimal(0)) for m in fresh), Decimal(0))
    if funded:
        _check_funding(trip, new_total)
    for member in fresh:
        person = member.staff_member
        mobility = Mobility(
            faculty_id=trip.faculty_id, direction=Mobility.Direction.OUTBOUND,
            person_kind=Mobility.PersonKind.TEACHER, person_name=person.name, person_id=person.staff_no,
            staff_member=person, partner_id=trip.partner_id, country=country, activity=activity,
            starts_on=trip.departs_on, ends_on=trip.returns_on,
            funding_scheme_id=trip.funding_scheme_id if funded else None,
            amount=amounts.get(member.pk) if funded else None, status=Mobility.Status.COMPLETED,
            report_text=trip.report_text, report_submitted_at=trip.report_submitted_at,
        )
        if trip.report_file:
            mobility.report_file = trip.report_file.name  # the same stored PDF, not a copy
        mobility._change_reason = f"trip {trip.pk} closed"
        try:
            exchange_services.mobility_save(mobility=mobility, by=by)
        except ValidationError as error:
            raise WorkflowError(_say(error)) from error
        member.mobility = mobility
        member.save(update_fields=["mobility"])
        outcome.created.append(mobility)
    return outcome


def close(*, trip: Trip, by, comment: str = "", today=None) -> Trip:
    """The office closes a trip that is back, once its report and its spending are in: each member
    gets a completed outbound mobility (``record_mobilities``), whose amounts count against the
    funding scheme that paid (an overspend is refused, naming what the scheme has left)."""
    if not services.may_ask("close", by, trip):
        raise WorkflowError(_("Only the office closes a trip."))
    with transaction.atomic():
        locked = Trip.objects.select_for_update().get(pk=trip.pk)
        if locked.status == S.CLOSED:
            raise WorkflowError(_("This trip is already closed: its mobilities are recorded."))
        if locked.status == S.BACK:
            missing = []
            if locked.report_submitted_at is None:
                missing.append(_("The trip cannot be closed without its report: the faculty files it on the "
                                 "trip's page."))
            if locked.spending_recorded_at is None:
                missing.append(_("The trip cannot be closed without the actual spending: record it line by "
                                 "line on the trip's page."))
            if missing:
                raise WorkflowError(" ".join(str(m) for m in missing))
            outcome = record_mobilities(trip=locked, by=by)
            notes = [comment.strip()] if comment.strip() else []
            if outcome.created:
                notes.append(_("%(n)s outbound mobilities recorded.") % {"n": len(outcome.created)})
            for mobility in outcome.linked:
                notes.append(_("Linked to the mobility already recorded: %(mobility)s.") % {"mobility": mobility})
            comment = " ".join(str(n) for n in notes)
        return transition(model=Trip, pk=trip.pk, allowed_from=[S.BACK], to_state=S.CLOSED, by=by,
                          comment=comment)
