"""What each of the office's documents is made from, which merge fields it offers and who may
make it.

For each ``TemplateKind`` a ``DocumentKind`` says: the record it is made from (a visit, one
member of a visit, a trip, a mobility) and the page it is offered on; whether the document
holds personal data (then it is the office's alone); the merge fields, each with what it holds
and an example (listed on the templates page, used to try an uploaded template); the function
that turns a record into those fields; and the document's file name.

The fields are plain strings (dates already written out in Chinese and in English) and lists
of plain dicts for the tables: a template gets nothing else, so whatever the office writes in
Word cannot reach a passport number the document is not meant to hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from documents.models import TemplateKind
from exchanges.models import Mobility
from intlportal import access
from intlportal.workflow import timeline
from trips.models import BUDGET_LINES as TRIP_BUDGET_LINES
from trips.models import Trip
from visits import services as visit_services
from visits.models import Visit, VisitMember

ZH = "zh-hans"
EN = "en"

OFFICE_ZH = "国际交流与合作处"
OFFICE_EN = "Office of International Exchange and Cooperation"


def university_zh() -> str:
    """The university's name for the letterhead and the signature ({{ university_zh }}): the
    setting ``UNIVERSITY_NAME_ZH`` (its English name: ``UNIVERSITY_NAME_EN``)."""
    return settings.UNIVERSITY_NAME_ZH


def university_en() -> str:
    return settings.UNIVERSITY_NAME_EN


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


# --- how values are written ------------------------------------------------------------------------

def date_zh(day: date | None) -> str:
    """2026年12月3日"""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def date_en(day: date | None) -> str:
    """3 December 2026"""
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}" if day else ""


def money(amount: Decimal | None) -> str:
    """12,345.00"""
    return f"{amount or Decimal('0'):,.2f}"


def in_language(language: str, text: Any) -> str:
    """A lazily translated label (a field's ``verbose_name``, a choice's ``label``) as it reads
    in ``language``."""
    with translation.override(language):
        return str(text)


def choice(instance: Model, field_name: str):
    """The label of a field's chosen value, still lazy (``get_FOO_display`` translates it at
    once, in the language of the request)."""
    value = getattr(instance, field_name)
    return dict(instance._meta.get_field(field_name).flatchoices).get(value, value)


def country_names(country) -> tuple[str, str]:
    """The Chinese and the English name of a django-countries ``Country`` (translated when read)."""
    if not country:
        return "", ""
    with translation.override(ZH):
        chinese = str(country.name)
    with translation.override(EN):
        english = str(country.name)
    return chinese, english


def user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def partner_names(partner, fallback: str) -> tuple[str, str]:
    """A partner institution's Chinese and English names, or the typed name for both."""
    if partner is None:
        return fallback, fallback
    english = partner.name_en or partner.name
    return partner.name_zh or partner.name, english


def safe_filename(text: str, *, suffix: str = ".docx", limit: int = 150) -> str:
    """A file name a browser saves as it reads: no path separators, quotes or control
    characters (it goes into ``Content-Disposition``), at most ``limit`` characters."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', " ", text)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .") or "document"
    return cleaned[:limit].rstrip(" .") + suffix


def common_context() -> dict[str, str]:
    today = timezone.localdate()
    return {"university_zh": university_zh(), "university_en": university_en(), "office_zh": OFFICE_ZH,
            "office_en": OFFICE_EN, "today_zh": date_zh(today), "today_en": date_en(today)}


# --- the catalogue's entries -------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """One merge field: ``{{ name }}`` in the template; a list field has ``items`` (used as
    ``{%tr for row in name %}…{{ row.item }}…{%tr endfor %}``)."""

    name: str
    description: Any
    example: Any = ""
    items: tuple[Field, ...] = ()

    @property
    def is_list(self) -> bool:
        return bool(self.items)

    def example_value(self) -> Any:
        if self.items:
            return [{item.name: item.example for item in self.items} for _row in range(2)]
        return self.example

    @property
    def tag(self) -> str:
        """How it is written in Word."""
        if self.items:
            return "{%tr for row in " + self.name + " %}"
        return "{{ " + self.name + " }}"

    @property
    def row_tag(self) -> str:
        """How an item of a list's row is written in Word."""
        return "{{ row." + self.name + " }}"


def _fields(*fields: Field) -> tuple[Field, ...]:
    return COMMON_FIELDS + fields


