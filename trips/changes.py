"""Change requests (任务变更), the annual outbound plan, the itinerary and objections to a
public notice.

* **What an approval covers** is ``snapshot(trip)``: the application (title, purpose, inviting
  institution, dates, funding, budget lines, the plan), its members with their role and
  处级 flag, its countries with their days and its itinerary, in JSON-able form.  It is
  stored in ``Trip.approved_version`` when the office approves the trip for travel
  (``services.clear_for_travel``), so the approval document always follows the last
  approved version (``approved``).
* **A change** (``open_change``, step ``change``): the faculty, or the office, reopens a trip
  approved for travel (not yet travelling), saying what changes and why.  The trip is
  "Change being prepared": its application, group, countries and itinerary are editable, then
  it is submitted again and goes through the whole chain (the office, a leader when a rule
  says so, a new public notice, approval for travel).  ``diff`` lists what differs from the
  approved version (old → new) while the change is pending.
* **Withdrawing a change** (step ``withdraw`` on a trip whose change is being prepared or is
  pending) abandons the change, not the trip: the trip returns to "Approved for travel" with
  the approved version restored (``withdraw_change``) — its fields, members, countries and itinerary
  as they were approved, and its notice dates.  Withdrawing the trip itself after it was
  approved for travel was never possible, and a change does not open that door.
* **Objections** to a trip on public notice are the office's to record, with their outcome
  later; while one has no outcome, the trip is not approved for travel
  (``services.clear_for_travel``).
* **The annual outbound plan** (``TripPlan``) is compared with the trips a faculty applied for
  in the year (``plan_standing``).

This module sits below ``trips.services`` (which calls it), so it never imports it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from intlportal import access
from intlportal.workflow import WorkflowError, transition
from trips.models import BUDGET_LINES, Trip, TripCountry, TripDay, TripMember, TripObjection, TripPlan

S = Trip.Status
#: The fields of the application an approval covers (diffed and restored one by one).
FIELDS = ("title", "purpose", "partner", "inviting_institution", "departs_on", "returns_on", "funding_source",
          "funding_scheme", "grant_number", *BUDGET_LINES, "in_annual_plan", "outside_plan_reason",
          "invitation", "invitation_translation")
#: Kept with the snapshot to be restored with it, never shown as a change.
STATE_FIELDS = ("needs_leader", "notice_starts_on", "notice_ends_on")
#: A change is pending in these states when the trip was approved before.
CHANGE_PENDING = (S.CHANGING, S.SUBMITTED, S.FACULTY_APPROVED, S.OFFICE_APPROVED, S.LEADER_APPROVED,
                  S.ON_NOTICE, S.CHANGES_REQUESTED)


def _json(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def snapshot(trip: Trip) -> dict:
    """What an approval covers, in JSON-able form (dates ISO, amounts as strings, related
    records by their id with a label for display)."""
    data = {}
    for name in FIELDS:
        field = Trip._meta.get_field(name)
        if field.is_relation:
            data[name] = getattr(trip, field.attname)
            data[f"{name}_label"] = str(getattr(trip, name) or "")
        elif name.startswith("invitation"):
            data[name] = getattr(trip, name).name or ""
        else:
            data[name] = _json(getattr(trip, name))
    data["state"] = {name: _json(getattr(trip, name)) for name in STATE_FIELDS}
    data["members"] = [
        {"staff_member": m.staff_member_id, "name": str(m.staff_member), "role": m.role, "senior_post": m.senior_post}
        for m in trip.members.select_related("staff_member").order_by("pk")]
    data["countries"] = [
        {"country": c.country.code, "arrives_on": _json(c.arrives_on), "leaves_on": _json(c.leaves_on)}
        for c in trip.countries.order_by("arrives_on", "pk")]
    data["itinerary"] = [{"day": _json(d.day), "place": d.place, "activities": d.activities}
                         for d in trip.days.order_by("day")]
    return data


def approved(trip: Trip) -> dict:
    """The version an approval document follows: the last approved one, or the application as
    it stands for a trip never approved."""
    return trip.approved_version if trip.approved_version is not None else snapshot(trip)


def change_pending(trip: Trip) -> bool:
    """Whether a change of an approved trip is being prepared or goes through approval."""
    return trip.approved_version is not None and trip.status in CHANGE_PENDING


# --- old → new --------------------------------------------------------------------------------------

def _field_value(data: dict, name: str) -> str:
    value = data.get(name)
    if name.startswith("invitation"):
        return value or ""
    field = Trip._meta.get_field(name)
    if field.is_relation:
        return data.get(f"{name}_label") or ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value or ""))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in BUDGET_LINES:
        return f"{Decimal(value or 0):,.2f}"
    return "" if value is None else str(value)


def _member_value(member: dict | None) -> str:
    if member is None:
        return ""
    role = str(dict(TripMember.Role.choices).get(member["role"], member["role"]))
    return f"{role} ({_('division head or above')})" if member["senior_post"] else role


def _country_name(code: str) -> str:
    from django_countries import countries

    return str(countries.name(code) or code)


def diff(old: dict, trip: Trip | dict) -> list[tuple[str, str, str]]:
    """What differs between the approved version ``old`` and the trip as it stands (or another
    snapshot): ``(label, old value, new value)`` rows, an empty value where there was or is
    nothing (a member added or removed)."""
    new = trip if isinstance(trip, dict) else snapshot(trip)
    rows = []
    for name in FIELDS:
        if old.get(name) == new.get(name):
            continue
        label = str(Trip._meta.get_field(name).verbose_name)
        if name.startswith("invitation"):
            was = _("a file") if old.get(name) else ""
            now = _("a new file") if new.get(name) else ""
            rows.append((label, was, now))
        else:
            rows.append((label, _field_value(old, name), _field_value(new, name)))
    old_total = sum((Decimal(old.get(n) or 0) for n in BUDGET_LINES), Decimal("0"))
    new_total = sum((Decimal(new.get(n) or 0) for n in BUDGET_LINES), Decimal("0"))
    if old_total != new_total:
        rows.append((_("Budget total"), f"{old_total:,.2f}", f"{new_total:,.2f}"))
    before = {m["staff_member"]: m for m in old.get("members", [])}
    after = {m["staff_member"]: m for m in new.get("members", [])}
    for key in [*before, *(k for k in after if k not in before)]:
        was, now = before.get(key), after.get(key)
        if _member_value(was) != _member_value(now):
            rows.append((_("Member: %(name)s") % {"name": (now or was)["name"]}, _member_value(was),
                         _member_value(now)))
    span = "{arrives_on} – {leaves_on}".format_map
    before = {c["country"]: span(c) for c in old.get("countries", [])}
    after = {c["country"]: span(c) for c in new.get("countries", [])}
    for code in [*before, *(k for k in after if k not in before)]:
        if before.get(code) != after.get(code):
            rows.append((_("Country or region: %(name)s") % {"name": _country_name(code)}, before.get(code, ""),
                         after.get(code, "")))
    line = "{place}: {activities}".format_map
    before = {d["day"]: line(d) for d in old.get("itinerary", [])}
    after = {d["day"]: line(d) for d in new.get("itinerary", [])}
    for day in sorted({*before, *after}):
        if before.get(day) != after.get(day):
            rows.append((_("Itinerary: %(day)s") % {"day": day}, before.get(day, ""), after.get(day, "")))
    return rows


# --- the change request -------------------------------------------------------------------------------

def open_change(*, trip: Trip, by, comment: str, today=None) -> Trip:
    """The faculty (or the office) reopens a trip approved for travel to change it: the comment
    says what changes and why.  The approved version stays as it is until the change is
    approved (``services.clear_for_travel`` replaces it) or withdrawn (``withdraw_change``)."""
    # Who may ask: the same rule as ``services.STEPS["change"]`` (this module is below services).
    if not access.acts_for_faculty(by, trip):
        raise WorkflowError(_("Only the faculty's coordinators or the office can change this trip."))
    if not (comment or "").strip():
        raise WorkflowError(_("Say what changes and why: a comment is required to change an approved trip."))
    with transaction.atomic():
        locked = Trip.objects.select_for_update().get(pk=trip.pk)
        extra = {} if locked.approved_version is not None else {"approved_version": snapshot(locked)}
        return transition(model=Trip, pk=trip.pk, allowed_from=[S.CLEARED], to_state=S.CHANGING, by=by,
                          comment=comment.strip(), extra_updates=extra)


def restored_fields(data: dict) -> dict:
    """The trip's own fields as the snapshot has them (for ``transition``'s ``extra_updates``)."""
    values = {}
    for name in (*FIELDS, *STATE_FIELDS):
        field = Trip._meta.get_field(name)
        value = data.get("state", {}).get(name) if name in STATE_FIELDS else data.get(name)
        if field.is_relation:
            values[field.attname] = value
        elif name.startswith("invitation"):
            values[name] = value or ""
        else:
            values[name] = field.to_python(value)
    return values


def restore_parts(trip: Trip, data: dict) -> None:
    """Members, countries and itinerary as the snapshot has them.  A member or country still
    there keeps its row (and so its visas and briefing); only what the change added goes."""
    members = {m["staff_member"]: m for m in data.get("members", [])}
    trip.members.exclude(staff_member_id__in=members).delete()
    for staff_id, member in members.items():
        TripMember.objects.update_or_create(trip=trip, staff_member_id=staff_id, defaults={
            "role": member["role"], "senior_post": member["senior_post"]})
    countries = {c["country"]: c for c in data.get("countries", [])}
    trip.countries.exclude(country__in=countries).delete()
    for code, country in countries.items():
        TripCountry.objects.update_or_create(trip=trip, country=code, defaults={
            "arrives_on": date.fromisoformat(country["arrives_on"]),
            "leaves_on": date.fromisoformat(country["leaves_on"])})
    trip.days.all().delete()
    TripDay.objects.bulk_create([TripDay(trip=trip, day=date.fromisoformat(d["day"]), place=d["place"],
                                         activities=d["activities"]) for d in data.get("itinerary", [])])


def withdraw_change(*, trip: Trip, by, comment: str = "") -> Trip:
    """Abandon a change (``services.withdraw`` calls this for a trip with a pending change):
    back to "Approved for travel" with the approved version restored."""
    with transaction.atomic():
        locked = Trip.objects.select_for_update().get(pk=trip.pk)
        data = locked.approved_version
        if data is None or locked.status not in CHANGE_PENDING:
            raise WorkflowError(_("This trip has no change to withdraw."))
        restore_parts(locked, data)
        return transition(model=Trip, pk=trip.pk, allowed_from=CHANGE_PENDING, to_state=S.CLEARED, by=by,
                          comment=comment or _("The change was withdrawn: the approved version applies again."),
                          extra_updates=restored_fields(data))


# --- objections to the public notice --------------------------------------------------------------------

def record_objection(*, trip: Trip, by, text: str) -> TripObjection:
    """The office records an objection to a trip on public notice; the trip cannot be approved
    for travel until the objection has an outcome."""
    access.require(access.is_office(by))
    if not (text or "").strip():
        raise ValidationError(_("Write down the objection."))
    if not Trip.objects.filter(pk=trip.pk, status=S.ON_NOTICE).exists():  # as it stands, not as it was read
        raise WorkflowError(_("Objections are recorded while the trip is on public notice."))
    return TripObjection.objects.create(trip=trip, text=text.strip(), recorded_by=by, recorded_at=timezone.now())


def record_outcome(*, objection: TripObjection, by, outcome: str) -> TripObjection:
    """The office records what came of an objection (looked into, unfounded, the trip changed…)."""
    access.require(access.is_office(by))
    if not (outcome or "").strip():
        raise ValidationError(_("Write down the outcome of the objection."))
    objection.outcome = outcome.strip()
    objection.save(update_fields=["outcome"])
    return objection


def open_objections(trip: Trip):
    return trip.objections.filter(outcome="")


# --- the annual outbound plan ------------------------------------------------------------------------------

def plan_standing(faculty_id: int, year: int) -> dict:
    """The faculty's plan for the year next to what it applied for that year (trips departing in
    the year, withdrawn ones left out): trips, people (each staff member once) and budget."""
    plan = TripPlan.objects.filter(faculty_id=faculty_id, year=year).first()
    applied = Trip.objects.filter(faculty_id=faculty_id, departs_on__year=year).exclude(status=S.WITHDRAWN)
    totals = applied.aggregate(trips=Count("pk", distinct=True), **{n: Sum(n) for n in BUDGET_LINES})
    people = TripMember.objects.filter(trip__in=applied).aggregate(n=Count("staff_member", distinct=True))["n"]
    budget = sum((totals[n] or Decimal("0") for n in BUDGET_LINES), Decimal("0"))
    return {"plan": plan, "year": year, "trips": totals["trips"], "people": people, "budget": budget,
            "over": bool(plan) and (totals["trips"] > plan.planned_trips or people > plan.planned_people
                                    or budget > plan.budget)}

