"""Filtering, ordering, paging and the query count of every list endpoint."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.api.conftest import ENDPOINTS, make_records
from tests.factories import ContractFactory, FacultyYearFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_list_query_count_does_not_grow_with_rows(endpoint, office_client, faculty_a, faculty_b,
                                                  django_assert_num_queries):
    # session, user, the user's roles (groups), COUNT(*) for the paginator, the page's rows,
    # and one query per prefetched relation (endpoint.prefetches).
    expected = 5 + len(endpoint.prefetches)
    make_records(endpoint, faculty_a, 1)
    with django_assert_num_queries(expected):
        first = office_client.get(endpoint.list_url)
    make_records(endpoint, faculty_a, 3)
    make_records(endpoint, faculty_b, 3)
    with django_assert_num_queries(expected):
        more = office_client.get(endpoint.list_url)

    assert first.json()["count"] < more.json()["count"]


def test_coordinator_list_costs_one_more_query_for_the_memberships(coord_a_client, faculty_a,
                                                                   django_assert_num_queries):
    for year in (2023, 2024, 2025):
        FacultyYearFactory(faculty=faculty_a, year=year)

    # session, user, roles, coordinator memberships, COUNT(*), rows.
    with django_assert_num_queries(6):
        coord_a_client.get("/api/v1/faculty-years/")


def test_lists_filter_on_the_page_filters(office_client, faculty_a, faculty_b):
    in_a = FacultyYearFactory(faculty=faculty_a, year=2024)
    FacultyYearFactory(faculty=faculty_a, year=2025)
    FacultyYearFactory(faculty=faculty_b, year=2024)

    rows = office_client.get("/api/v1/faculty-years/", {"faculty": faculty_a.pk, "year": 2024}).json()["results"]

    assert [row["id"] for row in rows] == [in_a.pk]


def test_search_filter_works_like_the_page(office_client, faculty_a):
    match = StaffMemberFactory(faculty=faculty_a, name="Alice Smith")
    StaffMemberFactory(faculty=faculty_a, name="Bob Jones")

    rows = office_client.get("/api/v1/staff/", {"q": "alice"}).json()["results"]

    assert [row["id"] for row in rows] == [match.pk]


def test_coordinator_filtering_by_another_faculty_finds_nothing(coord_a_client, faculty_a, faculty_b):
    FacultyYearFactory(faculty=faculty_b)

    response = coord_a_client.get("/api/v1/faculty-years/", {"faculty": faculty_b.pk})

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_an_invisible_id_in_a_filter_answers_like_a_missing_one(coord_a_client, faculty_b):
    other = ContractFactory(staff_member__faculty=faculty_b)

    visible = coord_a_client.get("/api/v1/contracts/", {"faculty": faculty_b.pk})
    missing = coord_a_client.get("/api/v1/contracts/", {"faculty": 999999})

    assert visible.status_code == missing.status_code == 200
    assert visible.json() == missing.json()
    assert other.pk not in {row["id"] for row in visible.json()["results"]}


@pytest.mark.parametrize(("query", "parameter"), [
    ({"is_active": "null"}, "is_active"),
    ({"is_active": ""}, "is_active"),
    ({"year": "0.5"}, "year"),
    ({"faculty": "A"}, "faculty"),
])
def test_typed_filters_refuse_values_of_another_type(query, parameter, office_client):
    url = "/api/v1/faculties/" if "is_active" in query else "/api/v1/faculty-years/"

    response = office_client.get(url, query)

    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize("year", ["-1", "0", "10000"])
def test_a_year_of_a_date_outside_1_to_9999_answers_400_not_a_server_error(year, office_client):
    response = office_client.get("/api/v1/events/", {"year": year})

    assert response.status_code == 400


def test_boolean_filters_take_true_and_false(office_client, faculty_a):
    faculty_a.is_active = False
    faculty_a.save()

    active = office_client.get("/api/v1/faculties/", {"is_active": "true"}).json()
    inactive = office_client.get("/api/v1/faculties/", {"is_active": "false"}).json()

    assert faculty_a.pk not in {row["id"] for row in active["results"]}
    assert [row["id"] for row in inactive["results"]] == [faculty_a.pk]


def test_contracts_expiring_work_permit_match_nothing_for_a_coordinator(coord_a_client, office_client, faculty_a):
    ContractFactory(staff_member__faculty=faculty_a)  # work permit expires in 400 days
    soon = ContractFactory(staff_member__faculty=faculty_a, work_permit_expires_on=timezone.localdate())

    as_coordinator = coord_a_client.get("/api/v1/contracts/", {"expiring": "work_permit"})
    as_office = office_client.get("/api/v1/contracts/", {"expiring": "work_permit"})

    assert as_coordinator.status_code == 200 and as_coordinator.json()["count"] == 0
    assert [row["id"] for row in as_office.json()["results"]] == [soon.pk]


def test_an_unknown_address_under_the_api_answers_a_json_404(office_token_client):
    response = office_token_client.get("/api/v1/contracts/0.5/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_an_invalid_filter_value_answers_400(office_client):
    response = office_client.get("/api/v1/contracts/", {"status": "no-such-status"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_lists_order_by_a_declared_field_and_break_ties_by_id(office_client, faculty_a, faculty_b):
    low_1 = FacultyYearFactory(faculty=faculty_a, year=2020, teachers=10)
    high = FacultyYearFactory(faculty=faculty_b, year=2020, teachers=30)
    low_2 = FacultyYearFactory(faculty=faculty_a, year=2021, teachers=10)

    rows = office_client.get("/api/v1/faculty-years/", {"ordering": "-teachers"}).json()["results"]

    assert [row["id"] for row in rows] == [high.pk, low_1.pk, low_2.pk]


def test_ordering_by_an_undeclared_field_is_ignored(office_client, faculty_a):
    FacultyYearFactory(faculty=faculty_a)

    assert office_client.get("/api/v1/faculty-years/", {"ordering": "version"}).status_code == 200


def test_lists_are_paged_with_a_chosen_page_size(office_client, faculty_a):
    years = [FacultyYearFactory(faculty=faculty_a, year=year) for year in (2021, 2022, 2023)]

    first = office_client.get("/api/v1/faculty-years/", {"page_size": 2, "ordering": "year"}).json()
    second = office_client.get("/api/v1/faculty-years/", {"page_size": 2, "ordering": "year", "page": 2}).json()

    assert first["count"] == 3
    assert [row["id"] for row in first["results"] + second["results"]] == [y.pk for y in years]
    assert first["next"] and first["previous"] is None
    assert second["next"] is None


@pytest.mark.parametrize("page_size", ["0", "201", "-1", "many"])
def test_a_page_size_outside_1_to_200_answers_400(page_size, office_client):
    response = office_client.get("/api/v1/faculty-years/", {"page_size": page_size})

    assert response.status_code == 400
    assert "page_size" in response.json()


@pytest.mark.parametrize("endpoint", ["/api/v1/faculty-years/", "/api/v1/visits/"])
def test_an_empty_page_number_answers_400(endpoint, office_client):
    response = office_client.get(endpoint + "?page=")

    assert response.status_code == 400
    assert "page" in response.json()


def test_a_page_past_the_end_answers_404(office_client, faculty_a):
    FacultyYearFactory(faculty=faculty_a)

    assert office_client.get("/api/v1/faculty-years/", {"page": 2}).status_code == 404


@pytest.mark.parametrize("faculty", ["0", "-1", str(2**63)])
def test_an_id_outside_the_database_range_answers_400_not_a_server_error(faculty, office_client):
    response = office_client.get("/api/v1/contracts/", {"faculty": faculty})

    assert response.status_code == 400
    assert "faculty" in response.json()


def test_a_nul_character_in_a_search_is_dropped_rather_than_refused(office_client, faculty_a):
    match = StaffMemberFactory(faculty=faculty_a, name="Alice Smith")

    rows = office_client.get("/api/v1/staff/", {"q": "ali\x00ce"}).json()["results"]

    assert [row["id"] for row in rows] == [match.pk]