COMMON_FIELDS = (
    Field("university_zh", _("The university's name in Chinese (letterhead)."), "示范大学"),
    Field("university_en", _("The university's name in English (letterhead)."), "Example University"),
    Field("office_zh", _("The office's name in Chinese."), OFFICE_ZH),
    Field("office_en", _("The office's name in English."), OFFICE_EN),
    Field("today_zh", _("The day the document is made, in Chinese."), "2026年12月3日"),
    Field("today_en", _("The day the document is made, in English."), "3 December 2026"),
)


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    model: type[Model]
    #: The page the document is offered on and kept with (a visa invitation: the member's visit).
    page_model: type[Model]
    personal_data: bool
    languages: Any
    fields: tuple[Field, ...]
    build: Callable[[Any], dict]
    filename_pattern: str
    make_filename: Callable[[Any], str]
    page_of: Callable[[Any], Model] = lambda record: record
    records_on_page: Callable[[Any], Iterable] = lambda page: [page]
    #: Why a document cannot be made from this record now (a message), or None.
    refusal: Callable[[Any], Any] = lambda record: None
    record_label: Callable[[Any], str] = str
    label: Any = ""
    #: What the record's query loads with it (the context reads these relations).
    related: tuple[str, ...] = ()
    field_names: frozenset = field(default=frozenset())

    def context(self, record) -> dict:
        return {**common_context(), **self.build(record)}

    def example_context(self) -> dict:
        return {f.name: f.example_value() for f in self.fields}

    def filename(self, record) -> str:
        return safe_filename(self.make_filename(record))

    @property
    def who(self):
        if self.personal_data:
            return _("The office only: the document holds personal data.")
        return _("The office, and the coordinators of the record's faculty.")


# --- visit invitation --------------------------------------------------------------------------------

def _visit_institution(visit: Visit) -> tuple[str, str]:
    return partner_names(visit.partner, visit.institution)


def _costs(visit: Visit) -> tuple[str, str]:
    if visit.funding_source == Visit.Funding.VISITORS:
        return ("代表团在华期间的国际旅费、住宿、餐饮及交通费用由代表团自理。",
                "The delegation covers its international travel, accommodation, meals and transport.")
    return ("代表团在华期间的住宿、餐饮及市内交通由我校安排并承担费用，国际旅费由代表团自理。",
            "During the stay our university arranges and covers accommodation, meals and local transport; "
            "the delegation covers its international travel.")


def visit_context(visit: Visit) -> dict:
    institution_zh, institution_en = _visit_institution(visit)
    country_zh, country_en = country_names(visit.country)
    costs_zh, costs_en = _costs(visit)
    programme = []
    for item in visit.programme.all():
        programme.append({
            "day_zh": date_zh(item.day), "day_en": date_en(item.day),
            "time": item.starts_at.strftime("%H:%M") if item.starts_at else "",
            "kind_zh": in_language(ZH, choice(item, "kind")), "kind_en": in_language(EN, choice(item, "kind")),
            "title": item.title, "speaker": item.speaker, "place": item.place,
        })
    members = []
    for member in visit.members.all():
        nationality_zh, nationality_en = country_names(member.nationality)
        members.append({"name": member.name, "nationality_zh": nationality_zh, "nationality_en": nationality_en,
                        "position": member.position, "institution": member.institution or institution_en})
    return {
        "title": visit.title,
        "institution_zh": institution_zh, "institution_en": institution_en,
        "country_zh": country_zh, "country_en": country_en,
        "delegation_leader": visit.delegation_leader,
        "delegation_leader_position": visit.delegation_leader_position,
        "member_count": str(len(members)),
        "arrives_on_zh": date_zh(visit.arrives_on), "arrives_on_en": date_en(visit.arrives_on),
        "leaves_on_zh": date_zh(visit.leaves_on), "leaves_on_en": date_en(visit.leaves_on),
        "faculty_zh": visit.faculty.name_zh, "faculty_en": visit.faculty.name_en,
        "host_name": visit.host.name if visit.host_id else "",
        "purpose_zh": in_language(ZH, choice(visit, "purpose")),
        "purpose_en": in_language(EN, choice(visit, "purpose")),
        "costs_zh": costs_zh, "costs_en": costs_en,
        "programme": programme, "members": members,
    }


