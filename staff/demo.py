"""Demo staff, foreign teachers with contracts, teaching, evaluations, language assessments
and publications (part of ``seed_demo``).

Faculties differ on purpose (overseas degrees, foreign teachers, language passes,
international publications), so the assessment indicators vary across them.  Every staff
member's standing (category, overseas degree) holds from their hire date.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from faculties.demo import chinese_name
from staff.models import (
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    TeachingAssignment,
    TeachingEvaluation,
    semesters_of_year,
)
from staff.services import standings_sync

FOREIGN_PEOPLE = [
    ("GB", "Oliver Bennett"), ("US", "Emily Carter"), ("CA", "Liam Tremblay"), ("AU", "Charlotte Wilson"),
    ("DE", "Lukas Becker"), ("FR", "Camille Laurent"), ("JP", "Sato Haruto"), ("KR", "Kim Min-jun"),
    ("RU", "Anna Ivanova"), ("ES", "Lucía García"), ("IE", "Siobhán Murphy"), ("NZ", "Jack Thompson"),
    ("IT", "Giulia Romano"), ("US", "Michael Johnson"), ("GB", "Sophie Clarke"), ("DE", "Anna Schneider"),
    ("AU", "Noah Williams"), ("CA", "Olivia Roy"), ("FR", "Hugo Moreau"), ("US", "Daniel Lee"),
    ("GB", "James Walker"), ("JP", "Yamamoto Yui"), ("RU", "Dmitri Petrov"), ("ES", "Pablo Fernández"),
]

COURSES = {
    "FL": ["英语写作", "英语口语", "英美文学选读", "跨文化交际", "日语会话"],
    "CS": ["Algorithms", "Machine Learning", "Software Engineering", "Computer Networks"],
    "ME": ["Engineering Mechanics", "Mechanical Design", "Manufacturing Technology"],
    "EM": ["International Trade", "Principles of Marketing", "Corporate Finance", "Business English"],
    "LAW": ["International Law", "Comparative Law", "Legal English"],
    "MED": ["Anatomy", "Medical English", "Clinical Skills"],
}
DEFAULT_COURSES = ["Academic English", "Academic Writing", "Research Methods", "English for Specific Purposes"]

JOURNALS_INTL = ["Nature Communications", "IEEE Transactions on Education", "Applied Linguistics",
                 "Journal of International Business Studies", "Chemical Engineering Journal", "The Lancet Regional Health",
                 "Computers & Education", "Journal of Materials Chemistry A"]
JOURNALS_CN = ["中国高教研究", "外语界", "计算机学报", "机械工程学报", "管理世界", "法学研究", "化工学报", "中华医学杂志"]
TOPICS = ["国际化人才培养路径研究", "深度学习在工程中的应用", "跨文化能力评价", "中外合作办学质量保障",
          "新材料制备与表征", "数字经济与国际贸易", "临床教学改革探索", "课程思政与双语教学"]

FEEDBACK = ["课堂互动好，学生参与度高。", "教学内容充实，建议放慢语速。", "作业反馈及时，深受学生欢迎。",
            "教学方法灵活，注重口语实践。", "备课认真，课件规范。"]


def seed(ctx) -> None:
    rng = ctx.rng
    this_year = ctx.this_year
    today = timezone.localdate()
    foreign_index = 0
    permits_next_month = 0
    for index, (code, faculty) in enumerate(sorted(ctx.faculties.items())):
        if faculty.staff.exists():
            continue
        size = 15 + (index * 11) % 26  # 15–40
        overseas_share = 0.1 + (index % 5) * 0.08
        # The demo coordinators' faculties (CS, FL) have foreign teachers; the rest vary.
        foreign_count = {"FL": 5, "CS": 3}.get(code, [2, 1, 0, 2, 3, 1, 1][index % 7])
        members = []
        for number in range(1, size + 1):
            hired_on = date(rng.randint(this_year - 25, this_year - 1), 9, 1)
            leaves = number % 17 == 0 and hired_on.year < this_year - 1
            members.append(StaffMember(
                faculty=faculty, staff_no=f"{code}{number:03d}", name=chinese_name(rng), nationality="CN",
                category=StaffMember.Category.DOMESTIC,
                title=rng.choice(["professor", "associate_professor", "associate_professor", "lecturer", "lecturer",
                                  "assistant"]),
                hired_on=hired_on,
                left_on=date(this_year - 1, 7, 15) if leaves else None,
                has_overseas_degree=rng.random() < overseas_share,
            ))
        if index % 4 == 1:
            members.append(StaffMember(
                faculty=faculty, staff_no=f"{code}T01", name=chinese_name(rng), nationality="CN",
                category=StaffMember.Category.OVERSEAS_TALENT, title="professor",
                hired_on=date(this_year - 2, 3, 1), has_overseas_degree=True))
        for number in range(1, foreign_count + 1):
            nationality, name = FOREIGN_PEOPLE[foreign_index % len(FOREIGN_PEOPLE)]
            foreign_index += 1
            members.append(StaffMember(
                faculty=faculty, staff_no=f"{code}F{number:02d}", name=name, nationality=nationality,
                category=StaffMember.Category.FOREIGN_EXPERT if number == 3 else StaffMember.Category.FOREIGN_TEACHER,
                title="lecturer" if number != 3 else "professor",
                hired_on=date(this_year - 1 - number, 9, 1), has_overseas_degree=True,
            ))
        StaffMember.objects.bulk_create(members)
        members = list(faculty.staff.all())
        foreign = [m for m in members if m.is_foreign]
        domestic = [m for m in members if m.category == StaffMember.Category.DOMESTIC]

        contracts, assignments, evaluations = [], [], []
        courses = COURSES.get(code, DEFAULT_COURSES)
        for position, teacher in enumerate(foreign):
            ends_on = date(this_year + 1, 7, 15)
            permit_expires = ends_on + timedelta(days=30)
            if position == 0 and index % 3 == 0:
                ends_on = today + timedelta(days=45 + index)  # renewal due soon
            if position == 0 and permits_next_month < 2 and code in ("FL", "CS"):
                permit_expires = today + timedelta(days=30 + permits_next_month * 5)
                permits_next_month += 1
            contracts.append(ForeignTeacherContract(
                staff_member=teacher,
                category=(ForeignTeacherContract.Category.EXPERT if teacher.category == "foreign_expert"
                          else ForeignTeacherContract.Category.LANGUAGE if code == "FL"
                          else ForeignTeacherContract.Category.PROFESSIONAL),
                starts_on=date(this_year - 1, 9, 1), ends_on=max(ends_on, date(this_year - 1, 9, 2)),
                salary=Decimal(rng.randrange(12000, 32000, 500)),
                work_permit_no=f"WP{this_year}{rng.randint(10000000, 99999999)}",
                work_permit_expires_on=permit_expires,
            ))
            base = rng.uniform(76, 93)
            for step, year in enumerate(range(this_year - 2, this_year + 1)):
                for semester in semesters_of_year(year):
                    if semester > f"{this_year}-{this_year + 1}-1":
                        continue
                    course = courses[(position + step) % len(courses)]
                    # programs.demo moves some "general" ones into its cooperative programs.
                    context = rng.choice(["key_discipline", "international_students", "general", "general"])
                    assignments.append(TeachingAssignment(
                        staff_member=teacher, semester=semester, course=course, hours=rng.choice([32, 48, 64]),
                        context=context))
                    trend = base + step * rng.uniform(-1.5, 2.5)
                    # Students score each course they take (two here); peers and supervisors once a semester.
                    second = courses[(position + step + 1) % len(courses)]
                    for source, spread, evaluated in (("students", 5, (course, second)), ("peers", 3, ("",)),
                                                      ("supervisors", 3, ("",))):
                        for evaluated_course in dict.fromkeys(evaluated):
                            score = max(55, min(99, trend + rng.uniform(-spread, spread)))
                            evaluations.append(TeachingEvaluation(
                                staff_member=teacher, semester=semester, source=source, course=evaluated_course,
                                score=Decimal(f"{score:.1f}"), feedback=rng.choice(FEEDBACK)))
        ForeignTeacherContract.objects.bulk_create(contracts)
        TeachingAssignment.objects.bulk_create(assignments)
        TeachingEvaluation.objects.bulk_create(evaluations)

        pass_share = 0.15 + (index % 4) * 0.12
        assessments = []
        for teacher in domestic:
            if rng.random() < pass_share * 1.4:
                passed = rng.random() < 0.8
                assessments.append(LanguageAssessment(
                    staff_member=teacher, date=date(rng.randint(this_year - 3, this_year), rng.randint(3, 11), 15),
                    language=rng.choice(["英语", "英语", "英语", "日语", "德语"]),
                    result="pass" if passed else "fail",
                    score=Decimal(rng.randint(60, 95) if passed else rng.randint(35, 59))))
        LanguageAssessment.objects.bulk_create(assessments)

        international_share = 0.2 + (index % 5) * 0.1
        publications = []
        for year in range(this_year - 4, this_year + 1):
            for number in range(rng.randint(2, 6) + index % 3):
                author = rng.choice(members)
                international = rng.random() < international_share
                publications.append(Publication(
                    staff_member=author, year=year,
                    title=f"{rng.choice(TOPICS)}（{code}-{year}-{number + 1}）",
                    journal=rng.choice(JOURNALS_INTL if international else JOURNALS_CN),
                    is_international=international,
                    doi=f"10.{rng.randint(1000, 9999)}/{code.lower()}.{year}.{number + 1:03d}" if international else ""))
        Publication.objects.bulk_create(publications)
    standings_sync()  # the bulk writes above send no post_save
    ctx.log(f"staff: {StaffMember.objects.count()}, foreign: {StaffMember.objects.foreign().count()}, "
            f"contracts: {ForeignTeacherContract.objects.count()}, "
            f"evaluations: {TeachingEvaluation.objects.count()}, publications: {Publication.objects.count()}")
