"""The foreign visits' record kind in the import/export registry (see ``dataexchange.registry``).

``visits``: one row per visiting delegation, keyed by host faculty + title + day of arrival,
with its members and its lectures in a cell each:

* ``Members``: "Anna Schmidt (DE, Professor); Kenji Sato (JP, Associate Professor — Kyoto
  University)" — each member's name, then in brackets the nationality, the position and, after
  a dash, the member's institution when it is not the delegation's;
* ``Lectures``: "2026-12-10 14:00 Additive manufacturing — Prof. Anna Schmidt; …" — the day,
  the time if known, the title and, after a dash, the speaker.  The rest of the programme
  (meetings, visits of sites, banquets) is kept on the visit's page: an import leaves it alone.

An import creates and changes drafts only — a row that would create a visit in another state,
or change a visit already submitted, is refused naming the row: the approval chain is walked on
the visit's page — and checks what the form checks (``Visit.clean``, ``ProgrammeItem.clean``:
a lecture names its speaker and falls within the visit; the host works in the host faculty).
A coordinator imports and exports their own faculties' visits.

The members' passport numbers and dates of birth are personal data for the visa invitation:
this kind never exports nor imports them (the office enters them on the visit's page), and an
import keeps those of the members it keeps.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
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
)
from dataexchange.registry import ImportWorkflow, Kind, PlannedRow, ordered, register
from exchanges.dataexchange import partner_reference
from exchanges.models import FundingScheme
from faculties.dataexchange import faculty_column
from staff.dataexchange import staff_reference
from visits.models import BUDGET_LINES, ProgrammeItem, Visit, VisitMember

# "Name (country, position — institution)": the brackets' content runs to the item's last bracket,
# so a position may hold brackets of its own.
_MEMBER = re.compile(r"^(?P<name>[^(（]+?)\s*[(（](?P<inside>.*)[)）]\s*$")
# The dash before a member's institution or a lecture's speaker: an em dash (or two), an en
# dash or " -- " — not a hyphen, which titles and positions hold ("AI-driven").
_DASH = re.compile(r"\s*(?:——|—|–|\s--\s)\s*")
_COMMA = re.compile(r"\s*[,，]\s*")
_TIME = re.compile(r"^(?P<hour>\d{1,2})[:：](?P<minute>\d{2})$")


def _last_dash(text: str) -> tuple[str, str] | None:
    """``text`` split at its last dash (``_DASH``), or None if it has none."""
    found = list(_DASH.finditer(text))
    if not found:
        return None
    last = found[-1]
    return text[:last.start()].strip(), text[last.end():].strip()


def _field_problems(instance: Model, exclude: Sequence[str]) -> list[str]:
    """What the model's own rules (lengths, blanks, ``clean``) say about ``instance``."""
    problems = []
    try:
        instance.clean_fields(exclude=list(exclude))
        instance.clean()
    except ValidationError as invalid:
        for name, messages in invalid.message_dict.items():
            label = "" if name == "__all__" else str(instance._meta.get_field(name).verbose_name)
            problems += [f"{label}: {message}" if label else message for message in messages]
    return problems


def _stand_in(visit: Visit) -> Visit:
    """The visit as the row makes it, with a primary key: ``ProgrammeItem.clean`` reads the
    visit's dates only once it is saved."""
    if visit.pk is not None:
        return visit
    stand_in = copy.copy(visit)
    stand_in.pk = -1
    return stand_in


