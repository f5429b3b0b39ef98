"""Office-verified evidence: what counts in the assessment is the last state the office verified.

The record kinds that feed an indicator and that a coordinator may enter or change derive
from ``intlportal.models.VerifiedRecord``.  This module is the one place that moves their
verification fields, whichever way a record gets in (a form, an import, a workflow step):

* What the office enters — a user of the office, a superuser, or no user at all (a
  management command run by whoever administers the server) — is verified on entry
  (``mark_entry``, ``save_change``).
* What a coordinator creates is pending, with ``verified_at`` empty: it counts for nothing
  (``counted``) until the office verifies it.  A coordinator may change such a record
  directly; it stays pending.
* A coordinator's change to a record the office verified is *staged*: the row keeps its
  verified values (which go on counting), and ``staged`` holds the proposal, field by field
  (``serialise``), until the office verifies it (``verify`` applies it) or rejects it
  (``reject`` keeps it, with the office's comment, so that the coordinator sees what was
  refused and may propose again).  So lowering a denominator, or adding a record, helps nobody
  until the office agrees.

Every step bumps the record's version, so the optimistic lock of ``intlportal.versioning``
covers verification too: the office verifies what it saw (``expected_version``), never a
proposal changed after it opened the work queue.  Decisions are announced on commit by
``verification_decided`` (notifications connect to it); apps add their own checks to the
moment a proposal becomes the record (``register_check``: a mobility's funding).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Model, Q
from django.dispatch import Signal
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_countries.fields import Country

from intlportal import access
from intlportal.models import Verification, VerifiedRecord
from intlportal.versioning import InvalidVersion, StaleEdit, _changes_since, parse_expected_version, save_versioned
from intlportal.workflow import WorkflowError

#: Sent on commit when the office verified (``verified=True``) or rejected a record, with
#: ``record``, ``by`` (the office user, or None), ``verified``, ``comment`` and
#: ``submitted_by`` (who entered what was decided, or None).
verification_decided = Signal()

_checks: dict[type[Model], list[Callable[[Model], None]]] = {}

#: The columns ``intlportal.verification`` moves, for writers that name what they write (bulk updates).
STATE_FIELDS = ("verification", "verified_at", "verified_by", "staged", "staged_by", "staged_at",
                "review_comment")


class VerificationError(WorkflowError):
    """A verification or rejection that cannot be done; the message is translated and names
    the record.  A ``WorkflowError``: a workflow step that verifies reports it the same way."""


@dataclass(frozen=True)
class Change:
    """One field of a staged proposal, as the office reviews it: display strings."""

    field: str
    label: str
    old: str
    new: str


# --- which records -----------------------------------------------------------------------------


def verifiable(model_or_obj) -> bool:
    """Is this record kind (or this record's kind) verified by the office?"""
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return issubclass(model, VerifiedRecord)


def verifiable_models() -> list[type[Model]]:
    """Every verified record kind, by label."""
    from django.apps import apps

    return sorted((m for m in apps.get_models() if issubclass(m, VerifiedRecord)), key=lambda m: m._meta.label)


def counted(prefix: str = "") -> Q:
    """The records that count in the assessment: verified at least once (their row holds the
    last verified values).  ``prefix`` reaches them from another kind (``"mobilities__"``)."""
    return Q(**{f"{prefix}verified_at__isnull": False})


def enters_verified(user) -> bool:
    """What this user enters is verified on entry: the office (or a superuser), or no user
    (a management command)."""
    return user is None or access.is_office(user)


def needs_verification(obj: Model) -> bool:
    """Something on the record awaits the office: a never-verified record, or a pending proposal."""
    return obj.verified_at is None or obj.verification == Verification.PENDING


def settled(obj: Model) -> bool:
    """Verified, with nothing proposed since: there is nothing for the office to decide."""
    return obj.verification == Verification.VERIFIED and obj.verified_at is not None and not obj.staged


def register_check(model: type[Model], check: Callable[[Model], None]) -> None:
    """Run ``check(record)`` whenever the office verifies a record of ``model``, after the
    proposal was applied and inside the transaction; it raises ``ValidationError`` to refuse."""
    checks = _checks.setdefault(model, [])
    if check not in checks:
        checks.append(check)


# --- values as ``staged`` holds them --------------------------------------------------------------


def staged_fields(model: type[Model]) -> list[models.Field]:
    """The fields a proposal may change: the editable ones, less files (an upload is not staged)."""
    return [f for f in model._meta.concrete_fields
            if f.editable and not f.primary_key and not isinstance(f, models.FileField)]


def _plain(value: Any) -> Any:
    """A field's value, comparable: a country as its code."""
    return (value.code or "") if isinstance(value, Country) else value


def serialise(value: Any) -> Any:
    """A field's value as JSON holds it: a record as its pk, dates in ISO 8601, decimals as
    text, a country as its code (JSON values as they are).  Equal values serialise equally."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # one spelling per amount: 1.5, never 1.50
    if isinstance(value, uuid.UUID):
        return str(value)
    return _plain(value)


def serialise_many(records: Iterable) -> list:
    """The records (or pks) of a many-to-many field as ``staged`` holds them: sorted pks."""
    return sorted(item.pk if isinstance(item, Model) else item for item in records)


def deserialise(field: models.Field, value: Any) -> Any:
    """The Python value of ``field`` (its ``attname``) from what ``staged`` holds."""
    if value is None:
        return None
    if field.many_to_many:
        return list(value)
    if field.is_relation:
        return field.target_field.to_python(value)
    return field.to_python(value)


def _m2m_pks(obj: Model, name: str) -> list:
    """The record's set, as ``staged`` holds it (``all()``: an import has prefetched it)."""
    return serialise_many(getattr(obj, name).all()) if obj.pk else []


def differences(obj: Model, live: Model, many: dict[str, Iterable] | None = None) -> dict[str, Any]:
    """What ``obj`` (new values) changes on ``live`` (the row), serialised as ``staged`` holds
    it; ``many`` gives new values of many-to-many fields (records or pks)."""
    diff = {}
    for model_field in staged_fields(type(live)):
        new, old = _plain(getattr(obj, model_field.attname)), _plain(getattr(live, model_field.attname))
        if new != old:
            diff[model_field.name] = serialise(new)
    for name, wanted in (many or {}).items():
        pks = serialise_many(wanted)
        if pks != _m2m_pks(live, name):
            diff[name] = pks
    return diff


def _user(by):
    """The user to credit, or None (a command's stand-in user is not in the database)."""
    return by if getattr(by, "pk", None) else None


# --- entering and changing records --------------------------------------------------------------


def mark_entry(obj: Model, *, by) -> None:
    """Set a new record's verification before its first save: verified when the office (or a
    command) enters it, pending and counting nothing when a coordinator does."""
    if not verifiable(obj):
        return
    obj.staged, obj.staged_by, obj.staged_at, obj.review_comment = {}, None, None, ""
    if enters_verified(by):
        obj.verification, obj.verified_at, obj.verified_by = Verification.VERIFIED, timezone.now(), _user(by)
    else:
        obj.verification, obj.verified_at, obj.verified_by = Verification.PENDING, None, None


def proposal(live: Model, values: dict[str, Any], many: dict[str, Iterable] | None = None) -> dict[str, Any]:
    """``live``'s staged proposal with ``values`` (field → new value) and ``many`` (field → new
    records) added: what a coordinator's import row proposes on top of what already waits."""
    merged = dict(live.staged or {})
    merged.update({name: serialise(value) for name, value in values.items()})
    merged.update({name: serialise_many(records) for name, records in (many or {}).items()})
    return merged


def stage(live: Model, diff: dict[str, Any], *, by) -> bool:
    """Put a coordinator's proposal ``diff`` on the row ``live`` (not saved): pending when it
    changes anything, verified again when it is empty (the edit equals the verified values).
    True when something is staged."""
    live.staged = diff
    live.review_comment = ""
    if diff:
        live.verification, live.staged_by, live.staged_at = Verification.PENDING, _user(by), timezone.now()
    else:
        live.verification, live.staged_by, live.staged_at = Verification.VERIFIED, None, None
    return bool(diff)


def office_wrote(obj: Model, live: Model, *, by, many: dict[str, Iterable] | None = None) -> None:
    """Mark the values the office writes on ``obj`` as verified (not saved).  A proposal still
    waiting on the row (``live``) stays, less what the office's values already settle."""
    new = differences(obj, live, many) if live.staged else {}  # most rows have no proposal
    waiting = {}
    for name, value in (live.staged or {}).items():
        try:
            model_field = live._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        now = new.get(name, _m2m_pks(live, name) if model_field.many_to_many
                      else serialise(_plain(getattr(live, model_field.attname))))
        if now != value:
            waiting[name] = value
    obj.staged = waiting
    if waiting:
        obj.staged_by, obj.staged_at = live.staged_by, live.staged_at
        obj.verification = live.verification if live.verification != Verification.VERIFIED else Verification.PENDING
        obj.review_comment = live.review_comment
    else:
        obj.staged_by, obj.staged_at, obj.review_comment = None, None, ""
        obj.verification = Verification.VERIFIED
    obj.verified_at, obj.verified_by = timezone.now(), _user(by)


def save_change(obj: Model, *, by, expected_version, many: dict[str, Iterable] | None = None) -> Model:
    """Save an edit of an existing record: the one path every form and service takes.

    ``obj`` carries the new values (a form's ``save(commit=False)``); ``many`` the new values
    of its many-to-many fields, which are set here when the edit is saved.  The office's edit
    is saved and verified; a coordinator's edit of a never-verified record is saved and stays
    pending; a coordinator's edit of a verified record is staged — the row is saved with its
    values unchanged, only ``staged`` and its state move.  Returns the saved record with
    ``was_staged``.  Raises ``StaleEdit`` as ``save_versioned`` does.
    """
    model = type(obj)
    if not verifiable(model):
        save_versioned(obj, expected_version=expected_version)
        _set_many(obj, many)
        obj.was_staged = False
        return obj
    with transaction.atomic():
        live = model._default_manager.select_for_update().filter(pk=obj.pk).first()
        if live is None:
            raise model.DoesNotExist(f"{model._meta.label} {obj.pk} does not exist (any more)")
        if not enters_verified(by) and live.verified_at is not None:
            stage(live, differences(obj, live, many), by=by)
            live._change_reason = "change proposed"
            save_versioned(live, expected_version=expected_version)
            live.was_staged = bool(live.staged)
            return live
        if enters_verified(by):
            office_wrote(obj, live, by=by, many=many)
        else:
            obj.verification, obj.verified_at, obj.verified_by = Verification.PENDING, None, None
            obj.staged, obj.staged_by, obj.staged_at, obj.review_comment = {}, None, None, ""
        save_versioned(obj, expected_version=expected_version)
        _set_many(obj, many)
    obj.was_staged = False
    return obj


def _set_many(obj: Model, many: dict[str, Iterable] | None) -> None:
    for name, wanted in (many or {}).items():
        getattr(obj, name).set(list(wanted))


# --- showing a proposal -------------------------------------------------------------------------


def proposed(obj: Model) -> Model:
    """An unsaved copy of the record with its staged proposal applied (what the coordinator's
    edit form shows).  Many-to-many fields read the proposal too."""
    model = type(obj)
    copy = model(**{f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields})
    copy._state.adding, copy._state.db = False, obj._state.db
    for name, value in (getattr(obj, "staged", None) or {}).items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if model_field.many_to_many:
            # What ``copy.<name>.all()`` (and so a model form's initial) returns.
            cache = copy.__dict__.setdefault("_prefetched_objects_cache", {})
            cache[name] = model_field.related_model._default_manager.filter(pk__in=value)
        else:
            setattr(copy, model_field.attname, deserialise(model_field, value))
    return copy


def display(model_field: models.Field, value: Any) -> str:
    """A value of ``model_field`` (as ``staged`` holds it, or the row's) as a person reads it."""
    if model_field.many_to_many:
        pks = serialise_many(value.all() if hasattr(value, "all") else value)
        names = [str(o) for o in model_field.related_model._default_manager.filter(pk__in=pks)]
        return ", ".join(sorted(names)) or "—"
    value = deserialise(model_field, serialise(value)) if value is not None else None
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        target = model_field.related_model._default_manager.filter(pk=value).first()
        return str(target) if target is not None else str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if hasattr(model_field, "countries"):
        return str(model_field.countries.name(value) or value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return formats.number_format(value, decimal_pos=2)
    return str(value)


def changes(obj: Model) -> list[Change]:
    """The record's staged proposal, field by field: verified value → proposed value."""
    result = []
    for name, value in (getattr(obj, "staged", None) or {}).items():
        try:
            model_field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        old = getattr(obj, name).all() if model_field.many_to_many else getattr(obj, model_field.attname)
        result.append(Change(name, str(model_field.verbose_name), display(model_field, old),
                             display(model_field, value)))
    return result


# --- the office's decision ----------------------------------------------------------------------


def _locked(obj: Model, expected_version) -> Model:
    """The record's row, locked, at the version the office saw (``StaleEdit`` otherwise)."""
    model = type(obj)
    row = model._default_manager.select_for_update().filter(pk=obj.pk).first()
    if row is None:
        raise VerificationError(_("“%(record)s” was deleted meanwhile.") % {"record": obj})
    if expected_version is not None:
        try:
            expected = parse_expected_version(expected_version)
        except InvalidVersion:
            raise StaleEdit(current_version=row.version) from None
        if row.version != expected:
            who, what = _changes_since(row, expected)
            raise StaleEdit(current_version=row.version, changed_by=who, changes=what)
    return row


def _submitted_by(row: Model):
    """Who entered what the office decides on: the proposal's author, else the last editor."""
    if row.staged_by_id:
        return row.staged_by
    last = row.history.order_by("-history_date", "-history_id").first() if hasattr(row, "history") else None
    return getattr(last, "history_user", None)


def _announce(row: Model, *, by, verified: bool, comment: str, submitted_by) -> None:
    transaction.on_commit(lambda: verification_decided.send(
        sender=type(row), record=row, by=_user(by), verified=verified, comment=comment,
        submitted_by=submitted_by))


def verify(obj: Model, *, by, expected_version=None, comment: str = "") -> Model:
    """The office verifies the record: its proposal (if any) becomes the row's values, and the
    record counts from now on.  Returns the saved record.

    Raises ``VerificationError`` when there is nothing to verify, or when the proposal makes
    the record invalid or fails a registered check (funding); ``StaleEdit`` when the record
    is no longer at ``expected_version``; ``PermissionDenied`` unless ``by`` is the office (or a
    command), whichever path calls it.
    """
    access.require(enters_verified(by))
    with transaction.atomic():
        row = _locked(obj, expected_version)
        if settled(row):
            raise VerificationError(_("“%(record)s” is already verified: there is nothing to verify.")
                                    % {"record": row})
        submitted_by = _submitted_by(row)
        label = str(row)  # the record as it stands, before the proposal is applied
        many = {}
        for name, value in row.staged.items():
            try:
                model_field = row._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.many_to_many:
                many[name] = value
            else:
                setattr(row, model_field.attname, deserialise(model_field, value))
        try:
            row.full_clean()
            for check in _checks.get(type(row), ()):
                check(row)
        except ValidationError as invalid:
            problems = _problems(row, invalid)
            raise VerificationError(_("“%(record)s” cannot be verified: %(problem)s") % {
                "record": label, "problem": " ".join(problems)}) from invalid
        row.verification, row.verified_at, row.verified_by = Verification.VERIFIED, timezone.now(), _user(by)
        row.staged, row.staged_by, row.staged_at, row.review_comment = {}, None, None, ""
        row.version += 1
        row._change_reason = comment or "verified"
        row.save()  # not update(): receivers of post_save (staff standings) see the change
        _set_many(row, many)
        _announce(row, by=by, verified=True, comment=comment, submitted_by=submitted_by)
    return row


def reject(obj: Model, *, by, comment: str, expected_version=None) -> Model:
    """The office refuses what awaits it, saying why: the row keeps its verified values (a
    never-verified record goes on counting nothing), the proposal stays for the coordinator to
    see and correct.  Returns the saved record; ``PermissionDenied`` unless ``by`` is the office."""
    access.require(enters_verified(by))
    comment = (comment or "").strip()
    if not comment:
        raise VerificationError(_("Say what is wrong: a comment is required to reject “%(record)s”.")
                                % {"record": obj})
    with transaction.atomic():
        row = _locked(obj, expected_version)
        if row.verification == Verification.REJECTED:
            raise VerificationError(_("“%(record)s” was already rejected.") % {"record": row})
        if row.verification != Verification.PENDING:
            raise VerificationError(_("“%(record)s” awaits no verification: there is nothing to reject.")
                                    % {"record": row})
        submitted_by = _submitted_by(row)
        row.verification, row.review_comment = Verification.REJECTED, comment
        row.version += 1
        row._change_reason = comment
        row.save()
        _announce(row, by=by, verified=False, comment=comment, submitted_by=submitted_by)
    return row


def _problems(row: Model, invalid: ValidationError) -> list[str]:
    """Each message of ``invalid``, after the label of the field it is about."""
    if not hasattr(invalid, "error_dict"):
        return list(invalid.messages)
    problems = []
    for name, messages in invalid.message_dict.items():
        try:
            label = str(row._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = ""
        problems.extend(f"{label}: {message}" if label else message for message in messages)
    return problems
