"""Passports and travel permits (护照管理): the office's registry of its staff's travel documents,
their custody (in the office, lent for a trip, returned, expired, cancelled) with a dated log,
and the block on new trips of a faculty that keeps a document, or a trip report, overdue.

Every service checks that the office asks (``PermissionDenied`` otherwise), so the rule holds on
any path: a page, an import, the API, a task.  Every change bumps the document's version; a
caller that names the version it read (``expected_version``) is refused when someone changed the
document since.  A refusal by the document's or the trip's state is a ``WorkflowError`` whose
message says why.

What is due (a return overdue, a document expiring, a trip report overdue) is said here once:
the work queue, the nightly reminders and the block read the same functions.

A document's number is personal data: the office's pages show it, nothing else does.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from intlportal import access
from intlportal.versioning import save_versioned
from intlportal.workflow import WorkflowError
from trips.models import CustodyEvent, SubmissionBlockLift, TravelDocument, Trip

C = TravelDocument.Custody
K = TravelDocument.Kind
S = Trip.Status

#: A document must stay valid this many months after the trip's return.
VALID_AFTER_RETURN_MONTHS = 6
#: Documents expiring within this many months are flagged (work queue, reminders, list filter).
EXPIRY_WARNING_MONTHS = 6
#: The custody states of a document the office still keeps (in its safe or lent out).
LIVE = (C.IN_OFFICE, C.LENT, C.RETURNED)
#: A document is lent for a trip approved for travel, travelling, or on public notice (to prepare).
LENDABLE_TRIP_STATES = (S.ON_NOTICE, S.CLEARED, S.TRAVELLING)
#: A trip whose report is awaited: back home, not closed (closing requires the report).
REPORT_STATES = (S.BACK,)

# Passports: one or two letters, then 7 or 8 digits (E12345678, EA1234567, SE1234567, P1234567);
# the permit for Hong Kong and Macao starts with C (electronic) or W; the one for Taiwan with L or T.
NUMBER_PATTERNS = {
    K.OFFICIAL: r"[A-Z]{1,2}\d{7,8}",
    K.SERVICE: r"[A-Z]{1,2}\d{7,8}",
    K.PRIVATE: r"[A-Z]{1,2}\d{7,8}",
    K.HK_MACAO: r"[CW][A-Z]?\d{7,8}",
    K.TAIWAN: r"[LT][A-Z]?\d{7,8}",
}
NUMBER_EXAMPLES = {K.OFFICIAL: "SE1234567", K.SERVICE: "PE1234567", K.PRIVATE: "E12345678",
                   K.HK_MACAO: "C12345678", K.TAIWAN: "L12345678"}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _today(today) -> date:
    return today or timezone.localdate()


def _office(by) -> None:
    access.require(access.is_office(by))


def normalise_number(number: str) -> str:
    """Upper case, without spaces or dashes (how the number is printed on the document)."""
    return re.sub(r"[\s\-]", "", number or "").upper()


# --- what is due ------------------------------------------------------------------------------------


def overdue_returns(today: date | None = None) -> QuerySet:
    """Documents lent for a trip and not back by their due date."""
    return TravelDocument.objects.filter(custody=C.LENT, return_due_on__lt=_today(today))


def expiring(today: date | None = None, *, months: int = EXPIRY_WARNING_MONTHS) -> QuerySet:
    """Documents the office keeps (in its safe or lent) that expire within ``months`` months, or
    have expired without being marked so."""
    return TravelDocument.objects.filter(custody__in=LIVE, expires_on__lte=add_months(_today(today), months))


def due_documents(today: date | None = None) -> QuerySet:
    """The office's work: documents lent and overdue, and documents it keeps expiring within
    ``EXPIRY_WARNING_MONTHS`` months, each with ``due_on`` (the return date of an overdue one,
    else the expiry) and ``overdue``; the earliest first."""
    today = _today(today)
    overdue = Q(custody=C.LENT, return_due_on__lt=today)
    flagged = overdue | Q(custody__in=LIVE, expires_on__lte=add_months(today, EXPIRY_WARNING_MONTHS))
    return (TravelDocument.objects.filter(flagged)
            .annotate(overdue=ExpressionWrapper(overdue, output_field=BooleanField()),
                      due_on=Case(When(overdue, then=F("return_due_on")), default=F("expires_on")))
            .order_by("due_on", "pk"))


def report_due_on(trip: Trip) -> date:
    """The day a trip's report is due: ``TRIP_REPORT_DUE_DAYS`` after the return."""
    return trip.returns_on + timedelta(days=settings.TRIP_REPORT_DUE_DAYS)


