"""The Cancel link of a record form never points off-site.

It followed the Referer header as it came, so a link from another site to an edit page gave
the form a Cancel button leading back there (or to a ``javascript:`` address).  Now a Referer
or ``?next=`` is used only when it points into the portal; otherwise Cancel goes to the
record's page (editing) or the list of its kind (adding).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import MobilityFactory

pytestmark = pytest.mark.django_db

OFF_SITE = [
    "https://evil.example/phish",
    "//evil.example/phish",
    "http://testserver.evil.example/",
    "javascript:alert(1)",
    "https:///evil.example",
    "http://[malformed",
]


def _cancel(response) -> str:
    assert response.status_code == 200
    cancel = response.context["cancel_url"]
    assert f'href="{escape(cancel)}"' in response.content.decode()
    return cancel


@pytest.mark.parametrize("referer", OFF_SITE)
def test_an_off_site_referer_does_not_become_the_cancel_link(coord_a_client, faculty_a, referer):
    mobility = MobilityFactory(faculty=faculty_a)
    edit = _cancel(coord_a_client.get(reverse("exchanges:mobility-edit", args=[mobility.pk]), HTTP_REFERER=referer))
    assert edit == mobility.get_absolute_url()
    create = _cancel(coord_a_client.get(reverse("exchanges:mobility-create"), HTTP_REFERER=referer))
    assert create == reverse("exchanges:mobility-list")


@pytest.mark.parametrize("target", OFF_SITE)
def test_an_off_site_next_does_not_become_the_cancel_link(coord_a_client, target):
    url = reverse("exchanges:mobility-create")
    assert _cancel(coord_a_client.get(url, {"next": target})) == reverse("exchanges:mobility-list")


def test_a_page_of_the_portal_is_where_cancel_returns(coord_a_client, faculty_a):
    mobility = MobilityFactory(faculty=faculty_a)
    came_from = reverse("exchanges:mobility-list") + "?year=2025&status=planned"
    edit = reverse("exchanges:mobility-edit", args=[mobility.pk])
    assert _cancel(coord_a_client.get(edit, HTTP_REFERER="http://testserver" + came_from)) == \
        "http://testserver" + came_from
    assert _cancel(coord_a_client.get(edit, {"next": came_from})) == came_from


def test_the_form_itself_shown_again_after_an_error_is_not_where_cancel_returns(coord_a_client, faculty_a):
    mobility = MobilityFactory(faculty=faculty_a)
    edit = reverse("exchanges:mobility-edit", args=[mobility.pk])
    response = coord_a_client.post(edit, {"person_name": ""}, HTTP_REFERER="http://testserver" + edit)
    assert _cancel(response) == mobility.get_absolute_url()
