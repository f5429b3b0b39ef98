"""Every role lands on its work (issue 16): the office on its work queue, leaders on the
dashboard, coordinators on their faculty's to-do; the work queue links every section to all
of its items."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exchanges.models import Mobility
from faculties.models import InternationalizationPlan
from intlportal.models import Verification
from tests.factories import (
    MobilityFactory,
    PlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("client_fixture", "landing"), [
    ("office_client", "workqueue:index"), ("leader_client", "assessment:dashboard"),
    ("coord_a_client", "workqueue:mine"),
])
def test_each_role_lands_on_its_work(request, client_fixture, landing):
    response = request.getfixturevalue(client_fixture).get("/")
    assert response.status_code == 302 and response.url == reverse(landing)


def test_an_account_without_a_role_is_told_whom_to_ask():
    client = Client()
    client.force_login(UserFactory(roles=[]))
    response = client.get("/")
    assert response.status_code == 200 and response.context["no_role"]
    assert "portal/home.html" in [template.name for template in response.templates]


def test_a_coordinator_asking_for_the_office_queue_gets_their_own(coord_a_client):
    response = coord_a_client.get(reverse("workqueue:index"))
    assert response.status_code == 302 and response.url == reverse("workqueue:mine")


def test_the_leader_has_no_to_do_page(leader_client):
    assert leader_client.get(reverse("workqueue:mine")).status_code == 403


def test_a_coordinators_to_do_lists_their_faculty_only(coord_a_client, faculty_a, faculty_b):
    mine = MobilityFactory(faculty=faculty_a, person_name="本院待提交", status=Mobility.Status.PLANNED)
    MobilityFactory(faculty=faculty_b, person_name="外院待提交", status=Mobility.Status.PLANNED)
    returned = PlanFactory(faculty=faculty_a, status=InternationalizationPlan.Status.RETURNED)
    PlanFactory(faculty=faculty_b, status=InternationalizationPlan.Status.DRAFT)
    overdue = MobilityFactory(faculty=faculty_a, person_kind="teacher", direction="outbound",
                              status=Mobility.Status.COMPLETED,
                              starts_on=timezone.localdate() - datetime.timedelta(days=120),
                              ends_on=timezone.localdate() - datetime.timedelta(days=90))
    rejected = MobilityFactory(faculty=faculty_a, person_name="退回的证明", status=Mobility.Status.COMPLETED,
                               starts_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2025, 3, 9))
    Mobility.objects.filter(pk=rejected.pk).update(verification=Verification.REJECTED)

    response = coord_a_client.get(reverse("workqueue:mine"))

    sections = {section.key: section for section in response.context["sections"]}
    assert [item.url for item in sections["drafts"].items] == [mine.get_absolute_url()]
    assert [item.url for item in sections["plans"].items] == [returned.get_absolute_url()]
    assert overdue.get_absolute_url() in [item.url for item in sections["reports"].items]
    assert [item.url for item in sections["rejected"].items] == [rejected.get_absolute_url()]
    text = response.content.decode()
    assert "外院待提交" not in text
    assert all(section.more_url for key, section in sections.items() if key != "rejected")


def test_a_coordinators_to_do_reads_a_constant_number_of_queries(coord_a_client, faculty_a,
                                                                  django_assert_max_num_queries):
    for n in range(30):
        MobilityFactory(faculty=faculty_a, person_id=f"S{n}", status=Mobility.Status.PLANNED)
    with django_assert_max_num_queries(40):
        assert coord_a_client.get(reverse("workqueue:mine")).status_code == 200


def test_every_work_queue_section_links_to_all_its_items(office_client):
    response = office_client.get(reverse("workqueue:index"))
    missing = [section.key for section in response.context["sections"] if not section.more_url]
    assert not missing
    for section in response.context["sections"]:
        assert office_client.get(section.more_url).status_code == 200, section.more_url
