"""The documents' pages: the office's templates (list, upload, download), making a document from
a record's page, downloading a kept one, and the panel on a record's page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import rendering
from documents.models import DocumentTemplate, GeneratedDocument, TemplateKind
from exchanges.models import Mobility
from tests.documents.helpers import (
    DOCX_MIME,
    PDF_BYTES,
    docx_text,
    make_docx,
    make_mobility,
    make_trip,
    make_visit,
)
from tests.factories import VisitFactory, VisitMemberFactory

pytestmark = pytest.mark.django_db

K = TemplateKind


def generate_url(kind, record) -> str:
    return reverse("documents:generate", args=[kind, record.pk])


def download_url(document, pdf: bool = False) -> str:
    return reverse("documents:document-download", args=[document.pk]) + ("?format=pdf" if pdf else "")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- making a document from a record ---------------------------------------------------------------

def test_office_makes_a_visit_invitation_and_returns_to_the_visit(faculty_a, office_client, office, english):
    visit = make_visit(faculty_a)
    response = office_client.post(generate_url(K.VISIT_INVITATION, visit))
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url() + "#documents"
    document = GeneratedDocument.objects.get()
    assert (document.record, document.generated_by, document.kind) == (visit, office, K.VISIT_INVITATION)
    message = [str(m) for m in response.wsgi_request._messages]
    assert message == [f"“{document.filename}” was made with template version 0 and is kept with the record below."]


def test_coordinator_makes_their_faculty_s_trip_form_but_not_another_faculty_s(faculty_a, faculty_b, coord_a_client):
    own, other = make_trip(faculty_a), make_trip(faculty_b, staff_no="T90002")
    assert coord_a_client.post(generate_url(K.TRIP_APPROVAL, own)).status_code == 302
    assert coord_a_client.post(generate_url(K.TRIP_APPROVAL, other)).status_code == 404
    assert list(GeneratedDocument.objects.values_list("object_id", flat=True)) == [own.pk]


def test_coordinator_of_another_faculty_gets_404_for_every_kind(faculty_a, coord_b_client):
    visit = make_visit(faculty_a)
    for kind, record in ((K.VISIT_INVITATION, visit), (K.VISA_INVITATION, visit.members.first()),
                         (K.TRIP_APPROVAL, make_trip(faculty_a)),
                         (K.PARTICIPATION_CERTIFICATE, make_mobility(faculty_a))):
        assert coord_b_client.post(generate_url(kind, record)).status_code == 404, kind
    assert not GeneratedDocument.objects.exists()


def test_coordinator_cannot_make_the_visa_invitation_of_their_own_visit(faculty_a, coord_a_client):
    visit = make_visit(faculty_a)
    assert coord_a_client.post(generate_url(K.VISA_INVITATION, visit.members.first())).status_code == 403
    assert not GeneratedDocument.objects.exists()


def test_leader_cannot_make_a_document(faculty_a, leader_client):
    visit = make_visit(faculty_a)
    assert leader_client.post(generate_url(K.VISIT_INVITATION, visit)).status_code == 403
    assert leader_client.post(generate_url(K.PARTICIPATION_CERTIFICATE, make_mobility(faculty_a))).status_code == 403
    assert not GeneratedDocument.objects.exists()


def test_making_a_document_is_a_post(faculty_a, office_client):
    assert office_client.get(generate_url(K.VISIT_INVITATION, make_visit(faculty_a))).status_code == 405


def test_unknown_kind_or_record_is_404(faculty_a, office_client):
    visit = make_visit(faculty_a)
    assert office_client.post(reverse("documents:generate", args=["passport_copy", visit.pk])).status_code == 404
    assert office_client.post(reverse("documents:generate", args=[K.VISIT_INVITATION, visit.pk + 999])
                              ).status_code == 404


def test_certificate_for_an_exchange_not_completed_is_refused_with_a_message(faculty_a, coord_a_client, english):
    mobility = make_mobility(faculty_a, status=Mobility.Status.APPROVED)
    response = coord_a_client.post(generate_url(K.PARTICIPATION_CERTIFICATE, mobility), follow=False)
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["A certificate of participation is issued for a completed exchange only; this one is "
                        "“Approved”."]
    assert not GeneratedDocument.objects.exists()


# --- downloading a kept document -------------------------------------------------------------------

def test_office_downloads_the_visa_invitation_with_the_passport_number(faculty_a, office, office_client):
    member = make_visit(faculty_a).members.get(name="Dr. Jonas Weber")
    document = rendering.generate(kind=K.VISA_INVITATION, record=member, by=office)
    response = office_client.get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_MIME
    assert "attachment" in response["Content-Disposition"]
    assert "C98765432" in docx_text(body(response))


def test_personal_data_document_is_the_office_s_alone(faculty_a, office, coord_a_client, coord_b_client,
                                                      leader_client):
    document = rendering.generate(kind=K.VISA_INVITATION, record=make_visit(faculty_a).members.first(), by=office)
    assert coord_a_client.get(download_url(document)).status_code == 403
    assert leader_client.get(download_url(document)).status_code == 403
    assert coord_b_client.get(download_url(document)).status_code == 404


def test_a_document_without_personal_data_is_downloaded_by_whoever_sees_the_record(
        faculty_a, office, coord_a_client, coord_b_client, leader_client):
    document = rendering.generate(kind=K.VISIT_INVITATION, record=make_visit(faculty_a), by=office)
    for client in (coord_a_client, leader_client):
        response = client.get(download_url(document))
        assert response.status_code == 200
        assert "亚琛工业大学代表团来访" in response["Content-Disposition"] or "filename*=" in response[
            "Content-Disposition"]
        assert "Prof. Anna Schmidt" in docx_text(body(response))
    assert coord_b_client.get(download_url(document)).status_code == 404


def test_a_document_downloads_as_pdf_where_libreoffice_is_installed(faculty_a, office, coord_a_client):
    if rendering.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed here: the PDF conversion cannot be tried")
    document = rendering.generate(kind=K.PARTICIPATION_CERTIFICATE, record=make_mobility(faculty_a), by=office)
    response = coord_a_client.get(download_url(document, pdf=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert body(response).startswith(b"%PDF")


def test_without_libreoffice_the_pdf_is_404_and_the_docx_still_downloads(faculty_a, office, office_client, settings,
                                                                        tmp_path):
    settings.DOCUMENTS_SOFFICE = str(tmp_path / "missing" / "soffice")
    document = rendering.generate(kind=K.PARTICIPATION_CERTIFICATE, record=make_mobility(faculty_a), by=office)
    assert office_client.get(download_url(document, pdf=True)).status_code == 404
    assert office_client.get(download_url(document)).status_code == 200


# --- the office's templates -----------------------------------------------------------------------

def upload(data: bytes, name: str = "template.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=DOCX_MIME)


def test_template_list_shows_each_document_its_fields_and_versions(office_client, office, english):
    rendering.upload_template(kind=K.TRIP_APPROVAL, file=upload(make_docx("{{ title }} {{ faculty_zh }}")), by=office,
                              note="Shorter form")
    response = office_client.get(reverse("documents:template-list"))
    assert response.status_code == 200
    html = response.content.decode()
    for kind in K:
        assert str(kind.label) in html
        assert reverse("documents:template-upload", args=[kind]) in html
    assert "{{ passport_number }}" in html and "{{ row.nationality_en }}" in html
    assert "The visitor&#x27;s passport number (personal data)." in html
    assert "version 1, uploaded by office_user" in html and "Shorter form" in html
    assert reverse("documents:template-download", args=[K.TRIP_APPROVAL, 1]) in html
    assert reverse("documents:template-download", args=[K.TRIP_APPROVAL, 0]) in html


def test_template_list_queries_do_not_grow_with_versions(office_client, office, django_assert_max_num_queries):
    for kind in (K.TRIP_APPROVAL, K.VISIT_INVITATION):
        for _n in range(3):
            rendering.upload_template(kind=kind, file=upload(make_docx("{{ title }}")), by=office)
    # session, user, the user's roles, the templates with their uploaders (one query), and the
    # navigation's own lookups; a few more for the base page's context processors.
    with django_assert_max_num_queries(8):
        response = office_client.get(reverse("documents:template-list"))
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as few:
        office_client.get(reverse("documents:template-list"))
    for kind in K:
        rendering.upload_template(kind=kind, file=upload(make_docx("{{ office_en }}")), by=office)
    with CaptureQueriesContext(connection) as more:
        office_client.get(reverse("documents:template-list"))
    assert len(more) == len(few)


def test_template_pages_are_the_office_s(coord_a_client, leader_client):
    for client in (coord_a_client, leader_client):
        assert client.get(reverse("documents:template-list")).status_code == 403
        assert client.get(reverse("documents:template-upload", args=[K.VISIT_INVITATION])).status_code == 403
        assert client.get(reverse("documents:template-download", args=[K.VISIT_INVITATION, 0])).status_code == 403


def test_shipped_and_uploaded_versions_download(office_client, office):
    response = office_client.get(reverse("documents:template-download", args=[K.VISIT_INVITATION, 0]))
    assert response.status_code == 200
    assert "{{ delegation_leader }}" in docx_text(body(response))
    rendering.upload_template(kind=K.VISIT_INVITATION, file=upload(make_docx("Version one {{ title }}")), by=office)
    response = office_client.get(reverse("documents:template-download", args=[K.VISIT_INVITATION, 1]))
    assert "Version one {{ title }}" in docx_text(body(response))
    assert office_client.get(reverse("documents:template-download", args=[K.VISIT_INVITATION, 2])).status_code == 404


def test_uploading_a_pdf_named_docx_is_refused_and_nothing_saved(office_client, english):
    url = reverse("documents:template-upload", args=[K.VISIT_INVITATION])
    response = office_client.post(url, {"file": upload(PDF_BYTES, "letter.docx"), "note": "typed note"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This file is not a Word document (.docx)." in html
    assert "typed note" in html
    assert not DocumentTemplate.objects.exists()


def test_uploading_a_template_with_unknown_fields_names_them_and_saves_nothing(office_client, english):
    url = reverse("documents:template-upload", args=[K.VISIT_INVITATION])
    response = office_client.post(url, {"file": upload(make_docx("{{ title }} {{ visitor_passport }}"))})
    assert response.status_code == 400
    assert "visitor_passport" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_a_good_upload_is_version_1_and_is_used_for_the_next_document(faculty_a, office, office_client, english):
    visit = make_visit(faculty_a)
    earlier = rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=office)
    shipped = rendering.shipped_path(K.VISIT_INVITATION).read_bytes()
    response = office_client.post(reverse("documents:template-upload", args=[K.VISIT_INVITATION]), {
        "file": upload(make_docx("Signed: the Director, {{ office_en }}", base=shipped)), "note": "signature"})
    assert response.status_code == 302
    row = DocumentTemplate.objects.get()
    assert (row.version, row.note, row.uploaded_by) == (1, "signature", office)

    office_client.post(generate_url(K.VISIT_INVITATION, visit))
    latest = GeneratedDocument.objects.order_by("-pk").first()
    assert (latest.template_version, latest.template) == (1, row)
    assert "Signed: the Director" in docx_text(body(office_client.get(download_url(latest))))
    earlier.refresh_from_db()
    assert (earlier.template_version, earlier.template) == (0, None)
    assert "Signed: the Director" not in docx_text(body(office_client.get(download_url(earlier))))


# --- the panel on a record's page ------------------------------------------------------------------

PANEL = Template("{% load documents %}{% document_panel record %}")


def render_panel(user, record) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return PANEL.render(Context({"request": request, "record": record, "csrf_token": "token"}))


def test_office_panel_offers_the_invitation_and_each_member_s_visa_invitation(faculty_a, office, english):
    visit = make_visit(faculty_a)
    html = render_panel(office, visit)
    assert generate_url(K.VISIT_INVITATION, visit) in html
    for member in visit.members.all():
        assert generate_url(K.VISA_INVITATION, member) in html
        assert f"Make for {member.name}" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "No document has been made from this record yet." in html


def test_coordinator_panel_offers_no_visa_invitation_and_lists_no_personal_document(faculty_a, office, coord_a,
                                                                                   english):
    visit = make_visit(faculty_a)
    kept = rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=office)
    visa = rendering.generate(kind=K.VISA_INVITATION, record=visit.members.first(), by=office)
    html = render_panel(coord_a, visit)
    assert generate_url(K.VISIT_INVITATION, visit) in html
    assert "visa_invitation" not in html
    assert download_url(kept) in html
    assert download_url(visa) not in html


def test_leader_panel_lists_documents_and_offers_nothing_to_make(faculty_a, office, leader, english):
    trip = make_trip(faculty_a)
    document = rendering.generate(kind=K.TRIP_APPROVAL, record=trip, by=office)
    html = render_panel(leader, trip)
    assert "documents/generate/" not in html
    assert download_url(document) in html
    assert "office_user" in html


def test_panel_says_when_a_certificate_cannot_be_made_yet(faculty_a, coord_a, english):
    html = render_panel(coord_a, make_mobility(faculty_a, status=Mobility.Status.APPROVED))
    assert "completed exchange only" in html
    assert "documents/generate/" not in html


def test_panel_shows_nothing_to_someone_who_cannot_see_the_record(faculty_a, coord_b):
    assert render_panel(coord_b, make_visit(faculty_a)).strip() == ""


def test_panel_offers_pdf_only_where_libreoffice_is_installed(faculty_a, office, settings, tmp_path):
    mobility = make_mobility(faculty_a)
    document = rendering.generate(kind=K.PARTICIPATION_CERTIFICATE, record=mobility, by=office)
    settings.DOCUMENTS_SOFFICE = str(tmp_path / "missing")
    assert download_url(document, pdf=True) not in render_panel(office, mobility)
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    settings.DOCUMENTS_SOFFICE = str(fake)
    assert download_url(document, pdf=True) in render_panel(office, mobility)


def test_panel_queries_do_not_grow_with_documents_or_members(faculty_a, office, coord_a, django_assert_num_queries):
    visit = make_visit(faculty_a)
    for user in (office, coord_a):
        render_panel(user, visit)  # the user's roles and faculties, the content types: cached from here on
    rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=office)
    # Office: the visit's members (for their visa invitations), the documents kept with the visit
    # and its members (with who made them).
    with django_assert_num_queries(2):
        render_panel(office, visit)
    # A coordinator: the documents only.
    with django_assert_num_queries(1):
        render_panel(coord_a, visit)
    for member in visit.members.all():
        rendering.generate(kind=K.VISA_INVITATION, record=member, by=office)
    for _n in range(3):
        rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=coord_a)
    VisitMemberFactory(visit=visit)
    with django_assert_num_queries(2):
        html = render_panel(office, visit)
    assert html.count("documents/") > 6
    with django_assert_num_queries(1):
        render_panel(coord_a, visit)


def test_office_panel_of_a_delegation_without_members_says_so(faculty_a, office, english):
    html = render_panel(office, VisitFactory(faculty=faculty_a))
    assert "No member in the delegation yet." in html
