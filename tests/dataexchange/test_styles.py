"""Issue 15, the exporter's part: a header row in Chinese, English or codes (any width, with * or
（必填）, below title rows); a name two staff members share decided by the row's faculty; exports
in codes or labels that import again unchanged and export again as the same bytes; templates
with drop-down lists and example rows the import skips; the styles on every export entry point.

Chinese is checked through data only — headings and labels come from the models' own
translations already in the catalogue (``column.heading("labels")`` under ``zh-hans``) — never
through a message this issue adds.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django_countries import countries
from openpyxl import load_workbook

from dataexchange import registry
from dataexchange.columns import STYLES, Column, ForeignKey
from dataexchange.files import EXAMPLE_MARKS, mark_example
from dataexchange.writing import export_response, export_to_path, in_total_order, template_response
from exchanges.models import Agreement, Mobility
from intlportal import exporting
from staff.models import StaffMember
from tests.dataexchange.helpers import GOOD_MOBILITY, csv_file, mobility_csv, snapshot, with_cell_row
from tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db

ROUND_TRIP_KINDS = ["mobilities", "partners", "agreements", "staff"]


def chinese_headings(kind_name: str) -> list[str]:
    with translation.override("zh-hans"):
        return [str(column.heading("labels")) for column in registry.get(kind_name).columns]


def full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def import_file(kind_name, upload, user, **kwargs):
    return registry.import_rows(kind_name, upload, user=user, dry_run=kwargs.pop("dry_run", False), **kwargs)


def assert_ok(result):
    assert result.ok, (result.file_errors, [str(error) for error in result.errors])


@pytest.fixture
def namesake(faculty_b):
    """A staff member of faculty B with the name of A's 王老师 (``teacher_a``)."""
    return StaffMemberFactory(faculty=faculty_b, staff_no="T2002", name="王老师")


# --- the header row ------------------------------------------------------------------------


def test_a_header_of_chinese_headings_imports(office, mobility_refs):
    header = ",".join(chinese_headings("mobilities"))
    assert "faculty" not in header and "starts_on" not in header  # the headings are words, not codes
    result = import_file("mobilities", mobility_csv(GOOD_MOBILITY, header=header), office)
    assert_ok(result)
    assert Mobility.objects.get().faculty.code == "A"


def test_a_header_of_english_headings_in_any_case_and_spacing_imports(office, mobility_refs, english):
    headings = [str(column.heading("labels")) for column in registry.get("mobilities").columns]
    assert headings != [column.name for column in registry.get("mobilities").columns]
    header = ",".join(f" {heading.upper()} " for heading in headings)
    assert_ok(import_file("mobilities", mobility_csv(GOOD_MOBILITY, header=header), office))
    assert Mobility.objects.count() == 1


def test_required_marks_and_full_width_codes_name_the_columns(office, mobility_refs):
    headings = chinese_headings("mobilities")
    codes = [column.name for column in registry.get("mobilities").columns]
    header = [f"{headings[0]}*", f"{headings[1]}（必填）", f"{headings[2]}(必填)", full_width(codes[3]),
              *codes[4:9], full_width(codes[9]).upper() + " *", *headings[10:]]
    result = import_file("mobilities", mobility_csv(GOOD_MOBILITY, header=",".join(header)), office)
    assert_ok(result)
    assert result.columns == codes  # the result names the columns by code, whatever the file wrote


def test_title_rows_and_blank_rows_above_the_header_are_skipped(office, mobility_refs):
    text = "\n".join(["2025年人员交流统计表,,,", "填表单位：国际交流与合作处", "",
                      ",".join(chinese_headings("mobilities")), GOOD_MOBILITY]) + "\n"
    result = import_file("mobilities", csv_file(text), office)
    assert_ok(result)
    assert result.created == 1
    assert [row["row"] for row in result.preview] == [5]  # the row number in the file as the office sees it


