"""Demo foreign visits (来访接待, part of ``seed_demo``): delegations from the demo's partner
universities and a few other institutions, received by many faculties, in every lasting state
of the approval chain — drafts, awaiting the office, awaiting a university leader, approved,
approved by a leader, hosted, closed, returned for changes and withdrawn.

Each delegation has a head with a position, members with (fake but plausible) passport numbers
and dates of birth, a day-by-day programme (talks, lectures with their speakers, visits of
laboratories, banquets), a reception level and a budget.  The visits are moved through
``visits.services`` by the demo's office, leader and coordinators, so their timelines and
notifications exist, and the closed ones — dated in the past — have become inbound mobilities
and ``overseas_scholar_lecture`` events that the assessment counts.  Deterministic: the
passports and birthdays come from a random generator of their own, seeded."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from django.utils import timezone

from exchanges.models import FundingScheme, PartnerInstitution
from staff.models import StaffMember
from visits import services
from visits.models import ProgrammeItem, Visit, VisitMember

SEED = 18  # the issue that brought visits: the demo's passports and birthdays do not depend on other apps
S = Visit.Status
P = Visit.Purpose
L = Visit.Level
F = Visit.Funding


@dataclass(frozen=True)
class Delegation:
    faculty: str
    title: str
    partner: str  # a demo partner's English name, or "" for an institution that is not a partner yet
    institution: str  # the institution's name when it is not a partner
    country: str
    purpose: str
    members: list  # (name, nationality, position, institution or "") — the head of the delegation first
    lectures: list = field(default_factory=list)  # (title, index of the speaker among the members)
    state: str = S.DRAFT
    ahead: int = 30  # days from today to the arrival (negative: in the past)
    length: int = 3  # days from arrival to departure
    level: str = L.FACULTY
    funding: str = F.FACULTY
    president: bool = False
    leader_position: str = ""  # the head's position when it differs from the member list's


DELEGATIONS = [
    # --- drafts
    Delegation("CS", "慕尼黑工业大学计算机学院代表团来访", "Technische Universität München", "", "DE", P.ACADEMIC_EXCHANGE,
               [("Prof. Dr. Thomas Becker", "DE", "Dean, School of Computation, Information and Technology", ""),
                ("Dr. Julia Hoffmann", "DE", "Senior Researcher", ""),
                ("Lukas Wagner", "DE", "International Office Coordinator", "")],
               [("Trustworthy machine learning for safety-critical systems", 0)], ahead=75, length=3),
    Delegation("ME", "弗劳恩霍夫生产技术研究所专家来访", "", "Fraunhofer Institute for Production Technology IPT", "DE",
               P.COOPERATION_TALKS,
               [("Dr. Michael Schneider", "DE", "Head of Department, Production Machines", ""),
                ("Anna Fischer", "DE", "Research Associate", "")],
               ahead=90, length=2, funding=F.VISITORS),
    Delegation("ART", "博洛尼亚大学艺术系教授来访讲学", "University of Bologna", "", "IT", P.LECTURES,
               [("Prof. Giulia Romano", "IT", "Professor of Visual Design", ""),
                ("Dr. Marco Ricci", "IT", "Lecturer in Art History", "")],
               [("Italian Renaissance and contemporary visual communication", 0),
                ("Typography in the age of screens", 1)], ahead=120, length=4),
    # --- submitted, awaiting the office
    Delegation("CS", "东京大学信息理工学研究科代表团来访", "University of Tokyo", "", "JP", P.ACADEMIC_EXCHANGE,
               [("Prof. Hiroshi Tanaka", "JP", "Dean, Graduate School of Information Science and Technology", ""),
                ("Prof. Yuko Suzuki", "JP", "Professor, Department of Computer Science", ""),
                ("Dr. Takeshi Yamamoto", "JP", "Project Lecturer", "")],
               [("Quantum-inspired algorithms for combinatorial optimisation", 1)], state=S.SUBMITTED, ahead=40,
               length=3, funding=F.GRANT),
    Delegation("FL", "伦敦大学学院语言学系学者来访", "", "University College London", "GB", P.LECTURES,
               [("Prof. Sarah Thompson", "GB", "Professor of Linguistics", ""),
                ("Dr. James Wilson", "GB", "Lecturer in Applied Linguistics", "")],
               [("Corpus methods in second-language acquisition", 0), ("Teaching academic English writing", 1)],
               state=S.SUBMITTED, ahead=35, length=3),
    Delegation("CHEM", "延世大学化学系代表团来访", "Yonsei University", "", "KR", P.ACADEMIC_EXCHANGE,
               [("Prof. Kim Min-jun", "KR", "Chair, Department of Chemistry", ""),
                ("Dr. Lee Ji-eun", "KR", "Research Professor", "")],
               [("Metal–organic frameworks for carbon capture", 0)], state=S.SUBMITTED, ahead=50, length=2),
    # --- approved by the office, awaiting a university leader
    Delegation("MED", "墨尔本大学医学院院长率团来访", "University of Melbourne", "", "AU", P.COOPERATION_TALKS,
               [("Prof. Jane Mitchell", "AU", "Vice-President (International)", ""),
                ("Prof. David Clarke", "AU", "Dean, Faculty of Medicine, Dentistry and Health Sciences", ""),
                ("Dr. Emma Roberts", "AU", "Associate Director, Global Engagement", "")],
               [("Global health partnerships after the pandemic", 1)], state=S.OFFICE_APPROVED, ahead=28, length=3,
               level=L.UNIVERSITY_LEADER, president=True),
    Delegation("MSE", "代尔夫特理工大学副校长访问团", "Delft University of Technology", "", "NL", P.COOPERATION_TALKS,
               [("Prof. Pieter de Vries", "NL", "Vice-Rector Magnificus", ""),
                ("Prof. Sanne Bakker", "NL", "Professor of Materials Science", ""),
                ("Dr. Jan Visser", "NL", "Senior Policy Advisor, International Affairs", "")],
               [("Self-healing materials for infrastructure", 1)], state=S.OFFICE_APPROVED, ahead=45, length=2,
               president=True),
    # --- approved by the office (no leader needed)
    Delegation("MATH", "首尔大学数学科学系学者来访", "Seoul National University", "", "KR", P.LECTURES,
               [("Prof. Park Ji-hoon", "KR", "Professor of Mathematical Sciences", ""),
                ("Dr. Choi Seo-yeon", "KR", "Postdoctoral Researcher", "")],
               [("Random matrices and their applications in statistics", 0)], state=S.OFFICE_APPROVED, ahead=21,
               length=2),
    Delegation("LAW", "巴黎萨克雷大学法学院教授来访", "Université Paris-Saclay", "", "FR", P.ACADEMIC_EXCHANGE,
               [("Prof. Claire Martin", "FR", "Professor of Private Law", ""),
                ("Dr. Antoine Dubois", "FR", "Maître de conférences in Comparative Law", "")],
               [("European data protection law and cross-border data flows", 0)], state=S.OFFICE_APPROVED,
               ahead=18, length=3),
    # --- approved by a university leader
    Delegation("CS", "斯坦福大学人工智能实验室访问团", "Stanford University", "", "US", P.ACADEMIC_EXCHANGE,
               [("Prof. Michael Johnson", "US", "Vice Provost for Global Programs", ""),
                ("Prof. Emily Davis", "US", "Professor of Computer Science", ""),
                ("Dr. Kevin Brown", "US", "Research Scientist", ""),
                ("Rachel Green", "US", "Program Manager, Global Partnerships", "")],
               [("Foundation models and the future of programming", 1), ("Robot learning from demonstration", 2)],
               state=S.LEADER_APPROVED, ahead=14, length=4, level=L.UNIVERSITY_LEADER, president=True),
    Delegation("EM", "新加坡国立大学商学院代表团来访", "National University of Singapore", "", "SG",
               P.COOPERATION_TALKS,
               [("Prof. Tan Wei Ming", "SG", "Dean, NUS Business School", ""),
                ("Dr. Lim Hui Ling", "SG", "Director, Graduate Programmes", "")],
               [("Supply chains in Southeast Asia after 2020", 0)], state=S.LEADER_APPROVED, ahead=24, length=2,
               level=L.UNIVERSITY_LEADER),
    # --- hosted (arrived; not closed yet)
    Delegation("PHY", "多伦多大学电子工程系学者来访", "University of Toronto", "", "CA", P.ACADEMIC_EXCHANGE,
               [("Prof. Robert Chen", "CA", "Professor of Electrical and Computer Engineering", ""),
                ("Dr. Olivia Martin", "CA", "Assistant Professor", "")],
               [("Silicon photonics for data-centre interconnects", 0)], state=S.HOSTED, ahead=-3, length=4),
    Delegation("FL", "早稻田大学国际教养学部来访", "Waseda University", "", "JP", P.ACADEMIC_EXCHANGE,
               [("Prof. Kenji Sato", "JP", "Dean, School of International Liberal Studies", ""),
                ("Prof. Mariko Ito", "JP", "Professor of Japanese Linguistics", ""),
                ("Haruka Nakamura", "JP", "Coordinator, Center for International Education", "")],
               [("Japanese as a foreign language: teaching honorifics", 1)], state=S.HOSTED, ahead=-10, length=3),
    Delegation("CE", "帝国理工学院土木工程系来访", "Imperial College London", "", "GB", P.CONFERENCE,
               [("Prof. Andrew Hughes", "GB", "Head of Department of Civil and Environmental Engineering", ""),
                ("Dr. Sophie Evans", "GB", "Senior Lecturer in Structural Engineering", ""),
                ("Dr. Daniel Walker", "GB", "Research Fellow", "Arup Group")],
               [("Resilient bridges under extreme weather", 0)], state=S.HOSTED, ahead=-2, length=5,
               funding=F.GRANT),
    # --- closed: hosted in the past, its members mobilities and its lectures events
    Delegation("CS", "爱丁堡大学信息学院代表团来访", "University of Edinburgh", "", "GB", P.LECTURES,
               [("Prof. Alistair Campbell", "GB", "Head of the School of Informatics", ""),
                ("Dr. Fiona MacLeod", "GB", "Reader in Natural Language Processing", "")],
               [("Large language models and low-resource languages", 1), ("The history of AI at Edinburgh", 0)],
               state=S.CLOSED, ahead=-40, length=3),
    Delegation("ME", "亚琛工业大学机械工程学院代表团来访", "", "RWTH Aachen University", "DE", P.ACADEMIC_EXCHANGE,
               [("Prof. Dr. Stefan Müller", "DE", "Dean, Faculty of Mechanical Engineering", ""),
                ("Dr. Katrin Weber", "DE", "Chief Engineer, Laboratory for Machine Tools", ""),
                ("Felix Schulz", "DE", "Doctoral Researcher", "")],
               [("Additive manufacturing of metal components", 0), ("Digital twins on the shop floor", 1)],
               state=S.CLOSED, ahead=-75, length=4, funding=F.SCHEME),
    Delegation("LS", "哥本哈根大学生物系学者来访", "University of Copenhagen", "", "DK", P.LECTURES,
               [("Prof. Mette Hansen", "DK", "Professor of Molecular Biology", ""),
                ("Dr. Rasmus Nielsen", "DK", "Associate Professor", "University of Aarhus")],
               [("CRISPR screens in plant biology", 0)], state=S.CLOSED, ahead=-120, length=2),
    Delegation("MATH", "康奈尔大学统计系教授来访讲学", "Cornell University", "", "US", P.LECTURES,
               [("Prof. William Harris", "US", "Professor of Statistics and Data Science", "")],
               [("Causal inference with observational data", 0), ("Bayesian hierarchical models in practice", 0)],
               state=S.CLOSED, ahead=-200, length=5, funding=F.GRANT),
    Delegation("JC", "阿姆斯特丹大学传播学院来访", "University of Amsterdam", "", "NL", P.ACADEMIC_EXCHANGE,
               [("Prof. Lotte de Jong", "NL", "Director, Amsterdam School of Communication Research", ""),
                ("Dr. Bram Jansen", "NL", "Assistant Professor of Political Communication", "")],
               [("News audiences and algorithmic curation", 0)], state=S.CLOSED, ahead=-300, length=3),
    Delegation("CHEM", "京都大学工学研究科代表团来访", "Kyoto University", "", "JP", P.ACADEMIC_EXCHANGE,
               [("Prof. Akira Watanabe", "JP", "Vice President for International Affairs", ""),
                ("Prof. Naoko Kobayashi", "JP", "Professor of Chemical Engineering", ""),
                ("Dr. Ryo Matsumoto", "JP", "Assistant Professor", "")],
               [("Flow chemistry for green synthesis", 1)], state=S.CLOSED, ahead=-150, length=3,
               level=L.UNIVERSITY_LEADER, president=True),
    # --- returned for changes
    Delegation("EM", "曼彻斯特大学商学院来访", "University of Manchester", "", "GB", P.COOPERATION_TALKS,
               [("Prof. Helen Baker", "GB", "Vice-Dean for Internationalisation, Alliance Manchester Business School",
                 ""),
                ("Dr. Thomas Wright", "GB", "Senior Lecturer in Accounting", "")],
               [("Sustainability reporting and capital markets", 1)], state=S.CHANGES_REQUESTED, ahead=33, length=2),
    Delegation("PHY", "莫斯科国立大学物理系学者来访", "Lomonosov Moscow State University", "", "RU", P.LECTURES,
               [("Prof. Alexei Ivanov", "RU", "Professor of Theoretical Physics", ""),
                ("Dr. Natalia Smirnova", "RU", "Senior Researcher", "")],
               [("Topological phases of matter", 0)], state=S.CHANGES_REQUESTED, ahead=48, length=3),
    # --- withdrawn
    Delegation("LAW", "海德堡大学法学院代表团来访", "Ruprecht-Karls-Universität Heidelberg", "", "DE",
               P.COURTESY,
               [("Prof. Dr. Markus Klein", "DE", "Dean, Faculty of Law", ""),
                ("Dr. Sabine Wolf", "DE", "Academic Councillor", "")],
               state=S.WITHDRAWN, ahead=26, length=2),
    Delegation("ART", "弘益大学设计学院代表团来访", "", "Hongik University", "KR", P.ACADEMIC_EXCHANGE,
               [("Prof. Jung Hye-won", "KR", "Dean, College of Design", ""),
                ("Dr. Kang Dong-hyun", "KR", "Professor of Industrial Design", "")],
               [("K-design and global brands", 0)], state=S.WITHDRAWN, ahead=60, length=2),
]

COMMENTS = {
    "return": ["请补充外方来访人员的护照信息扫描件，并说明讲座的预计听众人数。",
               "接待经费预算中宴请费偏高，请按学校外事接待标准调整后重新提交。"],
    "withdraw": ["外方因签证办理时间不足，来访推迟至下一学年，本次申请撤回。",
                 "对方院长行程变更，双方商定另行安排来访，本次撤回。"],
    "approve": "同意接待，请学院按外事接待规定做好安排。",
    "leader": "同意，请外事处与学院做好接待工作。",
}
SUMMARY = ("双方就联合培养、教师互访和合作研究进行了深入交流，外方学者作学术报告，"
           "师生反响热烈；双方商定于下一学年签署合作备忘录，并启动博士生联合培养项目。")


def _passport(rng: random.Random, country: str) -> str:
    """A made-up passport number in the shape the country's passports have."""
    letters = "CFGHJKLMNPRTVWXYZ"
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    shapes = {
        "DE": lambda: rng.choice("CFGHJK") + "".join(rng.choice(letters + "0123456789") for _ in range(8)),
        "JP": lambda: rng.choice(["TK", "TR", "MU"]) + digits(7),
        "KR": lambda: "M" + digits(8),
        "FR": lambda: digits(2) + rng.choice(letters) + rng.choice(letters) + digits(5),
        "IT": lambda: rng.choice(["YA", "YB", "YC"]) + digits(7),
        "NL": lambda: "N" + "".join(rng.choice(letters) for _ in range(2)) + digits(6),
        "SG": lambda: "E" + digits(7) + rng.choice("ABCDHJK"),
        "AU": lambda: rng.choice("NPR") + digits(7),
        "CA": lambda: rng.choice(["AB", "GA", "HK"]) + digits(6),
        "DK": lambda: digits(9),
        "RU": lambda: "7" + digits(8),
    }
    return shapes.get(country, lambda: digits(9))()