VISIT_FIELDS = (
    Field("title", _("The visit's title, as registered."), "德国亚琛工业大学代表团来访"),
    Field("institution_zh", _("The visiting institution in Chinese (the partner's Chinese name, else as typed)."),
          "德国亚琛工业大学"),
    Field("institution_en", _("The visiting institution in English."), "RWTH Aachen University"),
    Field("country_zh", _("The delegation's country or region in Chinese."), "德国"),
    Field("country_en", _("The delegation's country or region in English."), "Germany"),
    Field("delegation_leader", _("The head of the delegation."), "Prof. Anna Schmidt"),
    Field("delegation_leader_position", _("The position of the head of the delegation."),
          "Dean, Faculty of Mechanical Engineering"),
    Field("member_count", _("How many members the delegation has."), "3"),
    Field("arrives_on_zh", _("The day of arrival, in Chinese."), "2026年12月3日"),
    Field("arrives_on_en", _("The day of arrival, in English."), "3 December 2026"),
    Field("leaves_on_zh", _("The day of departure, in Chinese."), "2026年12月5日"),
    Field("leaves_on_en", _("The day of departure, in English."), "5 December 2026"),
    Field("faculty_zh", _("The host faculty's Chinese name."), "机械工程学院"),
    Field("faculty_en", _("The host faculty's English name."), "School of Mechanical Engineering"),
    Field("host_name", _("The member of staff who receives the delegation (empty when none is named)."), "王明"),
    Field("purpose_zh", _("The purpose of the visit, in Chinese."), "学术交流"),
    Field("purpose_en", _("The purpose of the visit, in English."), "Academic exchange"),
    Field("costs_zh", _("Who pays for what during the stay, in Chinese (from the funding source)."),
          "代表团在华期间的住宿、餐饮及市内交通由我校安排并承担费用，国际旅费由代表团自理。"),
    Field("costs_en", _("Who pays for what during the stay, in English."),
          "During the stay our university arranges and covers accommodation, meals and local transport; "
          "the delegation covers its international travel."),
    Field("programme", _("The day-by-day programme, one row per entry."), items=(
        Field("day_zh", _("The day, in Chinese."), "2026年12月3日"),
        Field("day_en", _("The day, in English."), "3 December 2026"),
        Field("time", _("The starting time (HH:MM), empty when not set."), "09:30"),
        Field("kind_zh", _("Meeting, lecture, visit of a site, banquet…, in Chinese."), "讲座"),
        Field("kind_en", _("Meeting, lecture, visit of a site, banquet…, in English."), "Lecture"),
        Field("title", _("The entry's title."), "Additive manufacturing in aerospace"),
        Field("speaker", _("For a lecture: who gives it."), "Prof. Anna Schmidt"),
        Field("place", _("Where it takes place."), "机械楼 101"),
    )),
    Field("members", _("The members of the delegation, one row each (no passport data)."), items=(
        Field("name", _("The member's name."), "Dr. Jonas Weber"),
        Field("nationality_zh", _("Nationality, in Chinese."), "德国"),
        Field("nationality_en", _("Nationality, in English."), "Germany"),
        Field("position", _("Position."), "Senior lecturer"),
        Field("institution", _("Institution (the delegation's when none is given)."), "RWTH Aachen University"),
    )),
)


# --- visa invitation ---------------------------------------------------------------------------------

def visa_context(member: VisitMember) -> dict:
    visit = member.visit
    institution_zh, institution_en = _visit_institution(visit)
    nationality_zh, nationality_en = country_names(member.nationality)
    country_zh, country_en = country_names(visit.country)
    costs_zh, costs_en = _costs(visit)
    return {
        "name": member.name,
        "date_of_birth": date_en(member.date_of_birth),
        "passport_number": member.passport_number,
        "nationality": nationality_en,
        "position": member.position,
        "institution": member.institution or institution_en,
        "delegation_institution": institution_en,
        "delegation_leader": visit.delegation_leader,
        "country": country_en,
        "arrives_on": date_en(visit.arrives_on), "leaves_on": date_en(visit.leaves_on),
        "faculty_en": visit.faculty.name_en,
        "host_name": visit.host.name if visit.host_id else "",
        "purpose": in_language(EN, choice(visit, "purpose")),
        "costs": costs_en,
    }


