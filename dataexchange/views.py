"""The import and export pages: the list of kinds, templates, upload, preview, progress and
commit.  Who may do what is asked of ``dataexchange.registry`` (which asks
``intlportal.access``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dataexchange import registry, services
from dataexchange.columns import STYLES
from dataexchange.forms import UploadForm
from dataexchange.kinds import is_required
from dataexchange.models import ImportJob
from dataexchange.writing import export_response, import_notes, template_response

FORMATS = {"csv", "xlsx"}
PREVIEW_ERRORS = 500


def _kind(name: str) -> registry.Kind:
    try:
        return registry.get(name)
    except KeyError:
        raise Http404 from None


def _importable(request, name: str) -> registry.Kind:
    kind = _kind(name)
    if not registry.can_import(request.user, kind):
        raise PermissionDenied
    return kind


def index(request):
    """Every kind the user may export, and those they may import."""
    rows = [
        {"kind": kind, "can_import": registry.can_import(request.user, kind)}
        for kind in registry.kinds() if registry.can_export(request.user, kind)
    ]
    if not rows:
        raise PermissionDenied
    return render(request, "dataexchange/index.html", {"rows": rows, "title": _("Import and export")})


def _style(request) -> str | None:
    """``?style=codes|labels``; None (the language's default) when not given.  ``ValueError``
    for anything else."""
    style = request.GET.get("style") or None
    if style is not None and style not in STYLES:
        raise ValueError(style)
    return style


def export(request, kind: str, fmt: str):
    """Every record of the kind the user may see; ``?style=codes`` or ``labels``."""
    found = _kind(kind)
    if fmt not in FORMATS:
        return HttpResponseBadRequest(_("Unknown export format."))
    if not registry.can_export(request.user, found):
        raise PermissionDenied
    try:
        style = _style(request)
    except ValueError:
        return HttpResponseBadRequest(_("Unknown export style."))
    return export_response(found, found.model._default_manager.all(), fmt=fmt, user=request.user, style=style)


def template(request, kind: str, fmt: str):
    """The file to fill in; ``?style=codes`` or ``labels``."""
    found = _importable(request, kind)
    if fmt not in FORMATS:
        return HttpResponseBadRequest(_("Unknown export format."))
    try:
        style = _style(request)
    except ValueError:
        return HttpResponseBadRequest(_("Unknown export style."))
    return template_response(found, fmt=fmt, user=request.user, style=style)


def upload(request, kind: str):
    """The import page: the template, the columns it takes, and the upload form."""
    found = _importable(request, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.import_job_start(user=request.user, kind=found, upload=form.cleaned_data["file"])
        return redirect(job)
    columns = [
        {"name": column.name, "heading": column.heading("labels"), "required": is_required(found, column),
         "accepts": column.converter.describe()}
        for column in found.columns_for(request.user)
    ]
    return render(request, "dataexchange/import.html", {
        "kind": found, "form": form, "columns": columns, "notes": import_notes(found),
        "keys": [found.column(name).heading("labels") for name in found.key],
        "title": _("Import %(kind)s") % {"kind": found.label},
    })


def _heading(kind, name: str | None) -> str:
    """A column's heading in the user's language (the code of a column the kind no longer has)."""
    column = next((column for column in kind.columns if column.name == name), None)
    return str(column.heading("labels")) if column is not None else (name or "")


def _own_job(request, job_id) -> ImportJob:
    # Another user's job is as invisible as a job that does not exist.
    return get_object_or_404(ImportJob, pk=job_id, user=request.user)


def job(request, job_id):
    """Progress while a job runs; then the preview with every bad row, or the outcome."""
    found = _own_job(request, job_id)
    kind = _kind(found.kind)
    result = found.result or {}
    return render(request, "dataexchange/job.html", {
        "job": found, "kind": kind, "result": result,
        "headings": [{"code": name, "heading": _heading(kind, name)} for name in result.get("columns") or []],
        "errors": [{**error, "heading": _heading(kind, error.get("column"))}
                   for error in (result.get("errors") or [])[:PREVIEW_ERRORS]],
        "error_count": result.get("error_count", len(result.get("errors") or [])),
        "title": _("Import %(kind)s") % {"kind": kind.label},
    })


def job_status(request, job_id):
    """The small JSON the progress page polls."""
    found = _own_job(request, job_id)
    return JsonResponse({
        "status": found.status, "status_label": found.get_status_display(), "done": found.done,
        "total": found.total, "percent": found.percent, "running": found.running,
    })


@require_POST
def job_commit(request, job_id):
    """Import a checked job; a second click (the job importing or imported already) is shown
    the job page, whose progress or outcome is the answer."""
    found = _own_job(request, job_id)
    _importable(request, found.kind)
    if not services.import_job_commit(job=found):
        messages.error(request, _("This import cannot be committed any more. Upload the file again."))
    return redirect(found)


@require_POST
def job_retry(request, job_id):
    """Run a failed job's check or commit again (its file is kept until it is done)."""
    found = _own_job(request, job_id)
    _importable(request, found.kind)
    if not found.retryable or not services.import_job_retry(job=found):
        messages.error(request, _("This import cannot be retried. Upload the file again."))
    return redirect(found)


@require_http_methods(["GET", "HEAD", "POST"])
def job_cancel(request, job_id):
    """Ask for confirmation (GET), then delete the job and its file (POST) — also while it
    runs; a job whose rows were written already cannot be cancelled, and says so."""
    found = _own_job(request, job_id)
    kind = _kind(found.kind)
    if request.method != "POST":
        if not found.cancellable:
            return redirect(found)
        return render(request, "dataexchange/job_cancel.html", {
            "job": found, "kind": kind, "title": _("Cancel this import?")})
    if not services.import_job_cancel(job=found):
        messages.warning(request, _("The import had already been written, so it can no longer be cancelled."))
        return redirect(found)
    messages.info(request, _("The import was cancelled. Nothing was written."))
    return redirect("dataexchange:import", kind.name)