def _birthday(rng: random.Random) -> date:
    return date(1958, 1, 1) + timedelta(days=rng.randint(0, 365 * 37))


def _budget(delegation: Delegation, members: int) -> dict[str, Decimal]:
    """A reception budget by the university's standards: rooms and meals per person and night,
    a car, the lecture fees and the venue."""
    nights = max(1, delegation.length)
    per_night = {L.UNIVERSITY_LEADER: 600, L.OFFICE: 500, L.FACULTY: 450}[delegation.level]
    if delegation.funding == F.VISITORS:
        return {"budget_meals": Decimal(members * 300), "budget_venue": Decimal("500")}
    return {
        "budget_accommodation": Decimal(members * nights * per_night),
        "budget_meals": Decimal(members * (nights + 1) * 180 + 2000),
        "budget_transport": Decimal(800 + nights * 300),
        "budget_honoraria": Decimal(len(delegation.lectures) * 3000),
        "budget_venue": Decimal(500 if delegation.lectures else 0),
        "budget_other": Decimal(300),
    }


def _programme(visit: Visit, delegation: Delegation, rng: random.Random) -> None:
    first, last = visit.arrives_on, visit.leaves_on
    second = min(first + timedelta(days=1), last)
    items = [
        (first, time(9, 30), ProgrammeItem.Kind.MEETING, "与学院领导座谈，介绍双方学科建设与国际合作现状", "",
         "学院第一会议室", 12),
        (first, time(18, 30), ProgrammeItem.Kind.BANQUET, "欢迎晚宴", "", "学校国际交流中心", 10),
        (second, time(9, 0), ProgrammeItem.Kind.TOUR, "参观重点实验室与校史馆", "", "科技楼", 8),
    ]
    for n, (title, speaker) in enumerate(delegation.lectures):
        day = min(first + timedelta(days=n // 2 + (1 if delegation.length else 0)), last)
        items.append((day, time(14, 30) if n % 2 == 0 else time(16, 15), ProgrammeItem.Kind.LECTURE, title,
                      delegation.members[speaker][0], "学术报告厅", 40 + rng.randint(2, 16) * 5))
    if delegation.purpose == P.COOPERATION_TALKS:
        items.append((last, time(10, 0), ProgrammeItem.Kind.MEETING, "合作协议条款商谈及会谈纪要确认", "",
                      "国际交流与合作处会议室", 8))
    for day, starts_at, kind, title, speaker, place, participants in items:
        ProgrammeItem.objects.create(visit=visit, day=day, starts_at=starts_at, kind=kind, title=title,
                                     speaker=speaker, place=place, participants=participants)


def _make(index: int, delegation: Delegation, faculty, partners, scheme, rng: random.Random) -> Visit:
    today = timezone.localdate()
    arrives = today + timedelta(days=delegation.ahead)
    hosts = list(StaffMember.objects.filter(faculty=faculty, left_on__isnull=True).order_by("-title", "staff_no"))
    host = hosts[index % min(len(hosts), 5)] if hosts else None
    partner = partners.get(delegation.partner) if delegation.partner else None
    head_name, _nationality, head_position, _institution = delegation.members[0]
    funding = delegation.funding if delegation.funding != F.SCHEME or scheme is not None else F.FACULTY
    visit = Visit.objects.create(
        faculty=faculty, title=delegation.title, partner=partner,
        institution="" if partner else (delegation.institution or delegation.partner), country=delegation.country,
        delegation_leader=head_name, delegation_leader_position=delegation.leader_position or head_position,
        led_by_president=delegation.president, host=host, purpose=delegation.purpose, arrives_on=arrives,
        leaves_on=arrives + timedelta(days=delegation.length), reception_level=delegation.level,
        funding_source=funding, funding_scheme=scheme if funding == F.SCHEME else None,
        grant_number=f"NSFC-52{index * 3517 % 100000:06d}" if funding == F.GRANT else "",
        **_budget(delegation, len(delegation.members)))
    for name, nationality, position, institution in delegation.members:
        VisitMember.objects.create(visit=visit, name=name, nationality=nationality, position=position,
                                   institution=institution, passport_number=_passport(rng, nationality),
                                   date_of_birth=_birthday(rng))
    _programme(visit, delegation, rng)
    return visit


def _move(index: int, visit: Visit, state: str, *, faculty_user, office, leader) -> None:
    """Walk the visit through the approval chain to ``state``, as the people would."""
    if state == S.DRAFT:
        return
    today = timezone.localdate()
    # A visit in the past was applied for a month before the delegation came.
    applied = min(today, visit.arrives_on - timedelta(days=30))
    services.submit(visit=visit, by=faculty_user, today=applied)
    if state == S.SUBMITTED:
        return
    if state == S.CHANGES_REQUESTED:
        services.return_for_changes(visit=visit, by=office, comment=COMMENTS["return"][index % 2])
        return
    if state == S.WITHDRAWN:
        services.withdraw(visit=visit, by=faculty_user, comment=COMMENTS["withdraw"][index % 2])
        return
    visit = services.office_approve(visit=visit, by=office, comment=COMMENTS["approve"])
    if state == S.OFFICE_APPROVED:
        return
    if visit.needs_leader:
        visit = services.leader_approve(visit=visit, by=leader, comment=COMMENTS["leader"])
    if state == S.LEADER_APPROVED:
        return
    services.mark_hosted(visit=visit, by=faculty_user, today=min(today, visit.leaves_on))
    if state == S.HOSTED:
        return
    Visit.objects.filter(pk=visit.pk).update(summary=SUMMARY)
    services.close(visit=Visit.objects.get(pk=visit.pk), by=office, comment="来访总结及经费结算齐全，予以结项。")


def _documents(visits: list[Visit], office) -> None:
    """The office's letters for the approved visits (documents/): each one's invitation letter, and
    the visa invitation of the first approved delegation's head."""
    from documents.models import TemplateKind
    from documents.rendering import generate

    approved = [v for v in Visit.objects.filter(pk__in=[v.pk for v in visits]).order_by("pk")
                if v.status in (S.OFFICE_APPROVED, S.LEADER_APPROVED, S.HOSTED, S.CLOSED)
                and not (v.status == S.OFFICE_APPROVED and v.needs_leader)]
    for visit in approved[:6]:
        generate(kind=TemplateKind.VISIT_INVITATION, record=visit, by=office)
    if approved:
        head = approved[0].members.order_by("pk").first()
        generate(kind=TemplateKind.VISA_INVITATION, record=head, by=office)


def seed(ctx) -> None:
    users = ctx.extra.get("users", {})
    if not users or not ctx.faculties:
        ctx.log("foreign visits: skipped (no faculties or users)")
        return
    if Visit.objects.filter(title__in=[d.title for d in DELEGATIONS]).exists():
        ctx.log("foreign visits: already seeded")
        return
    rng = random.Random(SEED)
    office, leader = users["office"], users["leader"]
    # The coordinators act for their faculties (CS, FL); the office registers the others' visits.
    acting = {"CS": users.get("coordinator"), "FL": users.get("coordinator2")}
    partners = {p.name: p for p in PartnerInstitution.objects.filter(name__in={d.partner for d in DELEGATIONS})}
    this_year = timezone.localdate().year
    scheme, _created = FundingScheme.objects.get_or_create(
        name=f"外国专家来访接待专项 {this_year}", defaults={"year": this_year, "budget": Decimal("300000")})
    made = []
    for index, delegation in enumerate(DELEGATIONS):
        faculty = ctx.faculties.get(delegation.faculty)
        if faculty is None:
            continue
        visit = _make(index, delegation, faculty, partners, scheme, rng)
        _move(index, visit, delegation.state, faculty_user=acting.get(delegation.faculty) or office, office=office,
              leader=leader)
        made.append(visit)
    _documents(made, office)
    closed = Visit.objects.filter(pk__in=[v.pk for v in made], status=S.CLOSED)
    lectures = ProgrammeItem.objects.filter(visit__in=closed, event__isnull=False).count()
    ctx.log(f"foreign visits: {len(made)} in every state of the approval chain; {closed.count()} closed into "
            f"{VisitMember.objects.filter(visit__in=closed).count()} inbound mobilities and {lectures} lecture events")
