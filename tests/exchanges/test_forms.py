"""Mobility, partner and event forms: bad input is refused with a message next to the field,
and what was typed stays in the form."""

from decimal import Decimal

import pytest
from django.urls import reverse

from exchanges.models import Event, Mobility, PartnerInstitution
from tests.factories import FundingSchemeFactory, MobilityFactory, PartnerFactory, UserFactory


@pytest.fixture
def partner(db):
    return PartnerFactory(name="Kyoto University", name_zh="京都大学", country="JP", domains=["kyoto-u.ac.jp"])


def mobility_data(faculty, **overrides):
    data = {
        "faculty": faculty.pk, "direction": "outbound", "person_kind": "teacher", "person_name": "王伟",
        "person_id": "T2001", "country": "JP", "activity": "lecture", "starts_on": "2026-03-01",
        "ends_on": "2026-03-15",
    }
    data.update(overrides)
    return data


def test_coordinator_records_a_planned_mobility_of_their_faculty(coord_a_client, faculty_a, partner):
    response = coord_a_client.post(reverse("exchanges:mobility-create"),
                                   mobility_data(faculty_a, partner="京都大学", country=""))
    assert response.status_code == 302
    mobility = Mobility.objects.get()
    assert (mobility.partner, mobility.country.code, mobility.status) == (partner, "JP", "planned")


def test_coordinator_cannot_record_a_mobility_for_another_faculty(coord_a_client, faculty_b):
    response = coord_a_client.post(reverse("exchanges:mobility-create"), mobility_data(faculty_b))
    assert response.status_code == 200
    assert response.context["form"].has_error("faculty", "invalid_choice")
    assert not Mobility.objects.exists()


def test_mobility_ending_before_it_starts_is_refused_and_keeps_what_was_typed(coord_a_client, faculty_a):
    response = coord_a_client.post(reverse("exchanges:mobility-create"),
                                   mobility_data(faculty_a, starts_on="2026-03-15", ends_on="2026-03-01"))
    assert response.context["form"].has_error("ends_on")
    assert "王伟" in response.content.decode()
    assert not Mobility.objects.exists()


def test_negative_amount_is_refused(office_client, faculty_a):
    scheme = FundingSchemeFactory()
    response = office_client.post(reverse("exchanges:mobility-create"),
                                  mobility_data(faculty_a, funding_scheme=scheme.pk, amount="-100"))
    assert response.context["form"].has_error("amount")
    assert not Mobility.objects.exists()


def test_overspending_amount_is_refused_on_the_form(office_client, faculty_a):
    scheme = FundingSchemeFactory(budget=Decimal("1000"))
    response = office_client.post(reverse("exchanges:mobility-create"),
                                  mobility_data(faculty_a, funding_scheme=scheme.pk, amount="1500"))
    assert response.status_code == 200
    assert response.context["form"].has_error("amount")
    assert not Mobility.objects.exists()


def test_an_unknown_partner_name_is_refused_with_advice(coord_a_client, faculty_a, partner):
    response = coord_a_client.post(reverse("exchanges:mobility-create"),
                                   mobility_data(faculty_a, partner="Nowhere Institute"))
    assert response.context["form"].has_error("partner", "unknown")
    assert "Nowhere Institute" in response.content.decode()


def test_partner_can_be_named_by_its_domain(coord_a_client, faculty_a, partner):
    coord_a_client.post(reverse("exchanges:mobility-create"), mobility_data(faculty_a, partner="kyoto-u.ac.jp"))
    assert Mobility.objects.get().partner == partner


def test_edit_form_shows_the_partner_by_name(coord_a_client, faculty_a, partner):
    mobility = MobilityFactory(faculty=faculty_a, partner=partner)
    page = coord_a_client.get(reverse("exchanges:mobility-edit", args=[mobility.pk])).content.decode()
    assert 'value="Kyoto University"' in page
    assert 'data-partner-combobox="single"' in page


def test_submitted_mobility_is_locked_for_the_coordinator(coord_a_client, faculty_a):
    mobility = MobilityFactory(faculty=faculty_a)
    Mobility.objects.filter(pk=mobility.pk).update(status="submitted", submitted_at="2026-01-01T00:00:00Z")
    assert coord_a_client.get(reverse("exchanges:mobility-edit", args=[mobility.pk])).status_code == 403


