"""The read-only visits endpoint: the delegation, its programme and budget, scoped by faculty —
and no passport number or date of birth in any answer, for any role."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.api.conftest import token_client
from tests.factories import ProgrammeItemFactory, VisitFactory, VisitMemberFactory
from visits.models import ProgrammeItem, Visit

PASSPORT = "C99887766"
BIRTHDAY = datetime.date(1968, 2, 29)


@pytest.fixture
def office_token_client(office):
    return token_client(office)


@pytest.fixture
def api_visit(faculty_a):
    visit = VisitFactory(faculty=faculty_a, title="亚琛工业大学代表团来访", status=Visit.Status.OFFICE_APPROVED,
                         arrives_on=datetime.date(2030, 3, 1), leaves_on=datetime.date(2030, 3, 3),
                         budget_meals=Decimal("3000"), budget_honoraria=Decimal("1500"))
    VisitMemberFactory(visit=visit, name="Anna Schmidt", position="Dean", passport_number=PASSPORT,
                       date_of_birth=BIRTHDAY)
    VisitMemberFactory(visit=visit, name="Kenji Sato", nationality="JP", institution="Kyoto University")
    ProgrammeItemFactory(visit=visit, day=datetime.date(2030, 3, 2), starts_at=datetime.time(14, 0),
                         title="Additive manufacturing", speaker="Anna Schmidt")
    ProgrammeItemFactory(visit=visit, day=datetime.date(2030, 3, 1), kind=ProgrammeItem.Kind.BANQUET,
                         title="Welcome dinner", speaker="", participants=12)
    return visit


def test_a_visit_has_its_delegation_programme_and_budget(office_token_client, api_visit):
    data = office_token_client.get(f"/api/v1/visits/{api_visit.pk}/").json()

    assert data["title"] == "亚琛工业大学代表团来访" and data["status"] == "office_approved"
    assert (data["arrives_on"], data["leaves_on"]) == ("2030-03-01", "2030-03-03")
    assert Decimal(data["budget_total"]) == Decimal("4500") == api_visit.budget_total
    assert data["institution_name"] == "RWTH Aachen University"
    assert data["members"] == [
        {"name": "Anna Schmidt", "nationality": "DE", "position": "Dean", "institution": ""},
        {"name": "Kenji Sato", "nationality": "JP", "position": "Professor", "institution": "Kyoto University"}]
    assert [(p["day"], p["starts_at"], p["kind"], p["title"], p["speaker"]) for p in data["programme"]] == [
        ("2030-03-01", None, "banquet", "Welcome dinner", ""),
        ("2030-03-02", "14:00", "lecture", "Additive manufacturing", "Anna Schmidt")]


def test_a_coordinator_sees_their_faculty_and_another_facultys_visit_is_404(coord_a, faculty_b, api_visit):
    other = VisitFactory(faculty=faculty_b, title="乙院来访")
    client = token_client(coord_a)

    listed = [row["title"] for row in client.get("/api/v1/visits/").json()["results"]]

    assert listed == ["亚琛工业大学代表团来访"]
    assert client.get(f"/api/v1/visits/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/visits/{api_visit.pk}/").status_code == 200
    assert client.get("/api/v1/visits/", {"faculty": faculty_b.pk}).json()["count"] == 0


def test_the_office_and_a_leader_see_every_faculty(office, leader, faculty_b, api_visit):
    VisitFactory(faculty=faculty_b, title="乙院来访")
    for user in (office, leader):
        titles = {row["title"] for row in token_client(user).get("/api/v1/visits/").json()["results"]}
        assert titles == {"亚琛工业大学代表团来访", "乙院来访"}


def test_the_list_filters_like_the_page(office_token_client, faculty_a, api_visit):
    VisitFactory(faculty=faculty_a, title="草稿来访")
    VisitFactory(faculty=faculty_a, title="东京大学来访", country="JP", status=Visit.Status.SUBMITTED)

    def titles(**query):
        return [row["title"] for row in office_token_client.get("/api/v1/visits/", query).json()["results"]]

    assert titles(status="office_approved") == ["亚琛工业大学代表团来访"]
    assert titles(stage="office") == ["东京大学来访"]
    assert titles(country="JP") == ["东京大学来访"]
    assert titles(q="亚琛") == ["亚琛工业大学代表团来访"]
    assert titles(year=2030) == ["亚琛工业大学代表团来访"]


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_for_three_visits_or_thirty(office_token_client, faculty_a, count,
                                                                    django_assert_max_num_queries):
    for _n in range(count):
        visit = VisitFactory(faculty=faculty_a)
        VisitMemberFactory(visit=visit)
        VisitMemberFactory(visit=visit)
        ProgrammeItemFactory(visit=visit)
    # session, user, roles, COUNT(*), the rows (partner and submitter joined), members, programme.
    with django_assert_max_num_queries(7):
        response = office_token_client.get("/api/v1/visits/", {"page_size": 50})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("persona", ["office", "leader", "coord_a"])
def test_no_api_answer_carries_a_passport_number_or_a_date_of_birth(persona, request, api_visit):
    client = token_client(request.getfixturevalue(persona))
    for url in ["/api/v1/visits/", f"/api/v1/visits/{api_visit.pk}/", "/api/v1/", "/api/v1/schema/?format=json"]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert PASSPORT not in text and BIRTHDAY.isoformat() not in text, url
        assert "passport_number" not in text and "date_of_birth" not in text, url
    assert client.get(f"/api/v1/visits/{api_visit.pk}/").json()["members"][0]["name"] == "Anna Schmidt"


def test_the_schema_describes_the_visits_and_their_members_without_personal_data(office_token_client):
    schema = office_token_client.get("/api/v1/schema/", {"format": "json"}).json()

    assert set(schema["paths"]["/api/v1/visits/"]) == {"get"}
    assert set(schema["paths"]["/api/v1/visits/{id}/"]) == {"get"}
    member = schema["components"]["schemas"]["VisitMember"]["properties"]
    assert set(member) == {"name", "nationality", "position", "institution"}
    names = {p["name"] for p in schema["paths"]["/api/v1/visits/"]["get"]["parameters"]}
    assert {"faculty", "status", "stage", "year", "q", "ordering", "page"} <= names
