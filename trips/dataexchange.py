"""The trips' record kinds in the import/export registry (see ``dataexchange.registry``).

``trips``: one row per trip abroad, keyed by faculty + title + departure, with its group and
its countries in a cell each (``Members``, ``Countries``).  An import creates and changes
draft applications only — a row that would create a trip in another state, or change a trip
already submitted, is refused naming the row: the approval chain is walked on the trip's page
— and checks what the form checks (``Trip.clean``, ``TripCountry.clean``, the members of the
trip's faculty).  A coordinator imports and exports their own faculties' trips.

``passports``: the office's registry of travel documents, the office's alone (nobody else
sees the kind).  An import adds documents with their custody and a custody-log entry
("imported"); lending and returning stay on the registry's pages, tied to a trip.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dataexchange.columns import (
    Bool,
    CellError,
    Choice,
    Column,
    Country,
    Date,
    Decimal,
    ForeignKey,
    Parts,
    Text,
    normalise,
)
from dataexchange.registry import ImportWorkflow, Kind, PlannedRow, ordered, register
from exchanges.dataexchange import partner_reference
from exchanges.models import FundingScheme
from faculties.dataexchange import faculty_column
from intlportal import access
from staff.dataexchange import staff_reference
from staff.models import StaffMember
from trips.models import CustodyEvent, TravelDocument, Trip, TripCountry, TripMember

SENIOR_WORDS = ("处级", "处级以上", "处级及以上", "senior", "senior post")
_MEMBER = re.compile(r"^(?P<no>[^\s(（]+)\s*(?:[(（]\s*(?P<mark>[^)）]*)\s*[)）])?$")


class Members(Parts):
    """The group: staff numbers separated by “;”, the head of the group first; “(处级)” after
    a staff number marks a post of division head or above: ``T001 (处级); T002``."""

    prefetch = ("members__staff_member",)

    def prepare(self, raws, *, user) -> None:
        numbers = {self._split(item)[0] for raw in raws for item in self.items(raw)}
        numbers.discard("")
        visible = access.scope_for(user, StaffMember.objects.filter(staff_no__in=numbers))
        self._staff = {staff.staff_no: staff for staff in visible.only("pk", "staff_no", "name", "faculty_id")}

    @staticmethod
    def _split(item: str) -> tuple[str, str]:
        match = _MEMBER.match(item.strip())
        if not match:
            return item.strip(), "?"
        return match["no"], (match["mark"] or "").strip()

    def parse(self, raw: str) -> list[tuple]:
        members, missing, seen = [], [], set()
        for index, item in enumerate(self.items(raw)):
            number, mark = self._split(item)
            if mark and normalise(mark) not in {normalise(word) for word in SENIOR_WORDS}:
                raise CellError(_("“%(item)s”: write a staff number, with “(处级)” after it for a post of division "
                                  "head or above.") % {"item": item})
            staff = getattr(self, "_staff", {}).get(number)
            if staff is None:
                missing.append(number)
                continue
            if staff.pk in seen:
                raise CellError(_("%(number)s is listed twice.") % {"number": number})
            seen.add(staff.pk)
            role = TripMember.Role.LEADER if index == 0 else TripMember.Role.MEMBER
            members.append((staff.pk, role, bool(mark), staff.faculty_id))
        if missing:
            raise CellError(_("There is no staff member “%(value)s”.") % {"value": "”, “".join(missing)})
        return members

    def current(self, obj: Model) -> list[tuple]:
        return [(m.staff_member_id, m.role, m.senior_post, m.staff_member.faculty_id) for m in obj.members.all()]

    def check(self, record: Model, value: Any) -> list[str]:
        others = [str(pk) for pk, _role, _senior, faculty_id in value if faculty_id != record.faculty_id]
        if others:
            names = StaffMember.objects.filter(pk__in=others).values_list("staff_no", flat=True)
            return [_("%(numbers)s do not belong to the trip's faculty.") % {"numbers": ", ".join(sorted(names))}]
        return []

    def export(self, value: Any) -> Any:
        members = sorted(value.all(), key=lambda m: (m.role != TripMember.Role.LEADER, m.pk))
        return "; ".join(m.staff_member.staff_no + (" (处级)" if m.senior_post else "") for m in members)

    def describe(self) -> str:
        return _("staff numbers separated by “;”, the head of the group first; “(处级)” after a staff "
                 "number for a post of division head or above, e.g. T001 (处级); T002")

    def example(self) -> str:
        return "T001 (处级); T002"


class Countries(Parts):
    """The countries or regions with the days there: ``JP 2026-03-01 2026-03-05; DE …``."""

    prefetch = ("countries",)

    def parse(self, raw: str) -> list[tuple]:
        places, seen = [], set()
        for item in self.items(raw):
            words = item.split()
            if len(words) < 3:
                raise CellError(_("“%(item)s”: write the country, the day of arriving and the day of leaving, "
                                  "e.g. JP 2026-03-01 2026-03-05.") % {"item": item})
            code = Country().parse(" ".join(words[:-2]))
            arrives, leaves = Date().parse(words[-2]), Date().parse(words[-1])
            if code in seen:
                raise CellError(_("%(country)s is listed twice.") % {"country": code})
            seen.add(code)
            places.append((code, arrives, leaves))
        return places

    def current(self, obj: Model) -> list[tuple]:
        return [(place.country.code, place.arrives_on, place.leaves_on) for place in obj.countries.all()]

    def check(self, record: Model, value: Any) -> list[str]:
        problems = []
        trip = record
        if trip.pk is None:  # TripCountry.clean reads the trip once it is saved: a stand-in
            trip = copy.copy(record)
            trip.pk = -1
        for code, arrives, leaves in value:
            place = TripCountry(trip=trip, country=code, arrives_on=arrives, leaves_on=leaves)
            try:
                place.clean()
            except ValidationError as invalid:
                problems.extend(invalid.messages)
        return problems

    def export(self, value: Any) -> Any:
        return "; ".join(f"{place.country.code} {place.arrives_on:%Y-%m-%d} {place.leaves_on:%Y-%m-%d}"
                         for place in value.all())

    def describe(self) -> str:
        return _("each country or region with the day of arriving and of leaving, separated by “;”, "
                 "e.g. JP 2026-03-01 2026-03-05; DE 2026-03-05 2026-03-10")

    def example(self) -> str:
        return "JP 2026-03-01 2026-03-05"


def only_drafts(rows: Sequence[PlannedRow]) -> dict[int, dict[str | None, str]]:
    """An import creates draft applications and changes drafts only: submitting, approving and
    every later step are taken on the trip's page, through the approval chain."""
    errors: dict[int, dict[str | None, str]] = {}
    stored = dict(Trip.objects.filter(pk__in=[row.record.pk for row in rows if row.record.pk])
                  .values_list("pk", "status"))
    for row in rows:
        trip = row.record
        if trip.pk is None and trip.status != Trip.Status.DRAFT:
            errors[row.number] = {"status": _("A trip is imported as a draft; it is submitted on its page.")}
        elif trip.pk is not None and (stored.get(trip.pk) != Trip.Status.DRAFT or trip.status != Trip.Status.DRAFT):
            errors[row.number] = {None: _(
                "“%(trip)s” is no longer a draft (it is %(status)s): an import changes draft applications "
                "only. Leave this row out, or change the trip on its page.") % {
                "trip": trip.title, "status": dict(Trip.Status.choices).get(stored.get(trip.pk), "")}}
    return errors


