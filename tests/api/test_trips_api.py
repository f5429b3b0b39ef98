"""The read-only trips endpoint: members, countries, budget, scoped by faculty — and no
travel document anywhere in the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.api.conftest import token_client
from tests.factories import (
    StaffMemberFactory,
    TravelDocumentFactory,
    TripCountryFactory,
    TripFactory,
    TripMemberFactory,
)
from trips.models import TravelDocument, Trip, TripMember

NUMBER = "E55667788"


@pytest.fixture
def lent_trip(faculty_a):
    trip = TripFactory(faculty=faculty_a, title="赴日本学术交流", status=Trip.Status.TRAVELLING,
                       departs_on=datetime.date(2030, 3, 1), returns_on=datetime.date(2030, 3, 8),
                       budget_travel=Decimal("8000"), budget_accommodation=Decimal("3000"))
    head = StaffMemberFactory(faculty=faculty_a, name="王明", staff_no="T001")
    TripMemberFactory(trip=trip, staff_member=head, role=TripMember.Role.LEADER, senior_post=True)
    TripMemberFactory(trip=trip, staff_member=StaffMemberFactory(faculty=faculty_a, name="李华"),
                      role=TripMember.Role.MEMBER)
    TripCountryFactory(trip=trip, country="JP")
    TravelDocumentFactory(holder=head, number=NUMBER, custody=TravelDocument.Custody.LENT, lent_for=trip)
    return trip


def test_a_trip_has_its_members_countries_status_dates_and_budget(office_token_client, lent_trip):
    data = office_token_client.get(f"/api/v1/trips/{lent_trip.pk}/").json()

    assert data["title"] == "赴日本学术交流" and data["status"] == "travelling"
    assert (data["departs_on"], data["returns_on"]) == ("2030-03-01", "2030-03-08")
    assert Decimal(data["budget_total"]) == lent_trip.budget_total
    assert [(m["name"], m["role"], m["senior_post"]) for m in data["members"]] == [
        ("王明", "leader", True), ("李华", "member", False)]
    assert data["countries"] == [{"country": "JP", "arrives_on": "2030-03-01", "leaves_on": "2030-03-08"}]
    assert "invitation" not in data and "report_file" not in data


def test_a_coordinator_sees_their_faculty_and_another_facultys_trip_is_404(coord_a, faculty_a, faculty_b,
                                                                          lent_trip):
    other = TripFactory(faculty=faculty_b, title="乙院团组")
    client = token_client(coord_a)
    listed = [row["title"] for row in client.get("/api/v1/trips/").json()["results"]]
    assert listed == ["赴日本学术交流"]
    assert client.get(f"/api/v1/trips/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/trips/{lent_trip.pk}/").status_code == 200


def test_the_list_filters_like_the_page(office_token_client, faculty_a, lent_trip):
    TripFactory(faculty=faculty_a, title="草稿团组")
    rows = office_token_client.get("/api/v1/trips/", {"status": "travelling"}).json()["results"]
    assert [row["title"] for row in rows] == ["赴日本学术交流"]


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_costs_the_same_queries_for_one_trip_or_twenty(office_token_client, faculty_a, count,
                                                                 django_assert_max_num_queries):
    for _n in range(count):
        trip = TripFactory(faculty=faculty_a)
        TripMemberFactory(trip=trip)
        TripCountryFactory(trip=trip)
    with django_assert_max_num_queries(7):
        assert len(office_token_client.get("/api/v1/trips/").json()["results"]) == count


@pytest.mark.parametrize("persona", ["office", "leader", "coord_a"])
def test_no_api_answer_carries_a_passport_number(persona, request, lent_trip):
    client = token_client(request.getfixturevalue(persona))
    root = client.get("/api/v1/").json()
    assert not any("passport" in name or "document" in name for name in root)
    for url in ["/api/v1/", "/api/v1/trips/", f"/api/v1/trips/{lent_trip.pk}/", "/api/v1/staff/",
                f"/api/v1/staff/{lent_trip.members.first().staff_member_id}/", "/api/v1/schema/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert NUMBER not in response.content.decode(), url
    assert client.get("/api/v1/passports/").status_code == 404
    assert client.get("/api/v1/travel-documents/").status_code == 404