def test_event_names_several_partners_and_refuses_more_foreigners_than_participants(
        coord_a_client, faculty_a, partner):
    other = PartnerFactory(name="Seoul National University", country="KR")
    data = {"faculty": faculty_a.pk, "kind": "conference_hosted", "title": "国际材料论坛", "date": "2026-05-01",
            "partners": "Kyoto University; Seoul National University", "participants_total": 10,
            "participants_foreign": 12}
    response = coord_a_client.post(reverse("exchanges:event-create"), data)
    assert response.context["form"].has_error("participants_foreign")
    data["participants_foreign"] = 4
    assert coord_a_client.post(reverse("exchanges:event-create"), data).status_code == 302
    assert set(Event.objects.get().partners.all()) == {partner, other}


# --- partners ---------------------------------------------------------------------------------


def partner_data(**overrides):
    data = {"name": "Universität Wien", "name_en": "University of Vienna", "name_zh": "维也纳大学",
            "country": "AT", "kind": "university", "website": "https://www.univie.ac.at/", "domains": "univie.ac.at"}
    data.update(overrides)
    return data


def test_office_adds_a_partner_with_its_domains(office_client):
    response = office_client.post(reverse("exchanges:partner-create"), partner_data(domains="univie.ac.at, x.at"))
    assert response.status_code == 302
    assert PartnerInstitution.objects.get().domains == ["univie.ac.at", "x.at"]


def test_a_partner_whose_domain_is_already_there_is_flagged_as_a_likely_duplicate(office_client, partner):
    data = partner_data(name="京都大学 (Kyoto)", name_en="", name_zh="", domains="kyoto-u.ac.jp", website="")
    response = office_client.post(reverse("exchanges:partner-create"), data)
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "duplicate")
    assert partner.get_absolute_url() in response.content.decode()
    assert PartnerInstitution.objects.count() == 1
    # Confirming that it is another institution saves it.
    data["confirm_new"] = "on"
    assert office_client.post(reverse("exchanges:partner-create"), data).status_code == 302
    assert PartnerInstitution.objects.count() == 2


def test_a_partner_whose_name_is_already_there_in_another_case_is_flagged(office_client, partner):
    response = office_client.post(reverse("exchanges:partner-create"),
                                  partner_data(name="KYOTO UNIVERSITY", domains="", website=""))
    assert response.context["form"].has_error("__all__", "duplicate")


def test_a_malformed_domain_is_refused(office_client):
    response = office_client.post(reverse("exchanges:partner-create"), partner_data(domains="https://univie.ac.at/x"))
    assert response.context["form"].has_error("domains", "domain")


# --- autocomplete -----------------------------------------------------------------------------


def test_autocomplete_finds_partners_by_any_name_or_domain_best_first(coord_a_client, partner):
    PartnerFactory(name="Kyoto Sangyo University", country="JP", domains=["kyoto-su.ac.jp"])
    url = reverse("exchanges:partner-autocomplete")
    names = [r["value"] for r in coord_a_client.get(url, {"q": "kyoto"}).json()["results"]]
    assert names == ["Kyoto University", "Kyoto Sangyo University"]
    assert [r["value"] for r in coord_a_client.get(url, {"q": "京都"}).json()["results"]] == ["Kyoto University"]
    assert [r["value"] for r in coord_a_client.get(url, {"q": "kyoto-su"}).json()["results"]] == [
        "Kyoto Sangyo University"]


def test_autocomplete_returns_at_most_twenty(leader_client, db):
    PartnerInstitution.objects.bulk_create(
        PartnerInstitution(name=f"Technical University {n}", country="DE") for n in range(30))
    results = leader_client.get(reverse("exchanges:partner-autocomplete"), {"q": "technical"}).json()["results"]
    assert len(results) == 20


def test_autocomplete_needs_a_signed_in_user_with_a_role(client, db):
    assert client.get(reverse("exchanges:partner-autocomplete"), {"q": "x"}).status_code == 302
    client.force_login(UserFactory(username="no_role"))
    assert client.get(reverse("exchanges:partner-autocomplete"), {"q": "x"}).status_code == 403
