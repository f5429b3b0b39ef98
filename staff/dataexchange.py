"""The staff record kinds in the import/export registry (see ``dataexchange.registry``).

Contracts are exported and imported with their salary and work permit by the office alone:
those columns are ``personal``, so anyone else's export leaves them out.

A staff import writes in bulk, without ``post_save``: its ``records_imported`` brings the
staff members' dated standings (category, overseas degree) up to the rows it wrote, as
``staff.receivers`` does for a single save.

A staff member is named by staff number or by name (``staff_reference``); a name two staff
members share is decided by the row's faculty where the kind has a faculty column.
"""

from dataexchange.columns import Bool, Choice, Column, Country, Date, Decimal, ForeignKey, Integer, Text
from dataexchange.registry import Kind, ordered, register
from dataexchange.signals import records_imported
from faculties.dataexchange import YEAR_ALIASES, faculty_column
from staff.models import (
    SEMESTER_RE,
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    TeachingAssignment,
    TeachingEvaluation,
)
from staff.services import standings_sync

STAFF_NO_ALIASES = ("工号", "教工号", "职工号")


def staff_reference(*, narrow_by: str | None = None) -> ForeignKey:
    """A staff member by staff number or name.  The staff member's faculty decides whether a
    coordinator may import the row (``only`` keeps it in the lookup)."""
    return ForeignKey(StaffMember, "staff_no", names=("name",), only=("faculty_id", "name"), narrow_by=narrow_by)


def _staff_no(**kwargs) -> Column:
    return Column("staff_no", staff_reference(), field="staff_member", aliases=STAFF_NO_ALIASES, **kwargs)


def semester_year(record: TeachingAssignment | TeachingEvaluation) -> int | None:
    """The calendar year a semester falls in: autumn in its first year, spring in its second."""
    match = SEMESTER_RE.match(record.semester)
    if not match:
        return None
    start, end, term = match.groups()
    return int(start) if term == "1" else int(end)


register(Kind(
    name="staff",
    model=StaffMember,
    columns=[
        Column("staff_no", Text(), aliases=STAFF_NO_ALIASES[1:]),
        faculty_column(),
        Column("name", Text()),
        Column("nationality", Country(), aliases=("国别", "国籍/地区")),
        Column("category", Choice(StaffMember.Category, synonyms={
            "domestic": ("专任教师", "中方教师", "本校教师"),
            "foreign_teacher": ("外教", "外籍专任教师"),
            "foreign_expert": ("外籍专家", "外专"),
            "overseas_talent": ("海外人才", "高层次人才", "海外引进人才", "海外高层次引进人才"),
        }), aliases=("人员类别", "教师类别", "人员类型")),
        Column("title", Choice(StaffMember.Title, synonyms={
            "professor": ("正教授", "研究员"),
            "associate_professor": ("副研究员",),
            "lecturer": ("助理研究员",),
            "assistant": ("研究实习员",),
            "other": ("其它", "无职称"),
        }), aliases=("专业技术职务", "职称级别")),
        Column("hired_on", Date(), aliases=("入职时间", "来校日期", "来校时间")),
        Column("left_on", Date(), aliases=("离职时间", "离校日期", "离校时间")),
        Column("has_overseas_degree", Bool(), aliases=("是否有海外学位", "海外学历", "境外学位")),
    ],
    key=("staff_no",),
    faculty="faculty",
    year=lambda member: (member.left_on or member.hired_on).year if (member.left_on or member.hired_on) else None,
    checks=[ordered("hired_on", "left_on")],
))


def staff_imported(sender, **kwargs) -> None:
    standings_sync()


records_imported.connect(staff_imported, sender=StaffMember, dispatch_uid="staff-standings:imported")

