"""What each indicator counts, written once as queryset filters (shared/ASSESSMENT.md).

A ``CountRule`` says which records an indicator counts for a faculty in a year: the record
kind, the path to the record's faculty (the record's own faculty, or the staff member's for
staff-linked records), the filter every counted record passes (``base``), the filter that
ties it to year Y (``in_year``), and what is counted (``distinct``: a partner, a staff member,
a person id, a (staff member, semester) pair, or the record itself).

Which records count (ASSESSMENT.md, "Which records count: verified, as they were in Y"):

* only verified data: every rule over a kind the office verifies passes
  ``intlportal.verification.counted()`` — for the record itself, for the records a subquery
  reads (a teacher's long stay abroad, a passed language assessment) and for the staff member
  a staff-linked record is attributed through.  A verified record with a change awaiting
  verification still holds its last verified values in its own fields, so it counts with
  those; a record never verified counts for nothing.
* a year's value depends only on what was true in that year: an agreement is *in force*
  in Y from its status and termination date, a cooperative program is *running* in Y from
  its dated status history, a website is *updated* in Y from its dated update log, and a
  staff member's category and overseas degree are those of their standing on 31 Dec Y.
  Nothing a rule reads is "the state now", so a later change never moves an earlier year.

The same rule serves two readers, so they cannot disagree:

* the run (``load_counts``) counts all faculties of two years at once in one grouped
  aggregate query per rule, with one conditional ``COUNT(DISTINCT …)`` per year;
* the "records behind this value" page (``counted_groups``) lists, for one faculty and
  year, the very records that pass the same filters, grouped by what is counted, so the
  number of groups equals the value's numerator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.db.models.lookups import Exact, In
from django.urls import NoReverseMatch
from django.utils.formats import number_format
from django.utils.translation import ngettext_lazy, npgettext_lazy

from exchanges.models import TEACHER_ABROAD_ACTIVITIES
from intlportal.indicators import IndicatorCode as C
from intlportal.verification import counted
from programs.models import CooperativeProgram
from staff.models import FOREIGN_CATEGORIES, StaffMember, active_in, semesters_of_year

LONG_STAY_DAYS = 90


def year_start(year: int) -> date:
    return date(year, 1, 1)


def year_end(year: int) -> date:
    return date(year, 12, 31)


def dated_in(field: str, year: int) -> Q:
    return Q(**{f"{field}__gte": year_start(year), f"{field}__lte": year_end(year)})


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


# --- the rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRule:
    """How one indicator's numerator is counted. See the module docstring."""

    code: str
    model_label: str
    faculty_path: str
    base: Callable[[], Q]
    in_year: Callable[[int], Q]
    # What is counted: a field path (counted distinct) or a callable building an expression.
    distinct: str | Callable[[], Any] = "pk"
    # For the records page: what a counted item is (the record itself, or an object it
    # points to) and which related rows to fetch with it.
    group_path: str | None = None
    select_related: tuple[str, ...] = ()
    group_key: Callable[[Any], Any] | None = None
    # What one counted item is, singular and plural by the number ``n``; ``%(shown)s`` is the
    # number as shown (grouped): ``rule.counted(n)``.
    counted_label: Any = ngettext_lazy("%(shown)s record", "%(shown)s records", "n")

    def counted(self, n) -> str:
        """``n`` counted items in words: "1 staff member", "2 staff members", "3 名教职工"."""
        number = int(n or 0)
        return str(self.counted_label % {"n": number, "shown": number_format(number, force_grouping=True)})

    @property
    def model(self) -> type[models.Model]:
        return _model(self.model_label)

    def distinct_expression(self):
        return self.distinct() if callable(self.distinct) else self.distinct

    def records(self, *, faculty_id: int, year: int) -> models.QuerySet:
        """The records this rule counts for one faculty in year Y."""
        records = self.model.objects.filter(self.base(), self.in_year(year), **{self.faculty_path: faculty_id})
        return records.select_related(*self.select_related) if self.select_related else records

    def key_of(self, record) -> Any:
        if self.group_key is not None:
            return self.group_key(record)
        if self.group_path is None:
            return record.pk
        return getattr(record, f"{self.group_path}_id")

    def group_object(self, record):
        return record if self.group_path is None else getattr(record, self.group_path)


# --- what was true in year Y ------------------------------------------------------------------


def agreement_in_force(year: int, prefix: str = "") -> Q:
    """An agreement *in force in Y*: active, or terminated on or after 1 Jan Y (a terminated
    agreement without a termination date is in force in no year); drafts never are.
    ``prefix`` reaches the agreement from another record (``"agreement__"``)."""
    return Q(**{f"{prefix}status": "active"}) | Q(
        **{f"{prefix}status": "terminated", f"{prefix}terminated_on__gte": year_start(year)})