def reports_overdue(today: date | None = None) -> QuerySet:
    """Trips back home whose report was due before today and has not been filed."""
    limit = _today(today) - timedelta(days=settings.TRIP_REPORT_DUE_DAYS)
    return Trip.objects.filter(status__in=REPORT_STATES, report_submitted_at__isnull=True, returns_on__lt=limit)


# --- the block on new trips -----------------------------------------------------------------------


def active_lift(faculty, today: date | None = None) -> SubmissionBlockLift | None:
    """The office's latest lift of the faculty's block that still holds today."""
    return (SubmissionBlockLift.objects.filter(faculty=faculty, until__gte=_today(today))
            .select_related("by").order_by("-until", "-at").first())


def _blocking_documents(today: date) -> QuerySet:
    return (overdue_returns(today).filter(return_reminders__gte=settings.TRIP_BLOCK_AFTER_REMINDERS)
            .select_related("holder__faculty").order_by("return_due_on", "pk"))


def _blocking_reports(today: date) -> QuerySet:
    return (reports_overdue(today).filter(report_reminders__gte=settings.TRIP_BLOCK_AFTER_REMINDERS)
            .select_related("faculty").order_by("returns_on", "pk"))


def _document_item(document: TravelDocument) -> str:
    # The holder and the type, never the number: the message reaches the faculty.
    return _("the %(kind)s of %(holder)s, due back at the office on %(due)s") % {
        "kind": document.get_kind_display(), "holder": document.holder.name,
        "due": document.return_due_on.isoformat()}


def _report_item(trip: Trip) -> str:
    return _("the report of the trip “%(trip)s”, due on %(due)s") % {
        "trip": trip.title, "due": report_due_on(trip).isoformat()}


def overdue_items(faculty, today: date | None = None) -> list[str]:
    """What the faculty keeps overdue after ``TRIP_BLOCK_AFTER_REMINDERS`` reminders (a document
    not returned, a trip report not filed), whether or not the office lifted the block."""
    today = _today(today)
    return ([_document_item(d) for d in _blocking_documents(today).filter(holder__faculty=faculty)]
            + [_report_item(t) for t in _blocking_reports(today).filter(faculty=faculty)])


@dataclass
class Block:
    faculty: object
    items: list[str] = field(default_factory=list)
    lift: SubmissionBlockLift | None = None


def block_overview(today: date | None = None) -> list[Block]:
    """Every faculty with something overdue enough to block it, with the office's lift if one
    holds (three queries, whatever the number of faculties)."""
    today = _today(today)
    blocks: dict[int, Block] = {}
    for document in _blocking_documents(today):
        faculty = document.holder.faculty
        blocks.setdefault(faculty.pk, Block(faculty)).items.append(_document_item(document))
    for trip in _blocking_reports(today):
        blocks.setdefault(trip.faculty_id, Block(trip.faculty)).items.append(_report_item(trip))
    lifts = SubmissionBlockLift.objects.filter(faculty_id__in=list(blocks), until__gte=today).select_related("by")
    for lift in lifts.order_by("until", "at"):
        blocks[lift.faculty_id].lift = lift  # the longest-running one is kept
    return sorted(blocks.values(), key=lambda block: str(block.faculty))


def blocked_reasons(faculty, today: date | None = None) -> list[str]:
    """Why the faculty may not submit a new trip (empty: it may): a document or a trip report
    still overdue after ``TRIP_BLOCK_AFTER_REMINDERS`` reminders, unless the office lifted the
    block until today or later."""
    if active_lift(faculty, today) is not None:
        return []
    return overdue_items(faculty, today)


def refuse_if_blocked(trip: Trip, today: date | None = None) -> None:
    """``trips.services.submit``'s check: a blocked faculty's trip is refused, naming the items."""
    reasons = blocked_reasons(trip.faculty, today)
    if reasons:
        raise WorkflowError(_("%(faculty)s cannot submit a trip abroad until it settles what is overdue: "
                              "%(items)s. Once they are returned the block ends; the Foreign Affairs Office "
                              "can also lift it, with a reason.") % {
            "faculty": trip.faculty, "items": "; ".join(reasons)})


