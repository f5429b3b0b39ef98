"""Checks on uploaded documents: what a file *is*, read from its bytes, and how big it is.

The browser's declared content type and the file's name are both chosen by the uploader, so
neither is trusted: a PDF is a file whose first bytes are a PDF's.
"""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF_MIME = "application/pdf"
SNIFF_BYTES = 8192


def max_document_bytes() -> int:
    return int(getattr(settings, "MAX_DOCUMENT_UPLOAD_BYTES", 20 * 1024 * 1024))


def validate_pdf(upload) -> None:
    """Refuse a file that is too large or whose content is not a PDF."""
    if upload is None:
        return
    limit = max_document_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(position)
    kind = filetype.guess(head)
    if kind is None or kind.mime != PDF_MIME:
        raise ValidationError(
            _("This file is not a PDF (its content says %(kind)s). Scan or save the document as PDF and "
              "upload it again.") % {"kind": kind.mime if kind else _("an unknown type")},
            code="not_pdf",
        )