class Members(Parts):
    """The delegation: ``Anna Schmidt (DE, Professor); Kenji Sato (JP, Professor — Kyoto University)``."""

    prefetch = ("members",)

    def parse(self, raw: str) -> list[tuple]:
        members, seen = [], set()
        for item in self.items(raw):
            match = _MEMBER.match(item)
            parts = _COMMA.split(match["inside"].strip(), maxsplit=1) if match else []
            if len(parts) < 2 or not parts[1].strip():
                raise CellError(_("“%(item)s”: write the name, then in brackets the nationality and the position, "
                                  "e.g. Anna Schmidt (DE, Professor).") % {"item": item})
            name = match["name"].strip()
            nationality = Country().parse(parts[0])
            position, institution = _last_dash(parts[1]) or (parts[1].strip(), "")
            if name.casefold() in seen:
                raise CellError(_("%(name)s is listed twice.") % {"name": name})
            seen.add(name.casefold())
            members.append((name, nationality, position, institution))
        return members

    def current(self, obj: Model) -> list[tuple]:
        return [(m.name, m.nationality.code, m.position, m.institution) for m in obj.members.all()]

    def check(self, record: Model, value: Any) -> list[str]:
        problems = []
        for name, nationality, position, institution in value:
            member = VisitMember(visit=_stand_in(record), name=name, nationality=nationality, position=position,
                                 institution=institution)
            problems += [f"{name}: {problem}" for problem in
                         _field_problems(member, ("visit", "mobility", *VisitMember.PERSONAL_FIELDS))]
        return problems

    def export(self, value: Any) -> Any:
        cells = []
        for member in value.all():
            inside = f"{member.nationality.code}, {member.position}"
            if member.institution:
                inside += f" — {member.institution}"
            cells.append(f"{member.name} ({inside})")
        return "; ".join(cells)

    def describe(self) -> str:
        return _("the members separated by “;”: each name, then in brackets the nationality and the position, "
                 "with “— institution” after the position when it is not the delegation's, e.g. Anna Schmidt "
                 "(DE, Professor); Kenji Sato (JP, Professor — Kyoto University). Passport numbers and dates of "
                 "birth are entered on the visit's page.")

    def example(self) -> str:
        return "Anna Schmidt (DE, Professor); Kenji Sato (JP, Professor — Kyoto University)"


class Lectures(Parts):
    """The lectures of the programme: ``2026-12-10 14:00 Additive manufacturing — Prof. Anna Schmidt; …``."""

    prefetch = ("programme",)

    def parse(self, raw: str) -> list[tuple]:
        lectures, seen = [], set()
        for item in self.items(raw):
            words = item.split(maxsplit=1)
            split = _last_dash(words[1]) if len(words) == 2 else None
            if split is None or not split[0] or not split[1]:
                raise CellError(_("“%(item)s”: write the day, the time if known, the title and, after a dash, the "
                                  "speaker, e.g. 2026-12-10 14:00 Additive manufacturing — Prof. Anna Schmidt.")
                                % {"item": item})
            day = Date().parse(words[0])
            title, speaker = split
            starts_at = None
            first, _space, rest = title.partition(" ")
            time = _TIME.match(first)
            if time and rest.strip():
                hour, minute = int(time["hour"]), int(time["minute"])
                if hour > 23 or minute > 59:
                    raise CellError(_("“%(value)s” is not a time of day: write it as 14:00.") % {"value": first})
                starts_at, title = datetime.time(hour, minute), rest.strip()
            if (day, title.casefold()) in seen:
                raise CellError(_("“%(title)s” is listed twice on %(day)s.") % {"title": title, "day": day})
            seen.add((day, title.casefold()))
            lectures.append((day, starts_at, title, speaker))
        return lectures

    @staticmethod
    def _lectures(manager) -> list[ProgrammeItem]:
        # From the prefetched programme (day, time, entry order): no query per visit.
        return [item for item in manager.all() if item.kind == ProgrammeItem.Kind.LECTURE]

    def current(self, obj: Model) -> list[tuple]:
        return [(item.day, item.starts_at, item.title, item.speaker) for item in self._lectures(obj.programme)]

    def check(self, record: Model, value: Any) -> list[str]:
        problems = []
        visit = _stand_in(record)
        for day, starts_at, title, speaker in value:
            item = ProgrammeItem(visit=visit, day=day, starts_at=starts_at, kind=ProgrammeItem.Kind.LECTURE,
                                 title=title, speaker=speaker)
            problems += [f"{title}: {problem}" for problem in _field_problems(item, ("visit", "event"))]
        return problems

    def export(self, value: Any) -> Any:
        cells = []
        for item in self._lectures(value):
            when = f"{item.day:%Y-%m-%d}" + (f" {item.starts_at:%H:%M}" if item.starts_at else "")
            cells.append(f"{when} {item.title} — {item.speaker}")
        return "; ".join(cells)

    def describe(self) -> str:
        return _("the lectures separated by “;”: each day, the time if known, the title and, after a dash, the "
                 "speaker, e.g. 2026-12-10 14:00 Additive manufacturing — Prof. Anna Schmidt. Meetings, visits "
                 "and banquets are entered on the visit's page.")

    def example(self) -> str:
        return "2026-12-10 14:00 Additive manufacturing — Prof. Anna Schmidt"