def test_an_unknown_column_is_named_with_the_headings_and_codes_the_file_may_use(office, mobility_refs):
    headings = chinese_headings("mobilities")
    header = ",".join([*headings, "备注"])
    result = import_file("mobilities", mobility_csv(GOOD_MOBILITY + ",x", header=header), office)
    message = "\n".join(result.file_errors)
    assert not result.ok and "备注" in message
    assert headings[9] in message and "starts_on" in message  # the accepted columns: heading and code


def test_a_missing_column_is_named_by_its_chinese_heading_and_its_code(office, mobility_refs):
    headings = chinese_headings("mobilities")
    without_start = headings[:9] + headings[10:]
    row = GOOD_MOBILITY.split(",")
    row = ",".join(row[:9] + row[10:])
    result = import_file("mobilities", mobility_csv(row, header=",".join(without_start)), office)
    # The message naming what is missing names the start date alone (the last lists every column).
    assert any(headings[9] in message and "starts_on" in message and headings[0] not in message
               for message in result.file_errors), result.file_errors
    assert not Mobility.objects.exists()


def test_a_heading_and_a_code_of_the_same_column_are_refused_as_a_duplicate(office, mobility_refs, english):
    header = ",".join([*(column.name for column in registry.get("mobilities").columns), "Starts on"])
    result = import_file("mobilities", mobility_csv(GOOD_MOBILITY + ",2025-04-01", header=header), office)
    assert "“starts_on” and “Starts on” both name the column Starts on (starts_on)." in result.file_errors


# --- a name several records share ------------------------------------------------------------


@pytest.fixture
def by_name():
    """The mobilities kind with its staff column also taking a name, decided by the row's faculty."""
    kind = registry.get("mobilities")
    columns = [Column("staff_no", ForeignKey(StaffMember, "staff_no", names=("name",), narrow_by="faculty"),
                      field="staff_member") if column.name == "staff_no" else column for column in kind.columns]
    return dataclasses.replace(kind, name="mobilities_by_name", columns=columns)


def test_a_staff_name_two_faculties_share_is_decided_by_the_rows_faculty(
        office, mobility_refs, teacher_a, namesake, by_name):
    row_b = with_cell_row("faculty", "B", with_cell_row("person_id", "T2002", with_cell_row("staff_no", "王老师")))
    result = import_file(by_name, mobility_csv(with_cell_row("staff_no", "王老师"), row_b), office)
    assert_ok(result)
    assert dict(Mobility.objects.values_list("faculty__code", "staff_member__staff_no")) == {
        "A": "T1001", "B": "T2002"}


def test_a_name_two_staff_of_the_rows_faculty_share_stays_an_error(office, mobility_refs, teacher_a, by_name):
    StaffMemberFactory(faculty=teacher_a.faculty, staff_no="T1003", name="王老师")
    result = import_file(by_name, mobility_csv(with_cell_row("staff_no", "王老师")), office)
    assert [(error.row, error.column) for error in result.errors] == [(2, "staff_no")]
    assert "T1001" in result.errors[0].message and "T1003" in result.errors[0].message
    assert not Mobility.objects.exists()


def test_without_narrow_by_a_shared_name_is_an_error(office, mobility_refs, teacher_a, namesake, by_name):
    plain = [Column("staff_no", ForeignKey(StaffMember, "staff_no", names=("name",)), field="staff_member")
             if column.name == "staff_no" else column for column in by_name.columns]
    kind = dataclasses.replace(by_name, name="mobilities_plain", columns=plain)
    result = import_file(kind, mobility_csv(with_cell_row("staff_no", "王老师")), office)
    assert [(error.row, error.column) for error in result.errors] == [(2, "staff_no")]


# --- exports in both styles ------------------------------------------------------------------


