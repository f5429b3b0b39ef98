"""Every exchanges page: who may open it, and what a coordinator of another faculty gets (404)."""

import pytest
from django.urls import reverse

from tests.factories import (
    AgreementFactory,
    EventFactory,
    FundingSchemeFactory,
    MobilityFactory,
    PartnerFactory,
    StudentLanguageTestFactory,
)

LISTS = ["partner", "agreement", "fundingscheme", "mobility", "event", "languagetest"]


@pytest.fixture
def records(faculty_a):
    partner = PartnerFactory()
    return {
        "partner": partner,
        "agreement": AgreementFactory(partner=partner, faculties=[faculty_a]),
        "fundingscheme": FundingSchemeFactory(),
        "mobility": MobilityFactory(faculty=faculty_a, partner=partner),
        "event": EventFactory(faculty=faculty_a),
        "languagetest": StudentLanguageTestFactory(faculty=faculty_a),
    }


@pytest.mark.parametrize("name", LISTS)
def test_anonymous_visitor_is_sent_to_sign_in(client, db, name):
    response = client.get(reverse(f"exchanges:{name}-list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("persona", ["office", "leader", "coord_a", "coord_b"])
def test_every_role_opens_every_list_and_record_it_may_see(personas, records, name, persona):
    client = personas[persona]
    assert client.get(reverse(f"exchanges:{name}-list")).status_code == 200
    detail = client.get(records[name].get_absolute_url())
    shared = name in {"partner", "fundingscheme"}
    if persona == "coord_b" and not shared:
        assert detail.status_code == 404
    elif persona.startswith("coord") and name == "fundingscheme":
        assert detail.status_code == 200
    else:
        assert detail.status_code == 200


@pytest.mark.parametrize("name", ["mobility", "event", "languagetest"])
def test_coordinator_of_another_faculty_gets_404_on_edit_and_delete(coord_b_client, records, name):
    pk = records[name].pk
    assert coord_b_client.get(reverse(f"exchanges:{name}-edit", args=[pk])).status_code == 404
    assert coord_b_client.post(reverse(f"exchanges:{name}-delete", args=[pk])).status_code == 404


@pytest.mark.parametrize("name", LISTS)
def test_leader_never_gets_a_write_form(leader_client, records, name):
    assert leader_client.get(reverse(f"exchanges:{name}-create")).status_code == 403
    assert leader_client.get(reverse(f"exchanges:{name}-edit", args=[records[name].pk])).status_code == 403
    assert leader_client.get(reverse(f"exchanges:{name}-delete", args=[records[name].pk])).status_code == 403


@pytest.mark.parametrize("name", ["partner", "agreement", "fundingscheme"])
def test_coordinator_may_not_create_office_kinds(coord_a_client, db, name):
    assert coord_a_client.get(reverse(f"exchanges:{name}-create")).status_code == 403


@pytest.mark.parametrize("name", ["mobility", "event", "languagetest"])
def test_coordinator_edits_own_faculty_records(coord_a_client, records, name):
    assert coord_a_client.get(reverse(f"exchanges:{name}-create")).status_code == 200
    assert coord_a_client.get(reverse(f"exchanges:{name}-edit", args=[records[name].pk])).status_code == 200


def test_delete_asks_for_confirmation_before_deleting(office_client, records):
    mobility = records["mobility"]
    page = office_client.get(reverse("exchanges:mobility-delete", args=[mobility.pk]))
    assert page.status_code == 200
    assert mobility.__class__.objects.filter(pk=mobility.pk).exists()
    office_client.post(reverse("exchanges:mobility-delete", args=[mobility.pk]))
    assert not mobility.__class__.objects.filter(pk=mobility.pk).exists()


def test_empty_list_says_what_to_do(coord_a_client, db):
    response = coord_a_client.get(reverse("exchanges:mobility-list"))
    assert "record a planned exchange" in response.content.decode() or "计划" in response.content.decode()
