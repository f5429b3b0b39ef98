"""The office's templates and the documents made from them.

* ``current_template(kind)``: the version in use — the newest uploaded one, else the template
  shipped with the portal (``documents/docx/<kind>.docx``, version 0).
* ``check_template`` / ``upload_template``: an upload is a real Word document (by its content),
  docxtpl can read its tags, and it uses only the fields the catalogue offers (each unknown one
  named); only then is it saved, as the next version.
* ``generate(kind, record, by)``: the document, made with docxtpl and kept with the record.
* ``to_pdf(document)``: the same document as PDF through LibreOffice, where it is installed.

Templates are Jinja run in a sandbox with autoescaping (a value holding ``&`` or ``<`` stays
valid Word XML), and they receive only the catalogue's plain values.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess  # noqa: S404 - LibreOffice is run with a fixed argument list, no shell
import tempfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment

from documents import catalogue
from documents.models import DocumentTemplate, GeneratedDocument
from intlportal import access

logger = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parent / "docx"
#: LibreOffice's conversion of one document; its first start (a fresh profile) takes a few seconds.
SOFFICE_TIMEOUT = 120
DOCX_PARTS = ("[Content_Types].xml", "word/document.xml")


def _first_line(error: Exception) -> str:
    """Jinja's message without the "File <introspection>, line 1" it adds on the next line."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0].rstrip(".")


class DocumentError(Exception):
    """A document that cannot be made now; the message is translated and shown to the user."""


def shipped_path(kind: str) -> Path:
    return SHIPPED / f"{kind}.docx"


@dataclass(frozen=True)
class TemplateVersion:
    """One version of a template: an uploaded row, or the shipped file (version 0, no row)."""

    kind: str
    version: int
    row: DocumentTemplate | None

    def read(self) -> bytes:
        if self.row is None:
            return shipped_path(self.kind).read_bytes()
        with self.row.file.open("rb") as handle:
            return handle.read()

    @property
    def fields(self) -> list[str]:
        if self.row is None:
            return sorted(_shipped_fields(self.kind, shipped_path(self.kind).stat().st_mtime_ns))
        return list(self.row.fields)

    @property
    def download_name(self) -> str:
        return f"{self.kind}-v{self.version}.docx"


@lru_cache(maxsize=16)
def _shipped_fields(kind: str, _mtime: int) -> frozenset[str]:
    return frozenset(template_fields(shipped_path(kind)))


def current_template(kind: str) -> TemplateVersion:
    """The version in use: the newest uploaded one, else the shipped template."""
    row = DocumentTemplate.objects.filter(kind=kind).order_by("-version").first()
    return TemplateVersion(kind, row.version, row) if row else TemplateVersion(kind, 0, None)


def template_version(kind: str, version: int) -> TemplateVersion:
    """One version of a template (0: the shipped one); ``DocumentTemplate.DoesNotExist`` otherwise."""
    if version == 0:
        return TemplateVersion(kind, 0, None)
    row = DocumentTemplate.objects.select_related("uploaded_by").get(kind=kind, version=version)
    return TemplateVersion(kind, version, row)


# --- reading a template -----------------------------------------------------------------------------

def jinja_environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True)


def _source(file) -> io.BytesIO:
    """The template's bytes as a fresh file object (a path, bytes, or an uploaded file)."""
    if isinstance(file, (str, Path)):
        return io.BytesIO(Path(file).read_bytes())
    if isinstance(file, bytes):
        return io.BytesIO(file)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return io.BytesIO(data)


def _template_xml(source: io.BytesIO) -> str:
    """The body, headers and footers as docxtpl reads them, its own tags ({%tr %}, {%p %}) turned
    into Jinja: what ``get_undeclared_template_variables`` parses."""
    template = DocxTemplate(source)
    template.init_docx()
    xml = template.patch_xml(template.xml_to_string(template.docx._element.body))
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _rel_key, part in template.get_headers_footers(uri):
            xml += template.patch_xml(template.get_part_xml(part))
    return xml


