"""The ranking and the scorecards of a run as an Excel workbook."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from assessment.models import AssessmentRun, Indicator
from faculties.models import Faculty


def workbook(run: AssessmentRun, *, visible: set[str] | None) -> bytes:
    """Sheet 1: the ranking of every faculty.  Sheet 2: one row per faculty and indicator,
    for the faculties in ``visible`` (``None``: all)."""
    names = {f.code: str(f) for f in Faculty.objects.all()}
    indicators = {i.code: str(i) for i in Indicator.objects.all()}
    book = Workbook()
    ranking = book.active
    ranking.title = _("Ranking")
    ranking.append([_("Rank"), _("Faculty code"), _("Faculty"), _("Score"), _("Incentive (yuan)"), _("Flagged")])
    for entry in run.document.get("faculties", []):
        ranking.append([entry["rank"], entry["code"], names.get(entry["code"], entry["code"]), entry["score"],
                        float(entry["incentive"]), _("yes") if entry["flagged"] else _("no")])
    cards = book.create_sheet(_("Scorecards"))
    cards.append([_("Faculty code"), _("Faculty"), _("Indicator"), _("Value"), _("Target"), _("Achievement"),
                  _("Applicable")])
    for entry in run.document.get("faculties", []):
        if visible is not None and entry["code"] not in visible:
            continue
        for code, values in entry.get("indicators", {}).items():
            cards.append([entry["code"], names.get(entry["code"], entry["code"]), indicators.get(code, code),
                          values["value"], values["target"], values["achievement"],
                          _("yes") if values["applicable"] else _("no")])
    for sheet in (ranking, cards):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
