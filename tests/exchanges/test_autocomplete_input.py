"""The partner autocomplete takes whatever is typed or sent: a null character (which
PostgreSQL refuses in a query) or other control characters never answer 500 (issue 20, item 8)."""

import pytest
from django.urls import reverse

from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

URL = reverse("exchanges:partner-autocomplete")


@pytest.mark.parametrize("query", ["Hei\x00delberg", "\x00\x00Heidelberg\x00", "Heidelberg\x1f\x7f",
                                   "\tHeidelberg\r\n"])
def test_control_characters_in_the_query_are_dropped(office_client, query):
    heidelberg = PartnerFactory(name="Universität Heidelberg", name_en="Heidelberg University")
    PartnerFactory(name="University of Oxford", name_en="University of Oxford")
    response = office_client.get(URL, {"q": query})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [heidelberg.pk]


@pytest.mark.parametrize("query", ["\x00", "\x00\x01\x02", " \x00 "])
def test_a_query_of_only_control_characters_finds_nothing(office_client, query):
    PartnerFactory(name="University of Oxford")
    response = office_client.get(URL, {"q": query})
    assert response.status_code == 200
    assert response.json() == {"results": []}