def lift_block(*, faculty, reason: str, until: date, by, today: date | None = None) -> SubmissionBlockLift:
    """The office lets a blocked faculty submit again until ``until``, saying why."""
    _office(by)
    today = _today(today)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the block is lifted: a reason is required.")})
    if until is None or until < today:
        raise ValidationError({"until": _("The block can be lifted until today or a later day.")})
    return SubmissionBlockLift.objects.create(faculty=faculty, reason=reason, until=until, by=by)


# --- the registry ---------------------------------------------------------------------------------


def validate(document: TravelDocument) -> None:
    """The checks of a document's details, each message keyed by its field: expiry after issue, a
    number that looks like one of its type, and one document per type and number."""
    errors: dict[str, str] = {}
    document.number = normalise_number(document.number)
    if document.issued_on and document.expires_on and document.expires_on <= document.issued_on:
        errors["expires_on"] = _("The expiry date must be after the date of issue.")
    pattern = NUMBER_PATTERNS.get(document.kind)
    if document.number and pattern and not re.fullmatch(pattern, document.number):
        errors["number"] = _("This does not look like the number of a %(kind)s (for example %(example)s).") % {
            "kind": document.get_kind_display(), "example": NUMBER_EXAMPLES[document.kind]}
    elif document.number and document.kind:
        taken = TravelDocument.objects.filter(kind=document.kind, number=document.number)
        if document.pk:
            taken = taken.exclude(pk=document.pk)
        if taken.exists():
            errors["number"] = _("A %(kind)s with this number is in the registry already.") % {
                "kind": document.get_kind_display()}
    if errors:
        raise ValidationError(errors)


def _log(document: TravelDocument, custody: str, *, on: date, by, trip=None, note: str = "") -> CustodyEvent:
    return CustodyEvent.objects.create(document=document, custody=custody, on=on, trip=trip, note=note[:300],
                                       by=by if getattr(by, "is_authenticated", False) else None)


def register(*, document: TravelDocument, by, on: date | None = None, note: str = "") -> TravelDocument:
    """The office enters a document it now keeps (custody: in the office), with its first log entry."""
    _office(by)
    validate(document)
    with transaction.atomic():
        document.custody = C.IN_OFFICE
        document.lent_for, document.lent_on, document.return_due_on, document.return_reminders = None, None, None, 0
        document.save()
        _log(document, C.IN_OFFICE, on=_today(on), by=by, note=note or _("Registered with the office."))
    return document


def edit(*, document: TravelDocument, by, expected_version) -> TravelDocument:
    """The office corrects a document's details; a save over someone else's newer one is refused
    (``intlportal.versioning.StaleEdit``).  The custody moves only through the services below."""
    _office(by)
    validate(document)
    with transaction.atomic():
        stored = TravelDocument.objects.select_for_update().get(pk=document.pk)
        if stored.custody == C.LENT and document.holder_id != stored.holder_id:
            raise ValidationError({"holder": _("The document is lent for a trip: record its return before "
                                               "changing its holder.")})
        for name in ("custody", "lent_for_id", "lent_on", "return_due_on", "return_reminders"):
            setattr(document, name, getattr(stored, name))
        return save_versioned(document, expected_version=expected_version)


def _locked(document: TravelDocument, expected_version) -> TravelDocument:
    locked = TravelDocument.objects.select_for_update().select_related("holder").get(pk=document.pk)
    if expected_version not in (None, "") and str(expected_version) != str(locked.version):
        raise WorkflowError(_("Someone changed this travel document after you opened the page: nothing was "
                              "done. Check its custody now, then try again."))
    return locked


def _save(locked: TravelDocument, **changes) -> TravelDocument:
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    return locked


