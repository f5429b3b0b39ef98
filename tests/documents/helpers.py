"""What the documents' tests share: the records they are made from, and reading a .docx back."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from docx import Document

from exchanges.models import Mobility
from intlportal.models import WorkflowTransition
from tests import factories
from trips.models import Trip

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_text(data: bytes) -> str:
    """Every paragraph of a Word document, in the body, its tables (nested ones too) and its
    page headers and footers, one per line: what a reader sees."""
    document = Document(io.BytesIO(data))
    lines: list[str] = []

    def walk(container) -> None:
        lines.extend(paragraph.text for paragraph in container.paragraphs)
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    for section in document.sections:
        walk(section.header)
        walk(section.footer)
    return "\n".join(lines)


def table_cells(data: bytes) -> list[str]:
    """The text of every table cell of the body."""
    document = Document(io.BytesIO(data))
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def package_text(data: bytes) -> str:
    """Every XML part of the package as text: what is in the file, shown or not."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "".join(package.read(name).decode("utf-8", "replace") for name in package.namelist()
                       if name.endswith(".xml") or name.endswith(".rels"))


def stored(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def make_docx(*paragraphs: str, table_rows: list[list[str]] | None = None, base: bytes | None = None) -> bytes:
    """A Word document holding ``paragraphs`` (and a table), on ``base`` when given."""
    document = Document(io.BytesIO(base)) if base else Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table_rows:
        table = document.add_table(rows=0, cols=len(table_rows[0]))
        for values in table_rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_visit(faculty, **kwargs):
    """A visit of ``faculty`` from RWTH Aachen in March 2027, approved by the office: two members with
    passport data and a lecture, hosted by 王明."""
    host = factories.StaffMemberFactory(faculty=faculty, name="王明")
    values = {"title": "亚琛工业大学代表团来访", "institution": "RWTH Aachen University", "country": "DE",
              "delegation_leader": "Prof. Anna Schmidt", "delegation_leader_position": "Dean of Engineering",
              "arrives_on": datetime.date(2027, 3, 8), "leaves_on": datetime.date(2027, 3, 10), "host": host,
              "status": "office_approved"}  # the office's letters follow the visit's approval
    values.update(kwargs)
    visit = factories.VisitFactory(faculty=faculty, **values)
    factories.VisitMemberFactory(visit=visit, name="Dr. Jonas Weber", nationality="DE", position="Senior lecturer",
                                 passport_number="C98765432", date_of_birth=datetime.date(1980, 2, 29))
    factories.VisitMemberFactory(visit=visit, name="Prof. Lena Fischer", nationality="AT", position="Professor",
                                 institution="TU Wien", passport_number="U11223344")
    factories.ProgrammeItemFactory(visit=visit, day=datetime.date(2027, 3, 9), starts_at=datetime.time(9, 30),
                                   title="Additive manufacturing in aerospace", speaker="Prof. Anna Schmidt",
                                   place="机械楼 101")
    return visit


def make_trip(faculty, *, approved_by=None, staff_no: str = "T90001"):
    """A trip of ``faculty`` to Japan in January 2027, one member, two budget lines, and (with
    ``approved_by``) the office's approval in its timeline."""
    trip = factories.TripFactory(faculty=faculty, title="赴日本东京大学学术交流", departs_on=datetime.date(2027, 1, 10),
                                 returns_on=datetime.date(2027, 1, 17), budget_travel=Decimal("8000"),
                                 budget_accommodation=Decimal("4500.50"))
    staff = factories.StaffMemberFactory(faculty=faculty, name="李华", staff_no=staff_no)
    factories.TripMemberFactory(trip=trip, staff_member=staff)
    factories.TripCountryFactory(trip=trip, country="JP")
    if approved_by is not None:
        WorkflowTransition.objects.create(content_type=ContentType.objects.get_for_model(Trip), object_id=trip.pk,
                                          from_state="faculty_approved", to_state="office_approved",
                                          by=approved_by, comment="同意出访。")
    return trip


def make_mobility(faculty, *, status=Mobility.Status.COMPLETED):
    partner = factories.PartnerFactory(name="Università di Bologna", name_en="University of Bologna", country="IT")
    return factories.MobilityFactory(faculty=faculty, status=status, direction=Mobility.Direction.INBOUND,
                                     person_name="Maria Rossi", country="IT", partner=partner,
                                     activity=Mobility.Activity.SHORT_TERM_TRAINING,
                                     starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 3, 10))
