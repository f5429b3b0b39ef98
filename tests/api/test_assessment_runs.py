"""The assessment runs' list and detail: the ranking for every role, details scoped."""

from __future__ import annotations

import pytest
from django.test import Client

from assessment.models import AssessmentRun
from assessment.publishing import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_2025(faculty_a, faculty_b):
    return AssessmentRun.objects.create(year=2025, summary={"mobilities": 12}, document={
        "year": 2025,
        "faculties": [
            {"code": "A", "score": 110.0, "rank": 1, "indicators": [{"code": "partners", "value": 3}]},
            {"code": "B", "score": 90.0, "rank": 2, "indicators": [{"code": "partners", "value": 1}]},
        ],
    })


@pytest.mark.parametrize("role", ["office", "leader", "coord_a", "coord_b"])
def test_every_role_lists_the_runs(role, personas, run_2025):
    response = personas[role].get("/api/v1/assessment-runs/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [run_2025.pk]


@pytest.mark.parametrize("role", ["office", "leader"])
def test_office_and_leader_read_every_faculty_detail_of_a_run(role, personas, run_2025):
    document = personas[role].get(f"/api/v1/assessment-runs/{run_2025.pk}/").json()["document"]

    assert all("indicators" in entry for entry in document["faculties"])


def test_coordinator_reads_the_ranking_but_only_own_faculty_details(coord_a_client, run_2025):
    data = coord_a_client.get(f"/api/v1/assessment-runs/{run_2025.pk}/").json()
    entries = {entry["code"]: entry for entry in data["document"]["faculties"]}

    assert (entries["A"]["rank"], entries["B"]["rank"]) == (1, 2)
    assert "indicators" in entries["A"]
    assert "indicators" not in entries["B"]
    assert data["summary"] == {"mobilities": 12}


def test_runs_are_refused_to_anonymous_callers(run_2025):
    assert Client().get("/api/v1/assessment-runs/").status_code == 401


def test_runs_filter_by_year(office_client, run_2025):
    AssessmentRun.objects.create(year=2024, document={"faculties": []})

    rows = office_client.get("/api/v1/assessment-runs/", {"year": 2025}).json()["results"]

    assert [row["year"] for row in rows] == [2025]


def test_run_list_query_count_does_not_grow_with_runs(office_client, run_2025, django_assert_num_queries):
    # session, user, roles, COUNT(*), rows.
    with django_assert_num_queries(5):
        office_client.get("/api/v1/assessment-runs/")
    AssessmentRun.objects.bulk_create(AssessmentRun(year=2000 + n, document={}) for n in range(5))
    with django_assert_num_queries(5):
        office_client.get("/api/v1/assessment-runs/")


def test_the_year_document_is_the_published_run_and_the_latest_only_on_request(office, personas, run_2025):
    publish(run_2025, by=office)
    newer = AssessmentRun.objects.create(year=2025, document={"year": 2025, "faculties": []})

    for role in ("office", "leader", "coord_a"):
        body = personas[role].get("/api/v1/assessment/2025/").json()
        assert (body["status"], body["run"], body["publication"]["version"]) == ("published", run_2025.pk, 1), role
        assert [entry["code"] for entry in body["faculties"]] == ["A", "B"]
    latest = personas["leader"].get("/api/v1/assessment/2025/?run=latest").json()
    assert (latest["status"], latest["run"], latest["faculties"]) == ("provisional", newer.pk, [])
    # A coordinator asking for the latest calculation is served the official result.
    assert personas["coord_a"].get("/api/v1/assessment/2025/?run=latest").json()["run"] == run_2025.pk
