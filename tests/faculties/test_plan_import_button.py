"""Issue 14, item 7: a list page offers its Import button to exactly those the import lets in.

The plans list showed coordinators an Import button that answered 403: the button asked
``access.can_create`` (coordinators write their faculty's plan) while the import asks the
registry's ``can_import`` (plans are imported by the office alone).  Now the button asks the
registry too.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# (list page, the kind it imports)
LISTS = [
    ("faculties:plan-list", "plans"),
    ("faculties:facultyyear-list", "faculty_years"),
    ("exchanges:mobility-list", "mobilities"),
    ("exchanges:agreement-list", "agreements"),
]


@pytest.mark.parametrize(("page", "kind"), LISTS)
@pytest.mark.parametrize("who", ["office", "coord_a", "leader"])
def test_the_import_button_is_shown_exactly_when_the_import_page_opens(personas, page, kind, who):
    client = personas[who]
    import_url = reverse("dataexchange:import", args=[kind])
    listing = client.get(reverse(page))
    assert listing.status_code == 200
    opens = client.get(import_url).status_code == 200
    assert (f'href="{import_url}"' in listing.content.decode()) is opens


def test_the_plans_list_offers_the_office_an_import_and_coordinators_none(office_client, coord_a_client):
    import_url = reverse("dataexchange:import", args=["plans"])
    assert f'href="{import_url}"' in office_client.get(reverse("faculties:plan-list")).content.decode()
    assert f'href="{import_url}"' not in coord_a_client.get(reverse("faculties:plan-list")).content.decode()
    assert coord_a_client.get(import_url).status_code == 403
