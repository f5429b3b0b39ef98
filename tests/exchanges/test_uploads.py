"""Signed agreements: PDF by content, at most 20 MB, stored under a random name, served only
through a view that checks access, as a download."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from exchanges.models import Agreement
from tests.factories import AgreementFactory, PartnerFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def agreement_data(partner, faculty, **overrides):
    data = {
        "partner": partner.name, "title": "本科生交换协议", "kind": "student_exchange",
        "faculties": [faculty.pk], "starts_on": "2025-01-01", "ends_on": "2029-12-31", "status": "active",
    }
    data.update(overrides)
    return data


@pytest.fixture
def partner(db):
    return PartnerFactory(name="University of Oxford", domains=["ox.ac.uk"])


def test_office_uploads_a_signed_pdf_stored_under_a_random_name(office_client, partner, faculty_a, settings):
    upload = SimpleUploadedFile("协议.pdf", PDF, content_type="application/pdf")
    response = office_client.post(reverse("exchanges:agreement-create"),
                                  agreement_data(partner, faculty_a, document=upload))
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.document.name.startswith("agreements/")
    assert "协议" not in agreement.document.name
    assert str(settings.MEDIA_ROOT) in agreement.document.path
    assert "static" not in agreement.document.path


def test_a_pdf_upload_that_is_really_html_is_refused(office_client, partner, faculty_a):
    fake = SimpleUploadedFile("signed.pdf", b"<html><script>alert(1)</script></html>",
                              content_type="application/pdf")
    response = office_client.post(reverse("exchanges:agreement-create"),
                                  agreement_data(partner, faculty_a, document=fake))
    assert response.status_code == 200
    assert response.context["form"].has_error("document", "not_pdf")
    assert not Agreement.objects.exists()
    # What was typed stays in the form.
    assert "本科生交换协议" in response.content.decode()


def test_an_oversized_upload_is_refused(office_client, partner, faculty_a, settings):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    response = office_client.post(reverse("exchanges:agreement-create"),
                                  agreement_data(partner, faculty_a, document=big))
    assert response.context["form"].has_error("document", "file_too_large")
    assert not Agreement.objects.exists()


def test_an_agreement_that_ends_before_it_starts_is_refused(office_client, partner, faculty_a):
    response = office_client.post(reverse("exchanges:agreement-create"),
                                  agreement_data(partner, faculty_a, starts_on="2025-06-01", ends_on="2025-01-01"))
    assert response.context["form"].has_error("ends_on")
    assert not Agreement.objects.exists()


@pytest.fixture
def signed(partner, faculty_a):
    agreement = AgreementFactory(partner=partner, faculties=[faculty_a], title="Oxford 协议")
    agreement.document.save("x.pdf", SimpleUploadedFile("x.pdf", PDF), save=True)
    return agreement


def test_the_document_is_served_as_an_attachment_to_those_who_may_see_it(coord_a_client, leader_client, signed):
    for client in (coord_a_client, leader_client):
        response = client.get(reverse("exchanges:agreement-document", args=[signed.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF


def test_coordinator_of_another_faculty_gets_404_for_the_document(coord_b_client, signed):
    assert coord_b_client.get(reverse("exchanges:agreement-document", args=[signed.pk])).status_code == 404


def test_an_agreement_without_a_document_has_nothing_to_download(office_client, partner):
    agreement = AgreementFactory(partner=partner)
    assert office_client.get(reverse("exchanges:agreement-document", args=[agreement.pk])).status_code == 404


def test_expiring_and_expired_are_derived_from_the_end_date(partner):
    today = timezone.localdate()
    soon = AgreementFactory(partner=partner, ends_on=today + datetime.timedelta(days=30))
    later = AgreementFactory(partner=partner, ends_on=today + datetime.timedelta(days=200))
    past = AgreementFactory(partner=partner, starts_on=today.replace(year=today.year - 5),
                            ends_on=today - datetime.timedelta(days=1))
    draft = AgreementFactory(partner=partner, ends_on=today + datetime.timedelta(days=30),
                             status=Agreement.Status.DRAFT)
    assert list(Agreement.objects.expiring_within(90)) == [soon]
    assert soon.expires_soon and not later.expires_soon and not draft.expires_soon
    assert past.is_expired and str(past.validity) in {"Expired", "已过期"}
    assert set(Agreement.objects.expired()) == {past}
    assert set(Agreement.objects.in_effect()) == {soon, later}


def test_agreement_list_counts_those_expiring_within_90_days(office_client, partner):
    AgreementFactory(partner=partner, ends_on=timezone.localdate() + datetime.timedelta(days=10))
    response = office_client.get(reverse("exchanges:agreement-list"))
    assert response.context["expiring_count"] == 1
    filtered = office_client.get(reverse("exchanges:agreement-list"), {"validity": "expiring"})
    assert filtered.context["paginator"].count == 1
