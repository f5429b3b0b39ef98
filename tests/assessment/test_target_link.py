"""A target's link leads to a page every role may open (it led leaders to the edit page: 403)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.models import Indicator, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(faculty_a):
    return Target.objects.create(faculty=faculty_a, year=2025, indicator=Indicator.objects.get(code="partners"),
                                 value=Decimal("3"))


@pytest.mark.parametrize("who", ["office", "leader", "coord_a"])
def test_every_role_that_sees_a_target_can_open_its_link(personas, target, who):
    response = personas[who].get(target.get_absolute_url())
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [target]


def test_the_office_still_reaches_the_edit_page_from_the_list(office_client, leader_client, target):
    edit = reverse("assessment:target-edit", args=[target.pk])
    assert edit in office_client.get(reverse("assessment:target-list")).content.decode()
    assert edit not in leader_client.get(reverse("assessment:target-list")).content.decode()
