"""Who a campus sign-in is in the portal: the one rule the CAS and the LDAP backends follow.

The university's identity service says who the person is (a user name and attributes: the
staff number, the name, the e-mail).  The portal account is the one with that staff number,
else the one with that user name.  A person the portal does not know gets, by
``SIGN_IN_UNKNOWN_USERS``, an inactive account the office activates ("inactive", the default)
or nothing at all ("refuse"); nobody is given a role by signing in, and an inactive account is
refused by every backend.  The reason for a refusal is left on the request
(``request.campus_refusal``) for the page that explains it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# The backends, by the dotted path Django keeps in the session, and the method each one is.
LOCAL, CAS, LDAP = "local", "cas", "ldap"
BACKEND_METHODS = {
    "django.contrib.auth.backends.ModelBackend": LOCAL,
    "accounts.backends.CampusCASBackend": CAS,
    "accounts.backends.CampusLDAPBackend": LDAP,
}
SESSION_METHOD_KEY = "accounts_sign_in_method"

# Why a campus sign-in was refused (request.campus_refusal).
UNKNOWN = "unknown"  # nobody in the portal, and SIGN_IN_UNKNOWN_USERS is "refuse"
PENDING = "pending"  # an inactive account made at this or an earlier first sign-in
INACTIVE = "inactive"  # an account the office deactivated
CONFLICT = "conflict"  # the user name belongs to an account with another staff number
LOCKED = "locked"  # django-axes locked the name out after failed attempts
UNAVAILABLE = "unavailable"  # the identity service could not be asked (down, TLS refused, bad service account)

# The history's reasons for the saves a sign-in makes ({method}: CAS or LDAP); the accounts
# pages show them translated (accounts.selectors.REASONS).
FIRST_SIGN_IN = "first sign-in through {method}: awaits activation by the office"
UPDATED_AT_SIGN_IN = "updated from the directory at a {method} sign-in"

# Portal fields a directory attribute may fill.
FIELDS = ("staff_no", "name", "first_name", "last_name", "email")


def parse_attribute_map(text: str) -> dict[str, str]:
    """``"staff_no=employeeNumber,email=mail"`` → {"staff_no": "employeeNumber", ...}.
    Unknown portal fields are refused: a typo in the setting should not pass silently."""
    mapping = {}
    for pair in (text or "").split(","):
        if not pair.strip():
            continue
        field, _, attribute = pair.partition("=")
        field, attribute = field.strip(), attribute.strip()
        if field not in FIELDS or not attribute:
            raise ValueError(f"attribute map: {pair.strip()!r} is not field=attribute with field one of {FIELDS}")
        mapping[field] = attribute
    return mapping


def directory_values(attributes: Mapping, attribute_map: str) -> dict[str, str]:
    """The portal fields the directory's attributes fill, by the attribute map setting.
    A multi-valued attribute gives its first value; bytes are read as UTF-8."""
    values = {}
    lowered = {str(k).lower(): v for k, v in (attributes or {}).items()}
    for field, attribute in parse_attribute_map(attribute_map).items():
        value = lowered.get(attribute.lower())
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if value is not None and str(value).strip():
            values[field] = str(value).strip()
    if "name" in values and not ({"first_name", "last_name"} & values.keys()):
        # One full name (a Chinese name has no given/family split in most directories): it is
        # kept as the first name, which the portal shows before the last name.
        values["first_name"] = values["name"][: get_user_model()._meta.get_field("first_name").max_length]
    values.pop("name", None)
    return values


def refuse(request, reason: str) -> None:
    if request is not None:
        request.campus_refusal = reason


def campus_user(method: str, username: str, values: Mapping[str, str], request=None):
    """The portal account of a person the identity service vouched for, or None.

    The account returned may be inactive (the backend refuses it); its name and e-mail follow
    the directory's.  A new account is created inactive, without a usable password and without
    any role, when ``SIGN_IN_UNKNOWN_USERS`` is "inactive"."""
    User = get_user_model()
    username = username.strip()
    staff_no = values.get("staff_no") or None
    user = User.objects.filter(staff_no=staff_no).first() if staff_no else None
    if user is None:
        user = User.objects.filter(username__iexact=username).first()
        if user is not None and staff_no and user.staff_no and user.staff_no != staff_no:
            # The name is another person's account (a local account that happens to share it).
            logger.warning("%s sign-in: %s has staff number %s, the directory says %s",
                           method, username, user.staff_no, staff_no)
            refuse(request, CONFLICT)
            return None
    if user is None:
        if settings.SIGN_IN_UNKNOWN_USERS != "inactive":
            refuse(request, UNKNOWN)
            return None
        user = _create_pending(method, username, staff_no, values)
        if user is None:
            refuse(request, CONFLICT)
            return None
    else:
        _follow_directory(user, method, staff_no, values)
    if not user.is_active:
        refuse(request, PENDING if awaits_activation(user) else INACTIVE)
    return user


def awaits_activation(user) -> bool:
    """Inactive and never signed in: made at a first campus sign-in (or by the office) and not
    yet activated; an inactive account that has signed in was deactivated."""
    return not user.is_active and user.last_login is None


def _create_pending(method: str, username: str, staff_no: str | None, values: Mapping[str, str]):
    User = get_user_model()
    user = User(username=username[: User._meta.get_field("username").max_length], staff_no=staff_no,
                is_active=False, **{k: v for k, v in values.items() if k in ("first_name", "last_name", "email")})
    user.set_unusable_password()
    user._change_reason = FIRST_SIGN_IN.format(method=method.upper())
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two first sign-ins at once, or a staff number taken by a differently named account.
        return User.objects.filter(username__iexact=username).first()
    logger.info("%s sign-in: created inactive account %s (staff number %s)", method, username, staff_no)
    return user


def _follow_directory(user, method: str, staff_no: str | None, values: Mapping[str, str]) -> None:
    """Copy the directory's name and e-mail (and a staff number the account lacks) onto the
    account; saved, with a history entry, only when something changed."""
    changes = {k: v for k, v in values.items() if k in ("first_name", "last_name", "email") and getattr(user, k) != v}
    if staff_no and not user.staff_no:
        changes["staff_no"] = staff_no
    if not changes:
        return
    for field, value in changes.items():
        setattr(user, field, value)
    user._change_reason = UPDATED_AT_SIGN_IN.format(method=method.upper())
    try:
        with transaction.atomic():
            user.save(update_fields=list(changes))
    except IntegrityError:
        logger.warning("%s sign-in: could not copy %s onto %s", method, sorted(changes), user.username)
        user.refresh_from_db()


def record_sign_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: the time and the method of the sign-in, written without a save."""
    method = BACKEND_METHODS.get(getattr(user, "backend", ""), LOCAL)
    now = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=now, last_sign_in_method=method)
    user.last_login, user.last_sign_in_method = now, method
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_METHOD_KEY] = method