VISA_FIELDS = (
    Field("name", _("The visitor's name, as in the passport."), "Dr. Jonas Weber"),
    Field("date_of_birth", _("The visitor's date of birth, in English (personal data)."), "17 May 1975"),
    Field("passport_number", _("The visitor's passport number (personal data)."), "C01234567"),
    Field("nationality", _("The visitor's nationality, in English."), "Germany"),
    Field("position", _("The visitor's position."), "Senior lecturer"),
    Field("institution", _("The visitor's institution."), "RWTH Aachen University"),
    Field("delegation_institution", _("The delegation's institution, in English."), "RWTH Aachen University"),
    Field("delegation_leader", _("The head of the delegation."), "Prof. Anna Schmidt"),
    Field("country", _("The delegation's country or region, in English (where the visa is applied for)."),
          "Germany"),
    Field("arrives_on", _("The day of arrival, in English."), "3 December 2026"),
    Field("leaves_on", _("The day of departure, in English."), "5 December 2026"),
    Field("faculty_en", _("The host faculty's English name."), "School of Mechanical Engineering"),
    Field("host_name", _("The member of staff who receives the delegation."), "Wang Ming"),
    Field("purpose", _("The purpose of the visit, in English."), "Academic exchange"),
    Field("costs", _("Who pays for what during the stay, in English."),
          "The delegation covers its international travel, accommodation, meals and transport."),
)


# --- trip approval form ------------------------------------------------------------------------------

def _funding_zh(trip: Trip) -> str:
    label = in_language(ZH, choice(trip, "funding_source"))
    if trip.funding_source == Trip.Funding.SCHEME and trip.funding_scheme_id:
        return f"{label}（{trip.funding_scheme}）"
    if trip.funding_source == Trip.Funding.GRANT and trip.grant_number:
        return f"{label}（{trip.grant_number}）"
    return label


def trip_context(trip: Trip) -> dict:
    countries = []
    for entry in trip.countries.all():
        days = (entry.leaves_on - entry.arrives_on).days + 1
        countries.append({"country": country_names(entry.country)[0], "arrives_on": date_zh(entry.arrives_on),
                          "leaves_on": date_zh(entry.leaves_on), "days": str(days)})
    members = []
    for member in trip.members.select_related("staff_member"):
        staff = member.staff_member
        members.append({
            "name": staff.name, "staff_no": staff.staff_no,
            "title": in_language(ZH, choice(staff, "title")) if staff.title else "",
            "role": in_language(ZH, choice(member, "role")),
            "senior_post": "是" if member.senior_post else "否",
        })
    budget = [{"line": in_language(ZH, Trip._meta.get_field(name).verbose_name), "amount": money(getattr(trip, name))}
              for name in TRIP_BUDGET_LINES]
    states = dict(Trip.Status.choices)
    approvals = [{"step": in_language(ZH, states.get(entry.to_state, entry.to_state)),
                  "by": user_name(entry.by), "at": date_zh(timezone.localtime(entry.at).date()),
                  "comment": entry.comment}
                 for entry in timeline(trip)]
    inviting_zh, _inviting_en = partner_names(trip.partner, trip.inviting_institution)
    notice = ""
    if trip.notice_starts_on and trip.notice_ends_on:
        notice = f"{date_zh(trip.notice_starts_on)}至{date_zh(trip.notice_ends_on)}"
    return {
        "title": trip.title,
        "faculty_zh": trip.faculty.name_zh,
        "purpose_zh": in_language(ZH, choice(trip, "purpose")),
        "inviting_institution": inviting_zh,
        "countries": countries,
        "countries_text": "、".join(f"{c['country']}（{c['days']}天）" for c in countries),
        "members": members,
        "member_count": str(len(members)),
        "departs_on_zh": date_zh(trip.departs_on), "returns_on_zh": date_zh(trip.returns_on),
        "days": str((trip.returns_on - trip.departs_on).days + 1),
        "budget": budget,
        "budget_total": money(trip.budget_total),
        "funding_zh": _funding_zh(trip),
        "in_annual_plan": "是" if trip.in_annual_plan else "否",
        "outside_plan_reason": trip.outside_plan_reason,
        "approvals": approvals,
        "notice_period": notice,
        "status_zh": in_language(ZH, choice(trip, "status")),
    }


