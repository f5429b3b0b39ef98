"""The exchanges' record kinds in the import/export registry (see ``dataexchange.registry``).

An agreement's row follows the form's rule (``Agreement.clean``): a terminated agreement
gives its termination date, not before it starts nor in the future; any other status has none.

Mobilities follow their workflow (only the office imports a state other than "planned") and
their funding: the file's rows must fit the schemes' budgets, each row and all of them
together, as the form's ``exchanges.services.check_funding`` requires of one mobility.
"""

from __future__ import annotations

import decimal
from collections import defaultdict
from collections.abc import Sequence

from django.utils.translation import gettext as _

from dataexchange.columns import Choice, Column, Country, Date, Decimal, ForeignKey, Integer, ManyToMany, Text
from dataexchange.registry import ImportWorkflow, Kind, PlannedRow, not_more_than, ordered, register, same_faculty
from exchanges.models import (
    COMMITTED_STATES,
    Agreement,
    Event,
    FundingScheme,
    Mobility,
    PartnerInstitution,
    StudentLanguageTest,
)
from exchanges.services import overspend_message
from faculties.dataexchange import FACULTY_ALIASES, YEAR_ALIASES, faculty_column
from faculties.models import Faculty
from staff.dataexchange import staff_reference

FUNDED_STATES = (*COMMITTED_STATES, Mobility.Status.COMPLETED)
COUNTRY_ALIASES = ("国家", "国别", "国家（地区）", "国家或地区", "国（境）别")


def partner_reference() -> ForeignKey:
    """A partner by the name it writes itself, its Chinese or English name, or a web domain."""
    return ForeignKey(PartnerInstitution, "name", names=("name_zh", "name_en", "domains"))


def funding_within_budget(rows: Sequence[PlannedRow]) -> dict[int, dict[str | None, str]]:
    """Refuse the rows whose amounts would take a funding scheme past its budget.

    The rows are taken in file order; each must fit what is left once the database's other
    mobilities and the file's earlier rows are counted.  A row that changes a mobility
    replaces its old amount.  Runs inside the import's write transaction and locks the
    schemes' rows, as ``check_funding`` does, so a form saved meanwhile waits for the import.
    """
    funded = [row for row in rows if row.record.funding_scheme_id and row.record.amount
              and row.record.status in FUNDED_STATES]
    if not funded:
        return {}
    ids = sorted({row.record.funding_scheme_id for row in funded})
    schemes = {scheme.pk: scheme for scheme in FundingScheme.objects.select_for_update().filter(pk__in=ids)
               .order_by("pk")}
    in_file = {row.record.pk for row in rows if row.record.pk is not None}
    committed: dict[int, decimal.Decimal] = defaultdict(decimal.Decimal)
    spent: dict[int, decimal.Decimal] = defaultdict(decimal.Decimal)
    others = (Mobility.objects.filter(funding_scheme_id__in=ids, status__in=FUNDED_STATES, amount__isnull=False)
              .values_list("pk", "funding_scheme_id", "status", "amount"))
    for pk, scheme_id, status, amount in others.iterator():
        if pk not in in_file:
            (spent if status == Mobility.Status.COMPLETED else committed)[scheme_id] += amount
    stored = {scheme_id: committed[scheme_id] + spent[scheme_id] for scheme_id in ids}
    errors: dict[int, dict[str | None, str]] = {}
    for row in funded:
        mobility, scheme = row.record, schemes[row.record.funding_scheme_id]
        available = scheme.budget - committed[scheme.pk] - spent[scheme.pk]
        if mobility.amount <= available:
            (spent if mobility.status == Mobility.Status.COMPLETED else committed)[scheme.pk] += mobility.amount
            continue
        message = overspend_message(scheme, mobility.amount, committed=committed[scheme.pk], spent=spent[scheme.pk])
        earlier = committed[scheme.pk] + spent[scheme.pk] - stored[scheme.pk]
        if earlier:
            message += " " + _("Earlier rows of this file take %(earlier)s yuan of it.") % {"earlier": earlier}
        errors[row.number] = {"amount": message}
    return errors


