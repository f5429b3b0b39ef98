"""Demo partners, agreements, funding schemes, mobilities, events and language tests (part of
``seed_demo``).

Partners come from the real registry (``data/world_universities_and_domains.json``, MIT licence)
when it is there.  Four years of exchanges give every faculty material for the assessment
indicators: active agreements listing faculties, completed outbound teacher mobilities (linked
to staff members when staff exist), outbound students with distinct student numbers, events of
every kind; plus work for the office: mobilities awaiting approval, reports overdue, agreements
about to expire.  A second run adds nothing.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from exchanges import services
from exchanges.models import (
    TEACHER_ABROAD_ACTIVITIES,
    Agreement,
    Event,
    FundingScheme,
    Mobility,
    PartnerInstitution,
    StudentLanguageTest,
)
from faculties.demo import chinese_name

REGISTRY = Path(settings.BASE_DIR) / "data" / "world_universities_and_domains.json"

# name in the registry, Chinese name, country, domain (used when the registry file is absent)
PARTNERS = [
    ("University of Oxford", "牛津大学", "GB", "ox.ac.uk"),
    ("University of Cambridge", "剑桥大学", "GB", "cam.ac.uk"),
    ("Imperial College London", "帝国理工学院", "GB", "imperial.ac.uk"),
    ("University of Manchester", "曼彻斯特大学", "GB", "manchester.ac.uk"),
    ("University of Edinburgh", "爱丁堡大学", "GB", "ed.ac.uk"),
    ("Harvard University", "哈佛大学", "US", "harvard.edu"),
    ("Stanford University", "斯坦福大学", "US", "stanford.edu"),
    ("University of California, Berkeley", "加州大学伯克利分校", "US", "berkeley.edu"),
    ("Cornell University", "康奈尔大学", "US", "cornell.edu"),
    ("University of Toronto", "多伦多大学", "CA", "utoronto.ca"),
    ("University of British Columbia", "不列颠哥伦比亚大学", "CA", "ubc.ca"),
    ("McGill University", "麦吉尔大学", "CA", "mcgill.ca"),
    ("University of Tokyo", "东京大学", "JP", "u-tokyo.ac.jp"),
    ("Kyoto University", "京都大学", "JP", "kyoto-u.ac.jp"),
    ("Osaka University", "大阪大学", "JP", "osaka-u.ac.jp"),
    ("Waseda University", "早稻田大学", "JP", "waseda.jp"),
    ("Seoul National University", "首尔大学", "KR", "snu.ac.kr"),
    ("Yonsei University", "延世大学", "KR", "yonsei.ac.kr"),
    ("National University of Singapore", "新加坡国立大学", "SG", "nus.edu.sg"),
    ("Nanyang Technological University", "南洋理工大学", "SG", "ntu.edu.sg"),
    ("University of Melbourne", "墨尔本大学", "AU", "unimelb.edu.au"),
    ("University of Sydney", "悉尼大学", "AU", "sydney.edu.au"),
    ("Monash University", "莫纳什大学", "AU", "monash.edu"),
    ("University of Auckland", "奥克兰大学", "NZ", "auckland.ac.nz"),
    ("Technische Universität München", "慕尼黑工业大学", "DE", "tum.de"),
    ("Ruprecht-Karls-Universität Heidelberg", "海德堡大学", "DE", "uni-heidelberg.de"),
    ("Freie Universität Berlin", "柏林自由大学", "DE", "fu-berlin.de"),
    ("Université Paris-Saclay", "巴黎萨克雷大学", "FR", "universite-paris-saclay.fr"),
    ("University of Amsterdam", "阿姆斯特丹大学", "NL", "uva.nl"),
    ("Delft University of Technology", "代尔夫特理工大学", "NL", "tudelft.nl"),
    ("KU Leuven", "鲁汶大学", "BE", "kuleuven.be"),
    ("Lomonosov Moscow State University", "莫斯科国立大学", "RU", "msu.ru"),
    ("Novosibirsk State University", "新西伯利亚国立大学", "RU", "nsu.ru"),
    ("University of Helsinki", "赫尔辛基大学", "FI", "helsinki.fi"),
    ("Uppsala University", "乌普萨拉大学", "SE", "uu.se"),
    ("University of Copenhagen", "哥本哈根大学", "DK", "ku.dk"),
    ("University of Bologna", "博洛尼亚大学", "IT", "unibo.it"),
    ("University of Barcelona", "巴塞罗那大学", "ES", "ub.edu"),
    ("Chulalongkorn University", "朱拉隆功大学", "TH", "chula.ac.th"),
    ("Universiti Malaya", "马来亚大学", "MY", "um.edu.my"),
    ("Universidade de São Paulo", "圣保罗大学", "BR", "usp.br"),
    ("University of Cape Town", "开普敦大学", "ZA", "uct.ac.za"),
]

AGREEMENT_KINDS = {
    "student_exchange": "学生交流协议",
    "staff_exchange": "教师交流协议",
    "joint_research": "联合研究合作协议",
    "joint_program": "联合培养项目协议",
    "internship": "海外实习合作协议",
}

EVENT_TITLES = {
    "overseas_scholar_lecture": ["{partner}学者学术讲座", "海外名师讲坛：{partner}专家报告", "{partner}教授系列讲座"],
    "conference_hosted": ["{faculty}国际学术研讨会", "第{n}届{faculty}国际学术会议"],
    "seminar_coorganized": ["{faculty}与{partner}联合学术研讨会", "中外青年学者论坛（{partner}合办）"],
    "summer_school_hosted": ["{faculty}国际暑期学校"],
}

STUDENT_ACTIVITIES = ["semester_exchange", "summer_study_tour", "internship", "degree_study", "cultural_experience",
                      "short_term_training"]
FOREIGN_SCHOLARS = ["John Smith", "Emma Müller", "Hiroshi Tanaka", "Min-jun Kim", "Olivia Brown", "Lucas Martin",
                    "Sofia Rossi", "Jan de Vries", "Anna Ivanova", "Liam Wilson", "Noah Lee", "Mia Schneider"]


def _registry_rows() -> dict[str, dict]:
    if not REGISTRY.exists():
        return {}
    wanted = {name for name, *_rest in PARTNERS}
    rows = json.loads(REGISTRY.read_text(encoding="utf-8"))
    return {row["name"]: row for row in rows if row.get("name") in wanted}


def seed_partners() -> list[PartnerInstitution]:
    registry = _registry_rows()
    partners = []
    for name, name_zh, country, domain in PARTNERS:
        row = registry.get(name, {})
        domains = [d.lower() for d in row.get("domains") or [domain]]
        existing = PartnerInstitution.objects.likely_duplicates(names=[name], domains=domains).first()
        if existing is not None:
            partners.append(existing)
            continue
        partners.append(PartnerInstitution.objects.create(
            name=name, name_en=name, name_zh=name_zh, country=row.get("alpha_two_code") or country,
            kind=PartnerInstitution.Kind.UNIVERSITY, domains=domains,
            website=(row.get("web_pages") or [f"https://www.{domain}/"])[0]))
    return partners


def seed_schemes(this_year: int) -> dict[tuple[str, int], FundingScheme]:
    schemes = {}
    for year in range(this_year - 3, this_year + 1):
        for key, name, budget in (("teacher", "教师出国（境）研修专项", Decimal("1500000")),
                                  ("student", "学生海外学习资助基金", Decimal("1200000"))):
            schemes[(key, year)], _created = FundingScheme.objects.get_or_create(
                name=f"{name} {year}", defaults={"year": year, "budget": budget})
    return schemes


def seed_agreements(ctx, partners) -> None:
    if Agreement.objects.exists():
        return
    rng, today = ctx.rng, timezone.localdate()
    faculties = list(ctx.faculties.values())
    for index, faculty in enumerate(faculties):
        chosen = rng.sample(partners, 4)
        for n, partner in enumerate(chosen):
            kind = rng.choice(list(AGREEMENT_KINDS))
            starts_on = date(ctx.this_year - rng.randint(1, 5), rng.randint(1, 12), 1)
            ends_on = starts_on.replace(year=starts_on.year + 5)
            status, terminated_on = Agreement.Status.ACTIVE, None
            if n == 3 and index % 3 == 0:  # a few about to expire: the office must renew them
                ends_on = today + timedelta(days=rng.randint(15, 85))
            elif n == 3 and index % 3 == 1:
                status = Agreement.Status.DRAFT
            elif ends_on < today and n == 2:
                # Ended early, at the close of last year: it counts for the years it was in force.
                status, terminated_on = Agreement.Status.TERMINATED, date(ctx.this_year - 1, 12, 20)
            agreement = Agreement.objects.create(
                partner=partner, kind=kind, title=f"{partner.name_zh}—{faculty.name_zh}{AGREEMENT_KINDS[kind]}",
                signed_on=starts_on - timedelta(days=rng.randint(5, 40)), starts_on=starts_on, ends_on=ends_on,
                status=status, terminated_on=terminated_on)
            agreement.faculties.add(faculty)
            if n == 0 and index + 1 < len(faculties):  # some agreements serve two faculties
                agreement.faculties.add(faculties[index + 1])
    for partner in partners[:6]:  # university-wide framework agreements
        Agreement.objects.create(
            partner=partner, kind=Agreement.Kind.FRAMEWORK, title=f"{partner.name_zh}校际合作框架协议",
            starts_on=date(ctx.this_year - 4, 9, 1), ends_on=date(ctx.this_year + 1, 8, 31),
            signed_on=date(ctx.this_year - 4, 8, 15), status=Agreement.Status.ACTIVE)


class Budget:
    """Remaining money per scheme, so the demo never overspends a scheme."""

    def __init__(self, schemes):
        self.schemes = schemes
        self.left = {key: scheme.budget for key, scheme in schemes.items()}

    def draw(self, key, amount):
        if key not in self.schemes or self.left[key] < amount:
            return None, None
        self.left[key] -= amount
        return self.schemes[key], amount


def _staff_of(faculty):
    try:
        from staff.models import StaffMember
    except ImportError:  # pragma: no cover - the staff app is always installed
        return []
    return list(StaffMember.objects.filter(faculty=faculty, category=StaffMember.Category.DOMESTIC,
                                           left_on__isnull=True).order_by("staff_no"))


def seed_mobilities(ctx, partners, schemes) -> None:
    if Mobility.objects.exists():
        return
    rng, today = ctx.rng, timezone.localdate()
    budget = Budget(schemes)
    now = timezone.now()
    rows: list[Mobility] = []
    current: list[tuple[Mobility, str]] = []  # this year's records that go through the workflow
    for f_index, faculty in enumerate(ctx.faculties.values()):
        staff = _staff_of(faculty)
        rng.shuffle(staff)
        fellows = iter(staff)
        student_no = 0
        for year in range(ctx.this_year - 3, ctx.this_year + 1):
            past_year = year < ctx.this_year

            def dates(length, year=year):
                start = date(year, rng.randint(1, 11), rng.randint(1, 28))
                return start, start + timedelta(days=length - 1)

            # Teachers abroad.
            for t in range(rng.randint(2, 5)):
                member = next(fellows, None)
                activity = rng.choice(TEACHER_ABROAD_ACTIVITIES)
                length = rng.randint(100, 180) if activity == "further_study" else rng.randint(5, 30)
                starts_on, ends_on = dates(length)
                partner = rng.choice(partners)
                scheme, amount = budget.draw(("teacher", year), Decimal(rng.randint(8, 60) * 1000))
                status = Mobility.Status.COMPLETED if ends_on < today else Mobility.Status.APPROVED
                if not past_year and t == 0:
                    status = Mobility.Status.PLANNED
                m = Mobility(
                    faculty=faculty, direction="outbound", person_kind="teacher",
                    person_name=member.name if member else chinese_name(rng),
                    person_id=member.staff_no if member else f"{faculty.code}{year % 100:02d}T{t:02d}",
                    staff_member=member, partner=partner, country=partner.country.code, activity=activity,
                    starts_on=starts_on, ends_on=ends_on, funding_scheme=scheme, amount=amount, status=status)
                overdue = status == Mobility.Status.COMPLETED and ends_on < today - timedelta(days=30)
                if status == Mobility.Status.COMPLETED and not (overdue and (f_index + t) % 4 == 0):
                    m.report_text = (f"赴{partner.name_zh}开展{m.get_activity_display()}，与对方教师交流教学与科研合作，"
                                     f"商定下一步联合指导学生和合作申报项目。")
                    m.report_submitted_at = timezone.make_aware(datetime.combine(ends_on + timedelta(days=10),
                                                                                 datetime.min.time()))
                rows.append(m)
                if status == Mobility.Status.PLANNED:
                    current.append((m, "submit" if f_index % 2 == 0 else "plan"))
            # Students abroad, each with their own student number.
            for s in range(rng.randint(4, 14)):
                student_no += 1
                activity = rng.choice(STUDENT_ACTIVITIES)
                length = {"semester_exchange": 140, "degree_study": 365}.get(activity, rng.randint(14, 40))
                starts_on, ends_on = dates(length)
                partner = rng.choice(partners)
                scheme, amount = (budget.draw(("student", year), Decimal(rng.randint(3, 20) * 1000))
                                  if s % 2 == 0 else (None, None))
                status = Mobility.Status.COMPLETED if ends_on < today else Mobility.Status.APPROVED
                if not past_year and s < 2:
                    status = Mobility.Status.PLANNED
                m = Mobility(
                    faculty=faculty, direction="outbound", person_kind="student", person_name=chinese_name(rng),
                    person_id=f"{year - 2}{f_index + 1:02d}{student_no:04d}", partner=partner,
                    country=partner.country.code, activity=activity, starts_on=starts_on, ends_on=ends_on,
                    funding_scheme=scheme, amount=amount, status=status)
                rows.append(m)
                if status == Mobility.Status.PLANNED:
                    current.append((m, "approve" if s == 0 else "submit"))
            # Scholars visiting us.
            for v in range(rng.randint(1, 3)):
                partner = rng.choice(partners)
                starts_on, ends_on = dates(rng.randint(3, 20))
                rows.append(Mobility(
                    faculty=faculty, direction="inbound", person_kind="scholar", person_name=rng.choice(FOREIGN_SCHOLARS),
                    person_id=f"V{year}{f_index:02d}{v:02d}", partner=partner, country=partner.country.code,
                    activity=rng.choice(["lecture", "joint_research", "visit"]), starts_on=starts_on, ends_on=ends_on,
                    status=Mobility.Status.COMPLETED if ends_on < today else Mobility.Status.APPROVED))
        # One call-off per faculty, so the cancelled state appears.
        partner = rng.choice(partners)
        rows.append(Mobility(
            faculty=faculty, direction="outbound", person_kind="administrator", person_name=chinese_name(rng),
            person_id=f"{faculty.code}ADM", partner=partner, country=partner.country.code, activity="visit",
            starts_on=date(ctx.this_year - 1, 6, 1), ends_on=date(ctx.this_year - 1, 6, 8),
            status=Mobility.Status.CANCELLED))
    for m in rows:
        m.created_at = m.updated_at = now
    bulk_create_with_history(rows, Mobility, batch_size=500)
    users = ctx.extra.get("users", {})
    office = users.get("office")
    coordinators = {"CS": users.get("coordinator"), "FL": users.get("coordinator2")}
    saved = {(m.faculty_id, m.person_id, m.starts_on): m for m in Mobility.objects.filter(status="planned")}
    for m, step in current:
        mobility = saved[(m.faculty_id, m.person_id, m.starts_on)]
        if step == "plan":
            continue
        submitter = coordinators.get(mobility.faculty.code) or office
        services.mobility_submit(mobility=mobility, by=submitter)
        if step == "approve" and office is not None:
            services.mobility_approve(mobility=mobility, by=office, comment="经费预算已核，同意派出。")


def seed_events(ctx, partners) -> None:
    if Event.objects.exists():
        return
    rng = ctx.rng
    for faculty in ctx.faculties.values():
        short = faculty.name_zh.removesuffix("学院")
        for year in range(ctx.this_year - 3, ctx.this_year + 1):
            kinds = (["overseas_scholar_lecture"] * rng.randint(1, 4) + ["conference_hosted"] * rng.randint(0, 1)
                     + ["seminar_coorganized"] * rng.randint(0, 2)
                     + (["summer_school_hosted"] if rng.random() < 0.3 else []))
            for n, kind in enumerate(kinds):
                partner = rng.choice(partners)
                title = rng.choice(EVENT_TITLES[kind]).format(partner=partner.name_zh, faculty=short, n=year - 2000 + n)
                total = rng.randint(40, 300)
                event = Event.objects.create(
                    faculty=faculty, kind=kind, title=f"{title}（{year}）", participants_total=total,
                    date=date(year, rng.randint(1, 12), rng.randint(1, 28)),
                    participants_foreign=rng.randint(1, max(1, total // 5)))
                event.partners.add(partner, *([rng.choice(partners)] if rng.random() < 0.3 else []))


def seed_language_tests(ctx) -> None:
    if StudentLanguageTest.objects.exists():
        return
    rng = ctx.rng
    tests = []
    for f_index, faculty in enumerate(ctx.faculties.values()):
        for year in range(ctx.this_year - 3, ctx.this_year + 1):
            for n in range(rng.randint(5, 15)):
                test = rng.choice(["ielts", "ielts", "toefl", "jlpt", "gre", "topik"])
                score = {"ielts": rng.choice([5.5, 6, 6.5, 7, 7.5]), "toefl": rng.randint(75, 112),
                         "gre": rng.randint(300, 335), "jlpt": rng.randint(95, 170),
                         "topik": rng.randint(120, 260)}[test]
                tests.append(StudentLanguageTest(
                    faculty=faculty, student_id=f"{year - 2}{f_index + 1:02d}{5000 + n:04d}", test=test,
                    date=date(year, rng.randint(1, 12), rng.randint(1, 28)), score=Decimal(str(score))))
    bulk_create_with_history(tests, StudentLanguageTest, batch_size=500)


def seed(ctx) -> None:
    if not ctx.faculties:
        from faculties.models import Faculty

        ctx.faculties = {f.code: f for f in Faculty.objects.all()}
    partners = seed_partners()
    schemes = seed_schemes(ctx.this_year)
    seed_agreements(ctx, partners)
    seed_mobilities(ctx, partners, schemes)
    seed_events(ctx, partners)
    seed_language_tests(ctx)
    ctx.log(f"exchanges: {len(partners)} partners, {Agreement.objects.count()} agreements, "
            f"{Mobility.objects.count()} mobilities, {Event.objects.count()} events, "
            f"{StudentLanguageTest.objects.count()} language tests")
