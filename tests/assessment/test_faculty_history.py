"""One faculty over the years (issue 16): score, rank, incentive and each indicator per year,
as the dashboard shows each year; its own faculty only for a coordinator; a workbook too."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import FacultyYearFactory, MobilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(faculty_a, faculty_b):
    for year in (2023, 2024, 2025):
        for faculty in (faculty_a, faculty_b):
            FacultyYearFactory(faculty=faculty, year=year)
        MobilityFactory(faculty=faculty_a, person_id=f"T{year}", starts_on=datetime.date(year, 3, 1),
                        ends_on=datetime.date(year, 3, 20), status="completed")
        call_command("run_assessment", year=year, stdout=io.StringIO())


def test_the_leader_sees_each_year_of_a_faculty_with_its_indicators(leader_client, faculty_a, assessed):
    response = leader_client.get(reverse("assessment:faculty-history", args=[faculty_a.code]))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["year"] for row in rows] == [2023, 2024, 2025]
    assert all(row["total"] == 2 and row["rank"] in (1, 2) for row in rows)
    assert len(response.context["columns"]) >= 3 and all(len(row["cells"]) == len(response.context["columns"])
                                                          for row in rows)
    assert response.context["chart"]["years"] == [2023, 2024, 2025]


def test_a_coordinator_sees_their_faculty_and_not_another(coord_a_client, faculty_a, faculty_b, assessed):
    assert coord_a_client.get(reverse("assessment:faculty-history", args=[faculty_a.code])).status_code == 200
    assert coord_a_client.get(reverse("assessment:faculty-history", args=[faculty_b.code])).status_code == 404


def test_the_years_download_as_a_workbook(leader_client, faculty_a, assessed):
    response = leader_client.get(reverse("assessment:faculty-history", args=[faculty_a.code]) + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [2023, 2024, 2025]


def test_the_page_reads_a_constant_number_of_queries(leader_client, faculty_a, assessed,
                                                      django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        leader_client.get(reverse("assessment:faculty-history", args=[faculty_a.code]))