register(Kind(
    name="partners",
    model=PartnerInstitution,
    columns=[
        Column("name", Text(), aliases=("院校名称", "机构名称", "合作院校")),
        Column("name_en", Text(), aliases=("英文名",)),
        Column("name_zh", Text(), aliases=("中文名",)),
        Column("country", Country(), aliases=COUNTRY_ALIASES),
        Column("kind", Choice(PartnerInstitution.Kind, synonyms={
            "university": ("高校", "院校", "高等院校"),
            "research_institute": ("研究所", "研究院", "研究机构"),
            "enterprise": ("公司",),
            "government": ("政府", "政府部门"),
            "other": ("其它",),
        }), aliases=("机构类型", "院校类型")),
        Column("website", Text(), aliases=("网址", "官网", "官方网站")),
    ],
    key=("name",),
))

register(Kind(
    name="agreements",
    model=Agreement,
    columns=[
        Column("partner", partner_reference(), aliases=("合作院校", "合作单位", "合作机构", "外方院校")),
        Column("faculties", ManyToMany(Faculty, "code", names=("name_zh", "name_en")),
               aliases=(*FACULTY_ALIASES, "参与学院")),
        Column("kind", Choice(Agreement.Kind, synonyms={
            "framework": ("框架协议", "合作备忘录", "谅解备忘录", "备忘录", "MOU"),
            "student_exchange": ("学生交换", "学生交流协议", "交换生协议"),
            "staff_exchange": ("教师交换", "教师交流协议"),
            "joint_research": ("科研合作", "联合研究"),
            "joint_program": ("联合培养", "双学位", "联合培养协议"),
            "internship": ("实习协议", "实习基地"),
        }), aliases=("协议类型", "协议类别")),
        Column("title", Text(), aliases=("协议名称",)),
        Column("signed_on", Date(), aliases=("签订日期", "签约日期", "签署时间")),
        Column("starts_on", Date(), aliases=("生效日期", "起始日期")),
        Column("ends_on", Date(), aliases=("到期日期", "截止日期", "有效期至")),
        Column("status", Choice(Agreement.Status, synonyms={
            "draft": ("拟签", "待签署", "洽谈中"),
            "active": ("有效", "生效", "执行中"),
            "terminated": ("终止", "解除", "已解除"),
        }), aliases=("协议状态",)),
        # Added with issue 14: files kept from before need not have it.
        Column("terminated_on", Date(), optional=True, aliases=("解除日期",)),
    ],
    key=("partner", "title", "starts_on"),
    faculty="faculties",
    checks=[ordered("starts_on", "ends_on"), ordered("signed_on", "ends_on")],
))

register(Kind(
    name="funding_schemes",
    model=FundingScheme,
    columns=[
        Column("name", Text(), aliases=("项目名称", "资助项目", "经费来源")),
        Column("year", Integer(min_value=1990, max_value=2100), aliases=YEAR_ALIASES),
        Column("budget", Decimal(min_value=0), aliases=("预算", "预算金额", "经费预算", "预算金额（元）")),
    ],
    key=("name",),
    year="year",
))

