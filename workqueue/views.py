"""The office's work queue: everything waiting for the office, on one page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from exchanges.models import REPORT_DUE_DAYS
from intlportal import access
from staff.models import EXPIRY_WARNING_DAYS
from workqueue import selectors

SHOWN = 20  # items listed per section; the count says how many there are in all


@dataclass
class Item:
    label: str
    url: str
    detail: str = ""
    due: object = None


@dataclass
class Section:
    key: str
    title: str
    empty: str
    total: int = 0
    items: list[Item] = field(default_factory=list)
    more_url: str = ""


def _fill(section: Section, qs, make) -> Section:
    section.total = qs.count()
    section.items = [make(obj) for obj in qs[:SHOWN]] if section.total else []
    return section


def build_sections() -> list[Section]:
    expiry = {"days": EXPIRY_WARNING_DAYS}
    sections = [
        _fill(Section("plans", _("Plans to review"), _("No plan is waiting for review."),
                      more_url=reverse("faculties:plan-list") + "?status=submitted"),
              selectors.plans_to_review(),
              lambda p: Item(str(p), p.get_absolute_url(),
                             _("submitted by %(who)s") % {"who": p.submitted_by or "—"}, p.submitted_at)),
        _fill(Section("mobilities", _("Mobilities to approve"), _("No mobility is waiting for approval.")),
              selectors.mobilities_to_review(),
              lambda m: Item(str(m), m.get_absolute_url(), str(m.faculty), m.submitted_at)),
        _fill(Section("agreements", _("Agreements expiring within %(days)s days") % expiry,
                      _("No active agreement expires in the next %(days)s days.") % expiry),
              selectors.agreements_expiring(),
              lambda a: Item(str(a), a.get_absolute_url(), str(a.partner), a.ends_on)),
        _fill(Section("contracts", _("Foreign teachers' contracts expiring within %(days)s days") % expiry,
                      _("No active contract ends in the next %(days)s days.") % expiry),
              selectors.contracts_expiring(),
              lambda c: Item(str(c), c.get_absolute_url(), str(c.staff_member.faculty), c.ends_on)),
        _fill(Section("permits", _("Work permits expiring within %(days)s days") % expiry,
                      _("No work permit expires in the next %(days)s days.") % expiry),
              selectors.permits_expiring(),
              lambda c: Item(str(c), c.get_absolute_url(), str(c.staff_member.faculty), c.work_permit_expires_on)),
        _fill(Section("reports", _("Post-exchange reports overdue"),
                      _("Every completed outbound exchange has its report, or is within its %(days)s days.")
                      % {"days": REPORT_DUE_DAYS}),
              selectors.reports_overdue(),
              lambda m: Item(str(m), m.get_absolute_url(), str(m.faculty), m.ends_on)),
    ]
    programs = Section("programs", _("Cooperative programs breaching a one-third rule"),
                       _("Every approved or enrolling cooperative program meets the one-third rules."))
    breaching = selectors.breaching_programs()
    programs.total = len(breaching)
    programs.items = [Item(str(entry.program), entry.program.get_absolute_url(), str(entry.program.faculty))
                      for entry in breaching[:SHOWN]]
    sections.append(programs)
    return sections


def index(request):
    if not access.is_office(request.user):
        raise PermissionDenied
    sections = build_sections()
    return render(request, "workqueue/index.html", {
        "title": _("Work queue"),
        "sections": sections,
        "waiting": sum(s.total for s in sections),
        "shown": SHOWN,
    })
