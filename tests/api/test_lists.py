"""Filtering, ordering, paging and the query count of every list endpoint."""

from __future__ import annotations

import pytest

from tests.api.conftest import ENDPOINTS, make_records
from tests.factories import FacultyYearFactory, StaffMemberFactory

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
    FacultyYearFactory.create_batch(3, faculty=faculty_a)

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


def test_coordinator_cannot_filter_by_another_faculty(coord_a_client, faculty_a, faculty_b):
    FacultyYearFactory(faculty=faculty_b)

    response = coord_a_client.get("/api/v1/faculty-years/", {"faculty": faculty_b.pk})

    assert response.status_code == 400
    assert "faculty" in response.json()


def test_coordinator_cannot_probe_other_faculty_staff_ids_through_a_filter(coord_a_client, faculty_b):
    from tests.factories import ContractFactory

    other = ContractFactory(staff_member__faculty=faculty_b)

    # A record choice outside the caller's scope is as unknown as a missing id.
    visible = coord_a_client.get("/api/v1/contracts/", {"faculty": faculty_b.pk})
    missing = coord_a_client.get("/api/v1/contracts/", {"faculty": 999999})

    assert visible.status_code == missing.status_code == 400
    assert other.pk not in {row.get("id") for row in visible.json().get("results", [])}


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


def test_a_page_past_the_end_answers_404(office_client, faculty_a):
    FacultyYearFactory(faculty=faculty_a)

    assert office_client.get("/api/v1/faculty-years/", {"page": 2}).status_code == 404
