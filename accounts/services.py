"""Writes on portal accounts: the office creates them, changes their names, staff numbers,
roles and the faculties a coordinator serves, and activates or deactivates them.

Each write runs in one transaction on the account's locked row and leaves one entry in the
account's history (``User.history``: its fields and its set of groups) with a reason and the
person who acted, plus one entry per faculty assigned or removed
(``CoordinatorMembership.history``).  ``by`` is that person: simple-history's middleware
records a web request's user anyway; a command or a shell passes ``by`` (None: the system).

The rules hold whoever calls: nobody is made a superuser or staff here; the office does not
change a superuser's account, deactivate its own, nor take the office role from itself; a
faculty coordinator serves at least one faculty and nobody else serves any.  A change of role
or faculties counts from the person's next request (``intlportal.access`` reads them per
request).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from faculties.models import CoordinatorMembership, Faculty
from intlportal import access
from intlportal.history import record_m2m_history
from intlportal.versioning import FieldChange

logger = logging.getLogger(__name__)

ROLES = (access.OFFICE, access.LEADER, access.COORDINATOR)  # the form's order
ROLE_LABELS = access.ROLE_LABELS

# The account's fields the office edits (with its role and faculties: its editable state).
EDITABLE_FIELDS = ("last_name", "first_name", "username", "staff_no", "email")

# The reasons kept in the history (stored as written here; the account's page shows them
# translated, ``accounts.selectors.REASONS``).
CREATED = "created by the office"
CHANGED = "changed by the office"
ACTIVATED = "activated by the office"
DEACTIVATED = "deactivated by the office"
FACULTY_ASSIGNED = "faculty assigned by the office"
FACULTY_REMOVED = "faculty removed by the office"

_FINGERPRINT_SALT = "accounts.edit"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def display_name(user) -> str:
    """The person's name as the office writes it: a Chinese name family name first and
    unspaced (王伟), another given name first (Emily Carter); the user name if none."""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if _CJK.search(first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part) or user.username


def account_label(user) -> str:
    """The name and the user name: 王伟 (wangwei)."""
    name = display_name(user)
    return name if name == user.username else f"{name} ({user.username})"


class AccountRefused(Exception):
    """A change the office may not make; the message (translated) says why."""


@dataclass
class StaleAccount(Exception):
    """The account changed after the form was opened; ``changes`` lists what changed
    (opened value → saved value), ``current_fingerprint`` lets the form save over it on purpose."""

    current_fingerprint: str
    changed_by: object = None
    changed_at: object = None
    changes: list[FieldChange] = field(default_factory=list)


def refusal(by, account, *, deactivate: bool = False) -> str | None:
    """Why ``by`` may not change ``account`` (deactivate it, with ``deactivate``), or None."""
    if by is not None and not access.is_office(by):
        return _("Only the Foreign Affairs Office changes accounts.")
    if account.is_superuser:
        return _("“%(account)s” is a superuser account. The portal's administrators keep it in the "
                 "Django admin; the Foreign Affairs Office cannot change it.") % {"account": account}
    if deactivate and by is not None and account.pk == by.pk:
        return _("You cannot deactivate your own account. Another member of the Foreign Affairs "
                 "Office can, so that the office is never locked out of the portal.")
    return None


def _check(by, account, *, deactivate: bool = False) -> None:
    reason = refusal(by, account, deactivate=deactivate)
    if reason:
        raise AccountRefused(reason)


def check_role_faculties(role: str | None, faculties: Iterable) -> None:
    """A coordinator serves at least one faculty; nobody else (an account without a role
    neither: ``role`` None) serves any."""
    if role is not None and role not in ROLES:
        raise ValidationError({"role": _("Choose the office, a university leader or a faculty coordinator.")})
    faculties = list(faculties)
    if role == access.COORDINATOR and not faculties:
        raise ValidationError({"faculties": _("Choose the faculties this coordinator serves: a coordinator "
                                              "without a faculty sees no records.")})
    if role != access.COORDINATOR and faculties:
        raise ValidationError({"faculties": _("Only a faculty coordinator serves faculties. Clear the "
                                              "faculties, or choose the faculty coordinator role.")})


def role_names(account) -> list[str]:
    """The portal roles the account holds (groups named after them), in ``ROLES`` order."""
    held = set(account.groups.filter(name__in=ROLES).values_list("name", flat=True))
    return [role for role in ROLES if role in held]


def faculty_ids(account) -> list[int]:
    return sorted(CoordinatorMembership.objects.filter(user_id=account.pk).values_list("faculty_id", flat=True))


def account_state(account) -> dict:
    """The account's editable state: its fields, roles and faculties, as plain values."""
    state = {name: getattr(account, name) or "" for name in EDITABLE_FIELDS}
    state["roles"] = role_names(account)
    state["faculties"] = faculty_ids(account)
    return state


def fingerprint(account) -> str:
    """The account's editable state, signed, for an edit form to carry: saving refuses a form
    opened on another state (``StaleAccount``)."""
    return signing.dumps(account_state(account), salt=_FINGERPRINT_SALT, compress=True)