def write_parts(rows: Sequence[PlannedRow], user) -> None:
    """Each row's group and countries, as the file gives them: members and countries kept where
    they stay (a member's briefing and visas with them), changed, added or removed."""
    for row in rows:
        trip = row.record
        if "members" in row.values:
            wanted = {pk: (role, senior) for pk, role, senior, _faculty in row.values["members"]}
            have = {member.staff_member_id: member for member in TripMember.objects.filter(trip=trip)}
            TripMember.objects.filter(trip=trip).exclude(staff_member_id__in=wanted).delete()
            for pk, (role, senior) in wanted.items():
                member = have.get(pk)
                if member is None:
                    TripMember.objects.create(trip=trip, staff_member_id=pk, role=role, senior_post=senior)
                elif (member.role, member.senior_post) != (role, senior):
                    member.role, member.senior_post = role, senior
                    member.save(update_fields=["role", "senior_post"])
        if "countries" in row.values:
            wanted_places = {code: (arrives, leaves) for code, arrives, leaves in row.values["countries"]}
            have_places = {place.country.code: place for place in TripCountry.objects.filter(trip=trip)}
            TripCountry.objects.filter(trip=trip).exclude(country__in=list(wanted_places)).delete()
            for code, (arrives, leaves) in wanted_places.items():
                place = have_places.get(code)
                if place is None:
                    TripCountry.objects.create(trip=trip, country=code, arrives_on=arrives, leaves_on=leaves)
                elif (place.arrives_on, place.leaves_on) != (arrives, leaves):
                    place.arrives_on, place.leaves_on = arrives, leaves
                    place.save(update_fields=["arrives_on", "leaves_on"])


TRIP_STATUS_SYNONYMS = {"draft": ("草稿", "拟申报")}

