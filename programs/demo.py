"""Demo cooperative programs with partners, enrolments, courses and yearly teacher trainings
(part of ``seed_demo``).  One enrolling program breaks the introduced-courses rule on purpose.

Partners come from ``exchanges``: the programs take some if any exist, and none otherwise.
"""

from __future__ import annotations

from datetime import date

from exchanges.models import PartnerInstitution
from programs.models import (
    CooperativeProgram,
    ProgramCourse,
    ProgramEnrollment,
    ProgramStatusChange,
    ProgramTeacherTraining,
)
from staff.models import TeachingAssignment

Status = CooperativeProgram.Status

# code, faculty, name_zh, name_en, level, status, approved years ago, quota, curriculum
# curriculum: (courses, core, introduced, introduced core, partner-taught core, partner hour share)
PROGRAMS = [
    ("CS-UK-2019", "CS", "计算机科学与技术专业中英合作办学项目", "Computer Science and Technology (with a UK partner)",
     "bachelor", Status.ENROLLING, 7, 120, (15, 9, 7, 4, 6, 0.40)),
    ("ME-DE-2020", "ME", "机械设计制造及其自动化专业中德合作办学项目",
     "Mechanical Design, Manufacturing and Automation (with a German partner)",
     "bachelor", Status.ENROLLING, 6, 90, (12, 6, 3, 2, 4, 0.36)),  # 3 of 12 introduced: breaches
    ("EM-AU-2022", "EM", "国际经济与贸易专业中澳合作办学项目", "International Economics and Trade (with an Australian partner)",
     "bachelor", Status.APPROVED, 4, 100, (12, 6, 5, 3, 4, 0.35)),
    ("MED-US-2021", "MED", "临床医学硕士中美合作办学项目", "Master of Clinical Medicine (with a US partner)",
     "master", Status.ENROLLING, 5, 40, (9, 6, 4, 3, 3, 0.34)),
    ("FL-FR-2025", "FL", "法语专业中法合作办学项目", "French (with a French partner)",
     "bachelor", Status.DECLARED, None, 60, None),
    ("CHEM-UK-2026", "CHEM", "化学工程与工艺专业中英合作办学项目", "Chemical Engineering (with a UK partner)",
     "bachelor", Status.PROPOSED, None, 80, None),
]

COURSE_NAMES = ["Calculus", "Linear Algebra", "Academic English", "Programming Fundamentals", "Data Structures",
                "Engineering Drawing", "Thermodynamics", "Microeconomics", "Macroeconomics", "Statistics",
                "Project Management", "Research Methods", "Professional Ethics", "Capstone Project", "Physics",
                "Control Engineering"]


def _courses(program, curriculum, rng) -> list[ProgramCourse]:
    total, core, introduced, introduced_core, partner_core, partner_share = curriculum
    courses = []
    for number in range(total):
        is_core = number < core
        # The first introduced_core core courses and then the first non-core ones are introduced.
        is_introduced = number < introduced_core or (core <= number < core + introduced - introduced_core)
        hours = rng.choice([32, 48, 64])
        courses.append(ProgramCourse(
            program=program, course=COURSE_NAMES[number % len(COURSE_NAMES)] + ("" if number < 16 else f" {number}"),
            credits=hours // 16, hours=hours, is_core=is_core, is_introduced=is_introduced,
            partner_taught_hours=0))
    total_hours = sum(c.hours for c in courses)
    target = round(total_hours * partner_share)
    partner_core_courses = [c for c in courses if c.is_core][:partner_core]
    # The partner's teachers take the partner-taught core courses first, then non-core courses
    # (introduced ones first), which leaves the core-course counts as the curriculum says.
    non_core = sorted((c for c in courses if not c.is_core), key=lambda c: not c.is_introduced)
    other_core = [c for c in courses if c.is_core and c not in partner_core_courses]
    # Other core courses only if hours are still short: more partner-taught core courses
    # never breaks a rule.
    for course in partner_core_courses + non_core + other_core:
        if target <= 0:
            break
        course.partner_taught_hours = min(course.hours, target)
        target -= course.partner_taught_hours
    for course in partner_core_courses:
        course.partner_taught_hours = max(course.partner_taught_hours, 1)
    return courses


def status_steps(status: str, approved_on: date | None, this_year: int) -> list[tuple[str, date]]:
    """The dated status history of a demo program: approved on its approval date, enrolling
    from the first September intake after it; a program not yet approved was proposed last
    autumn (and declared this spring)."""
    if approved_on is None:
        steps = [(Status.PROPOSED, date(this_year - 1, 10, 15))]
        if status == Status.DECLARED:
            steps.append((Status.DECLARED, date(this_year, 3, 1)))
        return steps
    steps = [(Status.APPROVED, approved_on)]
    if status == Status.ENROLLING:
        steps.append((Status.ENROLLING, date(approved_on.year + 1, 9, 1)))
    return steps


def seed(ctx) -> None:
    rng = ctx.rng
    this_year = ctx.this_year
    partners = list(PartnerInstitution.objects.order_by("pk")[:200])
    for code, faculty_code, name_zh, name_en, level, status, years_ago, quota, curriculum in PROGRAMS:
        faculty = ctx.faculties.get(faculty_code)
        if faculty is None:
            continue
        approved_on = date(this_year - years_ago, 6, 20) if years_ago is not None else None
        program, created = CooperativeProgram.objects.get_or_create(code=code, defaults={
            "faculty": faculty, "name_zh": name_zh, "name_en": name_en, "level": level, "status": status,
            "approval_no": f"MOE{rng.randint(10, 65)}{code[-7:-5]}{rng.randint(1, 9)}A{approved_on.year}{rng.randint(1000, 9999)}N"
            if approved_on else "",
            "approved_on": approved_on,
            "expires_on": date(approved_on.year + 10, 6, 19) if approved_on else None,
            "annual_quota": quota,
        })
        if not created:
            continue
        ProgramStatusChange.objects.bulk_create(
            ProgramStatusChange(program=program, status=step, effective_on=day)
            for step, day in status_steps(status, approved_on, this_year))
        if partners:
            program.partners.set(rng.sample(partners, k=min(len(partners), rng.choice([1, 1, 2]))))
        if curriculum:
            ProgramCourse.objects.bulk_create(_courses(program, curriculum, rng))
        if status in (Status.ENROLLING, Status.APPROVED) and approved_on:
            first_intake = approved_on.year + 1 if status == Status.ENROLLING else this_year + 1
            ProgramEnrollment.objects.bulk_create(
                ProgramEnrollment(program=program, year=year, students=int(quota * rng.uniform(0.75, 1.0)))
                for year in range(first_intake, this_year + 1))
            trainings = []
            for year in range(approved_on.year, this_year + 1):
                # One program missed this year's training, so the indicator varies.
                if year == this_year and faculty_code == "MED":
                    continue
                trainings.append(ProgramTeacherTraining(
                    program=program, year=year, date=date(year, 7, rng.randint(5, 25)),
                    title=f"{year}年{name_zh[:6]}教师全英文授课能力培训", participants=rng.randint(8, 30)))
            ProgramTeacherTraining.objects.bulk_create(trainings)
            # Some of the faculty's foreign teachers teach in the program.
            TeachingAssignment.objects.filter(
                staff_member__faculty=faculty, context=TeachingAssignment.Context.GENERAL, hours=48,
            ).update(context=TeachingAssignment.Context.COOPERATIVE_PROGRAM, program=program)
    ctx.log(f"cooperative programs: {CooperativeProgram.objects.count()}, "
            f"courses: {ProgramCourse.objects.count()}")
