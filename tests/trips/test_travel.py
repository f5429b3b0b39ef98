"""A trip from approval to closing (trips/travel.py): the briefing, the visas, the departure, the
return, the report, the spending and the closing into mobilities — each step and each refusal."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from assessment.rules import RULES
from exchanges.models import Mobility
from intlportal.indicators import IndicatorCode
from intlportal.models import WorkflowTransition
from intlportal.workflow import WorkflowError
from notifications.models import Kind
from notifications.reminders import due_reminders
from tests.factories import (
    FundingSchemeFactory,
    MobilityFactory,
    StaffMemberFactory,
    TripCountryFactory,
    TripFactory,
    TripMemberFactory,
    VisaFactory,
)
from trips import services, travel
from trips.models import Trip, TripMember, Visa
from workqueue import selectors

pytestmark = pytest.mark.django_db
D = datetime.date
S = Trip.Status
DEPARTS, RETURNS = D(2026, 3, 20), D(2026, 3, 27)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def cleared_trip(faculty, *, members=2, status=S.CLEARED, briefed=True, visas=True, departs=DEPARTS,
                 returns=RETURNS, countries=(("JP", None, None),), **fields) -> Trip:
    """A trip approved for travel, its members briefed and holding granted visas (unless told)."""
    trip = TripFactory(faculty=faculty, status=status, departs_on=departs, returns_on=returns, **fields)
    for position in range(members):
        TripMemberFactory(trip=trip, staff_member=StaffMemberFactory(faculty=faculty, name=f"成员{position}"),
                          role=TripMember.Role.LEADER if position == 0 else TripMember.Role.MEMBER,
                          briefed_at=timezone.now() if briefed else None)
    for code, arrives, leaves in countries:
        TripCountryFactory(trip=trip, country=code, arrives_on=arrives or departs, leaves_on=leaves or returns)
    if visas:
        for member in trip.members.all():
            for country in trip.countries.all():
                VisaFactory(member=member, country=country.country, status=Visa.Status.GRANTED,
                            valid_from=departs - datetime.timedelta(days=30),
                            valid_until=returns + datetime.timedelta(days=30))
    return trip


def back_trip(faculty, **kwargs) -> Trip:
    """A trip back home, with its report and its spending."""
    trip = cleared_trip(faculty, status=S.BACK, **kwargs)
    Trip.objects.filter(pk=trip.pk).update(report_text="会议报告：与东京大学商定联合培养。",
                                           report_submitted_at=timezone.now(), spent_travel=Decimal("6000.01"),
                                           spent_meals=Decimal("1000"), spending_recorded_at=timezone.now())
    return Trip.objects.get(pk=trip.pk)


def moves(trip) -> list[tuple[str, str]]:
    return list(WorkflowTransition.objects.filter(object_id=trip.pk).order_by("pk")
                .values_list("from_state", "to_state"))


# --- briefing ------------------------------------------------------------------------------------


def test_the_coordinator_confirms_a_members_briefing(coord_a, faculty_a):
    trip = cleared_trip(faculty_a, briefed=False)
    member = trip.members.first()
    travel.confirm_briefing(trip=trip, member=member, by=coord_a)
    member.refresh_from_db()
    assert member.briefed_by == coord_a and member.briefed_at is not None
    assert [m.pk for m in travel.not_briefed(trip)] == [trip.members.last().pk]


@pytest.mark.parametrize("who", ["coord_b", "leader"])
def test_only_the_faculty_or_the_office_confirms_a_briefing(request, faculty_a, who):
    trip = cleared_trip(faculty_a, briefed=False)
    with pytest.raises(WorkflowError, match="coordinators or the office"):
        travel.confirm_briefing(trip=trip, member=trip.members.first(), by=request.getfixturevalue(who))
    assert not trip.members.filter(briefed_at__isnull=False).exists()


def test_the_briefing_waits_for_the_approval(office, faculty_a):
    trip = cleared_trip(faculty_a, status=S.FACULTY_APPROVED, briefed=False)
    with pytest.raises(WorkflowError, match="once the trip is approved"):
        travel.confirm_briefing(trip=trip, member=trip.members.first(), by=office)
    assert not trip.members.filter(briefed_at__isnull=False).exists()


# --- visas -------------------------------------------------------------------------------------------


def visa(trip, **fields) -> Visa:
    values = {"member": trip.members.first(), "country": "JP", "kind": Visa.Kind.OFFICIAL,
              "status": Visa.Status.APPLIED, "applied_on": D(2026, 2, 20)}
    values.update(fields)
    return Visa(**values)


@pytest.mark.parametrize(("fields", "says"), [
    ({"status": "granted", "granted_on": D(2026, 2, 1), "valid_from": D(2026, 3, 1), "valid_until": D(2026, 4, 30)},
     "cannot be granted before it was applied for"),
    ({"status": "granted", "granted_on": D(2026, 3, 1), "valid_from": D(2026, 4, 30), "valid_until": D(2026, 3, 1)},
     "cannot end before it starts"),
    ({"status": "granted", "granted_on": D(2026, 3, 1), "valid_from": D(2026, 3, 1), "valid_until": D(2026, 3, 25)},
     "does not cover the days in Japan, 2026-03-20 to 2026-03-27"),
    ({"status": "granted", "granted_on": D(2026, 3, 1)}, "Give the validity"),
    ({"status": "applied", "granted_on": D(2026, 3, 1)}, "choose the status"),
    ({"country": "FR"}, "does not visit France"),
])
def test_a_visa_that_contradicts_itself_or_the_trip_is_refused(coord_a, faculty_a, fields, says):
    trip = cleared_trip(faculty_a, visas=False)
    with pytest.raises(ValidationError, match=says):
        travel.save_visa(visa=visa(trip, **fields), by=coord_a)
    assert not Visa.objects.exists()


def test_a_granted_visa_covering_the_stay_is_saved(coord_a, faculty_a):
    trip = cleared_trip(faculty_a, visas=False)
    saved = travel.save_visa(visa=visa(trip, status="granted", granted_on=D(2026, 3, 1), valid_from=D(2026, 3, 1),
                                       valid_until=D(2026, 6, 1)), by=coord_a)
    assert Visa.objects.get().pk == saved.pk


def test_one_visa_per_member_and_country(coord_a, faculty_a):
    trip = cleared_trip(faculty_a, visas=False)
    travel.save_visa(visa=visa(trip), by=coord_a)
    with pytest.raises(ValidationError):
        travel.save_visa(visa=visa(trip), by=coord_a)
    assert Visa.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [("coord_b", S.CLEARED), ("leader", S.CLEARED), ("office", S.CLOSED),
                                             ("coord_a", S.WITHDRAWN)])
def test_visas_are_kept_by_the_faculty_or_the_office_while_the_trip_is_open(request, faculty_a, who, status):
    trip = cleared_trip(faculty_a, visas=False, status=status)
    with pytest.raises(WorkflowError):
        travel.save_visa(visa=visa(trip), by=request.getfixturevalue(who))
    assert not Visa.objects.exists()


def test_members_without_visa_names_each_country_missing(faculty_a):
    trip = cleared_trip(faculty_a, members=3, visas=False, countries=(("JP", None, D(2026, 3, 23)),
                                                                      ("KR", D(2026, 3, 24), None)))
    first, second, third = trip.members.order_by("pk")
    VisaFactory(member=first, country="JP", status=Visa.Status.GRANTED)
    VisaFactory(member=first, country="KR", status=Visa.Status.NOT_NEEDED)
    VisaFactory(member=second, country="JP", status=Visa.Status.REFUSED)
    VisaFactory(member=second, country="KR", status=Visa.Status.GRANTED)
    VisaFactory(member=third, country="JP", status=Visa.Status.APPLIED)
    lacking = {entry.member.pk: [c.code for c in entry.countries] for entry in travel.members_without_visa(trip)}
    assert lacking == {second.pk: ["JP"], third.pk: ["JP", "KR"]}


# --- the office's week-ahead view of visas ------------------------------------------------------------


def test_the_work_queue_lists_trips_leaving_within_a_week_without_visas(faculty_a):
    today = D(2026, 3, 14)
    lacking = cleared_trip(faculty_a, members=2, visas=False)  # leaves in 6 days
    cleared_trip(faculty_a, departs=D(2026, 3, 16), returns=D(2026, 3, 18))  # every visa granted
    cleared_trip(faculty_a, visas=False, departs=D(2026, 3, 22), returns=D(2026, 3, 28))  # 8 days ahead
    cleared_trip(faculty_a, visas=False, status=S.TRAVELLING, departs=D(2026, 3, 14))  # gone already
    with CaptureQueriesContext(connection) as queries:
        found = list(selectors.trips_lacking_visa(today=today))
    assert [(t.pk, t.lacking_members) for t in found] == [(lacking.pk, 2)]
    assert len(queries.captured_queries) == 1


def test_the_office_is_reminded_of_missing_visas_a_week_before(faculty_a, office):
    trip = cleared_trip(faculty_a, members=3, visas=False)
    VisaFactory(member=trip.members.first(), status=Visa.Status.NOT_NEEDED)
    due = [d for d in due_reminders(D(2026, 3, 13)) if d.kind == Kind.VISA_MISSING]
    assert len(due) == 1 and due[0].record.pk == trip.pk and due[0].office_only
    assert due[0].params == {"due": "2026-03-20", "count": 2}
    assert not [d for d in due_reminders(D(2026, 3, 12)) if d.kind == Kind.VISA_MISSING]  # 8 days ahead


# --- departure and return --------------------------------------------------------------------------


def test_the_faculty_records_the_departure_on_the_day(coord_a, faculty_a):
    trip = travel.depart(trip=cleared_trip(faculty_a), by=coord_a, comment="全体成员已出境。", today=DEPARTS)
    assert trip.status == S.TRAVELLING and moves(trip) == [(S.CLEARED, S.TRAVELLING)]
    assert WorkflowTransition.objects.get(object_id=trip.pk).comment == "全体成员已出境。"


@pytest.mark.parametrize(("setup", "says"), [
    ({}, "leaves on 2026-03-20"),
    ({"briefed": False}, "briefing is not confirmed for: 成员0, 成员1"),
    ({"visas": False}, "No granted visa yet for: 成员0 (Japan); 成员1 (Japan)"),
])
def test_a_departure_is_refused_before_the_day_or_without_briefing_and_visas(office, faculty_a, setup, says):
    trip = cleared_trip(faculty_a, **setup)
    day = DEPARTS - datetime.timedelta(days=1) if not setup else DEPARTS
    with pytest.raises(WorkflowError, match=re.escape(says)):
        travel.depart(trip=trip, by=office, today=day)
    assert Trip.objects.get(pk=trip.pk).status == S.CLEARED and moves(trip) == []


@pytest.mark.parametrize("who", ["coord_b", "leader"])
def test_only_the_faculty_or_the_office_records_the_departure(request, faculty_a, who):
    trip = cleared_trip(faculty_a)
    with pytest.raises(WorkflowError, match="record a departure"):
        travel.depart(trip=trip, by=request.getfixturevalue(who), today=DEPARTS)
    assert Trip.objects.get(pk=trip.pk).status == S.CLEARED


def test_a_trip_not_approved_for_travel_cannot_depart(office, faculty_a):
    trip = cleared_trip(faculty_a, status=S.ON_NOTICE)
    with pytest.raises(WorkflowError, match="On public notice"):
        travel.depart(trip=trip, by=office, today=DEPARTS)


def test_the_return_is_recorded_from_the_day_of_return(coord_a, faculty_a):
    trip = cleared_trip(faculty_a, status=S.TRAVELLING)
    with pytest.raises(WorkflowError, match="returns on 2026-03-27"):
        travel.come_back(trip=trip, by=coord_a, today=D(2026, 3, 26))
    trip = travel.come_back(trip=trip, by=coord_a, today=RETURNS)
    assert trip.status == S.BACK and moves(trip) == [(S.TRAVELLING, S.BACK)]
    assert travel.report_due_on(trip) == D(2026, 4, 26)
    assert not travel.report_overdue(trip, D(2026, 4, 26)) and travel.report_overdue(trip, D(2026, 4, 27))


def test_the_return_is_refused_to_a_leader_and_from_the_wrong_state(leader, office, faculty_a):
    with pytest.raises(WorkflowError):
        travel.come_back(trip=cleared_trip(faculty_a, status=S.TRAVELLING), by=leader, today=RETURNS)
    with pytest.raises(WorkflowError, match="Approved for travel"):
        travel.come_back(trip=cleared_trip(faculty_a), by=office, today=RETURNS)


# --- report and spending ---------------------------------------------------------------------------


def test_the_report_is_filed_once_the_group_is_back(coord_a, faculty_a):
    trip = cleared_trip(faculty_a, status=S.TRAVELLING)
    trip.report_text = "报告"
    with pytest.raises(WorkflowError, match="once the group is back"):
        travel.submit_report(trip=trip, by=coord_a, expected_version=trip.version)
    Trip.objects.filter(pk=trip.pk).update(status=S.BACK)
    trip = Trip.objects.get(pk=trip.pk)
    with pytest.raises(WorkflowError, match="Write the report"):
        travel.submit_report(trip=trip, by=coord_a, expected_version=trip.version)
    trip.report_text = "  与东京大学商定联合培养。 "
    trip = travel.submit_report(trip=trip, by=coord_a, expected_version=trip.version)
    assert trip.report_submitted_at is not None and trip.report_text == "与东京大学商定联合培养。"


def test_spending_beyond_the_scheme_is_refused_when_recorded(coord_a, faculty_a):
    scheme = FundingSchemeFactory(budget=Decimal("10000"))
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("4000"), status="approved")
    trip = cleared_trip(faculty_a, status=S.BACK, funding_source=Trip.Funding.SCHEME, funding_scheme=scheme)
    trip.spent_travel = Decimal("6000.01")
    with pytest.raises(WorkflowError, match="only 6000.00 yuan is left"):
        travel.record_spending(trip=trip, by=coord_a, expected_version=trip.version)
    assert Trip.objects.get(pk=trip.pk).spending_recorded_at is None
    trip.spent_travel = Decimal("6000")
    assert travel.record_spending(trip=trip, by=coord_a, expected_version=trip.version).spending_recorded_at


# --- closing -----------------------------------------------------------------------------------------


def test_closing_gives_each_member_one_completed_outbound_mobility(office, faculty_a):
    partner_trip = back_trip(faculty_a, members=3, purpose=Trip.Purpose.TEACHING,
                             countries=(("JP", None, D(2026, 3, 21)), ("KR", D(2026, 3, 22), None)))
    trip = travel.close(trip=partner_trip, by=office, comment="材料齐全。")
    assert trip.status == S.CLOSED and moves(trip) == [(S.BACK, S.CLOSED)]
    assert "3 outbound mobilities recorded" in WorkflowTransition.objects.get(object_id=trip.pk).comment
    mobilities = Mobility.objects.order_by("pk")
    assert mobilities.count() == 3
    for member, mobility in zip(trip.members.order_by("pk"), mobilities, strict=True):
        assert member.mobility == mobility
        assert (mobility.direction, mobility.person_kind, mobility.status) == ("outbound", "teacher", "completed")
        assert (mobility.person_id, mobility.staff_member_id) == (member.staff_member.staff_no, member.staff_member_id)
        assert mobility.country.code == "KR"  # six days in Korea, two in Japan
        assert mobility.activity == Mobility.Activity.LECTURE
        assert (mobility.starts_on, mobility.ends_on) == (DEPARTS, RETURNS)
        assert mobility.report_submitted_at is not None and not mobility.report_is_overdue
        assert mobility.verified_at is not None and mobility.amount is None  # paid by the host


def test_closing_splits_the_scheme_spending_with_the_cents_to_the_head(office, faculty_a):
    scheme = FundingSchemeFactory(budget=Decimal("10000"))
    trip = back_trip(faculty_a, members=3, funding_source=Trip.Funding.SCHEME, funding_scheme=scheme)
    travel.close(trip=trip, by=office)
    amounts = [m.mobility.amount for m in trip.members.order_by("pk").select_related("mobility")]
    assert amounts == [Decimal("2333.35"), Decimal("2333.33"), Decimal("2333.33")]  # 7000.01 in all
    assert scheme.totals() == (Decimal(0), Decimal("7000.01"))


def test_closing_is_refused_when_the_scheme_cannot_pay(office, faculty_a):
    scheme = FundingSchemeFactory(budget=Decimal("10000"))
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("4000"), status="completed")
    trip = back_trip(faculty_a, funding_source=Trip.Funding.SCHEME, funding_scheme=scheme)
    with pytest.raises(WorkflowError, match="cannot fund 7000.01 yuan: only 6000.00 yuan is left"):
        travel.close(trip=trip, by=office)
    assert Trip.objects.get(pk=trip.pk).status == S.BACK and Mobility.objects.count() == 1
    assert not TripMember.objects.filter(mobility__isnull=False).exists()


@pytest.mark.parametrize(("missing", "says"), [
    ({"report_submitted_at": None}, "without its report"),
    ({"spending_recorded_at": None}, "without the actual spending"),
])
def test_closing_is_refused_without_report_or_spending(office, faculty_a, missing, says):
    trip = back_trip(faculty_a)
    Trip.objects.filter(pk=trip.pk).update(**missing)
    with pytest.raises(WorkflowError, match=says):
        travel.close(trip=Trip.objects.get(pk=trip.pk), by=office)
    assert not Mobility.objects.exists() and Trip.objects.get(pk=trip.pk).status == S.BACK


@pytest.mark.parametrize("who", ["coord_a", "coord_b", "leader"])
def test_only_the_office_closes_a_trip(request, faculty_a, who):
    trip = back_trip(faculty_a)
    with pytest.raises(WorkflowError, match="Only the office closes"):
        travel.close(trip=trip, by=request.getfixturevalue(who))
    assert not Mobility.objects.exists()


def test_a_trip_still_travelling_cannot_be_closed(office, faculty_a):
    trip = cleared_trip(faculty_a, status=S.TRAVELLING)
    with pytest.raises(WorkflowError, match="Travelling"):
        travel.close(trip=trip, by=office)


def test_closing_twice_creates_nothing_more(office, faculty_a):
    trip = travel.close(trip=back_trip(faculty_a), by=office)
    with pytest.raises(WorkflowError, match="already closed"):
        travel.close(trip=trip, by=office)
    outcome = travel.record_mobilities(trip=trip, by=office)
    assert (outcome.created, outcome.linked) == ([], [])
    assert Mobility.objects.count() == 2 and moves(trip) == [(S.BACK, S.CLOSED)]


def test_a_mobility_already_recorded_is_linked_and_said(office, faculty_a):
    trip = back_trip(faculty_a)
    head = trip.members.order_by("pk").first()
    existing = MobilityFactory(faculty=faculty_a, person_id=head.staff_member.staff_no, activity="conference",
                               starts_on=DEPARTS, ends_on=RETURNS, status="completed")
    travel.close(trip=trip, by=office)
    head.refresh_from_db()
    assert head.mobility == existing and Mobility.objects.count() == 2
    assert "Linked to the mobility already recorded" in WorkflowTransition.objects.get(object_id=trip.pk).comment


def test_the_assessment_counts_the_members_of_a_closed_trip(office, faculty_a):
    rule = RULES[IndicatorCode.TEACHERS_ABROAD]
    trip = back_trip(faculty_a, members=3)
    assert rule.records(faculty_id=faculty_a.pk, year=2026).count() == 0
    travel.close(trip=trip, by=office)
    counted = rule.records(faculty_id=faculty_a.pk, year=2026)
    assert set(counted.values_list("staff_member_id", flat=True)) == set(
        trip.members.values_list("staff_member_id", flat=True))


def test_the_steps_are_offered_to_who_may_take_them(office, coord_a, leader, faculty_a):
    assert "depart" in services.available_steps(coord_a, cleared_trip(faculty_a))
    assert "depart" not in services.available_steps(leader, cleared_trip(faculty_a))
    back = back_trip(faculty_a)
    assert "close" in services.available_steps(office, back)
    assert "close" not in services.available_steps(coord_a, back)