def only_drafts(rows: Sequence[PlannedRow]) -> dict[int, dict[str | None, str]]:
    """An import creates draft visits and changes drafts only: submitting, approving and every
    later step are taken on the visit's page, through the approval chain."""
    errors: dict[int, dict[str | None, str]] = {}
    stored = dict(Visit.objects.filter(pk__in=[row.record.pk for row in rows if row.record.pk])
                  .values_list("pk", "status"))
    labels = dict(Visit.Status.choices)
    for row in rows:
        visit = row.record
        if visit.pk is None and visit.status != Visit.Status.DRAFT:
            errors[row.number] = {"status": _("A visit is imported as a draft; it is submitted on its page.")}
        elif visit.pk is not None and (stored.get(visit.pk) != Visit.Status.DRAFT
                                       or visit.status != Visit.Status.DRAFT):
            errors[row.number] = {None: _(
                "“%(visit)s” is no longer a draft (it is %(status)s): an import changes draft visits only. "
                "Leave this row out, or change the visit on its page.") % {
                "visit": visit.title, "status": labels.get(stored.get(visit.pk), "")}}
    return errors


def host_of_the_faculty(rows: Sequence[PlannedRow]) -> dict[int, dict[str | None, str]]:
    """The host is a member of the host faculty's staff, as on the form (a coordinator cannot
    even name another faculty's staff: they are "not found")."""
    errors: dict[int, dict[str | None, str]] = {}
    for row in rows:
        host = row.values.get("host")
        if host is not None and host.faculty_id != row.record.faculty_id:
            errors[row.number] = {"host": _("The host must be a member of staff of the host faculty.")}
    return errors


def write_parts(rows: Sequence[PlannedRow], user) -> None:
    """Each row's members and lectures, as the file gives them: those that stay are kept (a
    member's passport number and date of birth with them), changed, added or removed; the
    programme's other entries are left alone."""
    for row in rows:
        visit = row.record
        if "members" in row.values:
            wanted = {name: (nationality, position, institution)
                      for name, nationality, position, institution in row.values["members"]}
            have = {member.name.casefold(): member for member in VisitMember.objects.filter(visit=visit)}
            keep = {name.casefold() for name in wanted}
            VisitMember.objects.filter(pk__in=[m.pk for key, m in have.items() if key not in keep]).delete()
            for name, (nationality, position, institution) in wanted.items():
                member = have.get(name.casefold())
                if member is None:
                    VisitMember.objects.create(visit=visit, name=name, nationality=nationality, position=position,
                                               institution=institution)
                elif (member.name, member.nationality.code, member.position, member.institution) != (
                        name, nationality, position, institution):
                    member.name, member.nationality = name, nationality
                    member.position, member.institution = position, institution
                    member.save(update_fields=["name", "nationality", "position", "institution"])
        if "lectures" in row.values:
            lectures = ProgrammeItem.objects.filter(visit=visit, kind=ProgrammeItem.Kind.LECTURE)
            have_items = {(item.day, item.title.casefold()): item for item in lectures}
            wanted_items = {(day, title.casefold()): (day, starts_at, title, speaker)
                            for day, starts_at, title, speaker in row.values["lectures"]}
            ProgrammeItem.objects.filter(pk__in=[item.pk for key, item in have_items.items()
                                                 if key not in wanted_items]).delete()
            for key, (day, starts_at, title, speaker) in wanted_items.items():
                item = have_items.get(key)
                if item is None:
                    ProgrammeItem.objects.create(visit=visit, day=day, starts_at=starts_at,
                                                 kind=ProgrammeItem.Kind.LECTURE, title=title, speaker=speaker)
                elif (item.starts_at, item.title, item.speaker) != (starts_at, title, speaker):
                    item.starts_at, item.title, item.speaker = starts_at, title, speaker
                    item.save(update_fields=["starts_at", "title", "speaker"])