def template_fields(file) -> set[str]:
    """The merge fields a template uses (Jinja's undeclared variables: ``{{ title }}``, the list
    of a ``{%tr for row in members %}``)."""
    return set(DocxTemplate(_source(file)).get_undeclared_template_variables(jinja_env=jinja_environment()))


def _unknown_item_fields(xml: str, entry: catalogue.DocumentKind) -> set[str]:
    """``list.item`` for each ``{{ row.item }}`` inside a loop over one of the catalogue's lists
    whose rows hold no ``item`` (a typo, or a passport number a list does not carry)."""
    lists = {f.name: {item.name for item in f.items} for f in entry.fields if f.is_list}
    unknown = set()
    for loop in jinja_environment().parse(xml).find_all(nodes.For):
        if not (isinstance(loop.iter, nodes.Name) and isinstance(loop.target, nodes.Name)
                and loop.iter.name in lists):
            continue
        row, allowed = loop.target.name, lists[loop.iter.name]
        for body in loop.body:
            for access_node in body.find_all((nodes.Getattr, nodes.Getitem)):
                if not (isinstance(access_node.node, nodes.Name) and access_node.node.name == row):
                    continue
                name = access_node.attr if isinstance(access_node, nodes.Getattr) else getattr(
                    access_node.arg, "value", None)
                if isinstance(name, str) and name not in allowed:
                    unknown.add(f"{loop.iter.name}.{name}")
    return unknown


def is_docx(upload) -> bool:
    """A Word document by its content: a zip package holding the main document part and the
    content types (whatever the file is named)."""
    source = _source(upload)
    try:
        with zipfile.ZipFile(source) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return all(part in names for part in DOCX_PARTS)


def check_template(upload, kind: str) -> set[str]:
    """The fields of an uploaded template of ``kind``; ``ValidationError`` when it is not a Word
    document, docxtpl cannot read its tags, or it uses a field the catalogue does not offer."""
    entry = catalogue.KINDS[kind]
    size = getattr(upload, "size", None)
    if size is not None and size > settings.MAX_DOCUMENT_UPLOAD_BYTES:
        raise ValidationError(_("The file is %(size)s; the largest accepted is %(limit)s.") % {
            "size": filesizeformat(size), "limit": filesizeformat(settings.MAX_DOCUMENT_UPLOAD_BYTES)},
            code="file_too_large")
    if not is_docx(upload):
        raise ValidationError(_("This file is not a Word document (.docx). Save the template in Word as “Word "
                                "Document (*.docx)” and upload it again."), code="not_docx")
    try:
        xml = _template_xml(_source(upload))
        fields = template_fields(upload)
    except TemplateError as error:
        raise ValidationError(
            _("The template's tags cannot be read: %(error)s. Check that each {{ … }} and {%% … %%} is closed and "
              "spelt as in the list of fields.") % {"error": _first_line(error)}, code="template_syntax") from error
    except Exception as error:  # a damaged package: python-docx and lxml raise many kinds
        logger.info("unreadable template upload: %r", error)
        raise ValidationError(_("This Word document cannot be read. Open it in Word, save it again as .docx and "
                                "upload it again."), code="not_docx") from error
    unknown = sorted(fields - entry.field_names) + sorted(_unknown_item_fields(xml, entry))
    if unknown:
        raise ValidationError(
            _("The template uses fields that “%(kind)s” does not offer: %(fields)s. Use the fields listed on this "
              "page, spelt exactly as there.") % {"kind": entry.label, "fields": ", ".join(unknown)},
            code="unknown_fields")
    # A trial run with the examples: a filter or a test Jinja does not know shows up only here.
    try:
        _render(_source(upload), entry.example_context())
    except TemplateError as error:
        raise ValidationError(_("The template cannot be filled in: %(error)s.") % {"error": _first_line(error)},
                              code="template_render") from error
    return fields


