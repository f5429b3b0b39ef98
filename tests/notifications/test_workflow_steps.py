"""Every workflow step tells the people who act next (issue 16): a faculty's submission tells
the office, the office's approval or return tells the faculty's coordinators — in each reader's
language, with the states by name."""

from __future__ import annotations

import pytest
from django.utils import translation

from exchanges import services
from exchanges.models import Mobility
from notifications.models import Kind, Notification
from tests.factories import MobilityFactory

pytestmark = pytest.mark.django_db


def test_a_submitted_mobility_tells_the_office_and_its_approval_tells_the_coordinator(office, coord_a, faculty_a):
    mobility = MobilityFactory(faculty=faculty_a, status=Mobility.Status.PLANNED)

    services.mobility_submit(mobility=mobility, by=coord_a)
    told = Notification.objects.get(kind=Kind.WORKFLOW_STEP)
    assert (told.recipient, told.actor, told.params["to"]) == (office, coord_a, "submitted")

    services.mobility_return(mobility=Mobility.objects.get(pk=mobility.pk), by=office, comment="请补充邀请函")
    returned = Notification.objects.filter(kind=Kind.WORKFLOW_STEP, recipient=coord_a).get()
    assert returned.comment == "请补充邀请函" and returned.url == mobility.get_absolute_url()
    with translation.override("en"):
        assert returned.message.endswith("from “Awaiting approval” to “Planned”.")
    with translation.override("zh-hans"):
        labels = dict(Mobility.Status.choices)
        assert str(labels["submitted"]) in returned.message and str(labels["planned"]) in returned.message
        assert "Awaiting" not in returned.message


def test_nobody_is_told_of_their_own_step_and_plans_keep_their_own_notifications(office, faculty_a):
    mobility = MobilityFactory(faculty=faculty_a, status=Mobility.Status.PLANNED)
    services.mobility_submit(mobility=mobility, by=office)  # no coordinator of faculty A exists
    assert not Notification.objects.filter(recipient=office).exists()
