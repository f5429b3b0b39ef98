"""Which data changes make the assessment stale, and for which years (wired in
``AssessmentConfig.ready``; an import's ``records_imported`` is connected by the assessment's
``dataexchange`` module, which the data exchange loads: the assessment imports no app above it).

A save or delete asks ``assessment.tasks.schedule_recompute`` for the years the record counts
in, before the change and after it: a year's value depends only on records of that year
(ASSESSMENT.md, "Which records count"), so the other years' runs stay right.  The values
before the save are those the record was read with (``Record.loaded_values``: no query).  A
save schedules nothing when nothing counted before or after it — a record the office never
verified counts for nothing — or when it changed only what the assessment does not read: a
coordinator's proposal on a verified record writes ``staged`` and its state, never the
verified values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from intlportal.verification import enters_verified, verifiable

Values = Mapping[str, Any]  # attname → value
Years = Iterable[int] | None  # None: any year

# Fields that say how a record was entered and verified, not what it is: a save changing only
# these changes nothing the assessment reads (as long as the record counts before and after).
BOOKKEEPING = frozenset({
    "version", "created_at", "updated_at", "verification", "verified_at", "verified_by_id", "staged",
    "staged_by_id", "staged_at", "review_comment",
})


def this_year() -> int:
    return timezone.localdate().year


def _year(value: date | int | None) -> int | None:
    return getattr(value, "year", value)


def from_year_on(first: date | int | None, last: date | int | None = None) -> Years:
    """The years from ``first`` to ``last`` (default: this year); any year when ``first`` is
    unknown (a staff member without a hire date counts as hired all along)."""
    first = _year(first)
    if first is None:
        return None
    return range(first, max(first, _year(last) or this_year()) + 1)


def _semester_year(semester: str) -> set[int]:
    """``2025-2026-1`` (autumn) falls in 2025, ``2025-2026-2`` (spring) in 2026."""
    try:
        start, end, term = (int(part) for part in (semester or "").split("-"))
    except ValueError:
        return set()
    return {start if term == 1 else end}


def _mobility(v: Values) -> Years:
    years = {_year(v["starts_on"])}
    if v["direction"] == "outbound" and v["person_kind"] == "teacher":
        # A long stay abroad makes a teacher count in every year from its end on.
        years.update(from_year_on(v["ends_on"]) or ())
    return years


def _program(v: Values) -> Years:
    """A program counts in the years from its approval (or first dated status) on."""
    ProgramStatusChange = apps.get_model("programs", "ProgramStatusChange")
    first = ProgramStatusChange.objects.filter(program_id=v["id"]).order_by("effective_on") \
        .values_list("effective_on", flat=True).first()
    known = [d for d in (first, v["approved_on"]) if d is not None]
    return from_year_on(min(known)) if known else None


# The years a record counts in, from its values, per record kind an indicator, a denominator or
# a parameter reads (assessment/rules.py).  A change in year Y also recomputes Y + 1, whose
# targets grow from Y's values (``tasks.schedule_recompute``).
TOUCHES: dict[str, Callable[[Values], Years]] = {
    "faculties.Faculty": lambda v: None,  # which faculties are assessed, in every year
    "faculties.FacultyYear": lambda v: {v["year"]},
    "faculties.SiteUpdate": lambda v: {_year(v["updated_on"])},
    "faculties.InternationalizationPlan": lambda v: range(v["first_year"], v["last_year"] + 1),
    "staff.StaffMember": lambda v: from_year_on(v["hired_on"], v["left_on"]),
    "staff.StaffStanding": lambda v: from_year_on(v["effective_on"]),
    "staff.TeachingAssignment": lambda v: _semester_year(v["semester"]),
    "staff.LanguageAssessment": lambda v: from_year_on(v["date"]),  # a pass counts from then on
    "staff.Publication": lambda v: {v["year"]},
    "exchanges.Agreement": lambda v: from_year_on(v["starts_on"], v["ends_on"]),
    "exchanges.Mobility": _mobility,
    "exchanges.Event": lambda v: {_year(v["date"])},
    "programs.CooperativeProgram": _program,
    "programs.ProgramStatusChange": lambda v: from_year_on(v["effective_on"]),
    "programs.ProgramTeacherTraining": lambda v: {v["year"]},
    "assessment.Indicator": lambda v: None,  # the parameters of every year
    "assessment.Target": lambda v: {v["year"]},
    "assessment.IncentivePool": lambda v: {v["year"]},
}
WATCHED = list(TOUCHES)

# Fields of a kind the rules no longer read: a faculty's website now counts from its dated
# update log (``faculties.SiteUpdate``), whatever the faculty row says.
NOT_READ = {"faculties.Faculty": {"foreign_site_url", "foreign_site_updated_on"}}

# A staff member's or a program's records (publications, assignments, trainings) count for
# their faculty in whatever year they are dated: moving it, or making it count at all, moves them.
EVERY_YEAR_WHEN_CHANGED = {"staff.StaffMember": {"faculty_id"}, "programs.CooperativeProgram": {"faculty_id"}}

DISPATCH_PREFIX = "assessment-recompute"


def _values(instance: Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
            if f.attname in instance.__dict__}


def _counts(model: type[Model], values: Values | None) -> bool:
    """Whether a record with these values counts at all: it exists, and the office verified
    it at least once when its kind is verified (or that was not loaded: it may have)."""
    if values is None:
        return False
    return not verifiable(model) or values.get("verified_at", True) is not None


def _union(*spans: Years) -> set[int] | None:
    years: set[int] = set()
    for span in spans:
        if span is None:
            return None
        years.update(y for y in span if y is not None)
    return years


def touched_years(instance: Model, *, before: Values | None, after: Values | None) -> set[int] | None:
    """The years whose assessment a change of ``instance`` from ``before`` to ``after`` may
    move (None: any year; a new record has no ``before``, a deleted one no ``after``)."""
    model = type(instance)
    label = model._meta.label
    counted_before, counted_after = _counts(model, before), _counts(model, after)
    if not counted_before and not counted_after:
        return set()
    if counted_before and counted_after:
        changed = {name for name, value in after.items() if name in before and before[name] != value}
        if not changed - BOOKKEEPING - NOT_READ.get(label, set()):
            return set()
        if changed & EVERY_YEAR_WHEN_CHANGED.get(label, set()):
            return None
    elif before is not None and label in EVERY_YEAR_WHEN_CHANGED:
        return None  # an existing record starts or stops counting, and its records with it
    spans = []
    try:
        if counted_before:
            spans.append(TOUCHES[label]({**(after or {}), **before}))
        if counted_after:
            spans.append(TOUCHES[label](after))
    except KeyError:  # a field the years depend on was never loaded (``only()``): any year
        return None
    return _union(*spans)


def _saved(sender, instance=None, created=False, raw=False, **kwargs):
    if raw:  # loading fixtures
        return
    from assessment.tasks import schedule_recompute

    loaded = getattr(instance, "loaded_values", lambda: None)()
    if not created and loaded is None:  # an update of a record built in memory: no "before"
        schedule_recompute(None)
        return
    before = None if created else loaded
    years = touched_years(instance, before=before, after=_values(instance))
    if years is None or years:
        schedule_recompute(years)


def _deleted(sender, instance=None, **kwargs):
    from assessment.tasks import schedule_recompute

    values = {**_values(instance), **(getattr(instance, "loaded_values", lambda: None)() or {})}
    years = touched_years(instance, before=values, after=None)
    if years is None or years:
        schedule_recompute(years)


def _agreement_faculties_changed(sender, instance=None, action="", reverse=False, **kwargs):
    """An agreement counts for the faculties it lists, in the years it is in force."""
    if not action.startswith("post_"):
        return
    from assessment.tasks import schedule_recompute

    if reverse:  # a faculty's agreements changed: whichever years they span
        schedule_recompute(None)
        return
    schedule_recompute(TOUCHES["exchanges.Agreement"](_values(instance)))


def records_imported_receiver(sender, years=None, user=None, **kwargs):
    """An import's years: a coordinator's rows of a verified kind count nothing until the
    office verifies them (then the verification's save schedules them); kinds whose records
    count from their date on are recomputed from the earliest year imported on."""
    from assessment.tasks import schedule_recompute

    if verifiable(sender) and not enters_verified(user):
        return
    label = sender._meta.label
    if years and label in CUMULATIVE_IMPORTS:
        years = set(from_year_on(min(years)))
    schedule_recompute(years)


# Kinds whose import reports one year per row (``Kind.year``) while the record counts over a
# span of years from it: a long stay abroad, a passed language test, a plan, a staff member.
CUMULATIVE_IMPORTS = {"exchanges.Mobility", "staff.LanguageAssessment", "faculties.InternationalizationPlan",
                      "staff.StaffMember", "programs.CooperativeProgram"}


def connect() -> None:
    for label in WATCHED:
        model = apps.get_model(label)
        uid = f"{DISPATCH_PREFIX}:{label}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}:delete")
    through = apps.get_model("exchanges.Agreement").faculties.through
    m2m_changed.connect(_agreement_faculties_changed, sender=through,
                        dispatch_uid=f"{DISPATCH_PREFIX}:agreement-faculties")
