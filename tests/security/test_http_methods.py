"""Every URL of the portal answers a method it does not serve with 405, never a 500.

The portal's pages serve GET and POST (and HEAD, OPTIONS); the API is read-only.  This walks
every URL pattern of the project (the permission matrix's list, which
``test_permission_matrix`` keeps complete) and sends PUT, PATCH, DELETE, TRACE and OPTIONS as
a persona the page serves (the office wherever it may open the page, else the first persona
the matrix lets in: the sign-in page's visitor, an import job's uploader).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from exchanges.models import PartnerInstitution
from tests.factories import AgreementFactory
from tests.security.permission_matrix import DONE, MATRIX, PERSONAS
from tests.security.world import World

UNSERVED = ("put", "patch", "delete", "trace")


def persona_served(case) -> str:
    """Who gets the page itself: 200 for a page, the redirect after a POST that works."""
    served = 200 if case.method == "get" else DONE
    for persona in ("office", *PERSONAS):
        if case.expect[persona] == served:
            return persona
    return "office"


def url_cases() -> list:
    # One address per URL name: the methods are what varies, not the record asked about.
    return [pytest.param(name, cases[0], id=name) for name, cases in sorted(MATRIX.items())]


@pytest.fixture
def world(faculty_a, faculty_b, office, leader, coord_a, coord_b):
    return World(faculty_a=faculty_a, faculty_b=faculty_b, office=office, leader=leader, own=coord_a, other=coord_b)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "case"), url_cases())
def test_every_url_answers_an_unserved_method_with_405_never_a_server_error(name, case, world, settings):
    settings.DEBUG = False
    url = case.path or reverse(name, args=case.args(world)) + case.query
    client = Client(raise_request_exception=False)
    persona = persona_served(case)
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    wrong = []
    for method in (*UNSERVED, "options"):
        with transaction.atomic():
            response = getattr(client, method)(url)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            wrong.append(f"{method.upper()}: {response.status_code}")
        elif method in UNSERVED and response.status_code not in {405, 404}:
            # 404 only where nothing is served at all (the API's catch-all for unknown addresses).
            wrong.append(f"{method.upper()}: {response.status_code}, expected 405")
        elif method in UNSERVED and response.status_code == 404 and case.path is None:
            wrong.append(f"{method.upper()}: 404 on a named page, expected 405")
        elif method == "options" and response.status_code not in {200, 405}:
            wrong.append(f"OPTIONS: {response.status_code}, expected 200 or 405")
        if response.status_code == 405:
            assert "Allow" in response, f"{method.upper()} {url}: a 405 must name the methods allowed"
    assert not wrong, f"{url} as {persona}\n  " + "\n  ".join(wrong)


@pytest.mark.django_db
def test_delete_on_a_delete_page_is_refused_and_a_protected_record_stays(office_client, settings):
    """``DELETE`` skipped the confirmation's protected-record message and answered 500."""
    settings.DEBUG = False
    office_client.raise_request_exception = False
    partner = AgreementFactory().partner  # an agreement protects its partner
    url = reverse("exchanges:partner-delete", args=[partner.pk])
    response = office_client.delete(url)
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}
    assert PartnerInstitution.objects.filter(pk=partner.pk).exists()
    # The confirmed POST still gives the friendly refusal.
    refused = office_client.post(url)
    assert refused.status_code == 302 and refused["Location"] == partner.get_absolute_url()


@pytest.mark.django_db
def test_options_renders_no_page(office_client):
    for url in (reverse("api:docs"), reverse("exchanges:partner-list"), reverse("home")):
        response = office_client.options(url)
        assert response.status_code == 200, url
        assert response.content == b"", url
        assert "GET" in response["Allow"], url
