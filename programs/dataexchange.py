"""The cooperative program kinds in the import/export registry (see ``dataexchange.registry``).

Programs are the office's (``COORDINATOR_CREATES = False``), so only the office imports
them; an import may set any status, as when the office loads its existing programs, and each
status it sets is recorded as a workflow step (``workflow``) — day-to-day moves go through
the lifecycle actions on the program's page.  A status an import sets (or a program it
creates in a status) is also a dated step of the program's status history, which the
assessment reads: the import's ``records_imported`` writes it (``services.status_history_sync``;
bulk writes send no ``post_save``).

A program's enrolments, courses and teacher trainings belong to the program's faculty: a
coordinator imports those of their own faculties' programs (``program_reference``).
"""

from django.utils.translation import gettext as _

from dataexchange.columns import Bool, Choice, Column, Date, Decimal, ForeignKey, Integer, Text
from dataexchange.registry import ImportWorkflow, Kind, not_more_than, ordered, register
from dataexchange.signals import records_imported
from faculties.dataexchange import YEAR_ALIASES, faculty_column
from programs.models import (
    CooperativeProgram,
    ProgramCourse,
    ProgramEnrollment,
    ProgramTeacherTraining,
)
from programs.services import status_history_sync

PROGRAM_ALIASES = ("项目编号", "合作办学项目", "项目名称")


def program_reference() -> ForeignKey:
    """A program by code or name; its faculty decides whether a coordinator may import the row."""
    return ForeignKey(CooperativeProgram, "code", names=("name_zh", "name_en"),
                      only=("faculty_id", "name_zh", "name_en"))


def date_in_year(values: dict) -> dict[str, str]:
    """A training's date falls in its year."""
    year, day = values.get("year"), values.get("date")
    if year is not None and day is not None and day.year != year:
        return {"date": _("The date must fall in the training year (%(year)s).") % {"year": year}}
    return {}


register(Kind(
    name="programs",
    model=CooperativeProgram,
    columns=[
        Column("code", Text(), aliases=("项目编号",)),
        faculty_column(),
        Column("name_zh", Text(), aliases=("项目名称", "项目中文名称")),
        Column("name_en", Text(), aliases=("项目英文名称", "英文名")),
        Column("level", Choice(CooperativeProgram.Level, synonyms={
            "bachelor": ("本科教育", "学士", "本科层次"),
            "master": ("硕士研究生", "硕士研究生教育", "硕士层次"),
            "doctoral": ("博士研究生", "博士研究生教育", "博士层次"),
            "non_degree": ("非学历教育", "非学历层次"),
        }), aliases=("层次",)),
        Column("form", Choice(CooperativeProgram.Form, synonyms={
            "institute": ("合作办学机构", "机构", "非独立法人机构"),
            "program": ("合作办学项目", "项目"),
        }), aliases=("办学类型",)),
        Column("status", Choice(CooperativeProgram.Status, synonyms={
            "proposed": ("筹备中", "拟办"),
            "declared": ("已申报", "申报中", "审批中"),
            "approved": ("已批准", "获批", "批准"),
            "enrolling": ("在办", "正常招生", "运行中"),
            "suspended": ("停招", "暂停"),
            "closed": ("终止", "停办", "已停办"),
        }), aliases=("项目状态", "办学状态")),
        Column("approval_no", Text(), aliases=("批准书编号", "批准文号", "批准书号")),
        Column("approved_on", Date(), aliases=("获批日期", "获批时间")),
        Column("expires_on", Date(), aliases=("有效期至", "批准书有效期至", "到期日期")),
    ],
    key=("code",),
    faculty="faculty",
    year=lambda program: program.approved_on.year if program.approved_on else None,
    checks=[ordered("approved_on", "expires_on")],
    workflow=ImportWorkflow("status", initial=CooperativeProgram.Status.PROPOSED),
))


def programs_imported(sender, user=None, **kwargs) -> None:
    status_history_sync(by=user)


records_imported.connect(programs_imported, sender=CooperativeProgram, dispatch_uid="program-status-history:imported")

register(Kind(
    name="program_trainings",
    model=ProgramTeacherTraining,
    columns=[
        Column("program", program_reference(), aliases=PROGRAM_ALIASES),
        Column("year", Integer(min_value=1990, max_value=2100), aliases=YEAR_ALIASES),
        Column("date", Date(), aliases=("培训日期", "培训时间")),
        Column("title", Text(), aliases=("培训名称", "培训主题", "培训项目")),
        Column("participants", Integer(min_value=0), aliases=("参加人数", "培训人数", "人数")),
    ],
    key=("program", "year", "title"),
    faculty="program",
    year="year",
    checks=[date_in_year],
))

register(Kind(
    name="program_enrollments",
    model=ProgramEnrollment,
    columns=[
        Column("program", program_reference(), aliases=PROGRAM_ALIASES),
        Column("year", Integer(min_value=1990, max_value=2100), aliases=("招生年度", "招生年份", *YEAR_ALIASES)),
        Column("students", Integer(min_value=0), aliases=("实际招生人数", "录取人数", "人数")),
    ],
    key=("program", "year"),
    faculty="program",
    year="year",
))

register(Kind(
    name="program_courses",
    model=ProgramCourse,
    columns=[
        Column("program", program_reference(), aliases=PROGRAM_ALIASES),
        Column("course", Text(), aliases=("课程名称",)),
        Column("credits", Decimal(min_value=0, places=1)),
        Column("hours", Integer(min_value=0), aliases=("总学时", "课时")),
        Column("is_core", Bool(), aliases=("是否核心课程", "核心课")),
        Column("is_introduced", Bool(), aliases=("是否引进外方课程", "引进课程", "是否引进课程")),
        Column("partner_taught_hours", Integer(min_value=0), aliases=("外方授课学时", "外方教师授课学时", "外方学时")),
    ],
    key=("program", "course"),
    faculty="program",
    checks=[not_more_than("partner_taught_hours", "hours")],
))
