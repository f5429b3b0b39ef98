"""The import/export kinds of trips abroad (``trips/dataexchange.py``): ``trips`` with its
members and countries, drafts only, a faculty's own; ``passports``, the office's alone."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from dataexchange import registry
from tests.dataexchange.helpers import assert_round_trip, csv_file
from tests.factories import (
    StaffMemberFactory,
    TravelDocumentFactory,
    TripCountryFactory,
    TripFactory,
    TripMemberFactory,
)
from trips.models import CustodyEvent, TravelDocument, Trip, TripCountry, TripMember

ROUND_TRIP_KINDS = ("trips", "passports")
HEADER = ("faculty,title,purpose,partner,inviting_institution,departs_on,returns_on,status,funding_source,"
          "funding_scheme,grant_number,budget_travel,budget_accommodation,budget_meals,budget_incidentals,"
          "budget_registration,budget_other,in_annual_plan,outside_plan_reason,members,countries")


def trip_row(title="赴德国学术交流", *, faculty="A", departs="2030-03-01", returns="2030-03-10", status="draft",
             members="T001 (处级); T002", countries="JP 2030-03-01 2030-03-05; DE 2030-03-05 2030-03-10",
             plan="yes", reason="") -> str:
    return (f"{faculty},{title},conference,,慕尼黑工业大学,{departs},{returns},{status},host,,,8000,3000,1000,500,0,0,"
            f"{plan},{reason},{members},{countries}")


def trips_csv(*rows: str):
    return csv_file("\n".join([HEADER, *rows]) + "\n")


@pytest.fixture
def staff_a(faculty_a):
    return [StaffMemberFactory(faculty=faculty_a, staff_no="T001", name="王明"),
            StaffMemberFactory(faculty=faculty_a, staff_no="T002", name="李华")]


def _trip_with_parts(faculty, staff, **kwargs):
    trip = TripFactory(faculty=faculty, departs_on=datetime.date(2030, 5, 1),
                       returns_on=datetime.date(2030, 5, 9), **kwargs)
    TripMemberFactory(trip=trip, staff_member=staff[0], role=TripMember.Role.LEADER, senior_post=True)
    TripMemberFactory(trip=trip, staff_member=staff[1], role=TripMember.Role.MEMBER)
    TripCountryFactory(trip=trip, country="JP", arrives_on=datetime.date(2030, 5, 1),
                       leaves_on=datetime.date(2030, 5, 4))
    TripCountryFactory(trip=trip, country="DE", arrives_on=datetime.date(2030, 5, 4),
                       leaves_on=datetime.date(2030, 5, 9))
    return trip


# --- trips ----------------------------------------------------------------------------------


def test_an_import_creates_a_draft_trip_with_its_group_and_countries(coord_a, faculty_a, staff_a):
    result = registry.import_rows("trips", trips_csv(trip_row()), user=coord_a, dry_run=False)

    assert result.ok, [str(e) for e in result.errors]
    trip = Trip.objects.get()
    assert (trip.faculty, trip.status, trip.title) == (faculty_a, Trip.Status.DRAFT, "赴德国学术交流")
    members = [(m.staff_member.staff_no, m.role, m.senior_post) for m in trip.members.order_by("role", "pk")]
    assert members == [("T001", "leader", True), ("T002", "member", False)]
    assert [(c.country.code, c.arrives_on.day, c.leaves_on.day) for c in trip.countries.all()] == [
        ("JP", 1, 5), ("DE", 5, 10)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporting_trips_and_importing_them_again_changes_nothing(office, faculty_a, staff_a, tmp_path, fmt):
    _trip_with_parts(faculty_a, staff_a)
    _trip_with_parts(faculty_a, staff_a, title="赴日本合作研究", status=Trip.Status.SUBMITTED)
    members_before = list(TripMember.objects.order_by("pk").values())
    countries_before = list(TripCountry.objects.order_by("pk").values())

    assert_round_trip("trips", office, tmp_path, fmt)

    assert list(TripMember.objects.order_by("pk").values()) == members_before
    assert list(TripCountry.objects.order_by("pk").values()) == countries_before


def test_a_changed_group_is_written_keeping_the_members_that_stay(office, faculty_a, staff_a):
    trip = _trip_with_parts(faculty_a, staff_a, title="赴德国学术交流")
    kept = trip.members.get(staff_member=staff_a[0])
    third = StaffMemberFactory(faculty=faculty_a, staff_no="T003")
    row = trip_row(departs="2030-05-01", returns="2030-05-09", members="T001 (处级); T003",
                   countries="JP 2030-05-01 2030-05-09")

    result = registry.import_rows("trips", trips_csv(row), user=office, dry_run=False)

    assert result.ok and result.updated == 1, [str(e) for e in result.errors]
    assert set(trip.members.values_list("staff_member", flat=True)) == {staff_a[0].pk, third.pk}
    assert trip.members.get(staff_member=staff_a[0]).pk == kept.pk
    assert [c.country.code for c in trip.countries.all()] == ["JP"]


def test_a_bad_file_names_every_bad_row_and_writes_nothing(office, faculty_a, staff_a):
    submitted = _trip_with_parts(faculty_a, staff_a, title="已提交的团组", status=Trip.Status.SUBMITTED)
    rows = [
        trip_row("好的团组"),                                                    # 2: fine
        trip_row("日期在外", countries="JP 2030-02-20 2030-03-05"),              # 3: days outside the trip
        trip_row("无此人", members="T001; T999"),                                # 4: unknown staff number
        trip_row("计划外", plan="no"),                                           # 5: outside the plan, no reason
        trip_row("已提交的团组", departs="2030-05-01", returns="2030-05-09",     # 6: submitted trip changed
                 members="T001 (处级)", countries="JP 2030-05-01 2030-05-09"),
        trip_row("不是草稿", status="submitted"),                                # 7: created submitted
        trip_row("返回在前", departs="2030-03-10", returns="2030-03-01", countries=""),  # 8: return before
    ]
    with translation.override("en"):
        result = registry.import_rows("trips", trips_csv(*rows), user=office, dry_run=False)

    assert not result.written and Trip.objects.count() == 1
    assert result.bad_rows == [3, 4, 5, 6, 7, 8]
    by_row = {error.row: str(error) for error in result.errors}
    assert "must fall within the trip" in by_row[3]
    assert "T999" in by_row[4]
    assert "outside the annual outbound plan" in by_row[5]
    assert "no longer a draft" in by_row[6]
    submitted.refresh_from_db()
    assert submitted.members.count() == 2


def test_a_coordinator_imports_only_their_own_faculty(coord_a, faculty_a, faculty_b, staff_a):
    StaffMemberFactory(faculty=faculty_b, staff_no="B001")
    rows = [trip_row(faculty=faculty_b.code, members=""),
            trip_row("混编团组", members="T001; B001")]
    with translation.override("en"):
        result = registry.import_rows("trips", trips_csv(*rows), user=coord_a, dry_run=False)

    assert result.bad_rows == [2, 3] and not Trip.objects.exists()
    assert result.errors[0].column == "faculty"  # another faculty is "not found" for a coordinator of A
    assert "B001" in " ".join(str(e) for e in result.errors if e.row == 3)  # not found in A's scope


def test_members_of_another_faculty_are_refused_even_for_the_office(office, faculty_a, faculty_b, staff_a):
    StaffMemberFactory(faculty=faculty_b, staff_no="B001")
    with translation.override("en"):
        result = registry.import_rows("trips", trips_csv(trip_row(members="T001; B001")), user=office,
                                      dry_run=False)
    assert result.bad_rows == [2]
    assert "do not belong to the trip's faculty" in str(result.errors[0])


def test_a_coordinators_export_holds_only_their_faculty(coord_a_client, faculty_a, faculty_b, staff_a):
    _trip_with_parts(faculty_a, staff_a, title="甲院团组")
    other = StaffMemberFactory(faculty=faculty_b)
    TripMemberFactory(trip=TripFactory(faculty=faculty_b, title="乙院团组"), staff_member=other)

    body = b"".join(coord_a_client.get(reverse("dataexchange:export", args=["trips", "csv"])).streaming_content)

    text = body.decode("utf-8-sig")
    assert "甲院团组" in text and "乙院团组" not in text


# --- passports ------------------------------------------------------------------------------

PASSPORT_HEADER = "holder,kind,number,issued_on,expires_on,custody"


def test_the_office_imports_passports_with_a_custody_log_entry(office, faculty_a, staff_a):
    file = csv_file(f"{PASSPORT_HEADER}\nT001,official,E12345678,2024-01-10,2034-01-09,in_office\n")

    with translation.override("en"):  # the log's note is written in the importer's language
        result = registry.import_rows("passports", file, user=office, dry_run=False)

    assert result.ok, [str(e) for e in result.errors]
    document = TravelDocument.objects.get()
    assert (document.holder, document.number, document.custody) == (staff_a[0], "E12345678", "in_office")
    event = CustodyEvent.objects.get(document=document)
    assert (event.custody, event.by, event.note) == ("in_office", office, "imported")


def test_a_passport_cannot_be_lent_by_import(office, faculty_a, staff_a):
    file = csv_file(f"{PASSPORT_HEADER}\nT001,official,E1,2024-01-10,2034-01-09,lent\n"
                    f"T002,official,E2,2034-01-10,2024-01-09,in_office\n")
    with translation.override("en"):
        result = registry.import_rows("passports", file, user=office, dry_run=False)
    assert result.bad_rows == [2, 3] and not TravelDocument.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporting_passports_and_importing_them_again_changes_nothing(office, faculty_a, staff_a, tmp_path, fmt):
    TravelDocumentFactory(holder=staff_a[0], number="E0000001")
    TravelDocumentFactory(holder=staff_a[1], number="E0000002", custody=TravelDocument.Custody.RETURNED)
    assert_round_trip("passports", office, tmp_path, fmt)
    assert not CustodyEvent.objects.exists()


def test_the_office_exports_passport_numbers(office_client, faculty_a, staff_a):
    TravelDocumentFactory(holder=staff_a[0], number="E7654321")
    response = office_client.get(reverse("dataexchange:export", args=["passports", "csv"]))
    assert response.status_code == 200
    assert "E7654321" in b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("persona", ["leader_client", "coord_a_client"])
def test_nobody_but_the_office_sees_the_passports_kind(persona, request, faculty_a, staff_a):
    client = request.getfixturevalue(persona)
    TravelDocumentFactory(holder=staff_a[0], number="E7654321")
    index = client.get(reverse("dataexchange:index")).content.decode()
    assert reverse("dataexchange:export", args=["trips", "csv"]) in index  # the control: the index lists kinds
    assert "passports" not in index
    assert client.get(reverse("dataexchange:export", args=["passports", "csv"])).status_code in (403, 404)
    assert client.get(reverse("dataexchange:import", args=["passports"])).status_code in (403, 404)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_templates_download_with_the_group_and_countries_explained(office_client, fmt):
    for kind in ("trips", "passports"):
        response = office_client.get(reverse("dataexchange:template", args=[kind, fmt]))
        assert response.status_code == 200, kind


def test_the_trips_list_exports_the_filtered_trips_with_their_groups(office_client, faculty_a, staff_a):
    _trip_with_parts(faculty_a, staff_a, title="甲院团组")
    response = office_client.get(reverse("trips:trip-list"), {"export": "csv", "style": "codes"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "甲院团组" in text and "T001 (处级); T002" in text and "JP 2030-05-01 2030-05-04" in text


def test_a_leader_may_export_trips_but_imports_nothing(leader, faculty_a, staff_a):
    assert registry.can_export(leader, registry.get("trips"))
    assert not registry.can_import(leader, registry.get("trips"))
    assert not registry.can_export(leader, registry.get("passports"))
