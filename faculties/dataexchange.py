"""The faculties' record kinds in the import/export registry (see ``dataexchange.registry``).

A faculty's last website update is not a column of the faculties: it is the website update
log's ("site_updates"), whose import refreshes the faculties' copy of it on
``records_imported`` (bulk writes send no ``post_save``).

Every kind with a faculty column names it with ``faculty_column()``: a cell gives the
faculty's code or its Chinese or English name, under any of the headings an office uses.
"""

from dataexchange.columns import Bool, Choice, Column, Date, ForeignKey, Integer, Text
from dataexchange.registry import ImportWorkflow, Kind, ordered, register
from dataexchange.signals import records_imported
from faculties.models import Discipline, Faculty, FacultyYear, InternationalizationPlan, LeadingGroupMember, SiteUpdate
from faculties.services import site_updated_on_refresh

# Headings a faculty column has in the office's spreadsheets besides its label (学院).
FACULTY_ALIASES = ("所属学院", "所在学院", "学院名称", "院系", "单位", "所在单位")
YEAR_ALIASES = ("年份",)


def faculty_column(name: str = "faculty", **kwargs) -> Column:
    """The faculty of a row, by code, Chinese or English name."""
    return Column(name, ForeignKey(Faculty, "code", names=("name_zh", "name_en")), aliases=FACULTY_ALIASES,
                  **kwargs)


register(Kind(
    name="faculties",
    model=Faculty,
    columns=[
        Column("code", Text(), aliases=("学院代码", "院系代码")),
        Column("name_zh", Text(), aliases=("学院名称", "院系名称")),
        Column("name_en", Text(), aliases=("英文名", "学院英文名称")),
        Column("foreign_site_url", Text(), aliases=("外文网址", "英文网站", "外文网站网址")),
    ],
    key=("code",),
))

register(Kind(
    name="faculty_years",
    model=FacultyYear,
    columns=[
        faculty_column(),
        Column("year", Integer(min_value=1990, max_value=2100), aliases=YEAR_ALIASES),
        Column("teachers", Integer(min_value=0), aliases=("专任教师", "专任教师人数", "教师数")),
        Column("students", Integer(min_value=0), aliases=("在校学生数", "在校生人数", "学生数")),
    ],
    key=("faculty", "year"),
    faculty="faculty",
    year="year",
))

register(Kind(
    name="site_updates",
    model=SiteUpdate,
    columns=[
        faculty_column(),
        Column("updated_on", Date(), aliases=("更新时间",)),
        Column("url", Text(), aliases=("网站", "链接", "页面地址")),
        Column("note", Text(), aliases=("备注", "说明")),
    ],
    key=("faculty", "updated_on"),
    faculty="faculty",
    year="updated_on",
))


def site_updates_imported(sender, **kwargs) -> None:
    site_updated_on_refresh()


records_imported.connect(site_updates_imported, sender=SiteUpdate, dispatch_uid="site-update-copy:imported")

# Plans: the office imports them (faculty=None); everyone exports what they may see.  A status
# the import sets is recorded as a workflow step (``workflow``).  An approved plan is read-only,
# so a row that would change one is refused like any other edit.
register(Kind(
    name="plans",
    model=InternationalizationPlan,
    columns=[
        faculty_column(),
        Column("first_year", Integer(min_value=1990, max_value=2100), aliases=("开始年度", "起始年份")),
        Column("last_year", Integer(min_value=1990, max_value=2100), aliases=("结束年度", "截止年份")),
        Column("title", Text(), aliases=("规划名称",)),
        Column("status", Choice(InternationalizationPlan.Status, synonyms={
            "draft": ("起草中", "未提交"),
            "submitted": ("待审核", "审核中", "待审批"),
            "returned": ("退回", "驳回", "已驳回"),
            "approved": ("已审批", "已获批", "批准", "审核通过"),
        }), aliases=("审核状态",)),
    ],
    key=("faculty", "first_year", "title"),
    checks=[ordered("first_year", "last_year")],
    year="first_year",
    workflow=ImportWorkflow("status", initial=InternationalizationPlan.Status.DRAFT),
))

register(Kind(
    name="disciplines",
    model=Discipline,
    columns=[
        faculty_column(),
        Column("name_zh", Text(), aliases=("学科名称", "学科专业名称", "专业名称")),
        Column("name_en", Text(), aliases=("学科英文名称", "英文名")),
        Column("is_key", Bool(), aliases=("是否重点学科",)),
        Column("is_national_first_class", Bool(), aliases=("是否国家一流专业", "一流专业", "国家级一流专业")),
    ],
    key=("faculty", "name_zh"),
    faculty="faculty",
))

register(Kind(
    name="leading_group",
    model=LeadingGroupMember,
    columns=[
        faculty_column(),
        Column("name", Text()),
        Column("position", Text(), aliases=("行政职务", "现任职务", "职位")),
        Column("group_role", Choice(LeadingGroupMember.GroupRole, synonyms={
            "leader": ("领导小组组长", "小组组长"),
            "deputy": ("领导小组副组长", "小组副组长"),
            "member": ("组员", "小组成员", "领导小组成员"),
            "secretary": ("联络员", "外事秘书", "工作秘书"),
        }), aliases=("组内职务", "领导小组职务", "小组分工")),
    ],
    key=("faculty", "name"),
    faculty="faculty",
))