def _opened_state(token: str) -> dict | None:
    try:
        state = signing.loads(token or "", salt=_FINGERPRINT_SALT)
    except signing.BadSignature:
        return None
    return state if isinstance(state, dict) else None


def last_change(account) -> tuple[object, object]:
    """(who, when) of the account's latest change, to its fields or to its faculties."""
    entries = [
        account.history.order_by("-history_date", "-history_id").select_related("history_user").first(),
        CoordinatorMembership.history.filter(user_id=account.pk).order_by("-history_date", "-history_id")
        .select_related("history_user").first(),
    ]
    entries = [e for e in entries if e is not None]
    if not entries:
        return None, None
    newest = max(entries, key=lambda e: e.history_date)
    return newest.history_user, newest.history_date


def _state_changes(opened: dict, current: dict) -> list[FieldChange]:
    """What differs between the state a form was opened on and the saved one, labelled."""
    User = get_user_model()
    changes = []
    for name in EDITABLE_FIELDS:
        if opened.get(name, "") != current[name]:
            changes.append(FieldChange(name, str(User._meta.get_field(name).verbose_name),
                                       current[name], opened.get(name, "")))
    if opened.get("roles") != current["roles"]:
        changes.append(FieldChange("role", _("role"), ", ".join(str(ROLE_LABELS[r]) for r in current["roles"]),
                                   ", ".join(str(ROLE_LABELS.get(r, r)) for r in opened.get("roles") or [])))
    if opened.get("faculties") != current["faculties"]:
        names = Faculty.objects.in_bulk([*current["faculties"], *(opened.get("faculties") or [])])

        def show(ids):
            return ", ".join(str(names[i]) for i in ids if i in names)

        changes.append(FieldChange("faculties", _("faculties served"), show(current["faculties"]),
                                   show(opened.get("faculties") or [])))
    return changes


def _acting(obj, by, reason: str):
    obj._change_reason = reason
    if by is not None:
        obj._history_user = by
    return obj


def _set_role(account, role: str) -> bool:
    """Give the account ``role`` as its one portal role (other groups stay); True if it changed.
    The history entry of the save that follows keeps the new set (one entry, not one per group)."""
    held = list(account.groups.filter(name__in=ROLES))
    if [g.name for g in held] == [role]:
        return False
    group = Group.objects.get_or_create(name=role)[0]
    account.skip_history_when_saving = True
    try:
        account.groups.remove(*[g for g in held if g.name != role])
        account.groups.add(group)
    finally:
        del account.skip_history_when_saving
    return True


def _set_faculties(account, faculties: Iterable[Faculty], by) -> None:
    current = {m.faculty_id: m for m in CoordinatorMembership.objects.filter(user_id=account.pk)}
    wanted = {f.pk for f in faculties}
    for faculty_id in sorted(wanted - current.keys()):
        _acting(CoordinatorMembership(user=account, faculty_id=faculty_id), by, FACULTY_ASSIGNED).save()
    for faculty_id in sorted(current.keys() - wanted):
        _acting(current[faculty_id], by, FACULTY_REMOVED).delete()


def _clean(account) -> None:
    """The model's own checks (user name characters, lengths, unique user name and staff
    number), and a user name no other account holds in another case (campus sign-in finds an
    account by its user name whatever the case)."""
    account.full_clean(exclude=["password"])
    User = type(account)
    other = User.objects.filter(username__iexact=account.username).exclude(pk=account.pk).first()
    if other is not None:
        raise ValidationError({"username": _("The user name %(name)s is taken by the account “%(account)s”.")
                                           % {"name": account.username, "account": account_label(other)}})


def _duplicate() -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: _(
        "Another account with this user name or staff number was saved a moment ago, so this one was "
        "not saved. Your entries are kept below: check the list of accounts, then change them or cancel.")})


def create_account(*, by, role: str, last_name: str = "", first_name: str = "", username: str = "",
                   staff_no: str | None = None, email: str = "", faculties: Iterable[Faculty] = (),
                   send_password_email: bool = False, reason: str = CREATED):
    """An active account with one role (and, for a coordinator, the faculties served), without
    a usable password: the person signs in through the university's identity service, or sets
    a portal password through the link ``send_password_email`` e-mails them once the account
    is saved (``account.password_email_sent`` then says whether the mail went).

    The user name is the staff number when left blank.  Raises ``ValidationError`` (by field)
    and ``AccountRefused``."""
    User = get_user_model()
    if by is not None and not access.is_office(by):
        raise AccountRefused(_("Only the Foreign Affairs Office changes accounts."))
    faculties = list(faculties)
    check_role_faculties(role, faculties)
    staff_no = (staff_no or "").strip() or None
    account = User(last_name=last_name.strip(), first_name=first_name.strip(),
                   username=username.strip() or staff_no or "", staff_no=staff_no, email=email.strip(),
                   is_active=True, is_staff=False, is_superuser=False)
    account.set_unusable_password()
    if send_password_email and not account.email:
        raise ValidationError({"email": _("Enter the e-mail address the link to set a password goes to.")})
    _clean(account)
    try:
        with transaction.atomic():
            _acting(account, by, reason).save()
            _set_role(account, role)
            record_m2m_history(User, [account])  # the creation's entry holds the role it gave
            _set_faculties(account, faculties, by)
            if send_password_email:
                transaction.on_commit(lambda: _mail_password_link(account))
    except IntegrityError as race:
        raise _duplicate() from race
    return account