register(Kind(
    name="contracts",
    model=ForeignTeacherContract,
    columns=[
        _staff_no(),
        Column("category", Choice(ForeignTeacherContract.Category, synonyms={
            "language_teacher": ("语言类外教", "语言外教", "语言教师"),
            "professional_teacher": ("专业类外教", "专业外教", "专业教师"),
            "foreign_expert": ("外籍专家", "外专"),
        }), aliases=("外教类别", "聘用类别")),
        Column("starts_on", Date(), aliases=("合同开始日期", "聘期开始日期", "聘期开始")),
        Column("ends_on", Date(), aliases=("合同结束日期", "聘期结束日期", "聘期结束")),
        Column("status", Choice(ForeignTeacherContract.Status, synonyms={
            "draft": ("拟聘", "待签"),
            "active": ("在聘", "生效", "生效中", "执行中"),
            "ended": ("到期", "期满", "已期满", "已结束"),
            "terminated": ("解除", "提前解除", "终止", "已终止"),
        }), aliases=("合同状态",)),
        Column("salary", Decimal(min_value=0), personal=True, aliases=("月薪", "月工资", "薪酬（元/月）")),
        Column("work_permit_no", Text(), personal=True, aliases=("工作许可号", "工作许可编号", "工作许可证编号")),
        Column("work_permit_expires_on", Date(), personal=True, aliases=("工作许可有效期至", "工作许可到期日")),
    ],
    key=("staff_no", "starts_on"),
    faculty="staff_no",
    checks=[ordered("starts_on", "ends_on")],
))

register(Kind(
    name="teaching_assignments",
    model=TeachingAssignment,
    columns=[
        _staff_no(),
        Column("semester", Text(), aliases=("学年学期",)),
        Column("course", Text(), aliases=("课程名称",)),
        Column("hours", Integer(min_value=1), aliases=("授课学时", "课时", "总学时")),
        Column("context", Choice(TeachingAssignment.Context, synonyms={
            "key_discipline": ("重点学科教学",),
            "cooperative_program": ("合作办学", "中外合作办学", "合作办学项目"),
            "international_students": ("留学生", "来华留学生教学", "留学生课程"),
            "general": ("常规", "普通教学", "一般教学"),
        }), aliases=("课程类别", "授课类型")),
    ],
    key=("staff_no", "semester", "course"),
    faculty="staff_no",
    year=semester_year,
))

register(Kind(
    name="language_assessments",
    model=LanguageAssessment,
    columns=[
        _staff_no(),
        Column("date", Date(), aliases=("考核日期", "考试日期")),
        Column("language", Text(), aliases=("考核语种", "外语语种")),
        Column("result", Choice(LanguageAssessment.Result, synonyms={
            "pass": ("合格", "及格", "已通过"),
            "fail": ("不合格", "不及格", "不通过"),
        }), aliases=("考核结果", "是否通过")),
        Column("score", Decimal(min_value=0), aliases=("分数", "考核成绩")),
    ],
    key=("staff_no", "date", "language"),
    faculty="staff_no",
    year="date",
))

register(Kind(
    name="publications",
    model=Publication,
    columns=[
        _staff_no(),
        Column("year", Integer(min_value=1990, max_value=2100), aliases=("发表年份", "发表年度", *YEAR_ALIASES)),
        Column("title", Text(), aliases=("论文题目", "论文名称", "题目")),
        Column("journal", Text(), aliases=("期刊名称", "刊物名称", "发表期刊")),
        Column("is_international", Bool(), aliases=("是否国际期刊",)),
        Column("doi", Text()),
    ],
    key=("staff_no", "year", "title"),
    faculty="staff_no",
    year="year",
))

# The faculty is the staff member's: a coordinator imports evaluations of their own staff only.
register(Kind(
    name="teaching_evaluations",
    model=TeachingEvaluation,
    columns=[
        _staff_no(),
        Column("semester", Text(), aliases=("学年学期",)),
        Column("source", Choice(TeachingEvaluation.Source, synonyms={
            "students": ("学生", "学评教", "学生评价"),
            "peers": ("同行", "同行评教", "同行听课"),
            "supervisors": ("督导", "督导评教", "督导听课"),
        }), aliases=("来源", "评价类型", "评教类型")),
        Column("course", Text(), aliases=("课程", "课程名称", "评教课程")),
        Column("score", Decimal(min_value=0), aliases=("分数", "评分", "评教分数", "评教得分")),
        Column("feedback", Text(), aliases=("意见", "评语", "反馈意见")),
    ],
    key=("staff_no", "semester", "source", "course"),
    faculty="staff_no",
    year=semester_year,
))
