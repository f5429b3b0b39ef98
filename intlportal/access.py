"""Who may see and change what: the one place that decides.

Views, forms, exports, the API and templates all call these predicates and scopes; none of
them re-implements a rule.

* ``office`` sees and changes everything, and alone sees personal data.
* ``leader`` reads everything except personal data, and changes nothing.
* ``coordinator`` sees and changes the records of the faculties they serve (a membership
  relation), while those records are not locked by their workflow.  Another faculty's record
  is invisible: looking it up answers 404.

A record kind says how it reaches its faculty with ``ACCESS_FACULTY`` (a lookup path such as
``"faculty"`` or ``"staff_member__faculty"``, or ``None`` for shared kinds such as partner
institutions, which every signed-in role may read and only the office may change).  A kind that
is personal data as a whole (a passport) says ``OFFICE_ONLY = True``: nobody else sees, creates
or changes one, whatever path a view, an export or the API takes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from intlportal.models import User

# The faculty kind, named by its label like AUTH_USER_MODEL: the base package imports no app
# above it (tests/intlportal/test_layers.py).
FACULTY_MODEL = "faculties.Faculty"

OFFICE = "office"
COORDINATOR = "coordinator"
LEADER = "leader"
ROLES = (OFFICE, COORDINATOR, LEADER)
# How the pages name the roles (the account menu, the office's accounts pages).
ROLE_LABELS = {
    OFFICE: gettext_lazy("Office staff"),
    LEADER: gettext_lazy("University leader"),
    COORDINATOR: gettext_lazy("Faculty coordinator"),
}


def roles(user: User | AnonymousUser) -> frozenset[str]:
    """The role names a user holds, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_intlportal_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | {OFFICE}
        user._intlportal_roles = cached
    return cached


def is_office(user) -> bool:
    return OFFICE in roles(user)


def is_leader(user) -> bool:
    return LEADER in roles(user)


def is_coordinator(user) -> bool:
    return COORDINATOR in roles(user)


def sees_everything(user) -> bool:
    """Office and leaders read every faculty's records."""
    return is_office(user) or is_leader(user)


def can_see_personal_data(user) -> bool:
    """Salary, passport and work-permit data: the office only."""
    return is_office(user)


def faculty_ids(user) -> frozenset[int]:
    """Faculties the user serves as coordinator (cached for the request)."""
    if not is_coordinator(user):
        return frozenset()
    cached = getattr(user, "_intlportal_faculty_ids", None)
    if cached is None:
        # The memberships (faculties.CoordinatorMembership) through the user's reverse relation:
        # the base package imports no app above it.
        cached = frozenset(user.coordinator_memberships.values_list("faculty_id", flat=True))
        user._intlportal_faculty_ids = cached
    return cached


def _faculty_path(model: type[Model]) -> str | None:
    return getattr(model, "ACCESS_FACULTY", "faculty")


def _office_only(model) -> bool:
    return getattr(model, "OFFICE_ONLY", False)


def scope_for(user, qs: QuerySet) -> QuerySet:
    """Restrict a queryset to the records the user may see."""
    if _office_only(qs.model):
        return qs if is_office(user) else qs.none()
    if sees_everything(user):
        return qs
    if not user.is_authenticated or not roles(user):
        return qs.none()
    path = _faculty_path(qs.model)
    if path is None:
        return qs
    ids = faculty_ids(user)
    if not ids:
        return qs.none()
    if path == "self":
        return qs.filter(pk__in=ids)
    if getattr(qs.model, "ACCESS_FACULTY_MULTI", False):
        # Records that list several faculties (agreements): one row per record.
        return qs.filter(pk__in=qs.model.objects.filter(**{f"{path}__in": ids}).values("pk"))
    return qs.filter(**{f"{path}__in": ids})


def record_faculty_ids(obj: Model) -> set[int]:
    """The faculty ids a record belongs to (empty for shared and university-wide records)."""
    path = _faculty_path(type(obj))
    if path is None:
        return set()
    if path == "self":
        return {obj.pk}
    if getattr(type(obj), "ACCESS_FACULTY_MULTI", False):
        if obj.pk is None:
            return set()
        return set(getattr(obj, path).values_list("pk", flat=True))
    target: Any = obj
    for part in path.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return set()
    return {target.pk}


def can_view(user, obj: Model) -> bool:
    if _office_only(type(obj)):
        return is_office(user)
    if sees_everything(user):
        return True
    if not is_coordinator(user):
        return False
    if _faculty_path(type(obj)) is None:
        return True
    return bool(record_faculty_ids(obj) & faculty_ids(user))


def can_create(user, model: type[Model]) -> bool:
    """May the user create a record of this kind (for some faculty)?"""
    if is_office(user):
        return True
    if not is_coordinator(user) or _office_only(model):
        return False
    return _faculty_path(model) is not None and getattr(model, "COORDINATOR_CREATES", True)


def can_edit(user, obj: Model) -> bool:
    if getattr(obj, "read_only", lambda: False)():
        return False
    if is_office(user):
        return True
    if not is_coordinator(user) or _faculty_path(type(obj)) is None or _office_only(type(obj)):
        return False
    if not getattr(type(obj), "COORDINATOR_CREATES", True):
        return False
    if getattr(obj, "locked_for_coordinator", lambda: False)():
        return False
    ids = record_faculty_ids(obj)
    # A coordinator may change a record only when every faculty it lists is theirs.
    return bool(ids) and ids <= faculty_ids(user)


def can_delete(user, obj: Model) -> bool:
    """Who may change a record may delete it, except that a coordinator may not delete a
    record the office verified (``intlportal.verification``): it counts in the assessment,
    and removing it is the office's decision.  Their own unverified entries they may."""
    from intlportal.models import VerifiedRecord  # here: this module loads before the models

    if not is_office(user) and isinstance(obj, VerifiedRecord) and obj.verified_at is not None:
        return False
    return can_edit(user, obj)


def can_review(user) -> bool:
    """Approving and returning submissions is the office's work."""
    return is_office(user)


def acts_for_faculty(user, obj: Model) -> bool:
    """The office, or a coordinator of a faculty the record belongs to, whatever its workflow
    state: who submits a faculty's plan or files the report of its mobility."""
    if is_office(user):
        return True
    return is_coordinator(user) and bool(record_faculty_ids(obj) & faculty_ids(user))


def can_move_program(user) -> bool:
    """A cooperative program's lifecycle (declare, approve, enrol, suspend, close) is the
    office's: it deals with the Ministry for the university."""
    return is_office(user)


def require(allowed: bool) -> None:
    """Refuse what the user may not do: ``PermissionDenied`` (403), for services called with
    a user, e.g. ``access.require(access.can_move_program(by))``."""
    if not allowed:
        raise PermissionDenied


def allowed_faculties(user):
    """The faculties the user may assign a new or changed record to."""
    qs = apps.get_model(FACULTY_MODEL).objects.all()
    if is_office(user):
        return qs
    if is_coordinator(user):
        return qs.filter(pk__in=faculty_ids(user))
    return qs.none()


def get_visible_or_404(user, qs: QuerySet, **lookup) -> Model:
    """Fetch one record the user may see; anything else, however it exists, is a 404."""
    try:
        return scope_for(user, qs).get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404 from exc