TRIP_FIELDS = (
    Field("title", _("The trip's title (the group's name)."), "赴日本东京大学学术交流"),
    Field("faculty_zh", _("The faculty sending the group, in Chinese."), "机械工程学院"),
    Field("purpose_zh", _("The purpose of the trip, in Chinese."), "学术会议"),
    Field("inviting_institution", _("The inviting institution (the partner's Chinese name, else as typed)."),
          "东京大学"),
    Field("countries_text", _("The countries or regions with the days in each, on one line."), "日本（8天）"),
    Field("countries", _("The countries or regions, one row each."), items=(
        Field("country", _("The country or region, in Chinese."), "日本"),
        Field("arrives_on", _("Arrival, in Chinese."), "2027年1月10日"),
        Field("leaves_on", _("Departure, in Chinese."), "2027年1月17日"),
        Field("days", _("Days spent there."), "8"),
    )),
    Field("members", _("The members of the group, one row each (no passport data)."), items=(
        Field("name", _("Name."), "李华"),
        Field("staff_no", _("Staff number."), "T00012"),
        Field("title", _("Academic title, in Chinese."), "教授"),
        Field("role", _("Role in the group, in Chinese."), "团长"),
        Field("senior_post", _("Holds a post of division head (处级) or above: 是 or 否."), "否"),
    )),
    Field("member_count", _("How many members the group has."), "2"),
    Field("departs_on_zh", _("The day of departure, in Chinese."), "2027年1月10日"),
    Field("returns_on_zh", _("The day of return, in Chinese."), "2027年1月17日"),
    Field("days", _("Days abroad, departure and return included."), "8"),
    Field("budget", _("The budget, one row per line."), items=(
        Field("line", _("The budget line, in Chinese."), "国际旅费"),
        Field("amount", _("The amount in yuan (12,345.00)."), "8,000.00"),
    )),
    Field("budget_total", _("The budget's total in yuan."), "18,000.00"),
    Field("funding_zh", _("The funding source (with the scheme or the grant number), in Chinese."), "对方承担"),
    Field("in_annual_plan", _("In the faculty's annual outbound plan: 是 or 否."), "是"),
    Field("outside_plan_reason", _("Why the trip is outside the annual plan (empty when in it)."), ""),
    Field("approvals", _("The approval timeline, one row per step."), items=(
        Field("step", _("The state the step led to, in Chinese."), "国际交流与合作处已审核"),
        Field("by", _("Who took the step."), "张老师"),
        Field("at", _("When, in Chinese."), "2026年12月3日"),
        Field("comment", _("The comment given with the step."), "同意。"),
    )),
    Field("notice_period", _("The public notice, from and until, in Chinese (empty before it)."),
          "2026年12月4日至2026年12月10日"),
    Field("status_zh", _("Where the trip stands, in Chinese."), "公示中"),
)


# --- certificate of participation ----------------------------------------------------------------------

def _visit_approved(visit: Visit) -> bool:
    return visit.status in (*visit_services.approved_states(visit), Visit.Status.HOSTED, Visit.Status.CLOSED)


def visit_refusal(visit: Visit):
    """The office's letters to a delegation follow the visit's approval."""
    if not _visit_approved(visit):
        return _("The invitation letter is made once the visit is approved; this one is “%(status)s”.") % {
            "status": visit.get_status_display()}
    return None


def visa_refusal(member: VisitMember):
    if not _visit_approved(member.visit):
        return _("A visa invitation is made once the visit is approved; this one is “%(status)s”.") % {
            "status": member.visit.get_status_display()}
    return None


def mobility_refusal(mobility: Mobility):
    if mobility.status != Mobility.Status.COMPLETED:
        return _("A certificate of participation is issued for a completed exchange only; this one is "
                 "“%(status)s”.") % {"status": mobility.get_status_display()}
    return None


def certificate_context(mobility: Mobility) -> dict:
    _country_zh, country_en = country_names(mobility.country)
    _partner_zh, partner_en = partner_names(mobility.partner, "")
    if mobility.direction == Mobility.Direction.INBOUND:
        place = f"{mobility.faculty.name_en}, {university_en()}"
    else:
        place = ", ".join(part for part in (partner_en, country_en) if part)
    return {
        "person_name": mobility.person_name,
        "activity": in_language(EN, choice(mobility, "activity")),
        "partner": partner_en,
        "country": country_en,
        "place": place,
        "starts_on": date_en(mobility.starts_on), "ends_on": date_en(mobility.ends_on),
        "faculty_en": mobility.faculty.name_en,
        "certificate_number": f"{mobility.ends_on:%Y}-{mobility.pk:06d}",
    }


