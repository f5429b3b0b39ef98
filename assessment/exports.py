"""The ranking and the scorecards of a run as an Excel workbook, and whether it is the year's
published result (which version, when, by whom) or a provisional calculation.

Written through the data exchange's one neutralising writer (``dataexchange.writing.SheetWriter``):
a faculty or indicator named like a formula (``=HYPERLINK(...)``) arrives as text."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from assessment.models import AssessmentRun, Indicator, Publication
from dataexchange.writing import SheetWriter
from faculties.models import Faculty


def workbook(run: AssessmentRun, *, visible: set[str] | None, publication: Publication | None = None) -> bytes:
    """Sheet 1: the ranking of every faculty.  Sheet 2: one row per faculty and indicator,
    for the faculties in ``visible`` (``None``: all).  Sheet 3: the run's standing — the
    ``publication`` that made it official, or provisional when there is none."""
    names = {f.code: str(f) for f in Faculty.objects.all()}
    indicators = {i.code: str(i) for i in Indicator.objects.all()}
    book = SheetWriter()
    ranking = book.sheet(_("Ranking"), [_("Rank"), _("Faculty code"), _("Faculty"), _("Score"),
                                        _("Incentive (yuan)"), _("Flagged")], freeze_header=True)
    for entry in run.document.get("faculties", []):
        ranking.append([entry["rank"], entry["code"], names.get(entry["code"], entry["code"]), entry["score"],
                        float(entry["incentive"]), _("yes") if entry["flagged"] else _("no")])
    cards = book.sheet(_("Scorecards"), [_("Faculty code"), _("Faculty"), _("Indicator"),
                                         pgettext("indicator", "Value"), _("Target"), _("Achievement"),
                                         _("Applicable")], freeze_header=True)
    for entry in run.document.get("faculties", []):
        if visible is not None and entry["code"] not in visible:
            continue
        for code, values in entry.get("indicators", {}).items():
            cards.append([entry["code"], names.get(entry["code"], entry["code"]), indicators.get(code, code),
                          values["value"], values["target"], values["achievement"],
                          _("yes") if values["applicable"] else _("no")])
    standing = book.sheet(pgettext("assessment", "Standing"), [
        pgettext("assessment", "Standing"), _("Version"), _("Published at"), _("Published by"), _("Reason"),
        _("Computed at"),
    ], freeze_header=True)
    computed = timezone.localtime(run.created_at).strftime("%Y-%m-%d %H:%M")
    if publication is None:
        standing.append([_("Provisional, not yet published"), "", "", "", "", computed])
    else:
        published = timezone.localtime(publication.published_at).strftime("%Y-%m-%d %H:%M")
        standing.append([_("Published"), publication.version, published, str(publication.published_by or ""),
                         publication.reason, computed])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def faculty_history_response(faculty: Faculty, columns: list[tuple[str, str]], rows: list[dict]):
    """One faculty's years as a workbook: the page's table, a row per year."""
    from django.http import HttpResponse

    book = SheetWriter()
    header = [_("Year"), _("Score"), _("Rank"), _("Incentive (yuan)")]
    for _code, name in columns:
        header += [f"{name} · " + pgettext("indicator", "Value"), f"{name} · " + _("Achievement (%)")]
    sheet = book.sheet(str(faculty.code), header, freeze_header=True)
    for row in rows:
        cells = [row["year"], row["score"], row["rank"], row["incentive"]]
        for cell in row["cells"]:
            cells += [cell["value"], cell["achievement"]]
        sheet.append(cells)
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="history-{faculty.code}.xlsx"'
    return response
