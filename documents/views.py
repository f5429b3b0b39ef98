"""The office's templates (list, upload a new version, download a version), making a document
from a record, and downloading a kept document (Word, or PDF where LibreOffice is installed).

Generating and downloading go through the record's access check: a record the user cannot
see answers 404; one they see but may not make this document from (a leader; a coordinator and
a document with personal data) answers 403.
"""

from __future__ import annotations

import io
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import catalogue, rendering
from documents.forms import TemplateUploadForm
from documents.models import DocumentTemplate, GeneratedDocument
from intlportal import access, uploads

#: How the tags are written in Word, for the page's explanation.
SYNTAX = {"field": "{{ title }}", "loop": "{%tr for row in members %}", "row": "{{ row.name }}",
          "endloop": "{%tr endfor %}", "if": "{%p if host_name %}", "endif": "{%p endif %}"}


def _office(request) -> None:
    access.require(access.is_office(request.user))


def _entry(kind: str) -> catalogue.DocumentKind:
    entry = catalogue.KINDS.get(kind)
    if entry is None:
        raise Http404
    return entry


def template_list(request):
    """Each document: the version in use, who uploaded it and when, the fields it may use, the
    earlier versions.  Queries: the user's roles, all template rows with their uploaders."""
    _office(request)
    rows = defaultdict(list)
    for row in DocumentTemplate.objects.select_related("uploaded_by").order_by("kind", "-version"):
        rows[row.kind].append(row)
    kinds = []
    for kind, entry in catalogue.KINDS.items():
        versions = rows.get(kind, [])
        current = (rendering.TemplateVersion(kind, versions[0].version, versions[0]) if versions
                   else rendering.TemplateVersion(kind, 0, None))
        used = set(current.fields)
        kinds.append({"entry": entry, "current": current, "versions": versions, "used": used,
                      "made_from": entry.model._meta.verbose_name})
    return render(request, "documents/template_list.html", {
        "title": _("Document templates"), "kinds": kinds, "pdf_available": rendering.pdf_available(),
        "syntax": SYNTAX})


def template_upload(request, kind: str):
    """A new version of a template; a refused file comes back with the reason (400), nothing saved."""
    _office(request)
    entry = _entry(kind)
    if request.method == "POST":
        form = TemplateUploadForm(request.POST, request.FILES, kind=kind)
        if form.is_valid():
            row = rendering.upload_template(kind=kind, file=form.cleaned_data["file"], by=request.user,
                                            note=form.cleaned_data["note"])
            messages.success(request, _("Version %(version)s of “%(kind)s” is saved and now in use.") % {
                "version": row.version, "kind": entry.label})
            return redirect("documents:template-list")
        status = 400
    else:
        form = TemplateUploadForm(kind=kind)
        status = 200
    return render(request, "documents/template_upload.html", {
        "title": _("New version of “%(kind)s”") % {"kind": entry.label}, "entry": entry, "form": form,
        "current": rendering.current_template(kind)}, status=status)


def template_download(request, kind: str, version: int):
    """One version of a template as a Word file (0: the one shipped with the portal)."""
    _office(request)
    _entry(kind)
    try:
        chosen = rendering.template_version(kind, version)
    except DocumentTemplate.DoesNotExist as error:
        raise Http404 from error
    if chosen.row is not None:
        return uploads.download(chosen.row.file, chosen.download_name)
    return FileResponse(rendering.shipped_path(kind).open("rb"), as_attachment=True, filename=chosen.download_name)


@require_POST
def generate(request, kind: str, pk: int):
    """Make a document from a record and keep it with the record; back to the record's page."""
    entry = _entry(kind)
    record = entry.model.objects.select_related(*entry.related).filter(pk=pk).first()
    if record is None:
        raise Http404
    page = entry.page_of(record)
    if not access.can_view(request.user, page):
        raise Http404
    if not catalogue.may_generate(request.user, kind, record):
        raise PermissionDenied
    try:
        document = rendering.generate(kind=kind, record=record, by=request.user)
    except rendering.DocumentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(name)s” was made with template version %(version)s and is kept with the "
                                    "record below.") % {"name": document.filename,
                                                         "version": document.template_version})
    return redirect(page.get_absolute_url() + "#documents")


def document_download(request, pk: int):
    """A kept document, as Word, or as PDF (``?format=pdf``) where LibreOffice is installed."""
    document = GeneratedDocument.objects.select_related("content_type").filter(pk=pk).first()
    if document is None:
        raise Http404
    record = document.record
    entry = catalogue.KINDS.get(document.kind)
    if record is None or entry is None:
        # The record is gone: the office may still fetch what was sent.
        _office(request)
        page = None
    else:
        page = entry.page_of(record)
        if not access.can_view(request.user, page):
            raise Http404
        if not catalogue.may_download(request.user, document, page):
            raise PermissionDenied
    if request.GET.get("format") == "pdf":
        if not rendering.pdf_available():
            raise Http404(_("PDF is not offered: LibreOffice is not installed on the server. Download the Word "
                            "document instead."))
        try:
            pdf = rendering.to_pdf(document)
        except rendering.DocumentError as error:
            messages.error(request, str(error))
            return redirect(page.get_absolute_url() + "#documents" if page is not None else "documents:template-list")
        if pdf is None:
            raise Http404
        return FileResponse(io.BytesIO(pdf), as_attachment=True, filename=rendering.pdf_filename(document),
                            content_type="application/pdf")
    return uploads.download(document.file, document.filename)