def lend_refusals(document: TravelDocument, trip: Trip) -> list[str]:
    """Why the document cannot be lent for the trip (empty: it can)."""
    reasons = []
    if document.custody == C.LENT:
        reasons.append(_("It is lent already, for “%(trip)s”, due back on %(due)s: it must come back "
                         "first.") % {"trip": document.lent_for.title if document.lent_for else "—",
                                      "due": document.return_due_on})
    elif document.custody in (C.EXPIRED, C.CANCELLED):
        reasons.append(_("It is %(state)s.") % {"state": document.get_custody_display().lower()})
    if trip.status not in LENDABLE_TRIP_STATES:
        reasons.append(_("The trip is “%(state)s”: a document is lent only for a trip on public notice, "
                         "approved for travel or travelling.") % {"state": trip.get_status_display()})
    if not trip.members.filter(staff_member_id=document.holder_id).exists():
        reasons.append(_("%(holder)s is not a member of the trip.") % {"holder": document.holder.name})
    valid_until = add_months(trip.returns_on, VALID_AFTER_RETURN_MONTHS)
    if document.custody not in (C.EXPIRED, C.CANCELLED) and document.expires_on < valid_until:
        reasons.append(_("It expires on %(expires)s: it must stay valid for six months after the trip's "
                         "return on %(returns)s (until %(until)s). Renew it first.") % {
            "expires": document.expires_on, "returns": trip.returns_on, "until": valid_until})
    return reasons


def lend(*, document: TravelDocument, trip: Trip, by, on: date | None = None,
         expected_version=None) -> TravelDocument:
    """The office lends a document to its holder for a trip; it is due back
    ``TRIP_PASSPORT_RETURN_DAYS`` days after the trip's return."""
    _office(by)
    on = _today(on)
    with transaction.atomic():
        locked = _locked(document, expected_version)
        trip = Trip.objects.select_for_update().get(pk=trip.pk)
        reasons = lend_refusals(locked, trip)
        if reasons:
            raise WorkflowError(_("The %(kind)s of %(holder)s cannot be lent: %(why)s") % {
                "kind": locked.get_kind_display(), "holder": locked.holder.name, "why": " ".join(reasons)})
        due = trip.returns_on + timedelta(days=settings.TRIP_PASSPORT_RETURN_DAYS)
        _save(locked, custody=C.LENT, lent_for=trip, lent_on=on, return_due_on=due, return_reminders=0)
        _log(locked, C.LENT, on=on, by=by, trip=trip,
             note=_("Due back on %(due)s.") % {"due": due.isoformat()})
    return locked


def give_back(*, document: TravelDocument, by, on: date | None = None, note: str = "",
              expected_version=None) -> TravelDocument:
    """The holder returns a lent document to the office."""
    _office(by)
    on = _today(on)
    with transaction.atomic():
        locked = _locked(document, expected_version)
        if locked.custody != C.LENT:
            raise WorkflowError(_("This document is not lent out (it is “%(state)s”): there is nothing to "
                                  "return.") % {"state": locked.get_custody_display()})
        if locked.lent_on and on < locked.lent_on:
            raise WorkflowError(_("It cannot come back before it was lent, on %(day)s.") % {"day": locked.lent_on})
        trip, due = locked.lent_for, locked.return_due_on
        _save(locked, custody=C.RETURNED, lent_for=None, lent_on=None, return_due_on=None, return_reminders=0)
        text = (note or "").strip() or (_("Returned late (due on %(due)s).") % {"due": due}
                                        if due and on > due else "")
        _log(locked, C.RETURNED, on=on, by=by, trip=trip, note=text)
    return locked


def mark(*, document: TravelDocument, custody: str, by, on: date | None = None, note: str = "",
         expected_version=None) -> TravelDocument:
    """The office marks a document expired (once its expiry date has passed) or cancelled (lost,
    replaced, the holder left: a note says why); a lent document's loan ends with it."""
    _office(by)
    on = _today(on)
    if custody not in (C.EXPIRED, C.CANCELLED):
        raise WorkflowError(_("A document can be marked expired or cancelled here."))
    note = (note or "").strip()
    if custody == C.CANCELLED and not note:
        raise WorkflowError(_("Say why the document is cancelled (lost, replaced, the holder left…)."))
    with transaction.atomic():
        locked = _locked(document, expected_version)
        if locked.custody not in LIVE:
            raise WorkflowError(_("This document is “%(state)s” already.") % {"state": locked.get_custody_display()})
        if custody == C.EXPIRED and locked.expires_on > on:
            raise WorkflowError(_("It is valid until %(day)s: it can be marked expired from then on, or "
                                  "cancelled now with a reason.") % {"day": locked.expires_on})
        trip = locked.lent_for
        _save(locked, custody=custody, lent_for=None, lent_on=None, return_due_on=None, return_reminders=0)
        _log(locked, custody, on=on, by=by, trip=trip, note=note)
    return locked
