"""Where the people who act next find a foreign visit: the office's work queue (submitted or hosted)
and a university leader's dashboard (approved by the office and needing a leader)."""

import pytest
from django.urls import reverse

from tests.factories import VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db
S = Visit.Status


def test_a_leader_is_told_on_the_dashboard_of_visits_awaiting_a_leader(leader_client, office_client, faculty_a):
    dashboard = reverse("assessment:dashboard")
    VisitFactory(faculty=faculty_a, status=S.OFFICE_APPROVED, needs_leader=False)
    assert leader_client.get(dashboard).context["visits_for_leader"] == 0
    waiting = VisitFactory(faculty=faculty_a, status=S.OFFICE_APPROVED, needs_leader=True)
    page = leader_client.get(dashboard)
    assert page.context["visits_for_leader"] == 1
    listed = reverse("visits:visit-list") + "?stage=leader"
    assert listed in page.content.decode()
    assert [v.pk for v in leader_client.get(listed).context["object_list"]] == [waiting.pk]
    assert office_client.get(dashboard).context["visits_for_leader"] == 0


def test_the_office_finds_the_visits_to_approve_and_to_close_behind_its_queue_link(office_client, faculty_a):
    submitted = VisitFactory(faculty=faculty_a, status=S.SUBMITTED)
    hosted = VisitFactory(faculty=faculty_a, status=S.HOSTED)
    VisitFactory(faculty=faculty_a, status=S.CLOSED)
    section = {s.key: s for s in office_client.get(reverse("workqueue:index")).context["sections"]}["visits"]
    listed = office_client.get(section.more_url).context["object_list"]
    assert {v.pk for v in listed} == {submitted.pk, hosted.pk}