def agreement_overlaps(year: int, prefix: str = "") -> Q:
    """An agreement whose [starts on, ends on] overlaps Y."""
    return Q(**{f"{prefix}starts_on__lte": year_end(year)}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": year_start(year)}))


def program_running(year: int) -> Q:
    """A cooperative program *running in Y*: its dated status history shows an active status
    (approved or enrolling) at some time in Y — an entry with an active status dated on or
    before 31 Dec Y that no later entry replaced before 1 Jan Y.

    A program without any history (entered before the history was kept, or loaded by a tool
    that writes none) falls back to its current status: active, and approved by the end of Y
    when its approval date is known.  For ``CooperativeProgram`` rows: one ``EXISTS`` per year,
    never a loop over programs.
    """
    ProgramStatusChange = _model("programs.ProgramStatusChange")
    replaced_before_year = ProgramStatusChange.objects.filter(
        Q(effective_on__gt=OuterRef("effective_on"))
        | Q(effective_on=OuterRef("effective_on"), pk__gt=OuterRef("pk")),
        program=OuterRef("program"), effective_on__lt=year_start(year),
    )
    active_in_year = ProgramStatusChange.objects.filter(
        program=OuterRef("pk"), status__in=CooperativeProgram.ACTIVE_STATUSES, effective_on__lte=year_end(year),
    ).filter(~Exists(replaced_before_year))
    has_history = Exists(ProgramStatusChange.objects.filter(program=OuterRef("pk")))
    current_status = Q(status__in=CooperativeProgram.ACTIVE_STATUSES) & (
        Q(approved_on__isnull=True) | Q(approved_on__lte=year_end(year)))
    return Q(Exists(active_in_year)) | (~Q(has_history) & current_status)


def _standing(year: int, field: str, prefix: str) -> Coalesce:
    """A staff member's ``field`` (category, overseas degree) on 31 Dec Y: their latest
    standing effective on or before that day, else the staff record's own value (a staff
    member with no standing that early)."""
    StaffStanding = _model("staff.StaffStanding")
    latest = (StaffStanding.objects.filter(staff_member=OuterRef(f"{prefix}pk"), effective_on__lte=year_end(year))
              .order_by("-effective_on", "-pk").values(field)[:1])
    output = StaffMember._meta.get_field(field)
    return Coalesce(Subquery(latest, output_field=output), F(f"{prefix}{field}"), output_field=output)


def category_as_of(year: int, categories: tuple[str, ...], prefix: str = "") -> Q:
    """The staff member's category on 31 Dec Y is one of ``categories``; ``prefix`` reaches
    the staff member from another record (``"staff_member__"``)."""
    return Q(In(_standing(year, "category", prefix), list(categories)))


def overseas_degree_as_of(year: int, prefix: str = "") -> Q:
    """The staff member held an overseas degree on 31 Dec Y."""
    return Q(Exact(_standing(year, "has_overseas_degree", prefix), Value(True, output_field=BooleanField())))


def _long_outbound_stay(year: int) -> Exists:
    """A counted, completed outbound mobility of the staff member lasting at least 90 days
    (end − start + 1) that ended on or before 31 Dec Y."""
    Mobility = _model("exchanges.Mobility")
    span = ExpressionWrapper(F("ends_on") - F("starts_on"), output_field=DurationField())
    return Exists(
        Mobility.objects.annotate(span=span).filter(
            counted(), staff_member=OuterRef("pk"), direction="outbound", status="completed",
            ends_on__lte=year_end(year), span__gte=timedelta(days=LONG_STAY_DAYS - 1),
        )
    )


def _passed_language_assessment(year: int) -> Exists:
    """A counted, passed language assessment of the staff member dated on or before 31 Dec Y."""
    LanguageAssessment = _model("staff.LanguageAssessment")
    return Exists(
        LanguageAssessment.objects.filter(counted(), staff_member=OuterRef("pk"), result="pass",
                                          date__lte=year_end(year))
    )


def _staff_semester_pair():
    return Concat(Cast("staff_member_id", CharField()), Value("/"), "semester", output_field=CharField())


DOMESTIC = (StaffMember.Category.DOMESTIC,)

RULES: dict[str, CountRule] = {
    rule.code: rule
    for rule in [
        CountRule(
            code=C.PLAN_APPROVED, model_label="faculties.InternationalizationPlan", faculty_path="faculty_id",
            base=lambda: Q(status="approved"),
            in_year=lambda y: Q(first_year__lte=y, last_year__gte=y),
            counted_label=ngettext_lazy(
                "%(shown)s approved plan covering the year", "%(shown)s approved plans covering the year", "n",
            ),
        ),
        CountRule(
            # One row per (agreement, faculty) it lists: university-wide agreements list no
            # faculty, so they count for none.  In force in Y, from the status and the
            # termination date, not from the status alone: terminating an agreement leaves
            # the years it was in force as they were.
            code=C.PARTNERS, model_label="exchanges.Agreement_faculties", faculty_path="faculty_id",
            base=lambda: Q(),
            in_year=lambda y: agreement_in_force(y, "agreement__") & agreement_overlaps(y, "agreement__"),
            distinct="agreement__partner_id",
            select_related=("agreement__partner",),
            group_key=lambda row: row.agreement.partner_id,
            counted_label=npgettext_lazy(
                "count", "%(shown)s partner institution", "%(shown)s partner institutions", "n",
            ),
        ),
        CountRule(
            # Teacher mobilities without a linked staff member cannot be counted: the rulebook
            # counts distinct staff members, and a free-text person id is not one.
            code=C.TEACHERS_ABROAD, model_label="exchanges.Mobility", faculty_path="faculty_id",
            base=lambda: counted() & Q(direction="outbound", person_kind="teacher", status="completed",
                                       activity__in=TEACHER_ABROAD_ACTIVITIES, staff_member__isnull=False),
            in_year=lambda y: dated_in("starts_on", y),
            distinct="staff_member_id", group_path="staff_member", select_related=("staff_member",),
            counted_label=npgettext_lazy("count", "%(shown)s staff member", "%(shown)s staff members", "n"),
        ),
        CountRule(
            # Category and overseas degree as of 31 Dec Y; the long stay is a counted mobility.
            code=C.TEACHER_OVERSEAS_SHARE, model_label="staff.StaffMember", faculty_path="faculty_id",
            base=counted,
            in_year=lambda y: active_in(y) & category_as_of(y, DOMESTIC)
            & (overseas_degree_as_of(y) | Q(_long_outbound_stay(y))),
            counted_label=ngettext_lazy(
                "%(shown)s domestic teacher with overseas experience",
                "%(shown)s domestic teachers with overseas experience", "n",
            ),
        ),
        CountRule(
            code=C.STUDENT_OVERSEAS_SHARE, model_label="exchanges.Mobility", faculty_path="faculty_id",
            base=lambda: counted() & Q(direction="outbound", person_kind="student", status="completed"),
            in_year=lambda y: dated_in("starts_on", y),
            distinct="person_id", group_key=lambda m: m.person_id,
            counted_label=ngettext_lazy(
                "%(shown)s student (distinct person ids)", "%(shown)s students (distinct person ids)", "n",
            ),
        ),
        CountRule(
            # The staff member gives the faculty and the category (as of 31 Dec Y): a staff
            # record never verified lends neither.
            code=C.FOREIGN_TEACHER_SEMESTERS, model_label="staff.TeachingAssignment",
            faculty_path="staff_member__faculty_id",
            base=lambda: counted() & counted("staff_member__"),
            in_year=lambda y: Q(semester__in=semesters_of_year(y))
            & category_as_of(y, FOREIGN_CATEGORIES, "staff_member__"),
            distinct=_staff_semester_pair, select_related=("staff_member",),
            group_key=lambda a: (a.staff_member_id, a.semester),
            counted_label=ngettext_lazy(
                "%(shown)s (foreign teacher, semester) pair", "%(shown)s (foreign teacher, semester) pairs", "n",
            ),
        ),
        CountRule(
            code=C.OVERSEAS_SCHOLAR_LECTURES, model_label="exchanges.Event", faculty_path="faculty_id",
            base=lambda: counted() & Q(kind="overseas_scholar_lecture"),
            in_year=lambda y: dated_in("date", y),
            counted_label=ngettext_lazy("%(shown)s lecture", "%(shown)s lectures", "n"),
        ),
        CountRule(
            code=C.CONFERENCES_HOSTED, model_label="exchanges.Event", faculty_path="faculty_id",
            base=lambda: counted() & Q(kind__in=("conference_hosted", "seminar_coorganized", "summer_school_hosted")),
            in_year=lambda y: dated_in("date", y),
            counted_label=npgettext_lazy("count", "%(shown)s event", "%(shown)s events", "n"),
        ),
        CountRule(
            code=C.INTL_PUBLICATIONS_PER_TEACHER, model_label="staff.Publication",
            faculty_path="staff_member__faculty_id",
            base=lambda: counted() & counted("staff_member__") & Q(is_international=True),
            in_year=lambda y: Q(year=y),
            select_related=("staff_member",),
            counted_label=ngettext_lazy(
                "%(shown)s international publication", "%(shown)s international publications", "n",
            ),
        ),
        CountRule(
            # Running in Y, from the program's dated status history: approving, suspending
            # or closing it later leaves the years before as they were.
            code=C.COOPERATIVE_PROGRAMS, model_label="programs.CooperativeProgram", faculty_path="faculty_id",
            base=lambda: Q(),
            in_year=program_running,
            counted_label=ngettext_lazy(
                "%(shown)s program running in the year", "%(shown)s programs running in the year", "n",
            ),
        ),
        CountRule(
            code=C.PROGRAM_TEACHER_TRAINING, model_label="programs.ProgramTeacherTraining",
            faculty_path="program__faculty_id",
            base=counted,
            in_year=lambda y: Q(year=y),
            select_related=("program",),
            counted_label=ngettext_lazy("%(shown)s training", "%(shown)s trainings", "n"),
        ),
        CountRule(
            code=C.TEACHER_LANGUAGE_PASS_SHARE, model_label="staff.StaffMember", faculty_path="faculty_id",
            base=counted,
            in_year=lambda y: active_in(y) & category_as_of(y, DOMESTIC) & Q(_passed_language_assessment(y)),
            counted_label=ngettext_lazy(
                "%(shown)s domestic teacher who passed", "%(shown)s domestic teachers who passed", "n",
            ),
        ),
        CountRule(
            # The faculty's dated log of website updates: a year counts when the site was
            # updated in it, whatever was recorded later.
            code=C.FOREIGN_SITE_UPDATED, model_label="faculties.SiteUpdate", faculty_path="faculty_id",
            base=counted,
            in_year=lambda y: dated_in("updated_on", y),
            select_related=("faculty",),
            counted_label=ngettext_lazy(
                "%(shown)s website update in the year", "%(shown)s website updates in the year", "n",
            ),
        ),
    ]
}

# Denominators: which headcount of FacultyYear a rate or ratio divides by.
DENOMINATORS = {
    C.TEACHER_OVERSEAS_SHARE: "teachers",
    C.STUDENT_OVERSEAS_SHARE: "students",
    C.INTL_PUBLICATIONS_PER_TEACHER: "teachers",
    C.TEACHER_LANGUAGE_PASS_SHARE: "teachers",
}


def load_counts(rule: CountRule, *, faculty_ids: Iterable[int], years: Iterable[int]) -> dict[tuple[int, int], int]:
    """{(year, faculty id): numerator} for every faculty and year, in one grouped query."""
    years = list(years)
    faculty_ids = list(faculty_ids)
    in_any_year = Q()
    for year in years:
        in_any_year |= rule.in_year(year)
    expression = rule.distinct_expression()
    counts = {f"n{year}": Count(expression, filter=rule.in_year(year), distinct=True) for year in years}
    rows = (
        rule.model.objects.filter(rule.base(), in_any_year, **{f"{rule.faculty_path}__in": faculty_ids})
        .order_by()
        .values(rule.faculty_path)
        .annotate(**counts)
    )
    found = {(year, row[rule.faculty_path]): row[f"n{year}"] for row in rows for year in years}
    return {(year, fid): found.get((year, fid), 0) for year in years for fid in faculty_ids}


# --- the records page ------------------------------------------------------------------------


@dataclass
class CountedGroup:
    """One counted item (a partner, a staff member, a pair…) and the records behind it."""

    label: str
    url: str | None
    records: list[tuple[str, str | None]]


def _url(obj) -> str | None:
    try:
        return obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return None


def _record_label(rule: CountRule, record) -> str:
    if rule.code == C.PARTNERS:
        return str(record.agreement)
    if rule.code == C.FOREIGN_TEACHER_SEMESTERS:
        return f"{record.semester} · {record.course}"
    return str(record)


def _record_object(rule: CountRule, record):
    return record.agreement if rule.code == C.PARTNERS else record


def _group_label(rule: CountRule, record) -> tuple[str, str | None]:
    if rule.code == C.PARTNERS:
        return str(record.agreement.partner), _url(record.agreement.partner)
    if rule.code == C.STUDENT_OVERSEAS_SHARE:
        return f"{record.person_name} ({record.person_id})", None
    if rule.code == C.FOREIGN_TEACHER_SEMESTERS:
        return f"{record.staff_member} · {record.semester}", _url(record.staff_member)
    obj = rule.group_object(record)
    return str(obj), _url(obj)


def counted_groups(rule: CountRule, *, faculty_id: int, year: int) -> list[CountedGroup]:
    """The counted items of one faculty's value in year Y, each with its records.

    ``len(counted_groups(...))`` equals the numerator the run counted with ``load_counts``.
    """
    groups: dict[Any, CountedGroup] = {}
    for record in rule.records(faculty_id=faculty_id, year=year).order_by("pk"):
        key = rule.key_of(record)
        if key not in groups:
            label, url = _group_label(rule, record)
            groups[key] = CountedGroup(label=label, url=url, records=[])
        target = _record_object(rule, record)
        if rule.group_path is not None or rule.group_key is not None:
            groups[key].records.append((_record_label(rule, record), _url(target)))
    return sorted(groups.values(), key=lambda g: g.label)
