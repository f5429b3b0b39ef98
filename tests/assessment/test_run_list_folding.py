"""Automatic recalculations that changed nothing fold into one row of the run list (issue 16)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.models import AssessmentRun

pytestmark = pytest.mark.django_db


def _run(year, trigger=AssessmentRun.Trigger.DATA_CHANGE, summary=None):
    return AssessmentRun.objects.create(year=year, trigger=trigger, parameters={"indicators": []},
                                        summary=summary or {"average_score": "50.00"})


def test_identical_automatic_recalculations_are_one_row_that_counts_them(office_client):
    _run(2025, AssessmentRun.Trigger.OFFICE)
    for _ in range(17):
        _run(2025)
    _run(2025, summary={"average_score": "51.00"})  # this one changed the result

    rows = office_client.get(reverse("assessment:run-list")).context["runs"]

    assert [(row["run"].trigger, row["folded"]) for row in rows] == [
        ("data_change", 0), ("data_change", 16), ("office", 0)]