def update_account(*, user, by, expected_fingerprint: str, role: str | None = None,
                   faculties: Iterable[Faculty] | None = None, send_password_email: bool = False,
                   **fields):
    """Change an account's fields (any of ``EDITABLE_FIELDS`` given), its role and faculties
    (None: unchanged), in one history entry, if its editable state is still the one
    ``expected_fingerprint`` was taken of (``fingerprint``); else ``StaleAccount``.

    Raises ``ValidationError`` (by field), ``AccountRefused`` and ``StaleAccount``."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_account() cannot change {sorted(unknown)}")
    User = get_user_model()
    try:
        with transaction.atomic():
            account = User.objects.select_for_update().get(pk=user.pk)
            _check(by, account)
            current = account_state(account)
            opened = _opened_state(expected_fingerprint)
            if opened != current:
                who, when = last_change(account)
                raise StaleAccount(current_fingerprint=fingerprint(account), changed_by=who, changed_at=when,
                                   changes=_state_changes(opened, current) if opened is not None else [])
            faculties = (list(faculties) if faculties is not None
                         else list(Faculty.objects.filter(pk__in=current["faculties"])))
            # Without a new role, the roles held stay (all of them) and decide the faculties.
            held = [role] if role else current["roles"]
            check_role_faculties(access.COORDINATOR if access.COORDINATOR in held else (held or [None])[0],
                                 faculties)
            if (role and by is not None and account.pk == by.pk and access.OFFICE in current["roles"]
                    and role != access.OFFICE):
                raise ValidationError({"role": _(
                    "You cannot take the office role from your own account. Another member of the "
                    "Foreign Affairs Office can.")})
            if "staff_no" in fields:
                account.staff_no = (fields["staff_no"] or "").strip() or None
            for name in set(fields) - {"staff_no"}:
                setattr(account, name, (fields[name] or "").strip())
            if "username" in fields and not account.username:
                account.username = account.staff_no or ""  # blank: the staff number, as on creation
            if send_password_email and not account.email:
                raise ValidationError({"email": _("Enter the e-mail address the link to set a password goes to.")})
            _clean(account)
            changed = {name for name in EDITABLE_FIELDS if (getattr(account, name) or "") != current[name]}
            if role and _set_role(account, role):
                changed.add("role")
            if changed:
                _acting(account, by, CHANGED).save()
            _set_faculties(account, faculties, by)
            if send_password_email:
                transaction.on_commit(lambda: _mail_password_link(account))
    except IntegrityError as race:
        raise _duplicate() from race
    # The caller's object reads as saved (its roles and faculties are read again when asked).
    for name in EDITABLE_FIELDS:
        setattr(user, name, getattr(account, name))
    for cached in ("_intlportal_roles", "_intlportal_faculty_ids"):
        user.__dict__.pop(cached, None)
    return account


def set_active(*, user, by, active: bool) -> bool:
    """Activate or deactivate an account; False when it already was.  A deactivated person's
    sessions end at their next request: every backend's ``get_user`` refuses an inactive
    account, and so does the password sign-in; and the session epoch voids those sessions for
    good, so activating the account again does not revive them."""
    User = get_user_model()
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=user.pk)
        _check(by, account, deactivate=not active)
        if account.is_active == active:
            return False
        account.is_active = active
        fields = ["is_active"]
        if not active:
            # The sessions opened until now end for good, also if the account is activated again.
            account.session_epoch += 1
            fields.append("session_epoch")
        _acting(account, by, ACTIVATED if active else DEACTIVATED).save(update_fields=fields)
    user.is_active, user.session_epoch = active, account.session_epoch
    return True


def password_link(account) -> str:
    """The address where the account's holder sets a portal password (valid for
    ``PASSWORD_RESET_TIMEOUT``, once: setting a password spends it)."""
    path = reverse("accounts:password-reset-confirm", args=[
        urlsafe_base64_encode(force_bytes(account.pk)), default_token_generator.make_token(account)])
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _mail_password_link(account) -> None:
    """Once the account is saved: the e-mail, in Chinese and in English, with the link.  A mail
    server that is away must not undo the account: the failure is logged and left on
    ``account.password_email_sent`` for the page to say."""
    context = {"account": account, "name": display_name(account), "link": password_link(account),
               "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)}
    try:
        send_mail(" ".join(render_to_string("accounts/account_created_subject.txt", context).split()),
                  render_to_string("accounts/account_created_email.txt", context),
                  settings.DEFAULT_FROM_EMAIL, [account.email],
                  html_message=render_to_string("accounts/account_created_email.html", context))
    except Exception:
        logger.exception("the password e-mail of account %s could not be sent", account.pk)
        account.password_email_sent = False
    else:
        account.password_email_sent = True