def upload_template(*, kind: str, file, by, note: str = "") -> DocumentTemplate:
    """Save an uploaded template as the next version of ``kind`` (it is then the one in use).
    The office's alone; the file is checked first (``check_template``) and nothing is saved when
    it is refused."""
    access.require(access.is_office(by))
    fields = check_template(file, kind)
    data = _source(file).getvalue()
    with transaction.atomic():
        last = DocumentTemplate.objects.select_for_update().filter(kind=kind).aggregate(last=Max("version"))["last"]
        row = DocumentTemplate(kind=kind, version=(last or 0) + 1, fields=sorted(fields), note=note.strip(),
                               uploaded_by=by)
        row.file.save("template.docx", ContentFile(data), save=False)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as error:
            row.file.delete(save=False)
            raise ValidationError(_("Someone uploaded a version of this template at the same moment. Reload the "
                                    "page and upload yours again."), code="version_taken") from error
    return row


# --- making a document ------------------------------------------------------------------------------

def _render(source: io.BytesIO, context: dict) -> bytes:
    template = DocxTemplate(source)
    template.render(context, jinja_env=jinja_environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def generate(*, kind: str, record, by) -> GeneratedDocument:
    """Make the ``kind`` document from ``record`` with the template in use and keep it with the
    record.  ``PermissionDenied`` for someone who may not see the record or make this document
    (``catalogue.may_generate``); ``DocumentError`` when the record cannot have it now (a
    certificate for an exchange not completed) or the template fails."""
    entry = catalogue.KINDS[kind]
    if not isinstance(record, entry.model):
        raise ValueError(f"{kind} is made from a {entry.model.__name__}, not {type(record).__name__}")
    if not access.can_view(by, entry.page_of(record)) or not catalogue.may_generate(by, kind, record):
        raise PermissionDenied
    refusal = entry.refusal(record)
    if refusal:
        raise DocumentError(str(refusal))
    version = current_template(kind)
    try:
        content = _render(io.BytesIO(version.read()), entry.context(record))
    except TemplateError as error:
        logger.warning("template %s v%s failed on %r: %r", kind, version.version, record, error)
        raise DocumentError(_("The template “%(kind)s” version %(version)s could not be filled in: %(error)s. "
                              "The office can upload a corrected version.") % {
            "kind": entry.label, "version": version.version, "error": _first_line(error)}) from error
    document = GeneratedDocument(
        kind=kind, template=version.row, template_version=version.version,
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk,
        filename=entry.filename(record), personal_data=entry.personal_data, generated_by=by,
    )
    document.file.save("document.docx", ContentFile(content), save=False)
    document.save()
    return document


# --- PDF ----------------------------------------------------------------------------------------------

def soffice() -> str | None:
    """LibreOffice's ``soffice``: ``DOCUMENTS_SOFFICE``, else found on the PATH; None when absent."""
    configured = settings.DOCUMENTS_SOFFICE
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("soffice")


def pdf_available() -> bool:
    return soffice() is not None


def pdf_filename(document: GeneratedDocument) -> str:
    stem = document.filename[:-5] if document.filename.lower().endswith(".docx") else document.filename
    return f"{stem}.pdf"


def to_pdf(document: GeneratedDocument, *, timeout: int = SOFFICE_TIMEOUT) -> bytes | None:
    """The document as PDF, converted by LibreOffice headless in a temporary folder (its own
    profile there, so conversions never wait on each other); None when LibreOffice is not
    installed; ``DocumentError`` when the conversion fails or takes longer than ``timeout``."""
    executable = soffice()
    if executable is None:
        return None
    with tempfile.TemporaryDirectory(prefix="documents-pdf-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        with document.file.open("rb") as handle:
            source.write_bytes(handle.read())
        command = [executable, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nologo", "--convert-to", "pdf", "--outdir", str(work), str(source)]
        environment = {**os.environ, "HOME": str(work)}
        try:
            result = subprocess.run(command, capture_output=True, timeout=timeout, check=False,  # noqa: S603
                                    env=environment, cwd=work)
        except (subprocess.TimeoutExpired, OSError) as error:
            logger.warning("PDF conversion of document %s failed: %r", document.pk, error)
            raise DocumentError(_("The PDF could not be made in time. Download the Word document instead.")) from error
        target = work / "document.pdf"
        if result.returncode != 0 or not target.exists():
            logger.warning("PDF conversion of document %s failed (%s): %s", document.pk, result.returncode,
                           result.stderr[-2000:])
            raise DocumentError(_("The PDF could not be made. Download the Word document instead."))
        return target.read_bytes()
