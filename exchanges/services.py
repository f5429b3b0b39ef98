"""Writes on exchanges: saving a mobility within its funding, the mobility workflow, the
post-exchange report, and loading the world universities registry.

Mobility workflow: ``planned → submitted → approved → completed``, or ``cancelled`` from
any of the first three.  A coordinator submits a planned mobility; the office approves it or
returns it to the faculty with a comment (back to ``planned``).  The office may also approve a
planned mobility it entered itself.  Every step goes through
``intlportal.workflow.transition``, which locks the row, so two reviewers acting at once are
serialised and the second is refused with a clear message.  Each step is logged as the move
it made: a return is ``submitted → planned`` with its comment, a report ``completed →
completed``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from exchanges.models import COMMITTED_STATES, FundingScheme, Mobility, PartnerInstitution
from intlportal import verification
from intlportal.workflow import WorkflowError, transition

Status = Mobility.Status

#: The states the office approves from, and calls a mobility off from.
APPROVABLE_STATES = (Status.PLANNED, Status.SUBMITTED)
CANCELLABLE_STATES = (Status.PLANNED, Status.SUBMITTED, Status.APPROVED)


# --- saving within the funding ---------------------------------------------------------------


def check_funding(mobility: Mobility) -> None:
    """Refuse an amount that would take the scheme past its budget.

    Locks the scheme's row, so two mobilities saved at once cannot both take the last yuan.
    Must run inside the transaction that saves the mobility.
    """
    if mobility.funding_scheme_id is None or not mobility.amount:
        return
    if mobility.status not in (*COMMITTED_STATES, Status.COMPLETED):
        return
    scheme = FundingScheme.objects.select_for_update().get(pk=mobility.funding_scheme_id)
    committed, spent = scheme.totals(excluding=mobility.pk)
    available = scheme.budget - committed - spent
    if mobility.amount > available:
        raise ValidationError({"amount": overspend_message(scheme, mobility.amount, committed=committed,
                                                           spent=spent)})


def overspend_message(scheme: FundingScheme, amount: Decimal, *, committed: Decimal, spent: Decimal) -> str:
    """Why ``scheme`` cannot fund ``amount``: the one wording of the form's and the import's check."""
    available = scheme.budget - committed - spent
    return _(
        "“%(scheme)s” cannot fund %(amount)s yuan: only %(available)s yuan is left of its budget of "
        "%(budget)s yuan (%(committed)s committed to planned, submitted and approved mobilities, "
        "%(spent)s spent on completed ones).") % {
            "scheme": scheme, "amount": amount, "available": max(available, Decimal(0)),
            "budget": scheme.budget, "committed": committed, "spent": spent}


def mobility_save(*, mobility: Mobility, by, expected_version: int | None = None) -> Mobility:
    """Create or change a mobility, refusing an overspend and a save over a newer one.

    What the office enters is verified; a coordinator's new mobility is pending, and their
    change to a verified one is staged (``intlportal.verification.save_change``) — its amount
    is checked now, so the faculty hears of an overspend at once, and again when the office
    verifies it.  Returns the saved mobility (with ``was_staged`` for a change).

    Raises ``ValidationError`` (keyed by field) when the funding does not allow the amount,
    and ``intlportal.versioning.StaleEdit`` when someone saved the record after it was read
    or, for a change, ``expected_version`` is missing or invalid (there is no default).
    """
    with transaction.atomic():
        check_funding(mobility)
        if mobility.pk is None:
            verification.mark_entry(mobility, by=by)
            mobility.save()
            return mobility
        return verification.save_change(mobility, by=by, expected_version=expected_version)


# --- workflow --------------------------------------------------------------------------------


def _locked(mobility: Mobility) -> Mobility:
    """The mobility as the database holds it, its row locked until the end of the transaction."""
    return Mobility.objects.select_for_update().get(pk=mobility.pk)


def mobility_submit(*, mobility: Mobility, by, comment: str = "") -> Mobility:
    """Send a planned mobility to the office for approval; the faculty can no longer change
    it until the office returns it."""
    with transaction.atomic():
        if _locked(mobility).status == Status.SUBMITTED:
            raise WorkflowError(_("This mobility was already submitted and is awaiting approval."))
        return transition(model=Mobility, pk=mobility.pk, allowed_from=[Status.PLANNED],
                          to_state=Status.SUBMITTED, by=by, comment=comment,
                          extra_updates={"submitted_at": timezone.now()})


def _verify_with(locked: Mobility, *, by, comment: str) -> None:
    """The office's approval and completion verify the mobility: a change proposed by the
    faculty becomes the record first (within its funding), and the mobility counts.  A change
    the office rejected stays rejected: the verified values are what it approves."""
    if verification.needs_verification(locked):
        verification.verify(locked, by=by, comment=comment)


def mobility_approve(*, mobility: Mobility, by, comment: str = "") -> Mobility:
    """The office approves a submitted mobility, or a planned one it entered itself, and so
    verifies it (``_verify_with``)."""
    with transaction.atomic():
        locked = _locked(mobility)
        if locked.status == Status.APPROVED:
            raise WorkflowError(_("This mobility has already been approved; there is nothing left to approve."))
        if locked.status in APPROVABLE_STATES:
            _verify_with(locked, by=by, comment=comment)
        return transition(model=Mobility, pk=mobility.pk, allowed_from=APPROVABLE_STATES,
                          to_state=Status.APPROVED, by=by, comment=comment)


def mobility_return(*, mobility: Mobility, by, comment: str) -> Mobility:
    """The office hands a submitted mobility back to its faculty (planned again), saying what to fix."""
    if not (comment or "").strip():
        raise WorkflowError(_("Say what the faculty should change: a comment is required to return a mobility."))
    with transaction.atomic():
        if _locked(mobility).status != Status.SUBMITTED:
            raise WorkflowError(_("This mobility is not awaiting approval, so it cannot be returned."))
        return transition(model=Mobility, pk=mobility.pk, allowed_from=[Status.SUBMITTED],
                          to_state=Status.PLANNED, by=by, comment=comment.strip(),
                          extra_updates={"submitted_at": None})


def mobility_complete(*, mobility: Mobility, by, comment: str = "") -> Mobility:
    """Mark an approved mobility as having taken place (its amount counts as spent); the office
    verifies it as it does so (``_verify_with``)."""
    with transaction.atomic():
        locked = _locked(mobility)
        if locked.status == Status.APPROVED:
            _verify_with(locked, by=by, comment=comment)
        return transition(model=Mobility, pk=mobility.pk, allowed_from=[Status.APPROVED],
                          to_state=Status.COMPLETED, by=by, comment=comment)


def mobility_cancel(*, mobility: Mobility, by, comment: str = "") -> Mobility:
    """Call off a planned, submitted or approved mobility (its amount is released)."""
    return transition(model=Mobility, pk=mobility.pk, allowed_from=CANCELLABLE_STATES,
                      to_state=Status.CANCELLED, by=by, comment=comment)


def mobility_submit_report(*, mobility: Mobility, by, text: str, file=None) -> Mobility:
    """File (or revise) the post-exchange report of a completed outbound teacher mobility; the
    step stays ``completed → completed`` in the log."""
    if not (text or "").strip():
        raise WorkflowError(_("Write the report: what was done, with whom, and what comes next."))
    with transaction.atomic():
        if not _locked(mobility).takes_report:
            raise WorkflowError(_("Only outbound teacher mobilities take a post-exchange report."))
        return transition(model=Mobility, pk=mobility.pk, allowed_from=[Status.COMPLETED],
                          to_state=Status.COMPLETED, by=by,
                          extra_updates={"report_text": text.strip(), "report_submitted_at": timezone.now(),
                                         **({"report_file": file} if file else {})})


# --- the world universities registry -----------------------------------------------------------


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)


def _registry_entries(rows: list[dict]) -> list[dict]:
    """One entry per institution: the file lists a few twice; names shared by institutions in
    different countries get the country added, so that each name stays unique."""
    merged: dict[tuple[str, str], dict] = {}
    for row in rows:
        name = " ".join((row.get("name") or "").split())
        code = (row.get("alpha_two_code") or "").upper()
        if not name:
            continue
        key = (name, code)
        entry = merged.setdefault(key, {"name": name, "country": code, "domains": [], "web_pages": []})
        for domain in row.get("domains") or []:
            domain = domain.strip().lower()
            if domain and domain not in entry["domains"]:
                entry["domains"].append(domain)
        for page in row.get("web_pages") or []:
            if page and page not in entry["web_pages"]:
                entry["web_pages"].append(page.strip())
    countries_of: dict[str, set[str]] = {}
    for name, code in merged:
        countries_of.setdefault(name, set()).add(code)
    with translation.override("en"):  # the registry's names are English; so is the country added
        for (name, code), entry in merged.items():
            if len(countries_of[name]) > 1:
                entry["name"] = f"{name} ({countries.name(code) or code})"
    return list(merged.values())


def import_universities(path: str | Path, *, batch_size: int = 500) -> ImportSummary:
    """Load ``world_universities_and_domains.json`` into the partner registry.

    Idempotent: an institution is found again by its name, or else by one of its domains;
    what the file says (country, website, domains) is brought up to date, names the office
    added (Chinese, English) are kept, and a second run of the same file changes nothing.
    """
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(rows, list):
        raise ValueError(_("The file must hold a JSON list of universities."))
    summary = ImportSummary()
    existing = list(PartnerInstitution.objects.all())
    by_name = {p.name: p for p in existing}
    by_domain = {d.lower(): p for p in existing for d in (p.domains or [])}
    to_create: list[PartnerInstitution] = []
    to_update: dict[int, PartnerInstitution] = {}
    names_taken = set(by_name)
    max_url = PartnerInstitution._meta.get_field("website").max_length
    for entry in _registry_entries(rows):
        if not countries.alpha2(entry["country"]):
            summary.skipped.append(f"{entry['name']} ({entry['country'] or '?'})")
            continue
        website = next((w for w in entry["web_pages"] if len(w) <= max_url), "")
        partner = by_name.get(entry["name"]) or next(
            (by_domain[d] for d in entry["domains"] if d in by_domain), None)
        if partner is None:
            if entry["name"] in names_taken:
                summary.skipped.append(entry["name"])
                continue
            names_taken.add(entry["name"])
            to_create.append(PartnerInstitution(
                name=entry["name"], country=entry["country"], kind=PartnerInstitution.Kind.UNIVERSITY,
                website=website, domains=entry["domains"]))
            continue
        changed = False
        for attr, value in (("country", entry["country"]), ("website", website), ("domains", entry["domains"])):
            current = getattr(partner, attr)
            current = current.code if attr == "country" else current
            if current != value:
                setattr(partner, attr, value)
                changed = True
        if changed and partner.pk not in to_update:
            partner.version += 1
            partner.updated_at = timezone.now()  # bulk_update does not touch auto_now fields
            to_update[partner.pk] = partner
        elif not changed and partner.pk not in to_update:
            summary.unchanged += 1
    with transaction.atomic():
        if to_create:
            bulk_create_with_history(to_create, PartnerInstitution, batch_size=batch_size)
        if to_update:
            bulk_update_with_history(list(to_update.values()), PartnerInstitution,
                                     ["country", "website", "domains", "version", "updated_at"],
                                     batch_size=batch_size)
    summary.created = len(to_create)
    summary.updated = len(to_update)
    return summary
