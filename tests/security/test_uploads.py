"""Uploaded documents are judged by their bytes, never by their name or declared type, and are
only ever served as downloads to those who may see their record."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from exchanges.models import Mobility
from faculties.models import PlanAttachment
from tests.factories import MobilityFactory, PlanFactory
from tests.security.world import PDF_BYTES

HTML_AS_PDF = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def finished_mobility(faculty_a):
    past = timezone.localdate() - datetime.timedelta(days=60)
    return MobilityFactory(faculty=faculty_a, status=Mobility.Status.COMPLETED, starts_on=past,
                           ends_on=past + datetime.timedelta(days=10))


def test_a_report_file_that_is_html_named_pdf_is_refused_and_nothing_is_saved(coord_a_client, finished_mobility):
    upload = SimpleUploadedFile("report.pdf", HTML_AS_PDF, content_type="application/pdf")
    response = coord_a_client.post(reverse("exchanges:mobility-report", args=[finished_mobility.pk]),
                                   {"text": "Visited the partner.", "file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    finished_mobility.refresh_from_db()
    assert not finished_mobility.report_file and finished_mobility.report_submitted_at is None


def test_a_report_file_is_served_as_a_download_that_the_browser_may_not_sniff(
        coord_a_client, coord_b_client, finished_mobility):
    upload = SimpleUploadedFile("report.pdf", PDF_BYTES, content_type="application/pdf")
    coord_a_client.post(reverse("exchanges:mobility-report", args=[finished_mobility.pk]),
                        {"text": "Visited the partner.", "file": upload})
    url = reverse("exchanges:mobility-report-file", args=[finished_mobility.pk])
    response = coord_a_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert coord_b_client.get(url).status_code == 404


def test_a_plan_attachment_whose_content_does_not_match_its_extension_is_refused(coord_a_client, faculty_a):
    plan = PlanFactory(faculty=faculty_a)
    upload = SimpleUploadedFile("budget.docx", b"MZ\x90\x00 an executable, renamed", content_type="application/msword")
    coord_a_client.post(reverse("faculties:plan-attachment-create", args=[plan.pk]),
                        {"title": "Budget", "file": upload})
    assert not PlanAttachment.objects.filter(plan=plan).exists()


def test_a_stored_plan_attachment_never_keeps_the_uploaders_file_name(coord_a_client, faculty_a):
    plan = PlanFactory(faculty=faculty_a)
    upload = SimpleUploadedFile("../../etc/passwd.pdf", PDF_BYTES, content_type="application/pdf")
    coord_a_client.post(reverse("faculties:plan-attachment-create", args=[plan.pk]), {"title": "Annex", "file": upload})
    stored = PlanAttachment.objects.get(plan=plan).file.name
    assert "passwd" not in stored and ".." not in stored and stored.endswith(".pdf")
