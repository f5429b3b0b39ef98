"""Exports: the import's columns, formulas neutralised, personal data only for the office,
and an export that imports again without changing anything."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dataexchange import registry
from dataexchange.columns import Column, Date, Text
from dataexchange.registry import Kind
from dataexchange.writing import export_response, export_to_path
from exchanges.models import FundingScheme
from faculties.models import Faculty
from tests.dataexchange.helpers import assert_round_trip

pytestmark = pytest.mark.django_db

OWN_KINDS = ["faculties", "faculty_years", "partners", "agreements", "mobilities", "events", "funding_schemes"]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", OWN_KINDS)
def test_an_export_imports_again_unchanged(kind, fmt, office, exchange_records, tmp_path):
    assert_round_trip(kind, office, tmp_path, fmt)


def test_export_columns_are_the_kinds_columns_in_order(office, exchange_records):
    response = export_response(registry.get("mobilities"), registry.get("mobilities").model.objects.all(),
                               fmt="csv", user=office, style="codes")
    header = csv_rows(response)[0]
    assert header == ["faculty", "direction", "person_kind", "person_name", "person_id", "staff_no", "partner",
                      "country", "activity", "starts_on", "ends_on", "status", "funding_scheme", "amount"]


def test_csv_export_prefixes_formula_text(office, exchange_records):
    response = registry.export_response("events", registry.get("events").model.objects.all(), fmt="csv", user=office)
    assert csv_rows(response)[1][2] == "'@国际会议 2025"


def test_xlsx_export_prefixes_formula_text_and_keeps_numbers_as_numbers(office, exchange_records):
    FundingScheme.objects.create(name="=cmd|' /C calc'!A0", year=2025, budget=Decimal("-5.00"))
    response = registry.export_response("funding_schemes", FundingScheme.objects.order_by("name"),
                                        fmt="xlsx", user=office)
    rows = xlsx_rows(response)
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    assert rows[1][2] == -5 and isinstance(rows[1][2], (int, float))


def test_csv_export_keeps_a_negative_number_as_a_number(office):
    FundingScheme.objects.create(name="调整", year=2025, budget=Decimal("-5.00"))
    response = registry.export_response("funding_schemes", FundingScheme.objects.all(), fmt="csv", user=office)
    assert csv_rows(response)[1] == ["调整", "2025", "-5.00"]


def test_coordinator_exports_only_their_own_facultys_records(coord_a, exchange_records):
    response = registry.export_response("mobilities", registry.get("mobilities").model.objects.all(),
                                        fmt="csv", user=coord_a)
    assert [row[0] for row in csv_rows(response)[1:]] == ["A"]


@pytest.fixture
def kind_with_personal_column():
    return Kind(name="faculty_sites", model=Faculty, key=("code",), columns=[
        Column("code", Text()), Column("foreign_site_url", Text(), personal=True),
        Column("foreign_site_updated_on", Date())])


@pytest.mark.parametrize("persona", ["leader", "coord_a"])
def test_exports_for_anyone_but_the_office_leave_out_personal_columns(
        persona, request, faculty_a, kind_with_personal_column):
    user = request.getfixturevalue(persona)
    response = export_response(kind_with_personal_column, Faculty.objects.all(), fmt="csv", user=user, style="codes")
    assert csv_rows(response)[0] == ["code", "foreign_site_updated_on"]


def test_the_office_export_includes_personal_columns(office, faculty_a, kind_with_personal_column):
    response = export_response(kind_with_personal_column, Faculty.objects.all(), fmt="xlsx", user=office,
                               style="codes")
    assert list(xlsx_rows(response)[0]) == ["code", "foreign_site_url", "foreign_site_updated_on"]


def test_leader_export_streams_every_record_without_personal_data(leader, exchange_records, tmp_path):
    path = tmp_path / "mobilities.csv"
    assert export_to_path(registry.get("mobilities"), registry.get("mobilities").model.objects.all(),
                          path, user=leader) == 2


def test_list_pages_export_through_the_registry(office_client, faculty_a):
    response = office_client.get("/faculties/list/?export=csv")
    assert response.status_code == 200
    assert csv_rows(response)[1][:3] == ["A", "甲学院", "Faculty A"]
