"""Demo faculties, disciplines, headcounts, website updates and leading groups (part of
``seed_demo``)."""

from __future__ import annotations

from datetime import date

from faculties.models import Discipline, Faculty, FacultyYear, LeadingGroupMember, SiteUpdate
from faculties.services import site_updated_on_refresh

FACULTIES = [
    # code, Chinese name, English name, [(discipline zh, discipline en, key, first-class)]
    ("FL", "外国语学院", "School of Foreign Languages",
     [("英语语言文学", "English Language and Literature", True, True), ("日语", "Japanese", False, False)]),
    ("CS", "计算机科学与技术学院", "School of Computer Science and Technology",
     [("计算机科学与技术", "Computer Science and Technology", True, True), ("软件工程", "Software Engineering", True, False)]),
    ("ME", "机械工程学院", "School of Mechanical Engineering",
     [("机械设计制造及其自动化", "Mechanical Design, Manufacturing and Automation", True, True)]),
    ("EM", "经济与管理学院", "School of Economics and Management",
     [("国际经济与贸易", "International Economics and Trade", True, False), ("工商管理", "Business Administration", False, True)]),
    ("LAW", "法学院", "Law School", [("法学", "Law", True, True)]),
    ("CHEM", "化学化工学院", "School of Chemistry and Chemical Engineering",
     [("化学", "Chemistry", True, False), ("化学工程与工艺", "Chemical Engineering and Technology", False, True)]),
    ("LS", "生命科学学院", "School of Life Sciences", [("生物科学", "Biological Sciences", True, False)]),
    ("CE", "土木工程学院", "School of Civil Engineering", [("土木工程", "Civil Engineering", True, True)]),
    ("ART", "艺术学院", "School of Arts", [("视觉传达设计", "Visual Communication Design", False, True)]),
    ("MATH", "数学与统计学院", "School of Mathematics and Statistics",
     [("数学与应用数学", "Mathematics and Applied Mathematics", True, True), ("统计学", "Statistics", False, False)]),
    ("PHY", "物理与电子工程学院", "School of Physics and Electronic Engineering",
     [("电子信息工程", "Electronic Information Engineering", True, False)]),
    ("MED", "医学院", "School of Medicine", [("临床医学", "Clinical Medicine", True, True)]),
    ("JC", "新闻与传播学院", "School of Journalism and Communication", [("新闻学", "Journalism", False, False)]),
    ("MSE", "材料科学与工程学院", "School of Materials Science and Engineering",
     [("材料科学与工程", "Materials Science and Engineering", True, False)]),
]

LEADING_GROUP = [
    ("leader", "院长", "Dean"),
    ("deputy", "分管外事副院长", "Associate dean for international affairs"),
    ("secretary", "外事秘书", "International affairs secretary"),
    ("member", "系主任", "Head of department"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "华", "建国", "志强", "晓燕", "海燕", "文", "欣怡", "子涵", "浩然", "思远"]


def chinese_name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def seed(ctx) -> None:
    rng = ctx.rng
    this_year = ctx.this_year
    for index, (code, name_zh, name_en, disciplines) in enumerate(FACULTIES):
        faculty, _created = Faculty.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "foreign_site_url": f"https://{code.lower()}.example.edu.cn/en/",
            },
        )
        # Most faculties updated their English site this year; a few last year only.
        SiteUpdate.objects.get_or_create(
            faculty=faculty, updated_on=date(this_year - (1 if index % 5 == 4 else 0), 3 + index % 9, 10),
            defaults={"url": faculty.foreign_site_url, "note": "学院新闻、师资与招生信息英文版更新"},
        )
        for d_zh, d_en, key, first in disciplines:
            Discipline.objects.update_or_create(
                faculty=faculty, name_zh=d_zh,
                defaults={"name_en": d_en, "is_key": key, "is_national_first_class": first},
            )
        teachers = 60 + (index * 37) % 140
        students = 900 + (index * 431) % 3100
        for year in range(this_year - 5, this_year + 1):
            growth = 1 + 0.02 * (year - this_year + 5)
            FacultyYear.objects.get_or_create(
                faculty=faculty, year=year,
                defaults={"teachers": int(teachers * growth), "students": int(students * growth)},
            )
        if not faculty.leading_group.exists():
            names: set[str] = set()  # a person sits once in a faculty's group (its import key)
            while len(names) < len(LEADING_GROUP):
                names.add(chinese_name(rng))
            LeadingGroupMember.objects.bulk_create(
                LeadingGroupMember(faculty=faculty, name=name, position=position_zh, group_role=role)
                for (role, position_zh, _en), name in zip(LEADING_GROUP, sorted(names), strict=True)
            )
    site_updated_on_refresh()
    ctx.faculties = {f.code: f for f in Faculty.objects.all()}
    ctx.log(f"faculties: {len(ctx.faculties)}")


def after_seed(ctx) -> None:
    """Plans in every state, once the users exist (they submit and approve them)."""
    from faculties import plan_demo

    plan_demo.seed(ctx)
