"""The import and export pages: who may open them, and upload → preview → import."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dataexchange import registry
from dataexchange.files import EXAMPLE_MARKS, not_a_spreadsheet_message
from dataexchange.models import ImportJob
from exchanges.models import Mobility
from faculties.models import FacultyYear
from tests.dataexchange.helpers import GOOD_MOBILITY, csv_file, mobility_csv, with_cell_row

pytestmark = pytest.mark.django_db

YEARS_CSV = "faculty,year,teachers,students\nA,2025,100,2000\nA,2024,90,1900\n"


def upload(client, kind, file):
    return client.post(reverse("dataexchange:import", args=[kind]), {"file": file})


@pytest.mark.parametrize("url", [
    "/data/", "/data/mobilities/import/", "/data/mobilities/export.csv", "/data/mobilities/template.xlsx",
])
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", ["/data/mobilities/import/", "/data/mobilities/template.csv"])
def test_leaders_may_not_import(leader_client, url):
    assert leader_client.get(url).status_code == 403


def test_leader_posting_an_upload_is_refused(leader_client, faculty_a):
    assert upload(leader_client, "faculty_years", csv_file(YEARS_CSV)).status_code == 403
    assert not FacultyYear.objects.exists()


@pytest.mark.parametrize("kind", ["partners", "funding_schemes", "faculties", "agreements"])
def test_coordinators_may_not_import_office_only_kinds(coord_a_client, kind):
    assert coord_a_client.get(reverse("dataexchange:import", args=[kind])).status_code == 403


def test_an_unknown_kind_is_not_found(office_client):
    assert office_client.get("/data/nothing/import/").status_code == 404


def test_index_lists_what_a_leader_may_export_but_offers_no_import(leader_client):
    response = leader_client.get(reverse("dataexchange:index"))
    assert response.status_code == 200
    assert reverse("dataexchange:export", args=["mobilities", "xlsx"]) in response.text
    assert reverse("dataexchange:import", args=["mobilities"]) not in response.text


def test_index_offers_a_coordinator_the_imports_of_their_kinds_only(coord_a_client):
    response = coord_a_client.get(reverse("dataexchange:index"))
    assert reverse("dataexchange:import", args=["mobilities"]) in response.text
    assert reverse("dataexchange:import", args=["partners"]) not in response.text


def test_the_import_page_is_in_the_menu(office_client):
    assert reverse("dataexchange:index") in office_client.get("/", follow=True).text


def test_xlsx_template_has_the_header_row_example_rows_and_instructions(office_client):
    response = office_client.get(reverse("dataexchange:template", args=["faculty_years", "xlsx"]) + "?style=codes")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in workbook.worksheets[0][1]] == ["faculty", "year", "teachers", "students"]
    assert workbook.worksheets[0].max_row == 3  # the header and two example rows
    assert workbook.sheetnames[1] == "填写说明"


def test_csv_template_is_the_header_row_and_two_example_rows(office_client):
    response = office_client.get(reverse("dataexchange:template", args=["faculty_years", "csv"]) + "?style=codes")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "faculty,year,teachers,students"
    assert len(lines) == 3 and all(line.startswith(tuple(EXAMPLE_MARKS)) for line in lines[1:])


def test_the_import_page_shows_each_columns_heading_and_code_and_both_templates(office_client):
    response = office_client.get(reverse("dataexchange:import", args=["mobilities"]))
    with translation.override("zh-hans"):
        heading = str(registry.get("mobilities").column("starts_on").heading("labels"))
    assert heading in response.text and "<code>starts_on</code>" in response.text
    template = reverse("dataexchange:template", args=["mobilities", "xlsx"])
    assert f"{template}?style=labels" in response.text and f"{template}?style=codes" in response.text


def test_the_job_page_shows_the_columns_headings(office_client, mobility_refs):
    response = upload(office_client, "mobilities", mobility_csv(GOOD_MOBILITY))
    page = office_client.get(response.url)
    with translation.override("zh-hans"):
        heading = str(registry.get("mobilities").column("person_name").heading("labels"))
    assert f"<th scope=\"col\">{heading}<br>" in page.text


def test_export_page_gives_the_coordinator_only_their_records(coord_a_client, exchange_records):
    response = coord_a_client.get(reverse("dataexchange:export", args=["mobilities", "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "T1001" in text and "S2025001" not in text


def test_unknown_export_format_is_a_bad_request(office_client):
    assert office_client.get("/data/mobilities/export.pdf").status_code == 400


def test_upload_shows_a_preview_then_imports_on_confirmation(office_client, faculty_a):
    response = upload(office_client, "faculty_years", csv_file(YEARS_CSV))
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url() and job.status == ImportJob.Status.CHECKED
    preview = office_client.get(job.get_absolute_url())
    assert "2024" in preview.text and not FacultyYear.objects.exists()
    office_client.post(reverse("dataexchange:job-commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and FacultyYear.objects.count() == 2
    assert not job.stored_name, "the uploaded file is deleted once imported"


def test_preview_names_each_bad_row_with_its_column_and_reason(office_client, mobility_refs):
    upload(office_client, "mobilities", mobility_csv(GOOD_MOBILITY, with_cell_row("country", "XX")))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    page = office_client.get(job.get_absolute_url()).text
    with translation.override("zh-hans"):
        heading = str(registry.get("mobilities").column("country").heading("labels"))
    assert "“XX”" in page and f'{heading} <code class="small">country</code>' in page
    assert reverse("dataexchange:job-commit", args=[job.pk]) not in page
    assert not Mobility.objects.exists()


def test_a_failed_check_cannot_be_committed(office_client, faculty_a):
    upload(office_client, "faculty_years", csv_file("faculty,year,teachers,students\nZ,2025,1,1\n"))
    job = ImportJob.objects.get()
    office_client.post(reverse("dataexchange:job-commit", args=[job.pk]))
    assert not FacultyYear.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_at_upload(office_client):
    response = upload(office_client, "faculty_years", SimpleUploadedFile("rows.xlsx", b"%PDF-1.4 binary"))
    with translation.override("zh-hans"):
        assert response.status_code == 200 and not_a_spreadsheet_message() in response.text
    assert not ImportJob.objects.exists()


def test_an_oversized_upload_is_refused_with_the_limit(office_client, settings):
    settings.DATAEXCHANGE_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    big = csv_file("faculty,year,teachers,students\n" + "A,2025,1,1\n" * 250_000)
    response = upload(office_client, "faculty_years", big)
    assert "文件超过 2 MB" in response.text
    assert not ImportJob.objects.exists()


def test_coordinator_upload_with_another_facultys_row_is_refused_row_by_row(coord_a_client, faculty_b):
    upload(coord_a_client, "faculty_years", csv_file("faculty,year,teachers,students\nA,2025,1,1\nB,2025,1,1\n"))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [(3, "faculty")]


def test_someone_elses_import_is_not_found(office_client, coord_a_client, faculty_a):
    upload(office_client, "faculty_years", csv_file(YEARS_CSV))
    job = ImportJob.objects.get()
    assert coord_a_client.get(job.get_absolute_url()).status_code == 404
    assert coord_a_client.get(reverse("dataexchange:job-status", args=[job.pk])).status_code == 404
    assert coord_a_client.post(reverse("dataexchange:job-commit", args=[job.pk])).status_code == 404
    assert not FacultyYear.objects.exists()


def test_status_endpoint_reports_progress_as_json(office_client, faculty_a):
    upload(office_client, "faculty_years", csv_file(YEARS_CSV))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING, done=1, total=4)
    data = office_client.get(reverse("dataexchange:job-status", args=[job.pk])).json()
    assert data == {"status": "writing", "status_label": data["status_label"], "done": 1, "total": 4,
                    "percent": 25, "running": True}


def test_a_running_job_page_shows_a_progress_bar_driven_by_a_static_script(office_client, faculty_a):
    upload(office_client, "faculty_years", csv_file(YEARS_CSV))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING)
    page = office_client.get(job.get_absolute_url()).text
    assert "<progress" in page and "dataexchange/import-progress.js" in page
    assert "<script>" not in page


def test_cancelling_deletes_the_job_and_its_file(office_client, faculty_a, settings):
    upload(office_client, "faculty_years", csv_file(YEARS_CSV))
    job = ImportJob.objects.get()
    stored = settings.MEDIA_ROOT / job.stored_name
    assert stored.exists() and stored.parent.name == "imports" and "rows" not in stored.name
    office_client.post(reverse("dataexchange:job-cancel", args=[job.pk]))
    assert not ImportJob.objects.exists() and not stored.exists()
