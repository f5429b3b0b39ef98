"""Each role's view of each endpoint: the same scopes as the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from staff.models import ForeignTeacherContract
from tests.api.conftest import ENDPOINTS, SCOPED_ENDPOINTS
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def record_in_a_and_b(faculty_a, faculty_b):
    def make(endpoint):
        return endpoint.make(faculty_a), endpoint.make(faculty_b)
    return make


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("role", ["office", "leader"])
def test_office_and_leader_list_every_faculty_record(endpoint, role, personas, record_in_a_and_b):
    in_a, in_b = record_in_a_and_b(endpoint)

    assert _ids(personas[role].get(endpoint.list_url)) == {in_a.pk, in_b.pk}


@pytest.mark.parametrize("endpoint", SCOPED_ENDPOINTS, ids=str)
def test_coordinator_lists_only_own_faculty_records(endpoint, personas, record_in_a_and_b):
    in_a, in_b = record_in_a_and_b(endpoint)

    assert _ids(personas["coord_a"].get(endpoint.list_url)) == {in_a.pk}
    assert _ids(personas["coord_b"].get(endpoint.list_url)) == {in_b.pk}


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if not e.scoped], ids=str)
def test_coordinator_lists_every_shared_record(endpoint, personas, record_in_a_and_b):
    in_a, in_b = record_in_a_and_b(endpoint)

    assert _ids(personas["coord_a"].get(endpoint.list_url)) == {in_a.pk, in_b.pk}


@pytest.mark.parametrize("endpoint", SCOPED_ENDPOINTS, ids=str)
def test_coordinator_gets_404_for_other_faculty_record(endpoint, personas, record_in_a_and_b):
    in_a, in_b = record_in_a_and_b(endpoint)

    response = personas["coord_a"].get(endpoint.detail_url(in_b.pk))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("role", ["office", "leader", "coord_a"])
def test_each_role_reads_a_visible_record(endpoint, role, personas, record_in_a_and_b):
    in_a, _in_b = record_in_a_and_b(endpoint)

    response = personas[role].get(endpoint.detail_url(in_a.pk))

    assert response.status_code == 200
    assert response.json()["id"] == in_a.pk


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_anonymous_is_refused_with_401_not_a_login_redirect(endpoint, faculty_a):
    record = endpoint.make(faculty_a)
    client = Client()

    for url in (endpoint.list_url, endpoint.detail_url(record.pk)):
        response = client.get(url)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_user_without_a_portal_role_is_forbidden(endpoint, faculty_a):
    record = endpoint.make(faculty_a)
    client = Client()
    client.force_login(UserFactory(username="no_role"))

    assert client.get(endpoint.list_url).status_code == 403
    assert client.get(endpoint.detail_url(record.pk)).status_code == 403


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_endpoint_accepts_writes_even_from_the_office(endpoint, method, office_client, faculty_a):
    record = endpoint.make(faculty_a)

    assert getattr(office_client, method)(endpoint.list_url, {}, content_type="application/json").status_code == 405
    detail = getattr(office_client, method)(endpoint.detail_url(record.pk), {}, content_type="application/json")
    assert detail.status_code == 405


# --- personal data ------------------------------------------------------------------------

PERSONAL = ForeignTeacherContract.PERSONAL_FIELDS


def test_contracts_declare_their_personal_fields():
    # If this fails, the API tests below no longer cover what they claim.
    assert {"salary", "work_permit_no", "work_permit_expires_on"} <= set(PERSONAL)


def test_office_sees_personal_fields_in_contract_list_and_detail(office_client, faculty_a):
    contract = ContractFactory(staff_member__faculty=faculty_a, work_permit_no="WP-0042")

    row = office_client.get("/api/v1/contracts/").json()["results"][0]
    detail = office_client.get(f"/api/v1/contracts/{contract.pk}/").json()

    for data in (row, detail):
        assert set(PERSONAL) <= set(data)
        assert data["work_permit_no"] == "WP-0042"
        assert data["salary"] == "18500.00"


@pytest.mark.parametrize("role", ["leader", "coord_a"])
def test_other_roles_receive_contracts_without_personal_fields(role, personas, faculty_a):
    contract = ContractFactory(staff_member__faculty=faculty_a, work_permit_no="WP-0042")

    list_response = personas[role].get("/api/v1/contracts/")
    detail_response = personas[role].get(f"/api/v1/contracts/{contract.pk}/")

    for data in (list_response.json()["results"][0], detail_response.json()):
        assert data["id"] == contract.pk
        assert not set(PERSONAL) & set(data)
    assert b"WP-0042" not in list_response.content + detail_response.content


def test_a_personal_field_added_to_a_model_is_withheld_without_code_change(monkeypatch, leader_client, faculty_a):
    ContractFactory(staff_member__faculty=faculty_a)
    monkeypatch.setattr(ForeignTeacherContract, "PERSONAL_FIELDS", (*PERSONAL, "category"))

    row = leader_client.get("/api/v1/contracts/").json()["results"][0]

    assert "category" not in row


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_non_office_responses_carry_no_personal_field_of_any_kind(endpoint, leader_client, faculty_a):
    record = endpoint.make(faculty_a)
    personal = set(getattr(type(record), "PERSONAL_FIELDS", ()))

    detail = leader_client.get(endpoint.detail_url(record.pk)).json()

    assert not personal & set(detail)
