"""What is waiting for the Foreign Affairs Office.

Each selector returns a queryset with what its page needs already joined.  What makes an item
due (an agreement expiring, a report overdue…) is the models' queryset methods' to say, and the
nightly reminders (``notifications.reminders``) read the same methods: a reminder is never sent
for an item the work queue would not show, and the other way round.  The selectors only add
the joins and the order the office reads them in.  Likewise what awaits verification is
``intlportal.verification``'s to say; the list of it (below) only gathers every verifiable
kind into one list the office can read and decide on, page by page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BigIntegerField, F, IntegerField, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, resolve, reverse

from exchanges.models import REPORT_DUE_DAYS, Agreement, Mobility
from faculties.models import InternationalizationPlan
from intlportal.models import Verification
from intlportal.verification import Change, deserialise, display, staged_fields, verifiable_models
from intlportal.views import display_value, field_label, page_queryset
from programs import selectors as program_selectors
from programs.selectors import ProgramCheck
from staff.models import EXPIRY_WARNING_DAYS, ForeignTeacherContract
from trips import passports, travel
from trips.models import Trip
from visits.models import Visit


def plans_to_review() -> QuerySet:
    """Submitted plans, oldest submission first."""
    return (InternationalizationPlan.objects.filter(status=InternationalizationPlan.Status.SUBMITTED)
            .select_related("faculty", "submitted_by").order_by("submitted_at", "pk"))


def trips_to_act_on() -> QuerySet:
    """Trips abroad waiting for the office: approved by their faculty (to review), or on public
    notice (to approve for travel once the notice has ended); the earliest departure first."""
    return Trip.objects.awaiting_office().select_related("faculty").order_by("departs_on", "pk")


def trips_lacking_visa(*, today: date | None = None) -> QuerySet:
    """Trips on notice or approved for travel leaving within a week with a member who still lacks
    a visa (``trips.travel.trips_lacking_visa``, each with ``lacking_members``); the earliest first."""
    return travel.trips_lacking_visa(today=today).select_related("faculty").order_by("departs_on", "pk")


def trip_reports_overdue(*, today: date | None = None) -> QuerySet:
    """Trips back home whose report is overdue (``trips.passports.reports_overdue``, the reminders'
    rule), the longest overdue first."""
    return passports.reports_overdue(today).select_related("faculty").order_by("returns_on", "pk")


def visits_to_act_on() -> QuerySet:
    """Foreign visits waiting for the office: submitted (to approve), or hosted (to close, which
    records the visitors' mobilities and the lectures); the earliest arrival first."""
    return Visit.objects.awaiting_office().select_related("faculty").order_by("arrives_on", "pk")


def mobilities_to_review() -> QuerySet:
    """Mobilities a faculty has submitted for approval, oldest submission first."""
    return Mobility.objects.awaiting_approval().select_related("faculty").order_by("submitted_at", "pk")


def agreements_expiring(*, within: int = EXPIRY_WARNING_DAYS, today: date | None = None) -> QuerySet:
    """Active agreements ending between today and ``within`` days from now."""
    return Agreement.objects.expiring_within(within, today=today).with_related().order_by("ends_on", "pk")


def contracts_expiring(*, within: int = EXPIRY_WARNING_DAYS, today: date | None = None) -> QuerySet:
    """Active foreign teachers' contracts ending between today and ``within`` days from now."""
    return (ForeignTeacherContract.objects.expiring_within(within, today=today)
            .select_related("staff_member__faculty").order_by("ends_on", "pk"))


def permits_expiring(*, within: int = EXPIRY_WARNING_DAYS, today: date | None = None) -> QuerySet:
    """Active contracts whose work permit expires between today and ``within`` days from now
    (personal data: for the office only)."""
    return (ForeignTeacherContract.objects.work_permit_expiring_within(within, today=today)
            .select_related("staff_member__faculty").order_by("work_permit_expires_on", "pk"))


def reports_overdue(*, after: int = REPORT_DUE_DAYS, today: date | None = None) -> QuerySet:
    """Completed outbound teacher mobilities that ended more than ``after`` days ago without a
    report (``MobilityQuerySet.report_overdue``; the partial index ``mobility_report_due_idx``
    serves exactly this filter)."""
    return Mobility.objects.report_overdue(after, today=today).select_related("faculty").order_by("ends_on", "pk")


def travel_documents_due(*, today: date | None = None) -> QuerySet:
    """Travel documents lent and not back by their due date, and those the office keeps expiring
    within six months (``trips.passports.due_documents``: each with ``due_on`` and ``overdue``);
    the earliest due first."""
    return passports.due_documents(today).select_related("holder__faculty")


def breaching_programs() -> list[ProgramCheck]:
    """Cooperative programs breaching a one-third rule, each with its check
    (``programs.selectors.breaching_programs``)."""
    return program_selectors.breaching_programs()


# --- evidence awaiting the office's verification ---------------------------------------------------
#
# Every verifiable kind (``intlportal.verification``) in one list, oldest entry first.  The keys of
# a page come from one UNION query over the kinds; the page's records are then loaded kind by kind
# (one query each, with their joins), with the users and the related records their changes name
# in one query per model: the number of queries depends on the kinds on the page, never on the
# number of items.


@dataclass
class PendingItem:
    """One record awaiting verification, as the office's list shows it."""

    record: Model
    kind: str  # the model's verbose name
    faculty: Model | None
    entered_by: Model | None
    entered_at: datetime
    url: str
    token: str  # "<model label>:<pk>:<version>": what the office saw, sent back with its decision
    is_new: bool  # never verified: the whole record awaits the office
    changes: list[Change] = field(default_factory=list)
    values: list[tuple[str, object]] = field(default_factory=list)  # a new record's main values


def verification_kinds() -> list[type[Model]]:
    """The kinds the list covers, in a fixed order (their index is the list's sort key)."""
    return verifiable_models()


def kind_key(model: type[Model]) -> str:
    """A kind as the list's filter and the decision tokens name it: ``exchanges.mobility``."""
    return model._meta.label_lower


def _faculty_path(model: type[Model]) -> str:
    return getattr(model, "ACCESS_FACULTY", "faculty")


def _entered_by(model: type[Model]):
    """Who entered what awaits verification: the proposal's author on a verified record, else
    the author of the record's latest version (its history), as ``verification`` credits it."""
    history = model.history.model._default_manager.filter(id=OuterRef("pk")).order_by("-history_date",
                                                                                         "-history_id")
    return Coalesce("staged_by", Subquery(history.values("history_user")[:1]), output_field=BigIntegerField())


def awaiting_verification(*, faculty=None, kind: type[Model] | None = None, entered_by=None,
                          state: str = Verification.PENDING, faculties=None) -> QuerySet:
    """The keys ``(entered_at, kind index, pk, entered_by id)`` of every record pending the
    office's verification, oldest first, in one query over every verifiable kind.

    ``entered_at`` is when the proposal was staged, or, for a never-verified record, when it
    was last saved.  The filters narrow to a faculty (or several: ``faculties``, ids), a kind
    and who entered the item; ``state=Verification.REJECTED`` gives the evidence the office
    sent back instead (a coordinator's to-do)."""
    parts = []
    for index, model in enumerate(verification_kinds()):
        if kind is not None and model is not kind:
            continue
        qs = model._default_manager.filter(verification=state)
        if faculty is not None:
            qs = qs.filter(**{_faculty_path(model): faculty})
        if faculties is not None:
            qs = qs.filter(**{f"{_faculty_path(model)}__in": list(faculties)})
        qs = qs.order_by().annotate(
            entered_at=Coalesce("staged_at", "updated_at"), kind_index=Value(index, output_field=IntegerField()),
            record_id=F("pk"), entered_by_id=_entered_by(model))
        if entered_by is not None:
            qs = qs.filter(entered_by_id=getattr(entered_by, "pk", entered_by))
        parts.append(qs.values_list("entered_at", "kind_index", "record_id", "entered_by_id"))
    if not parts:
        return verification_kinds()[0]._default_manager.none().values_list("pk")
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("entered_at", "kind_index", "record_id")


def pending_items(keys) -> list[PendingItem]:
    """The list's rows for a page of ``awaiting_verification`` keys, in their order."""
    keys = list(keys)
    kinds = verification_kinds()
    wanted: dict[int, list] = defaultdict(list)
    for _entered, index, pk, _by in keys:
        wanted[index].append(pk)
    users = get_user_model()._default_manager.in_bulk({by for *_rest, by in keys if by is not None})
    records: dict[tuple[int, object], Model] = {}
    for index, pks in wanted.items():
        model = kinds[index]
        many = [f.name for f in staged_fields_many(model)]
        qs = page_queryset(model).filter(pk__in=pks).select_related(_faculty_path(model))
        for obj in qs.prefetch_related(*many) if many else qs:
            records[index, obj.pk] = obj
    labels = _related_labels(records.values())
    shown: dict[type[Model], list[tuple[str, str]]] = {}
    items = []
    for entered_at, index, pk, by in keys:
        obj = records.get((index, pk))
        if obj is None:  # deleted between the two queries
            continue
        model = kinds[index]
        is_new = obj.verified_at is None
        items.append(PendingItem(
            record=obj, kind=str(model._meta.verbose_name), faculty=_follow(obj, _faculty_path(model)),
            entered_by=users.get(by), entered_at=entered_at, url=_url(obj),
            token=f"{kind_key(model)}:{obj.pk}:{obj.version}", is_new=is_new,
            changes=[] if is_new else _changes(obj, labels),
            values=_main_values(obj, shown) if is_new else []))
    return items


def staged_fields_many(model: type[Model]) -> list:
    """The many-to-many fields a proposal may change (``Event.partners``)."""
    return [f for f in model._meta.many_to_many if f.editable]


def _follow(obj: Model, path: str):
    target = obj
    for part in path.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def _url(obj: Model) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # a kind without pages of its own
        return ""


def _related_labels(records) -> dict[tuple[type[Model], object], str]:
    """The names of every record a proposal's relation fields point to, before or after the
    change, loaded in one query per related model (what ``verification.changes`` would fetch one
    by one)."""
    wanted: dict[type[Model], set] = defaultdict(set)
    for obj in records:
        for name, value in (obj.staged or {}).items():
            try:
                model_field = obj._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.many_to_many:
                wanted[model_field.related_model].update(value or ())
            elif model_field.is_relation:
                for pk in (value, getattr(obj, model_field.attname)):
                    if pk is not None:
                        wanted[model_field.related_model].add(deserialise(model_field, pk))
    return {(model, pk): str(related) for model, pks in wanted.items()
            for pk, related in model._default_manager.in_bulk(pks).items()}


def _changes(obj: Model, labels) -> list[Change]:
    """``verification.changes(obj)``, with relation values named from ``labels``."""
    result = []
    for name, value in (obj.staged or {}).items():
        try:
            model_field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        related = model_field.related_model
        if model_field.many_to_many:
            old = ", ".join(sorted(str(o) for o in getattr(obj, name).all())) or "—"  # prefetched
            new = ", ".join(sorted(labels.get((related, pk), str(pk)) for pk in value or ())) or "—"
        elif model_field.is_relation:
            old, new = (labels.get((related, deserialise(model_field, pk)), str(pk)) if pk is not None else "—"
                        for pk in (getattr(obj, model_field.attname), value))
        else:
            old, new = display(model_field, getattr(obj, model_field.attname)), display(model_field, value)
        result.append(Change(name, str(model_field.verbose_name), old, new))
    return result


def _main_values(obj: Model, shown: dict) -> list[tuple[str, object]]:
    """A new record's values as its own page lists them (the kind's ``detail_fields``, found
    once per kind in ``shown``), else every field a proposal may change."""
    model = type(obj)
    if model not in shown:
        url = _url(obj)
        view = getattr(resolve(url).func, "view_class", None) if url else None
        entries = getattr(view, "detail_fields", None) or [f.name for f in staged_fields(model)]
        shown[model] = [(entry[1], entry[0]) if isinstance(entry, tuple) else (field_label(model, entry), entry)
                        for entry in entries]
    return [(str(label), display_value(obj, path)) for label, path in shown[model]]


@dataclass
class LatestScore:
    faculty_code: str
    faculty_name: str
    year: int
    score: object
    rank: int | None
    faculties: int
    incentive: object
    url: str


def latest_scores(faculty_ids) -> list[LatestScore]:
    """Each faculty's result in the newest assessment year a run exists for, as the leaders see
    it (the published run, else the latest calculation)."""
    from assessment.models import AssessmentRun
    from assessment.selectors import shown_run

    year = AssessmentRun.objects.order_by("-year").values_list("year", flat=True).first()
    shown = shown_run(year) if year is not None else None
    if shown is None:
        return []
    run = shown.run
    total = run.scores.count()
    return [LatestScore(score.faculty.code, str(score.faculty), year, score.score, score.rank, total,
                        score.incentive, reverse("assessment:scorecard", args=[year, score.faculty.code]))
            for score in run.scores.filter(faculty_id__in=list(faculty_ids)).select_related("faculty")
            .order_by("faculty__code")]