def export_file(kind, user, path: Path, style: str) -> bytes:
    export_to_path(kind, kind.model.objects.all(), path, user=user, style=style)
    return path.read_bytes()


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind_name", ROUND_TRIP_KINDS)
def test_an_export_in_either_style_imports_unchanged_and_exports_the_same_bytes_again(
        kind_name, fmt, style, office, exchange_records, namesake, tmp_path):
    kind = registry.get(kind_name)
    with translation.override("zh-hans"):
        before, history = snapshot(kind.model), kind.model.history.count()
        first = export_file(kind, office, tmp_path / f"first.{fmt}", style)
        result = registry.import_rows(kind, tmp_path / f"first.{fmt}", user=office, dry_run=False)
        assert_ok(result)
        assert (result.created, result.updated, result.unchanged) == (0, 0, len(before))
        assert snapshot(kind.model) == before and kind.model.history.count() == history
        assert export_file(kind, office, tmp_path / f"second.{fmt}", style) == first


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("model", [Mobility, Agreement])
def test_records_deleted_and_imported_again_from_a_labels_export_export_the_same_bytes(
        model, fmt, office, exchange_records, tmp_path):
    kind = next(kind for kind in registry.kinds() if kind.model is model)
    with translation.override("zh-hans"):
        first = export_file(kind, office, tmp_path / f"first.{fmt}", "labels")
        count = model.objects.count()
        model.objects.all().delete()
        assert_ok(registry.import_rows(kind, tmp_path / f"first.{fmt}", user=office, dry_run=False))
        assert model.objects.count() == count
        assert export_file(kind, office, tmp_path / f"second.{fmt}", "labels") == first


def test_a_labels_export_is_headed_and_written_in_the_active_language(office, exchange_records, english):
    kind = registry.get("mobilities")
    queryset = Mobility.objects.filter(direction=Mobility.Direction.OUTBOUND)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            response = export_response(kind, queryset, fmt="csv", user=office, style="labels")
            headings, outbound = [str(column.heading("labels")) for column in kind.columns], str(
                Mobility.Direction.OUTBOUND.label)
        # Read once the language is another (a streamed response is read after the view returns).
        with translation.override("en" if language == "zh-hans" else "zh-hans"):
            rows = csv_rows(content(response))
        assert rows[0] == headings and rows[1][1] == outbound
    with translation.override("zh-hans"):
        assert rows[1][1] != str(Mobility.Direction.OUTBOUND.label)  # the two languages differ


def test_the_default_style_is_labels_in_chinese_and_codes_in_english(office, exchange_records):
    kind = registry.get("partners")
    with translation.override("zh-hans"):
        chinese = csv_rows(content(export_response(kind, kind.model.objects.all(), fmt="csv", user=office)))
    with translation.override("en"):
        english = csv_rows(content(export_response(kind, kind.model.objects.all(), fmt="csv", user=office)))
    assert chinese[0] == chinese_headings("partners")
    assert english[0] == [column.name for column in kind.columns]


def test_an_xlsx_export_made_later_is_the_same_bytes(office, exchange_records, tmp_path, monkeypatch):
    kind = registry.get("agreements")
    first = export_file(kind, office, tmp_path / "first.xlsx", "codes")
    # Later by a day: the zip entries and the properties must not say when they were written.
    real = __import__("time").time
    monkeypatch.setattr("time.time", lambda: real() + 86_400)
    assert export_file(kind, office, tmp_path / "second.xlsx", "codes") == first


def test_the_export_order_is_total_and_follows_the_data_not_the_primary_keys(office, exchange_records):
    kind = registry.get("mobilities")
    ordered = in_total_order(kind, Mobility.objects.all())
    terms = list(ordered.query.order_by)
    assert terms[-1] == "pk" and "-pk" not in terms
    assert {"faculty__code", "person_id", "activity"} <= set(terms)


# --- templates --------------------------------------------------------------------------------


def workbook_of(response):
    return load_workbook(io.BytesIO(content(response)))


def validation_for(sheet, letter: str):
    return next(v for v in sheet.data_validations.dataValidation if f"{letter}2:" in str(v.sqref))