VISIT_STATUS_SYNONYMS = {"draft": ("草稿", "拟申报")}
BUDGET_ALIASES = {
    "budget_accommodation": ("住宿费",),
    "budget_meals": ("餐费", "伙食费及宴请费"),
    "budget_transport": ("交通费", "市内交通费"),
    "budget_honoraria": ("讲课费", "讲座酬金"),
    "budget_venue": ("场地费", "场地及资料费"),
    "budget_other": ("其他费用",),
}

register(Kind(
    name="visits",
    model=Visit,
    columns=[
        faculty_column(),
        Column("title", Text(), aliases=("来访团组名称", "团组名称", "来访团组")),
        Column("purpose", Choice(Visit.Purpose, synonyms={
            "academic_exchange": ("学术交流", "学术访问"),
            "cooperation_talks": ("合作洽谈", "商谈合作", "洽谈合作"),
            "lectures": ("讲学", "授课", "讲座"),
            "conference": ("学术会议", "参会", "国际会议"),
            "courtesy": ("礼节性拜访", "礼节性访问", "拜会"),
            "other": ("其它",),
        }), aliases=("来访目的", "来访事由")),
        Column("partner", partner_reference(), required=False, aliases=("来访单位（合作院校）", "合作院校")),
        Column("institution", Text(), aliases=("来访单位", "来访机构", "外方单位")),
        Column("country", Country(), aliases=("国家（地区）", "国别", "国家或地区")),
        Column("delegation_leader", Text(), aliases=("团长", "代表团团长")),
        Column("delegation_leader_position", Text(), aliases=("团长职务", "团长职务职称")),
        Column("led_by_president", Bool(), aliases=("校级领导率团", "是否校长率团")),
        Column("host", staff_reference(narrow_by="faculty"), required=False, aliases=("接待人", "我方接待人")),
        Column("arrives_on", Date(), aliases=("抵达日期", "来访日期", "到达日期")),
        Column("leaves_on", Date(), aliases=("离开日期", "离校日期", "离境日期")),
        Column("reception_level", Choice(Visit.Level, synonyms={
            "university_leader": ("校领导接待", "校级接待", "校级"),
            "office": ("国际处接待", "外事处接待", "处级接待"),
            "faculty": ("学院接待", "院级接待", "院级"),
        }), aliases=("接待规格", "接待级别")),
        Column("funding_source", Choice(Visit.Funding, synonyms={
            "scheme": ("专项经费", "资助项目"),
            "faculty": ("学院经费", "学院自筹"),
            "grant": ("科研经费", "科研项目"),
            "visitors": ("对方自理", "外方承担", "外方负担"),
        }), aliases=("经费来源", "经费渠道")),
        Column("funding_scheme", ForeignKey(FundingScheme, "name"), required=False, aliases=("资助项目名称",)),
        Column("grant_number", Text(), aliases=("科研项目编号", "项目编号")),
        *[Column(name, Decimal(min_value=0), aliases=BUDGET_ALIASES[name]) for name in BUDGET_LINES],
        Column("status", Choice(Visit.Status, synonyms=VISIT_STATUS_SYNONYMS), aliases=("审批状态",)),
        Column("members", Members(), label=gettext_lazy("members of the delegation"),
               aliases=("代表团成员", "来访人员", "团组成员", "成员")),
        Column("lectures", Lectures(), field="programme", label=gettext_lazy("lectures (day, title — speaker)"),
               aliases=("讲座", "讲座安排", "学术讲座")),
        Column("summary", Text(), required=False, optional=True, aliases=("来访总结", "访问总结")),
    ],
    key=("faculty", "title", "arrives_on"),
    faculty="faculty",
    year="arrives_on",
    checks=[ordered("arrives_on", "leaves_on")],
    workflow=ImportWorkflow("status", initial=Visit.Status.DRAFT),
    batch_checks=[only_drafts, host_of_the_faculty],
    after_write=write_parts,
))