register(Kind(
    name="trips",
    model=Trip,
    columns=[
        faculty_column(),
        Column("title", Text(), aliases=("团组名称", "出访团组", "任务名称")),
        Column("purpose", Choice(Trip.Purpose, synonyms={
            "conference": ("学术会议", "参会", "国际会议"),
            "joint_research": ("合作研究", "科研合作"),
            "visit": ("访问", "考察", "交流访问"),
            "training": ("培训", "研修"),
            "teaching": ("授课", "讲学"),
            "other": ("其它",),
        }), aliases=("出访任务", "出访类型")),
        Column("partner", partner_reference(), required=False, aliases=("邀请单位（合作院校）",)),
        Column("inviting_institution", Text(), aliases=("邀请单位", "邀请机构")),
        Column("departs_on", Date(), aliases=("出发日期", "出境日期")),
        Column("returns_on", Date(), aliases=("返回日期", "入境日期")),
        Column("status", Choice(Trip.Status, synonyms=TRIP_STATUS_SYNONYMS), aliases=("审批状态",)),
        Column("funding_source", Choice(Trip.Funding, synonyms={
            "scheme": ("专项经费", "资助项目"),
            "grant": ("科研经费", "科研项目"),
            "host": ("对方承担", "邀请方承担", "外方负担"),
        }), aliases=("经费渠道",)),
        Column("funding_scheme", ForeignKey(FundingScheme, "name"), required=False, aliases=("资助项目名称",)),
        Column("grant_number", Text(), aliases=("科研项目编号", "项目编号")),
        *[Column(name, Decimal(min_value=0)) for name in (
            "budget_travel", "budget_accommodation", "budget_meals", "budget_incidentals",
            "budget_registration", "budget_other")],
        Column("in_annual_plan", Bool(), aliases=("是否列入年度计划", "列入计划")),
        Column("outside_plan_reason", Text(), aliases=("计划外原因",)),
        Column("members", Members(), label=gettext_lazy("members (head of the group first)"),
               aliases=("团组成员", "出访人员", "成员")),
        Column("countries", Countries(), label=gettext_lazy("countries and regions with the days there"),
               aliases=("出访国家（地区）及停留日期", "出访国家", "国家及日期")),
    ],
    key=("faculty", "title", "departs_on"),
    faculty="faculty",
    year="departs_on",
    checks=[ordered("departs_on", "returns_on")],
    workflow=ImportWorkflow("status", initial=Trip.Status.DRAFT),
    batch_checks=[only_drafts],
    after_write=write_parts,
))


def log_custody(rows: Sequence[PlannedRow], user) -> None:
    """A custody-log entry for each document the import adds or whose custody it changes."""
    today = timezone.localdate()
    user = user if getattr(user, "pk", None) else None
    last = {}
    for document, custody in (CustodyEvent.objects.filter(document__in=[row.record.pk for row in rows])
                              .order_by("document", "at", "pk").values_list("document", "custody")):
        last[document] = custody
    CustodyEvent.objects.bulk_create([
        CustodyEvent(document=row.record, custody=row.record.custody, on=today, by=user,
                     note=_("imported"))
        for row in rows if last.get(row.record.pk) != row.record.custody])


def no_lending_by_import(rows: Sequence[PlannedRow]) -> dict[int, dict[str | None, str]]:
    """A passport is lent for a trip on the registry's page, not by a spreadsheet; a lent one
    comes back there too."""
    stored = dict(TravelDocument.objects.filter(pk__in=[row.record.pk for row in rows if row.record.pk])
                  .values_list("pk", "custody"))
    lent = TravelDocument.Custody.LENT
    errors: dict[int, dict[str | None, str]] = {}
    for row in rows:
        before = stored.get(row.record.pk)
        if row.record.custody == lent and before != lent:
            errors[row.number] = {"custody": _("A document is lent for a trip on its page in the registry, "
                                               "not by import.")}
        elif before == lent and row.record.custody != lent:
            errors[row.number] = {"custody": _("This document is lent for a trip: record its return on its "
                                               "page in the registry.")}
    return errors


register(Kind(
    name="passports",
    model=TravelDocument,
    columns=[
        Column("holder", staff_reference(), aliases=("持照人", "持证人", "工号")),
        Column("kind", Choice(TravelDocument.Kind, synonyms={
            # 公务护照 is the service passport (S); the official (public affairs) one is 公务普通护照.
            "official": ("因公普通护照", "公务普通护照"),
            "service": ("公务护照",),
            "private": ("因私护照", "因私普通护照", "普通护照"),
            "hk_macao": ("往来港澳通行证", "港澳通行证"),
            "taiwan": ("往来台湾通行证", "台湾通行证", "大陆居民往来台湾通行证"),
        }), aliases=("证件类型", "证照类型")),
        Column("number", Text(), aliases=("证件号码", "护照号码", "证照号码")),
        Column("issued_on", Date(), aliases=("签发日期", "发照日期")),
        Column("expires_on", Date(), aliases=("有效期至", "有效期", "失效日期")),
        Column("custody", Choice(TravelDocument.Custody, synonyms={
            "in_office": ("在库", "在处", "已入库", "国际交流与合作处保管"),
            "lent": ("借出", "已借出"),
            "returned": ("已归还", "归还"),
            "expired": ("过期", "已失效"),
            "cancelled": ("注销", "已注销", "作废"),
        }), aliases=("保管状态", "证件状态")),
    ],
    key=("kind", "number"),
    checks=[ordered("issued_on", "expires_on")],
    batch_checks=[no_lending_by_import],
    after_write=log_custody,
    office_only=True,
    label=gettext_lazy("passports and travel permits"),
))