def test_a_labels_template_has_headings_example_rows_drop_downs_and_chinese_instructions(
        office, mobility_refs, faculty_a):
    kind = registry.get("mobilities")
    with translation.override("zh-hans"):
        workbook = workbook_of(template_response(kind, fmt="xlsx", user=office))
        outbound, britain = str(Mobility.Direction.OUTBOUND.label), str(dict(countries)["GB"])
        first_faculty = kind.column("faculty").converter.export_label(faculty_a)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == chinese_headings("mobilities")
    # Two example rows, the first naming the first faculty the user may name, as a labels file does.
    assert len(rows) == 3 and all(str(row[0]).startswith(tuple(EXAMPLE_MARKS)) for row in rows[1:])
    assert rows[1][0] == mark_example(first_faculty)
    direction = validation_for(sheet, "B")
    assert direction.type == "list" and outbound in direction.formula1
    country = validation_for(sheet, "H")  # 250 names: kept on a hidden sheet
    lists = workbook[country.formula1.split("!")[0].strip("'")]
    assert lists.sheet_state == "hidden"
    assert britain in [cell.value for column in lists.iter_cols() for cell in column]
    assert "填写说明" in workbook.sheetnames
    notes = [row[1] for row in workbook["填写说明"].iter_rows(values_only=True)]
    assert "starts_on" in notes


def test_a_codes_template_offers_codes_and_english_instructions(office, mobility_refs, english):
    workbook = workbook_of(template_response(registry.get("mobilities"), fmt="xlsx", user=office, style="codes"))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == [column.name for column in registry.get("mobilities").columns]
    assert validation_for(sheet, "B").formula1 == '"outbound,inbound"'
    assert "Instructions" in workbook.sheetnames


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_untouched_template_imports_no_rows_and_no_errors(fmt, style, office, mobility_refs, tmp_path):
    kind = registry.get("mobilities")
    with translation.override("zh-hans"):
        data = content(template_response(kind, fmt=fmt, user=office, style=style))
    path = tmp_path / f"template.{fmt}"
    path.write_bytes(data)
    result = registry.import_rows(kind, path, user=office, dry_run=True)
    assert_ok(result)
    assert result.total == 0


def test_a_coordinators_template_names_only_their_faculty(coord_a, faculty_a, faculty_b):
    rows = csv_rows(content(template_response(registry.get("faculty_years"), fmt="csv", user=coord_a,
                                              style="codes")))
    assert rows[0] == [column.name for column in registry.get("faculty_years").columns]
    assert [row[0] for row in rows[1:]] == [mark_example("A"), mark_example("A")]


# --- the entry points ------------------------------------------------------------------------


def test_the_list_page_exports_labels_on_request(office_client, faculty_a):
    labels = csv_rows(content(office_client.get("/faculties/list/?export=csv&style=labels")))
    codes = csv_rows(content(office_client.get("/faculties/list/?export=csv&style=codes")))
    assert labels[0] == chinese_headings("faculties")
    assert codes[0] == [column.name for column in registry.get("faculties").columns]
    assert labels[1][:3] == codes[1][:3] == ["A", "甲学院", "Faculty A"]


def test_the_list_page_refuses_an_unknown_style(office_client):
    assert office_client.get("/faculties/list/?export=csv&style=fancy").status_code == 400


def test_the_base_package_knows_the_same_styles_as_the_data_exchange():
    assert exporting.STYLES == STYLES


@pytest.mark.parametrize("style", STYLES)
def test_the_export_page_takes_a_style(office_client, faculty_a, style):
    response = office_client.get(reverse("dataexchange:export", args=["faculties", "csv"]) + f"?style={style}")
    header = csv_rows(content(response))[0]
    assert header == (chinese_headings("faculties") if style == "labels"
                      else [column.name for column in registry.get("faculties").columns])


def test_the_template_page_refuses_an_unknown_style(office_client):
    url = reverse("dataexchange:template", args=["faculties", "xlsx"]) + "?style=fancy"
    assert office_client.get(url).status_code == 400
