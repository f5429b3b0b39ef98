"""Token authentication and the office's token pages."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command
from django.test import Client

from api.models import ApiToken
from api.services import token_issue, token_revoke
from intlportal.navigation import menu_for
from tests.api.conftest import token_client
from tests.factories import FacultyYearFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- authentication -----------------------------------------------------------------------


def test_a_token_reads_what_its_user_may_read(coord_a, faculty_a, faculty_b):
    own = FacultyYearFactory(faculty=faculty_a)
    FacultyYearFactory(faculty=faculty_b)

    response = token_client(coord_a).get("/api/v1/faculty-years/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [own.pk]


def test_a_token_is_accepted_with_the_bearer_keyword_too(office):
    _token, key = token_issue(user=office, name="bearer")

    assert Client(headers={"authorization": f"Bearer {key}"}).get("/api/v1/faculties/").status_code == 200


def test_a_revoked_token_is_refused(office):
    token, key = token_issue(user=office, name="old system")
    client = Client(headers={"authorization": f"Token {key}"})
    assert client.get("/api/v1/faculties/").status_code == 200

    token_revoke(token=token, by=office)

    response = client.get("/api/v1/faculties/")
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize("header", ["Token not-a-key", "Token", "Token two parts", "Bearer "])
def test_an_unknown_or_malformed_token_is_refused(header, office):
    token_issue(user=office, name="real")

    assert Client(headers={"authorization": header}).get("/api/v1/faculties/").status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(office):
    _token, key = token_issue(user=office, name="leaver")
    office.is_active = False
    office.save()

    assert Client(headers={"authorization": f"Token {key}"}).get("/api/v1/faculties/").status_code == 401


def test_the_key_is_stored_only_as_its_sha256_digest(office):
    token, key = token_issue(user=office, name="ci")

    stored = ApiToken.objects.values().get(pk=token.pk)
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {str(value) for value in stored.values()}
    assert key.startswith(stored["prefix"]) and len(stored["prefix"]) < len(key)


def test_issued_keys_are_long_and_distinct(office):
    keys = {token_issue(user=office, name=f"t{n}")[1] for n in range(5)}

    assert len(keys) == 5
    assert all(len(key) >= 43 for key in keys)  # 32 random bytes, URL-safe base64


def test_using_a_token_records_when_it_was_last_used(office):
    token, key = token_issue(user=office, name="ci")
    assert token.last_used_at is None

    Client(headers={"authorization": f"Token {key}"}).get("/api/v1/faculties/")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_requests_ignore_csrf_and_sessions_but_stay_read_only(office):
    client = token_client(office)

    assert client.post("/api/v1/faculties/", {}).status_code == 405


def test_the_management_command_prints_a_working_key(office, capsys):
    call_command("api_issue_token", "--user", office.username, "--name", "ci")
    key = capsys.readouterr().out.strip()

    assert Client(headers={"authorization": f"Token {key}"}).get("/api/v1/faculties/").status_code == 200
    assert ApiToken.objects.get().name == "ci"


# --- the office's pages -------------------------------------------------------------------


def test_office_issues_a_token_and_sees_the_key_once(office_client, coord_a):
    response = office_client.post("/api/v1/tokens/new/", {"user": coord_a.pk, "name": "faculty A dashboard"})

    assert response.status_code == 200
    key = response.context["key"]
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (coord_a, "faculty A dashboard")
    assert key.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    listing = office_client.get("/api/v1/tokens/")
    assert key.encode() not in listing.content
    assert token.prefix.encode() in listing.content


def test_issuing_a_token_needs_a_name_and_a_user_with_a_role(office_client):
    no_role = UserFactory(username="no_role")

    response = office_client.post("/api/v1/tokens/new/", {"user": no_role.pk, "name": ""})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"user", "name"}
    assert not ApiToken.objects.exists()


def test_revoking_asks_for_confirmation_first(office_client, office, leader):
    token, key = token_issue(user=leader, name="dashboard")

    confirm = office_client.get(f"/api/v1/tokens/{token.pk}/revoke/")

    assert confirm.status_code == 200
    token.refresh_from_db()
    assert token.is_active
    assert Client(headers={"authorization": f"Token {key}"}).get("/api/v1/faculties/").status_code == 200


def test_office_revokes_a_token_and_it_stops_working(office_client, office, leader):
    token, key = token_issue(user=leader, name="dashboard")

    response = office_client.post(f"/api/v1/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == office
    assert Client(headers={"authorization": f"Token {key}"}).get("/api/v1/faculties/").status_code == 401


def test_revoking_twice_keeps_the_first_revocation(office, leader):
    token, _key = token_issue(user=leader, name="dashboard")
    first = token_revoke(token=token, by=office).revoked_at

    assert token_revoke(token=token, by=leader).revoked_at == first


@pytest.mark.parametrize("role", ["leader", "coord_a"])
def test_only_the_office_manages_tokens(role, personas, office):
    token, _key = token_issue(user=office, name="ci")

    for url in ("/api/v1/tokens/", "/api/v1/tokens/new/", f"/api/v1/tokens/{token.pk}/revoke/"):
        assert personas[role].get(url).status_code == 403
    assert personas[role].post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.is_active


def test_anonymous_visitor_of_the_token_pages_is_sent_to_login():
    response = Client().get("/api/v1/tokens/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_token_pages_appear_in_the_office_menu_only(office, leader):
    def urls(user):
        return {url for _section, items in menu_for(user) for _label, url in items}

    assert "/api/v1/tokens/" in urls(office)
    assert "/api/v1/tokens/" not in urls(leader)
