"""The office's work queue: everything waiting for the office, on one page; and the list of
evidence awaiting the office's verification, where the office verifies or rejects it in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exchanges.models import REPORT_DUE_DAYS, Mobility
from faculties.models import InternationalizationPlan
from intlportal import access
from intlportal.models import Verification
from staff.models import EXPIRY_WARNING_DAYS
from trips import passports
from workqueue import selectors, services
from workqueue.forms import VerificationFilterForm

SHOWN = 20  # items listed per section; the count says how many there are in all
TO_VERIFY_PER_PAGE = 50


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
    """The section's first items and, on each of them, how many there are in all (a window
    count: one query per section instead of a count and a slice)."""
    rows = list(qs.annotate(_total=Window(Count("pk")))[:SHOWN])
    section.total = rows[0]._total if rows else 0
    section.items = [make(obj) for obj in rows]
    return section


def verification_section() -> Section:
    """The evidence awaiting verification: the oldest entries, and the way to the full list."""
    section = Section("verification", _("Evidence to verify"), _("Nothing awaits verification."),
                      more_url=reverse("workqueue:verification"))
    keys = selectors.awaiting_verification()
    section.total = keys.count()
    if section.total:
        section.items = [Item(str(item.record), item.url, f"{item.kind} · {item.faculty or '—'}", item.entered_at)
                         for item in selectors.pending_items(keys[:SHOWN])]
    return section


def build_sections() -> list[Section]:
    expiry = {"days": EXPIRY_WARNING_DAYS}
    sections = [
        verification_section(),
        _fill(Section("plans", _("Plans to review"), _("No plan is waiting for review."),
                      more_url=reverse("faculties:plan-list") + "?status=submitted"),
              selectors.plans_to_review(),
              lambda p: Item(str(p), p.get_absolute_url(),
                             _("submitted by %(who)s") % {"who": p.submitted_by or "—"}, p.submitted_at)),
        _fill(Section("mobilities", _("Mobilities to approve"), _("No mobility is waiting for approval."),
                      more_url=reverse("exchanges:mobility-list") + "?stage=awaiting"),
              selectors.mobilities_to_review(),
              lambda m: Item(str(m), m.get_absolute_url(), str(m.faculty), m.submitted_at)),
        _fill(Section("trips", _("Trips abroad to review or approve for travel"),
                      _("No trip abroad waits for the office."),
                      more_url=reverse("trips:trip-list") + "?stage=office"),
              selectors.trips_to_act_on(),
              lambda t: Item(str(t), t.get_absolute_url(), f"{t.faculty} · {t.get_status_display()}", t.departs_on)),
        _fill(Section("visas", _("Trips leaving within a week with a member still lacking a visa"),
                      _("Every trip leaving in the next week has its visas, or needs none."),
                      more_url=reverse("trips:trip-list") + "?status=cleared"),
              selectors.trips_lacking_visa(),
              lambda t: Item(str(t), t.get_absolute_url() + "#travel",
                             ngettext("%(faculty)s · %(n)s member lacks a visa",
                                      "%(faculty)s · %(n)s members lack a visa",
                                      t.lacking_members) % {"faculty": t.faculty, "n": t.lacking_members},
                             t.departs_on)),
        _fill(Section("trip_reports", _("Trip reports overdue"),
                      _("Every trip back home has its report, or is within its %(days)s days.")
                      % {"days": settings.TRIP_REPORT_DUE_DAYS},
                      more_url=reverse("trips:trip-list") + "?status=back"),
              selectors.trip_reports_overdue(),
              lambda t: Item(str(t), t.get_absolute_url() + "#travel", str(t.faculty),
                             passports.report_due_on(t))),
        _fill(Section("visits", _("Foreign visits to approve or close"),
                      _("No foreign visit waits for the office."),
                      more_url=reverse("visits:visit-list") + "?stage=office"),
              selectors.visits_to_act_on(),
              lambda v: Item(str(v), v.get_absolute_url(), f"{v.faculty} · {v.get_status_display()}", v.arrives_on)),
        _fill(Section("agreements", _("Agreements expiring within %(days)s days") % expiry,
                      _("No active agreement expires in the next %(days)s days.") % expiry,
                      more_url=reverse("exchanges:agreement-list") + "?validity=expiring"),
              selectors.agreements_expiring(),
              lambda a: Item(str(a), a.get_absolute_url(), str(a.partner), a.ends_on)),
        _fill(Section("contracts", _("Foreign teachers' contracts expiring within %(days)s days") % expiry,
                      _("No active contract ends in the next %(days)s days.") % expiry,
                      more_url=reverse("staff:contract-list") + "?expiring=contract"),
              selectors.contracts_expiring(),
              lambda c: Item(str(c), c.get_absolute_url(), str(c.staff_member.faculty), c.ends_on)),
        _fill(Section("permits", _("Work permits expiring within %(days)s days") % expiry,
                      _("No work permit expires in the next %(days)s days.") % expiry,
                      more_url=reverse("staff:contract-list") + "?expiring=work_permit"),
              selectors.permits_expiring(),
              lambda c: Item(str(c), c.get_absolute_url(), str(c.staff_member.faculty), c.work_permit_expires_on)),
        _fill(Section("reports", _("Post-exchange reports overdue"),
                      _("Every completed outbound exchange has its report, or is within its %(days)s days.")
                      % {"days": REPORT_DUE_DAYS},
                      more_url=reverse("exchanges:mobility-list") + "?stage=report_overdue"),
              selectors.reports_overdue(),
              lambda m: Item(str(m), m.get_absolute_url(), str(m.faculty), m.ends_on)),
        _fill(Section("passports", _("Travel documents overdue or expiring"),
                      _("Every lent travel document is back or not yet due, and none the office keeps expires "
                        "within six months."),
                      more_url=reverse("trips:passport-list") + "?due=true"),
              selectors.travel_documents_due(),
              lambda d: Item(str(d), d.get_absolute_url(),
                             (_("%(faculty)s · return overdue") if d.overdue else _("%(faculty)s · expires"))
                             % {"faculty": d.holder.faculty}, d.due_on)),
    ]
    programs = Section("programs", _("Cooperative programs breaching a one-third rule"),
                       _("Every approved or enrolling cooperative program meets the one-third rules."),
                       more_url=reverse("programs:program-list") + "?breaching=true")
    breaching = selectors.breaching_programs()
    programs.total = len(breaching)
    programs.items = [Item(str(entry.program), entry.program.get_absolute_url(), str(entry.program.faculty))
                      for entry in breaching[:SHOWN]]
    sections.append(programs)
    return sections


def index(request):
    if not access.is_office(request.user):
        if access.is_coordinator(request.user):
            return redirect("workqueue:mine")  # a coordinator's work is their faculty's to-do
        raise PermissionDenied
    sections = build_sections()
    return render(request, "workqueue/index.html", {
        "title": _("Work queue"),
        "sections": sections,
        "waiting": sum(s.total for s in sections),
        "shown": SHOWN,
    })


def _scope(user, qs):
    return access.scope_for(user, qs)


def my_sections(user) -> list[Section]:
    """A coordinator's to-do: what their faculties must do next, each section counted, its
    first items listed and a link to all of them."""
    faculty_ids = access.faculty_ids(user)
    expiry = {"days": EXPIRY_WARNING_DAYS}
    plans = _scope(user, InternationalizationPlan.objects.filter(
        status__in=[InternationalizationPlan.Status.DRAFT, InternationalizationPlan.Status.RETURNED])
        .select_related("faculty").order_by("-status", "first_year", "pk"))
    drafts = _scope(user, Mobility.objects.filter(status=Mobility.Status.PLANNED)
                    .select_related("faculty").order_by("starts_on", "pk"))
    rejected = Section("rejected", _("Evidence the office sent back"),
                       _("The office has sent nothing back: every record you entered is verified or waiting."))
    keys = selectors.awaiting_verification(state=Verification.REJECTED, faculties=faculty_ids)
    rejected.total = keys.count()
    if rejected.total:
        rejected.items = [Item(str(item.record), item.url, item.kind, item.entered_at)
                          for item in selectors.pending_items(keys[:SHOWN])]
    return [
        _fill(Section("plans", _("Plans to finish or correct"),
                      _("No plan is a draft or returned for changes."),
                      more_url=reverse("faculties:plan-list")),
              plans,
              lambda p: Item(str(p), p.get_absolute_url(), p.get_status_display(), p.updated_at)),
        rejected,
        _fill(Section("drafts", _("Planned mobilities to submit"),
                      _("No planned mobility waits to be submitted for approval."),
                      more_url=reverse("exchanges:mobility-list") + "?status=planned"),
              drafts,
              lambda m: Item(str(m), m.get_absolute_url(), str(m.faculty), m.starts_on)),
        _fill(Section("waiting", _("Submitted, awaiting the office"), _("Nothing you submitted is waiting."),
                      more_url=reverse("exchanges:mobility-list") + "?stage=awaiting"),
              _scope(user, selectors.mobilities_to_review()),
              lambda m: Item(str(m), m.get_absolute_url(), str(m.faculty), m.submitted_at)),
        _fill(Section("reports", _("Post-exchange reports overdue"),
                      _("Every completed outbound exchange has its report, or is within its %(days)s days.")
                      % {"days": REPORT_DUE_DAYS},
                      more_url=reverse("exchanges:mobility-list") + "?stage=report_overdue"),
              _scope(user, selectors.reports_overdue()),
              lambda m: Item(str(m), m.get_absolute_url(), str(m.faculty), m.ends_on)),
        _fill(Section("visits", _("Foreign visits to approve or close"),
                      _("No foreign visit waits for the office."),
                      more_url=reverse("visits:visit-list") + "?stage=office"),
              selectors.visits_to_act_on(),
              lambda v: Item(str(v), v.get_absolute_url(), f"{v.faculty} · {v.get_status_display()}", v.arrives_on)),
        _fill(Section("agreements", _("Agreements expiring within %(days)s days") % expiry,
                      _("No active agreement expires in the next %(days)s days.") % expiry,
                      more_url=reverse("exchanges:agreement-list") + "?validity=expiring"),
              _scope(user, selectors.agreements_expiring()),
              lambda a: Item(str(a), a.get_absolute_url(), str(a.partner), a.ends_on)),
        _fill(Section("contracts", _("Foreign teachers' contracts expiring within %(days)s days") % expiry,
                      _("No active contract ends in the next %(days)s days.") % expiry,
                      more_url=reverse("staff:contract-list") + "?expiring=contract"),
              _scope(user, selectors.contracts_expiring()),
              lambda c: Item(str(c), c.get_absolute_url(), str(c.staff_member.faculty), c.ends_on)),
    ]


def mine(request):
    """The coordinator's start page: their faculty's to-do, its latest scores and their recent
    notifications."""
    user = request.user
    if not access.is_coordinator(user):
        raise PermissionDenied
    sections = my_sections(user)
    return render(request, "workqueue/mine.html", {
        "title": _("My faculty"),
        "sections": sections,
        "waiting": sum(s.total for s in sections),
        "shown": SHOWN,
        "scores": selectors.latest_scores(access.faculty_ids(user)),
        "notifications": user.notifications.order_by("-created_at", "-pk")[:5],
    })


def verification(request):
    """Every record awaiting the office's verification, oldest first, with what it changes; the
    office ticks items and verifies or rejects them with one comment.

    A rejection asks for confirmation: the page's script asks in the browser, and without it
    the server shows a confirmation page first.  Whatever cannot be decided (changed since the
    page was opened, invalid once applied) is reported and stays pending; the rest goes through.
    """
    if not access.is_office(request.user):
        raise PermissionDenied
    filters = VerificationFilterForm(request.GET)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    if request.method != "POST":
        return _verification_page(request, filters, criteria, select_all=request.GET.get("select") == "all")
    action = request.POST.get("action")
    tokens = request.POST.getlist("item")
    comment = request.POST.get("comment", "").strip()
    if action not in {"verify", "reject"} or not tokens:
        messages.error(request, _("Nothing was decided: tick the items first, then press “Verify selected” "
                                  "or “Reject selected”."))
        return _verification_page(request, filters, criteria, selected=tokens, comment=comment)
    if action == "reject" and not comment:
        messages.error(request, _("Nothing was rejected: write in the comment what is wrong — the coordinator "
                                  "reads it to correct the entry. Your selection is kept."))
        return _verification_page(request, filters, criteria, selected=tokens, comment=comment)
    if action == "reject" and request.POST.get("confirmed") != "1":
        return render(request, "workqueue/verification_reject.html", {
            "title": _("Reject the selected entries?"),
            "records": [(token, obj, obj._meta.verbose_name)
                        for token, obj in services.load(services.parse(tokens)).items()],
            "comment": comment,
            "back_url": request.get_full_path(),
        })
    outcome = services.decide(tokens, verified=action == "verify", by=request.user, comment=comment)
    if outcome.decided:
        count = len(outcome.decided)
        if action == "verify":
            text = ngettext("%(count)d entry verified: it counts in the assessment from now on.",
                            "%(count)d entries verified: they count in the assessment from now on.", count)
        else:
            text = ngettext("%(count)d entry rejected: whoever entered it is notified with your comment.",
                            "%(count)d entries rejected: whoever entered them is notified with your comment.",
                            count)
        messages.success(request, text % {"count": count})
    if outcome.refused:
        count = len(outcome.refused)
        messages.warning(request, ngettext("%(count)d entry was not decided and stays as it was:",
                                           "%(count)d entries were not decided and stay as they were:",
                                           count) % {"count": count})
    for refusal in outcome.refused:
        messages.warning(request, refusal)
    return redirect(request.get_full_path())


def _verification_page(request, filters, criteria, *, selected=(), comment: str = "", select_all: bool = False):
    page = Paginator(selectors.awaiting_verification(**criteria), TO_VERIFY_PER_PAGE).get_page(
        request.GET.get("page"))
    items = selectors.pending_items(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("select", None)
    return render(request, "workqueue/verification.html", {
        "title": _("Evidence to verify"),
        "filter_form": filters,
        "filtered": any(criteria.values()),
        "items": items,
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "query_string": query.urlencode(),
        "selected": set(selected) if not select_all else {item.token for item in items},
        "comment": comment,
    })
