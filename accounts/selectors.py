"""Reads for the office's accounts pages: the accounts with their roles and faculties, an
account's status, and its history merged from the account's own (fields, the set of groups)
and its coordinator memberships' (faculties assigned and removed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts import services, signin
from accounts.services import ROLE_LABELS, ROLES
from faculties.models import CoordinatorMembership, Faculty
from intlportal.history import m2m_fields

# An account's status: active; inactive and never signed in (made at a first campus sign-in,
# awaiting the office); inactive after signing in (the office deactivated it).
ACTIVE, PENDING, DEACTIVATED = "active", "pending", "deactivated"
STATUS_CHOICES = [
    (ACTIVE, pgettext_lazy("account status", "Active")),
    (PENDING, pgettext_lazy("account status", "Awaiting activation")),
    (DEACTIVATED, pgettext_lazy("account status", "Deactivated")),
]
# The same rule in SQL (signin.awaits_activation).
STATUS_FILTERS = {
    ACTIVE: Q(is_active=True),
    PENDING: Q(is_active=False, last_login__isnull=True),
    DEACTIVATED: Q(is_active=False, last_login__isnull=False),
}

# The reasons the history keeps, as the account's page shows them.
REASONS = {
    services.CREATED: gettext_lazy("Created by the office"),
    services.CHANGED: gettext_lazy("Changed by the office"),
    services.ACTIVATED: gettext_lazy("Activated by the office"),
    services.DEACTIVATED: gettext_lazy("Deactivated by the office"),
    services.FACULTY_ASSIGNED: gettext_lazy("Faculty assigned by the office"),
    services.FACULTY_REMOVED: gettext_lazy("Faculty removed by the office"),
    # accounts.signin's
    signin.FIRST_SIGN_IN.format(method="CAS"):
        gettext_lazy("First sign-in through the unified identity service (CAS): awaits activation by the office"),
    signin.FIRST_SIGN_IN.format(method="LDAP"):
        gettext_lazy("First sign-in through the directory (LDAP): awaits activation by the office"),
    signin.UPDATED_AT_SIGN_IN.format(method="CAS"):
        gettext_lazy("Updated from the directory at a sign-in through the unified identity service (CAS)"),
    signin.UPDATED_AT_SIGN_IN.format(method="LDAP"):
        gettext_lazy("Updated from the directory at a sign-in through the directory (LDAP)"),
}

HISTORY_PER_PAGE = 20

def account_status(user) -> str:
    if user.is_active:
        return ACTIVE
    return PENDING if signin.awaits_activation(user) else DEACTIVATED


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def accounts() -> QuerySet:
    """Every account with its portal roles (``role_groups``) and the faculties it serves
    (``served``, memberships with their faculty): three queries for a page of any length."""
    return get_user_model().objects.prefetch_related(
        Prefetch("groups", queryset=Group.objects.filter(name__in=ROLES).order_by("name"), to_attr="role_groups"),
        Prefetch("coordinator_memberships", to_attr="served",
                 queryset=CoordinatorMembership.objects.select_related("faculty").order_by("faculty__code")),
    )


def roles_of(user) -> list[str]:
    """The role names of an account from ``accounts()``, in the order of ``ROLES``."""
    held = {g.name for g in user.role_groups}
    return [role for role in ROLES if role in held]


# --- history -----------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""


@dataclass
class Entry:
    when: object
    who: object
    what: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)
    unchanged: bool = False  # a save that changed nothing shown (a password, a save by a script)
    # the sort key of entries at the same instant: a save, then the faculties it assigned
    order: tuple = ()

    @property
    def who_label(self) -> str:
        return services.account_label(self.who) if self.who is not None else ""


# Fields of an account's history entry worth showing (the rest: the sign-in times and the
# password are not kept at all; the id and the date joined never change).
SHOWN_FIELDS = ("last_name", "first_name", "username", "staff_no", "email", "is_active", "is_staff",
                "is_superuser", "language", "email_digest")


def _shown(user_model, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    model_field = user_model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _groups_label(ids, groups) -> str:
    names = sorted(role_label(groups[i].name) if i in groups else _("deleted group #%(id)s") % {"id": i}
                   for i in ids)
    return ", ".join(names) or "—"


def account_history(user, page_number=1) -> tuple[list[Entry], object]:
    """The account's history, newest first, one page of ``HISTORY_PER_PAGE``: each entry with
    who, when, why and what changed (fields, roles, faculties).  Returns the entries and the
    page (for its links).  Eight queries, however long the history."""
    User = get_user_model()
    own = user.history.select_related("history_user").order_by("-history_date", "-history_id")
    faculty_rows = (CoordinatorMembership.history.filter(user_id=user.pk).select_related("history_user")
                    .order_by("-history_date", "-history_id"))
    total = own.count() + faculty_rows.count()
    page = Paginator(range(total), HISTORY_PER_PAGE).get_page(page_number)
    newest = page.number * HISTORY_PER_PAGE
    # Each source's first ``newest`` entries hold the page's; one more of the account's own
    # tells what its oldest shown entry changed.
    rows = list(own[:newest + 1])
    memberships = list(faculty_rows[:newest])

    groups_field = m2m_fields(User)[0]
    group_history = getattr(User.history.model, groups_field.name).model
    sets: dict[int, set] = {row.history_id: set() for row in rows}
    for history_id, group_id in group_history.objects.filter(history_id__in=list(sets)).values_list(
            "history_id", "group_id"):
        sets[history_id].add(group_id)
    groups = Group.objects.in_bulk(set().union(*sets.values()))
    faculties = Faculty.objects.in_bulk({row.faculty_id for row in memberships})

    entries = []
    for index, row in enumerate(rows[:newest]):
        older = rows[index + 1] if index + 1 < len(rows) else None
        entry = Entry(row.history_date, row.history_user, "", _reason(row.history_change_reason),
                      order=(row.history_date, 0, row.history_id))
        if row.history_type == "+" or older is None:
            entry.what = _("Account created") if row.history_type == "+" else _("Changed")
            for name in SHOWN_FIELDS:
                value = getattr(row, name)
                if value not in (None, "", False) or name == "is_active":
                    entry.changes.append(Change(_label(User, name), "", _shown(User, name, value)))
            if sets[row.history_id]:
                entry.changes.append(Change(_("role"), "", _groups_label(sets[row.history_id], groups)))
        elif row.history_type == "-":
            entry.what = _("Account deleted")
        else:
            entry.what = _("Changed")
            for name in SHOWN_FIELDS:
                old, new = getattr(older, name), getattr(row, name)
                if old != new:
                    entry.changes.append(Change(_label(User, name), _shown(User, name, old), _shown(User, name, new)))
            if sets[row.history_id] != sets[older.history_id]:
                entry.changes.append(Change(_("role"), _groups_label(sets[older.history_id], groups),
                                            _groups_label(sets[row.history_id], groups)))
            entry.unchanged = not entry.changes
        entries.append(entry)
    for row in memberships:
        faculty = faculties.get(row.faculty_id)
        name = str(faculty) if faculty else _("deleted faculty #%(id)s") % {"id": row.faculty_id}
        assigned = row.history_type == "+"
        entries.append(Entry(
            row.history_date, row.history_user,
            _("Faculty assigned: %(faculty)s") % {"faculty": name} if assigned
            else _("Faculty removed: %(faculty)s") % {"faculty": name},
            _reason(row.history_change_reason), order=(row.history_date, 1, row.history_id)))
    entries.sort(key=lambda e: e.order, reverse=True)
    return entries[(page.number - 1) * HISTORY_PER_PAGE:newest], page


def _label(user_model, name: str) -> str:
    return str(user_model._meta.get_field(name).verbose_name)


def _reason(text: str | None) -> str:
    if not text:
        return ""
    return str(REASONS.get(text, text))
