"""A plan's own targets against the assessment's results (issue 16)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import FacultyYearFactory, MobilityFactory, PlanFactory, PlanTargetFactory

pytestmark = pytest.mark.django_db


def test_each_target_stands_beside_the_value_measured_that_year(leader_client, faculty_a):
    FacultyYearFactory(faculty=faculty_a, year=2025)
    for n in range(3):
        MobilityFactory(faculty=faculty_a, person_id=f"T{n}", person_kind="teacher", direction="outbound",
                        starts_on=datetime.date(2025, 3, 1 + n), ends_on=datetime.date(2025, 3, 20),
                        status="completed")
    call_command("run_assessment", year=2025, stdout=io.StringIO())
    plan = PlanFactory(faculty=faculty_a, first_year=2025, last_year=2027)
    PlanTargetFactory(plan=plan, indicator="partners", year=2025, value=Decimal("4"))
    PlanTargetFactory(plan=plan, indicator="partners", year=2026, value=Decimal("5"))

    response = leader_client.get(reverse("assessment:plan-results", args=[plan.pk]))

    rows = response.context["rows"]
    assert [(row["target"].year, row["measured"]) for row in rows] == [(2025, True), (2026, False)]
    assert rows[0]["actual"] is not None and rows[1]["actual"] is None
    assert reverse("assessment:plan-results", args=[plan.pk]) in leader_client.get(plan.get_absolute_url()).text


def test_another_facultys_plan_is_404_for_a_coordinator(coord_a_client, faculty_b):
    plan = PlanFactory(faculty=faculty_b)
    assert coord_a_client.get(reverse("assessment:plan-results", args=[plan.pk])).status_code == 404
