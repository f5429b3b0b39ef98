"""Uploaded documents: what a file *is*, read from its bytes; the name it is stored under; and
how it is served back.

* The browser's declared content type and the file's name are both chosen by the uploader, so
  neither is trusted: a PDF is a file whose first bytes are a PDF's (``filetype``), a Word,
  Excel or PowerPoint file one whose content is that format (an Office Open XML package with
  the right parts, or the OLE2 signature of the older formats) and whose extension says so.
* At most ``MAX_DOCUMENT_UPLOAD_BYTES`` (settings).
* Stored under a random name (``random_name``): the uploader's file name never reaches the
  disk.  ``MEDIA_ROOT`` is not served.
* Served only by a view that first fetches the record the user may see
  (``access.get_visible_or_404``), and always as a download, never inline (``download``).

Signed agreements and post-exchange reports take a PDF (``validate_pdf``, a form field
validator); plan attachments any of the office documents (``validate_document``); a trip's
invitation letter a PDF or a JPEG/PNG scan (``validate_pdf_or_image``).
"""

from __future__ import annotations

import uuid
import zipfile
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "pdf"
PDF_MIME = "application/pdf"
SNIFF_BYTES = 8192
# Office Open XML: the extension, and the folder of the package its parts must be in.
OOXML = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
# The older Office formats: an OLE2 compound file.
OLE = {"doc", "xls", "ppt"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def random_name(extension: str) -> str:
    """A stored file name that says nothing of the uploader's: ``<32 hex digits>.<extension>``."""
    return f"{uuid.uuid4().hex}.{extension}"


def _head(upload, size: int) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(size)
    upload.seek(position)
    return head


def _check_size(upload) -> None:
    limit = settings.MAX_DOCUMENT_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )


def validate_pdf(upload) -> None:
    """Refuse a file that is too large or whose content is not a PDF."""
    if upload is None:
        return
    _check_size(upload)
    kind = filetype.guess(_head(upload, SNIFF_BYTES))
    if kind is None or kind.mime != PDF_MIME:
        raise ValidationError(
            _("This file is not a PDF (its content says %(kind)s). Scan or save the document as PDF and "
              "upload it again.") % {"kind": kind.mime if kind else _("an unknown type")},
            code="not_pdf",
        )


#: What a letter may be when it is a scan or a photo: the content's MIME type → the stored extension.
IMAGE_KINDS = {"image/jpeg": "jpg", "image/png": "png"}


def validate_pdf_or_image(upload) -> str | None:
    """Refuse a file that is too large or whose content is neither a PDF nor a JPEG or PNG image
    (an invitation letter, scanned or photographed); the extension its content calls for
    otherwise (``pdf``, ``jpg`` or ``png``), whatever the uploader named it."""
    if upload is None:
        return None
    _check_size(upload)
    kind = filetype.guess(_head(upload, SNIFF_BYTES))
    if kind is not None and kind.mime == PDF_MIME:
        return PDF
    if kind is not None and kind.mime in IMAGE_KINDS:
        return IMAGE_KINDS[kind.mime]
    raise ValidationError(
        _("This file is neither a PDF nor a JPEG or PNG image (its content says %(kind)s). Scan the document "
          "as PDF, or photograph it, and upload it again.") % {"kind": kind.mime if kind else _("an unknown type")},
        code="not_pdf_or_image",
    )


def document_kind(upload) -> str | None:
    """The document type an upload really is, from its content and extension, or None."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension == PDF:
        guess = filetype.guess(_head(upload, 264))
        return PDF if guess is not None and guess.mime == PDF_MIME else None
    if extension in OLE:
        return extension if _head(upload, 8) == OLE_MAGIC else None
    if extension in OOXML:
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and any(n.startswith(OOXML[extension]) for n in names):
            return extension
    return None


def validate_document(upload) -> str:
    """Refuse a file that is too large or is not a PDF, Word, Excel or PowerPoint document
    (by its content, matching its extension); the document type otherwise."""
    _check_size(upload)
    kind = document_kind(upload)
    if kind is None:
        raise ValidationError(_("This file is not a PDF, Word, Excel or PowerPoint document, or its "
                                "content does not match its extension."), code="not_a_document")
    return kind


def download(field_file: FieldFile, filename: str) -> FileResponse:
    """A stored document as a download under ``filename`` (never shown inline); 404 when the
    record has none or the file is gone.  The caller has fetched the record with
    ``access.get_visible_or_404``."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=filename)