register(Kind(
    name="mobilities",
    model=Mobility,
    columns=[
        faculty_column(),
        Column("direction", Choice(Mobility.Direction, synonyms={
            "outbound": ("出国", "出境", "出国（境）", "派出", "外派"),
            "inbound": ("来华", "来校", "入境"),
        }), aliases=("交流方向", "出访/来访")),
        Column("person_kind", Choice(Mobility.PersonKind, synonyms={
            "teacher": ("老师", "教职工", "教工", "专任教师", "专职教师"),
            "student": ("本科生", "研究生", "硕士生", "博士生"),
            "scholar": ("专家", "外籍专家"),
            "administrator": ("行政人员", "管理干部", "职员"),
        }), aliases=("人员类型", "身份")),
        Column("person_name", Text(), aliases=("人员姓名", "出访人员", "来访人员")),
        Column("person_id", Text(), aliases=("工号", "学号", "学工号", "工号或学号")),
        # A name two staff members share is decided by the row's faculty.
        Column("staff_no", staff_reference(narrow_by="faculty"), field="staff_member", aliases=("教职工工号",)),
        Column("partner", partner_reference(), aliases=("合作院校", "合作单位", "交流院校", "出访单位", "派出单位")),
        Column("country", Country(), aliases=COUNTRY_ALIASES),
        Column("activity", Choice(Mobility.Activity, synonyms={
            "visit": ("访问交流", "交流访问", "考察", "考察访问", "短期访问"),
            "lecture": ("讲座", "授课", "讲学授课"),
            "further_study": ("访学", "访问学者", "进修学习"),
            "short_term_training": ("培训", "短训", "短期培训项目"),
            "conference": ("参会", "会议", "学术会议", "国际会议", "参加国际会议"),
            "joint_research": ("科研合作", "联合研究"),
            "semester_exchange": ("交换学习", "交换生", "学期交流", "交换"),
            "degree_study": ("学位项目", "攻读博士学位", "攻读硕士学位", "读学位"),
            "internship": ("实习实践", "海外实习"),
            "summer_study_tour": ("暑期研修", "短期研修", "研学", "暑期学校", "夏令营"),
            "cultural_experience": ("文化交流",),
        }), aliases=("交流类型", "交流项目类型", "活动类型")),
        Column("starts_on", Date(), aliases=("开始时间", "起始日期", "出发日期", "抵达日期")),
        Column("ends_on", Date(), aliases=("结束时间", "截止日期", "返回日期", "离开日期")),
        Column("status", Choice(Mobility.Status, synonyms={
            "planned": ("计划", "拟派", "拟派出", "拟出访"),
            "submitted": ("已提交", "审批中", "待审核"),
            "approved": ("已审批", "已获批", "批准", "审批通过"),
            "completed": ("已结束", "完成", "已返回"),
            "cancelled": ("取消", "撤销", "已撤销"),
        }), aliases=("审批状态",)),
        Column("funding_scheme", ForeignKey(FundingScheme, "name"), aliases=("经费来源", "资助来源")),
        Column("amount", Decimal(min_value=0), aliases=("金额", "经费", "经费（元）", "资助金额", "金额（元）")),
    ],
    key=("faculty", "person_id", "activity", "starts_on"),
    faculty="faculty",
    year="starts_on",
    checks=[ordered("starts_on", "ends_on"), same_faculty("staff_no", "faculty")],
    # Others than the office create planned rows only: submitting for approval is a step of its
    # own, taken on the mobility's page, not a state to import.
    workflow=ImportWorkflow("status", initial=Mobility.Status.PLANNED),
    batch_checks=[funding_within_budget],
))

register(Kind(
    name="events",
    model=Event,
    columns=[
        faculty_column(),
        Column("kind", Choice(Event.Kind, synonyms={
            "conference_hosted": ("国际会议", "国际学术会议", "主办会议"),
            "seminar_coorganized": ("研讨会", "学术研讨会", "合办研讨会"),
            "overseas_scholar_lecture": ("讲座", "学术讲座", "外籍专家讲座"),
            "summer_school_hosted": ("暑期学校", "暑期班"),
        }), aliases=("活动类型", "会议类型")),
        Column("title", Text(), aliases=("活动名称", "会议名称", "讲座题目")),
        Column("date", Date(), aliases=("举办日期", "举办时间", "活动日期")),
        Column("participants_total", Integer(min_value=0), aliases=("总人数", "参会人数", "参加总人数")),
        Column("participants_foreign", Integer(min_value=0), aliases=("境外人数", "外籍人数", "境外参会人数")),
    ],
    key=("faculty", "title", "date"),
    faculty="faculty",
    year="date",
    checks=[not_more_than("participants_foreign", "participants_total")],
))

register(Kind(
    name="language_tests",
    model=StudentLanguageTest,
    columns=[
        faculty_column(),
        Column("student_id", Text(), aliases=("学生学号",)),
        Column("test", Choice(StudentLanguageTest.Test, synonyms={
            "ielts": ("雅思",),
            "toefl": ("托福",),
            "jlpt": ("日语能力考试", "日语等级考试"),
            "topik": ("韩语能力考试", "韩国语能力考试"),
            "delf": ("DELF", "DALF", "法语水平考试"),
            "testdaf": ("德福", "德语水平考试"),
            "other": ("其它",),
        }), aliases=("考试类型", "考试名称", "考试项目")),
        Column("date", Date(), aliases=("考试日期", "考试时间")),
        Column("score", Decimal(min_value=0), aliases=("分数", "总分", "考试成绩")),
    ],
    key=("student_id", "test", "date"),
    faculty="faculty",
    year="date",
))
