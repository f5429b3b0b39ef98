"""Documents made from the office's templates: the merged values in each document (opened again
with python-docx), who may make which, the checks on an uploaded template, versions, PDF."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from documents import build_templates, catalogue, rendering
from documents.models import DocumentTemplate, GeneratedDocument, TemplateKind
from exchanges.models import Mobility
from tests.documents.helpers import (
    PDF_BYTES,
    docx_text,
    make_docx,
    make_mobility,
    make_trip,
    make_visit,
    package_text,
    stored,
    table_cells,
)

pytestmark = pytest.mark.django_db

K = TemplateKind


def upload(data: bytes, name: str = "template.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- the merged values ---------------------------------------------------------------------------

def test_visit_invitation_holds_the_visit_in_chinese_and_english(faculty_a, office):
    visit = make_visit(faculty_a)
    document = rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=office)
    text = docx_text(stored(document))
    today = timezone.localdate()
    for value in (
        "邀　请　函", "尊敬的Prof. Anna Schmidt（Dean of Engineering）", "甲学院", "德国", "RWTH Aachen University",
        "2027年3月8日至2027年3月10日", "一行2人", "王明", catalogue.OFFICE_ZH, catalogue.date_zh(today),
        "LETTER OF INVITATION", "Dear Prof. Anna Schmidt,", "Faculty A", "(Germany)",
        "from 8 March 2027 to 10 March 2027", catalogue.OFFICE_EN, catalogue.date_en(today),
    ):
        assert value in text, value
    cells = table_cells(stored(document))
    # The programme and the delegation are table rows, one per entry.
    for value in ("2027年3月9日", "09:30", "Additive manufacturing in aerospace", "机械楼 101",
                  "Dr. Jonas Weber", "Prof. Lena Fischer", "奥地利", "TU Wien", "Senior lecturer"):
        assert value in cells, value
    assert "{{" not in text and "{%" not in text


def test_visit_invitation_never_holds_passport_data(faculty_a, office):
    visit = make_visit(faculty_a)
    document = rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=office)
    everything = package_text(stored(document))
    assert "Dr. Jonas Weber" in everything
    for secret in ("C98765432", "U11223344", "1980", "29 February"):
        assert secret not in everything
    assert document.personal_data is False


def test_visa_invitation_holds_the_visitors_passport_data(faculty_a, office):
    visit = make_visit(faculty_a)
    member = visit.members.get(name="Dr. Jonas Weber")
    document = rendering.generate(kind=K.VISA_INVITATION, record=member, by=office)
    text = docx_text(stored(document))
    for value in ("INVITATION LETTER FOR VISA APPLICATION", "Dr. Jonas Weber", "C98765432", "29 February 1980",
                  "Germany", "Senior lecturer", "8 March 2027 to 10 March 2027",
                  "Faculty A", "Prof. Anna Schmidt", "王明"):
        assert value in text, value
    # The other member's passport is not in this letter.
    assert "U11223344" not in package_text(stored(document))
    assert document.personal_data is True
    assert document.record == member
    assert document.filename == "签证邀请函-Dr. Jonas Weber.docx"


def test_trip_approval_form_holds_the_trip_its_members_budget_and_approvals(faculty_a, office):
    trip = make_trip(faculty_a, approved_by=office)
    document = rendering.generate(kind=K.TRIP_APPROVAL, record=trip, by=office)
    text = docx_text(stored(document))
    for value in ("因公出国（境）任务审批表", "赴日本东京大学学术交流", "甲学院", "日本（8天）", "东京大学",
                  "2027年1月10日至2027年1月17日（共8天）", "12,500.50"):
        assert value in text, value
    cells = table_cells(stored(document))
    for value in ("李华", "T90001", "国际旅费", "8,000.00", "4,500.50", "同意出访。", "office_user"):
        assert value in cells, value
    with translation.override("zh-hans"):
        assert str(trip.Status.OFFICE_APPROVED.label) in cells
    assert document.filename == "出国任务审批表-赴日本东京大学学术交流.docx"


def test_certificate_holds_the_completed_exchange_in_english(faculty_a, coord_a):
    mobility = make_mobility(faculty_a)
    document = rendering.generate(kind=K.PARTICIPATION_CERTIFICATE, record=mobility, by=coord_a)
    text = docx_text(stored(document))
    for value in ("CERTIFICATE OF PARTICIPATION", "Maria Rossi", "Short-term training", "University of Bologna",
                  "Italy", "from 1 March 2026 to 10 March 2026.", "Faculty A", f"2026-{mobility.pk:06d}"):
        assert value in text, value
    assert document.generated_by == coord_a


@pytest.mark.parametrize("status", [Mobility.Status.PLANNED, Mobility.Status.APPROVED, Mobility.Status.CANCELLED])
def test_certificate_is_refused_for_an_exchange_not_completed(faculty_a, office, status, english):
    mobility = make_mobility(faculty_a, status=status)
    with pytest.raises(rendering.DocumentError, match="completed exchange only"):
        rendering.generate(kind=K.PARTICIPATION_CERTIFICATE, record=mobility, by=office)
    assert not GeneratedDocument.objects.exists()


@pytest.mark.parametrize(("status", "needs_leader"), [("draft", False), ("submitted", False),
                                                    ("office_approved", True), ("changes_requested", False),
                                                    ("withdrawn", False)])
def test_the_letters_to_a_delegation_wait_for_the_visit_s_approval(faculty_a, office, status, needs_leader,
                                                                     english):
    visit = make_visit(faculty_a, status=status, needs_leader=needs_leader)
    with pytest.raises(rendering.DocumentError, match="once the visit is approved"):
        rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=office)
    with pytest.raises(rendering.DocumentError, match="once the visit is approved"):
        rendering.generate(kind=K.VISA_INVITATION, record=visit.members.first(), by=office)
    assert not GeneratedDocument.objects.exists()


@pytest.mark.parametrize(("status", "needs_leader"), [("office_approved", False), ("leader_approved", True),
                                                    ("hosted", False), ("closed", False)])
def test_the_letters_are_made_for_an_approved_hosted_or_closed_visit(faculty_a, office, status, needs_leader):
    visit = make_visit(faculty_a, status=status, needs_leader=needs_leader)
    rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=office)
    rendering.generate(kind=K.VISA_INVITATION, record=visit.members.first(), by=office)
    assert GeneratedDocument.objects.count() == 2


def test_values_with_markup_characters_are_merged_as_text(faculty_a, office):
    visit = make_visit(faculty_a, institution="Smith & Jones <Institute>", title="A & B")
    document = rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=office)
    assert "Smith & Jones <Institute>" in docx_text(stored(document))
    assert document.filename == "邀请函-A & B.docx"


def test_a_file_name_keeps_no_path_or_quote():
    assert catalogue.safe_filename('a/b\\c"d\r\n<e>') == "a b c d e.docx"
    assert catalogue.safe_filename("") == "document.docx"
    assert len(catalogue.safe_filename("长" * 400)) == 155


# --- who may make which --------------------------------------------------------------------------

def test_a_coordinator_makes_documents_of_their_faculty_without_personal_data(faculty_a, coord_a):
    visit = make_visit(faculty_a)
    document = rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=coord_a)
    assert document.generated_by == coord_a
    with pytest.raises(PermissionDenied):
        rendering.generate(kind=K.VISA_INVITATION, record=visit.members.first(), by=coord_a)


def test_a_coordinator_cannot_make_a_document_of_another_faculty(faculty_a, coord_b):
    visit, trip, mobility = make_visit(faculty_a), make_trip(faculty_a), make_mobility(faculty_a)
    for kind, record in ((K.VISIT_INVITATION, visit), (K.TRIP_APPROVAL, trip),
                         (K.PARTICIPATION_CERTIFICATE, mobility), (K.VISA_INVITATION, visit.members.first())):
        with pytest.raises(PermissionDenied):
            rendering.generate(kind=kind, record=record, by=coord_b)
    assert not GeneratedDocument.objects.exists()


def test_a_leader_makes_no_document(faculty_a, leader):
    with pytest.raises(PermissionDenied):
        rendering.generate(kind=K.VISIT_INVITATION, record=make_visit(faculty_a), by=leader)


# --- the catalogue and the shipped templates ---------------------------------------------------------

def test_each_kind_builds_exactly_the_fields_it_offers(faculty_a, office):
    records = {K.VISIT_INVITATION: make_visit(faculty_a), K.TRIP_APPROVAL: make_trip(faculty_a, approved_by=office),
               K.PARTICIPATION_CERTIFICATE: make_mobility(faculty_a)}
    records[K.VISA_INVITATION] = records[K.VISIT_INVITATION].members.first()
    for kind, entry in catalogue.KINDS.items():
        context = entry.context(records[kind])
        assert set(context) == entry.field_names, kind
        for list_field in (f for f in entry.fields if f.is_list):
            assert context[list_field.name], (kind, list_field.name)
            for row in context[list_field.name]:
                assert set(row) == {item.name for item in list_field.items}, (kind, list_field.name)


@pytest.mark.parametrize("kind", list(catalogue.KINDS))
def test_the_shipped_template_uses_only_offered_fields_and_passes_the_upload_check(kind):
    with rendering.shipped_path(kind).open("rb") as handle:
        fields = rendering.check_template(handle, kind)
    assert fields and fields <= catalogue.KINDS[kind].field_names
    assert rendering.current_template(kind).version == 0


def test_the_build_script_makes_the_shipped_templates(tmp_path):
    for path in build_templates.build(tmp_path):
        assert rendering.template_fields(path) == rendering.template_fields(rendering.shipped_path(path.stem))
        assert docx_text(path.read_bytes()) == docx_text(rendering.shipped_path(path.stem).read_bytes())


# --- checking an uploaded template -----------------------------------------------------------------

def test_a_pdf_named_docx_is_refused(english):
    with pytest.raises(ValidationError, match="not a Word document") as refused:
        rendering.check_template(upload(PDF_BYTES, "letter.docx"), K.VISIT_INVITATION)
    assert refused.value.code == "not_docx"


def test_a_text_file_named_docx_and_a_zip_without_word_parts_are_refused(english):
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    for data in (b"Dear {{ delegation_leader }}", package.getvalue()):
        with pytest.raises(ValidationError, match="not a Word document"):
            rendering.check_template(upload(data), K.VISIT_INVITATION)


def test_a_word_document_is_recognised_by_its_content_whatever_its_name():
    assert rendering.check_template(upload(make_docx("{{ title }}"), "letter.bin"), K.VISIT_INVITATION) == {"title"}


def test_unknown_fields_are_each_named(english):
    data = make_docx("Dear {{ delegation_leader }}, {{ passport_number }} {{ leader_name }}")
    with pytest.raises(ValidationError) as refused:
        rendering.check_template(upload(data), K.VISIT_INVITATION)
    message = refused.value.messages[0]
    assert "leader_name" in message and "passport_number" in message
    assert "delegation_leader," not in message
    assert refused.value.code == "unknown_fields"


def test_an_unknown_field_of_a_list_row_is_named(english):
    data = make_docx(table_rows=[["{%tr for row in members %}", ""], ["{{ row.name }}", "{{ row.passport_number }}"],
                                 ["{%tr endfor %}", ""]])
    with pytest.raises(ValidationError, match=r"members\.passport_number"):
        rendering.check_template(upload(data), K.VISIT_INVITATION)


def test_a_template_with_a_broken_tag_is_refused_with_jinja_s_message(english):
    with pytest.raises(ValidationError, match="cannot be read") as refused:
        rendering.check_template(upload(make_docx("{% if host_name %}no end")), K.VISIT_INVITATION)
    assert "endif" in refused.value.messages[0]


def test_a_template_with_an_unknown_filter_is_refused(english):
    with pytest.raises(ValidationError, match="No filter named 'shout'"):
        rendering.check_template(upload(make_docx("{{ title|shout }}")), K.VISIT_INVITATION)


def test_a_refused_upload_saves_nothing(office, english):
    with pytest.raises(ValidationError):
        rendering.upload_template(kind=K.VISIT_INVITATION, file=upload(make_docx("{{ nonsense }}")), by=office)
    assert not DocumentTemplate.objects.exists()


def test_only_the_office_uploads_a_template(coord_a):
    with pytest.raises(PermissionDenied):
        rendering.upload_template(kind=K.VISIT_INVITATION, file=upload(make_docx("{{ title }}")), by=coord_a)


# --- versions -------------------------------------------------------------------------------------

def test_a_new_version_is_used_for_the_next_document_and_earlier_ones_keep_theirs(faculty_a, office):
    visit = make_visit(faculty_a)
    before = rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=office)
    assert (before.template, before.template_version) == (None, 0)

    shipped = rendering.shipped_path(K.VISIT_INVITATION).read_bytes()
    row = rendering.upload_template(kind=K.VISIT_INVITATION, file=upload(make_docx(
        "New letterhead 2027: {{ title }}", base=shipped)), by=office, note="new letterhead")
    assert (row.version, row.uploaded_by, row.note) == (1, office, "new letterhead")
    assert "title" in row.fields and "programme" in row.fields
    assert rendering.current_template(K.VISIT_INVITATION).row == row

    after = rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=office)
    assert (after.template, after.template_version) == (row, 1)
    assert "New letterhead 2027: 亚琛工业大学代表团来访" in docx_text(stored(after))
    before.refresh_from_db()
    assert before.template_version == 0
    assert "New letterhead 2027" not in docx_text(stored(before))

    second = rendering.upload_template(kind=K.VISIT_INVITATION, file=upload(make_docx("v2 {{ title }}")), by=office)
    assert second.version == 2
    # Another kind's versions count on their own.
    other = rendering.upload_template(kind=K.TRIP_APPROVAL, file=upload(make_docx("{{ title }}")), by=office)
    assert other.version == 1


# --- PDF -----------------------------------------------------------------------------------------

def test_a_document_converts_to_pdf_with_libreoffice(faculty_a, office):
    if rendering.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed here: the PDF conversion cannot be tried")
    document = rendering.generate(kind=K.PARTICIPATION_CERTIFICATE, record=make_mobility(faculty_a), by=office)
    pdf = rendering.to_pdf(document)
    assert pdf is not None and pdf.startswith(b"%PDF") and len(pdf) > 2000
    assert rendering.pdf_filename(document) == "交流证明-Maria Rossi.pdf"


def test_without_libreoffice_there_is_no_pdf_but_the_docx_is_made(faculty_a, office, settings, tmp_path):
    settings.DOCUMENTS_SOFFICE = str(tmp_path / "no-soffice-here")
    document = rendering.generate(kind=K.PARTICIPATION_CERTIFICATE, record=make_mobility(faculty_a), by=office)
    assert rendering.pdf_available() is False
    assert rendering.to_pdf(document) is None
    assert "Maria Rossi" in docx_text(stored(document))


def test_a_failed_conversion_says_so(faculty_a, office, settings, tmp_path):
    failing = tmp_path / "soffice"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    settings.DOCUMENTS_SOFFICE = str(failing)
    document = rendering.generate(kind=K.PARTICIPATION_CERTIFICATE, record=make_mobility(faculty_a), by=office)
    with pytest.raises(rendering.DocumentError):
        rendering.to_pdf(document)


def test_documents_are_kept_with_their_record(faculty_a, office):
    visit = make_visit(faculty_a)
    document = rendering.generate(kind=K.VISIT_INVITATION, record=visit, by=office)
    assert document.record == visit
    assert document.file.name.startswith("documents/generated/") and document.file.name.endswith(".docx")
    assert document.filename == "邀请函-亚琛工业大学代表团来访.docx"
