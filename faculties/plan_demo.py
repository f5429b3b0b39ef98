"""Demo internationalization plans in every workflow state (called from ``faculties.demo``).

The plans go through the real services, so their timelines, histories and notifications look
like the office's own work: CS has an approved plan that was returned once and a returned one,
FL a plan waiting for review, and a few faculties drafts.
"""

from __future__ import annotations

from faculties import services
from faculties.models import InternationalizationPlan, PlanTarget

SECTIONS = {
    "partnerships": "巩固与英国、德国、日本合作高校的校际协议，新增两所“一带一路”沿线国家合作院校。",
    "teachers": "每年选派骨干教师赴海外访学或参加国际会议；引进外籍专业教师两名。",
    "students": "扩大学期交换和暑期研修规模，力争本科生海外经历比例逐年提高。",
    "curriculum": "引进合作院校优质课程，建设全英文授课课程三门。",
    "research": "与合作院校共建联合实验室，鼓励在国际期刊发表高水平论文。",
    "support_measures": "成立学院外事工作领导小组，设立国际交流专项经费，及时更新外文网站。",
}

TARGETS = [("partners", 3), ("teachers_abroad", 5), ("student_overseas_share", 2.5), ("conferences_hosted", 1)]


def _plan(faculty, first_year: int, title: str) -> tuple[InternationalizationPlan, bool]:
    plan, created = InternationalizationPlan.objects.get_or_create(
        faculty=faculty, first_year=first_year, title=title,
        defaults={"last_year": first_year + 2, **SECTIONS},
    )
    if created:
        PlanTarget.objects.bulk_create(
            PlanTarget(plan=plan, indicator=code, year=year, value=value + (year - first_year))
            for year in range(first_year, first_year + 3) for code, value in TARGETS
        )
    return plan, created


def seed(ctx) -> None:
    users = ctx.extra.get("users") or {}
    office, coordinator, coordinator2 = (users.get(n) for n in ("office", "coordinator", "coordinator2"))
    if not (office and coordinator and coordinator2):
        ctx.log("plans: skipped (the demo users are missing)")
        return
    year = ctx.this_year
    faculties = ctx.faculties

    plan, created = _plan(faculties["CS"], year - 1, f"计算机学院国际化发展规划（{year - 1}—{year + 1}年）")
    if created:
        services.plan_submit(plan=plan, by=coordinator, comment="请国际处审核。")
        services.plan_return(plan=plan, by=office,
                             comment="学生海外经历比例目标偏低，请结合近三年数据上调，并补充经费保障措施。")
        services.plan_submit(plan=plan, by=coordinator, comment="已按意见上调目标并补充经费保障措施。")
        services.plan_approve(plan=plan, by=office, comment="同意，请按规划推进并每年报送进展。")

    plan, created = _plan(faculties["CS"], year + 2, f"计算机学院国际化发展规划（{year + 2}—{year + 4}年）")
    if created:
        services.plan_submit(plan=plan, by=coordinator)
        services.plan_return(plan=plan, by=office, comment="请补充与合作院校共建课程的具体计划。")

    plan, created = _plan(faculties["FL"], year, f"外国语学院国际化发展规划（{year}—{year + 2}年）")
    if created:
        services.plan_submit(plan=plan, by=coordinator2, comment="请审核，附件稍后补充。")

    for code in ("ME", "EM", "LAW"):
        faculty = faculties[code]
        _plan(faculty, year, f"{faculty.name_zh}国际化发展规划（{year}—{year + 2}年）")
    ctx.log(f"plans: {InternationalizationPlan.objects.count()} (draft, submitted, returned, approved)")