CERTIFICATE_FIELDS = (
    Field("person_name", _("The person's name."), "Dr. Jonas Weber"),
    Field("activity", _("The activity, in English (visit, lecture, short-term training…)."), "Short-term training"),
    Field("partner", _("The partner institution, in English (empty when none)."), "RWTH Aachen University"),
    Field("country", _("The country or region, in English."), "Germany"),
    Field("place", _("Where it took place: our faculty for an inbound exchange, the partner and country for an "
                     "outbound one."), "RWTH Aachen University, Germany"),
    Field("starts_on", _("The first day, in English."), "1 March 2026"),
    Field("ends_on", _("The last day, in English."), "10 March 2026"),
    Field("faculty_en", _("The faculty's English name."), "School of Mechanical Engineering"),
    Field("certificate_number", _("The certificate's number (year of the end and the mobility's number)."),
          "2026-000123"),
)


def _kind(**kwargs) -> DocumentKind:
    entry = DocumentKind(**kwargs)
    object.__setattr__(entry, "field_names", frozenset(f.name for f in entry.fields))
    return entry


KINDS: dict[str, DocumentKind] = {
    TemplateKind.VISIT_INVITATION: _kind(
        kind=TemplateKind.VISIT_INVITATION, label=TemplateKind.VISIT_INVITATION.label,
        model=Visit, page_model=Visit, personal_data=False, languages=_("Chinese and English"),
        fields=_fields(*VISIT_FIELDS), build=visit_context, related=("faculty", "host", "partner"),
        filename_pattern="邀请函-<title>.docx", make_filename=lambda visit: f"邀请函-{visit.title}",
        refusal=visit_refusal,
    ),
    TemplateKind.VISA_INVITATION: _kind(
        kind=TemplateKind.VISA_INVITATION, label=TemplateKind.VISA_INVITATION.label,
        model=VisitMember, page_model=Visit, personal_data=True, languages=_("English"),
        fields=_fields(*VISA_FIELDS), build=visa_context,
        related=("visit__faculty", "visit__host", "visit__partner"),
        filename_pattern="签证邀请函-<name>.docx", make_filename=lambda member: f"签证邀请函-{member.name}",
        page_of=lambda member: member.visit, records_on_page=lambda visit: visit.members.all(),
        record_label=lambda member: member.name, refusal=visa_refusal,
    ),
    TemplateKind.TRIP_APPROVAL: _kind(
        kind=TemplateKind.TRIP_APPROVAL, label=TemplateKind.TRIP_APPROVAL.label,
        model=Trip, page_model=Trip, personal_data=False, languages=_("Chinese"),
        fields=_fields(*TRIP_FIELDS), build=trip_context, related=("faculty", "partner", "funding_scheme"),
        filename_pattern="出国任务审批表-<title>.docx", make_filename=lambda trip: f"出国任务审批表-{trip.title}",
    ),
    TemplateKind.PARTICIPATION_CERTIFICATE: _kind(
        kind=TemplateKind.PARTICIPATION_CERTIFICATE, label=TemplateKind.PARTICIPATION_CERTIFICATE.label,
        model=Mobility, page_model=Mobility, personal_data=False, languages=_("English"),
        fields=_fields(*CERTIFICATE_FIELDS), build=certificate_context, related=("faculty", "partner"),
        filename_pattern="交流证明-<person name>.docx",
        make_filename=lambda mobility: f"交流证明-{mobility.person_name}",
        refusal=mobility_refusal,
    ),
}


def kinds_for_page(model: type[Model]) -> list[DocumentKind]:
    """The documents offered on the page of a record of ``model``, in the catalogue's order."""
    return [entry for entry in KINDS.values() if entry.page_model is model]


def may_generate(user, kind: str, record) -> bool:
    """The office makes any document; a coordinator one without personal data from a record of
    a faculty they serve; a leader none."""
    entry = KINDS[kind]
    if access.is_office(user):
        return True
    if entry.personal_data or not access.is_coordinator(user):
        return False
    return access.acts_for_faculty(user, entry.page_of(record))


def may_download(user, document, page_record) -> bool:
    """Whoever sees the record downloads its documents, but a document with personal data is
    the office's alone.  (The caller has checked ``access.can_view`` on ``page_record``.)"""
    if document.personal_data:
        return access.can_see_personal_data(user)
    return access.can_view(user, page_record)
