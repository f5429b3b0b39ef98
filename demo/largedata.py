"""The large-university data set behind ``seed_demo --scale large`` and ``bench/run.py``.

60 faculties, 3,000 partners, 8,000 agreements, 500,000 mobilities over ten years, 15,000
staff, 30,000 events, 60,000 publications and 100 cooperative programs, plus what those
records hang on (headcounts, disciplines, plans, contracts, teaching, language assessments,
funding schemes, programme courses, enrolments and trainings, incentive pools).

Speed matters more than anything else here, so the rows are written without the ORM's
per-object work:

* on PostgreSQL every table is filled with ``COPY … FROM STDIN`` (psycopg2 ``copy_expert``),
  ids assigned here and sequences reset afterwards;
* on other databases (the test suite's SQLite) with ``bulk_create`` in batches of 5,000.

Neither writes django-simple-history rows: a synthetic benchmark set has no editing history
to show, and history tables twice the size of the data would only slow the seeding.  The
records are otherwise what the portal itself would store (``version`` 1, timestamps now,
evidence verified by the office), with the dated logs the assessment reads: website updates,
terminated agreements' termination dates, programs' status histories and staff standings.
Those logs are derived from the other values without drawing from the random generator, so
the rest of the data set is the same as before they were added.

Distributions aim at a plausible Chinese university: faculties of very different sizes,
far more outbound students than teachers, start dates clustered in February–March, July–
August and September, partner countries weighted towards the US, UK, Japan, Korea, Germany,
Australia, France, Singapore and Canada, a dip in 2020–2022, and mobilities of past years
mostly completed.  The random generator is seeded, so a data set is reproducible.
"""

from __future__ import annotations

import bisect
import functools
import io
import json
import math
import random
import sys
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from assessment.models import IncentivePool
from exchanges.models import Agreement, Event, FundingScheme, Mobility, PartnerInstitution, StudentLanguageTest
from faculties import demo as faculties_demo
from faculties.models import (
    Discipline,
    Faculty,
    FacultyYear,
    InternationalizationPlan,
    LeadingGroupMember,
    SiteUpdate,
)
from programs.models import (
    CooperativeProgram,
    ProgramCourse,
    ProgramEnrollment,
    ProgramStatusChange,
    ProgramTeacherTraining,
)
from staff.models import (
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    StaffStanding,
    TeachingAssignment,
    TeachingEvaluation,
)
from staff.standings import first_effective

WORLD_UNIVERSITIES = Path(settings.BASE_DIR) / "data" / "world_universities_and_domains.json"


@dataclass(frozen=True)
class Scale:
    """How many records of each headline kind to create."""

    faculties: int = 60
    partners: int = 3_000
    agreements: int = 8_000
    mobilities: int = 500_000
    staff: int = 15_000
    events: int = 30_000
    publications: int = 60_000
    programs: int = 100
    years: int = 10

    @classmethod
    def tiny(cls) -> Scale:
        """A few hundred rows: for tests."""
        return cls(faculties=16, partners=50, agreements=80, mobilities=800, staff=240, events=120,
                   publications=150, programs=4)

    def with_overrides(self, **counts) -> Scale:
        return replace(self, **{k: v for k, v in counts.items() if v is not None})

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

EXTRA_FACULTIES = [
    ("PH", "公共卫生学院", "School of Public Health"), ("NUR", "护理学院", "School of Nursing"),
    ("PHAR", "药学院", "School of Pharmacy"), ("EE", "电气工程学院", "School of Electrical Engineering"),
    ("AUTO", "自动化学院", "School of Automation"),
    ("ENV", "环境科学与工程学院", "School of Environmental Science and Engineering"),
    ("ARCH", "建筑与城市规划学院", "School of Architecture and Urban Planning"),
    ("HIST", "历史文化学院", "School of History and Culture"), ("PHIL", "哲学学院", "School of Philosophy"),
    ("MARX", "马克思主义学院", "School of Marxism"), ("EDU", "教育学院", "School of Education"),
    ("PE", "体育学院", "School of Physical Education"), ("MUS", "音乐学院", "School of Music"),
    ("CHN", "文学院", "School of Chinese Language and Literature"),
    ("IR", "国际关系学院", "School of International Relations"),
    ("PA", "公共管理学院", "School of Public Administration"), ("FIN", "金融学院", "School of Finance"),
    ("ACC", "会计学院", "School of Accounting"), ("AGR", "农学院", "College of Agriculture"),
    ("FOOD", "食品科学与工程学院", "School of Food Science and Engineering"),
    ("ENER", "能源与动力工程学院", "School of Energy and Power Engineering"),
    ("AERO", "航空航天学院", "School of Aerospace Engineering"), ("OCE", "海洋科学学院", "School of Ocean Sciences"),
    ("GEO", "地理科学学院", "School of Geographical Sciences"), ("EARTH", "地球科学学院", "School of Earth Sciences"),
    ("TRANS", "交通运输学院", "School of Traffic and Transportation"),
    ("OPT", "光电信息学院", "School of Optoelectronic Information"), ("SE", "软件学院", "School of Software"),
    ("AI", "人工智能学院", "School of Artificial Intelligence"),
    ("CYB", "网络空间安全学院", "School of Cyber Science and Engineering"),
    ("MIC", "集成电路学院", "School of Integrated Circuits"),
    ("BME", "生物医学工程学院", "School of Biomedical Engineering"), ("STO", "口腔医学院", "School of Stomatology"),
    ("TCM", "中医学院", "School of Traditional Chinese Medicine"), ("SOC", "社会学院", "School of Sociology"),
    ("PSY", "心理学院", "School of Psychology"), ("TOUR", "旅游学院", "School of Tourism"),
    ("DES", "设计学院", "School of Design"), ("FILM", "影视学院", "School of Film and Television"),
    ("INTL", "国际教育学院", "School of International Education"),
    ("TEXT", "纺织服装学院", "School of Textiles and Clothing"),
    ("MIN", "资源与安全工程学院", "School of Resources and Safety Engineering"),
    ("WAT", "水利工程学院", "School of Hydraulic Engineering"), ("HON", "荣誉学院", "Honors College"),
    ("ENGR", "工程师学院", "School of Engineering Practice"), ("VET", "动物医学院", "College of Veterinary Medicine"),
    ("FOR", "林学院", "College of Forestry"), ("DANCE", "舞蹈学院", "School of Dance"),
]

# Where partners and exchanges are, in the office's experience (relative weights).
COUNTRY_WEIGHTS = {
    "US": 16, "GB": 11, "JP": 9, "KR": 7, "DE": 7, "AU": 6.5, "FR": 5, "SG": 3, "CA": 4.5, "RU": 3.5,
    "HK": 4, "MO": 1.2, "TW": 1.5, "IT": 2.5, "ES": 2, "NL": 2, "NZ": 1.5, "MY": 2, "TH": 2, "IE": 1.2,
    "CH": 1.5, "SE": 1.2, "FI": 0.8, "DK": 0.8, "BE": 1, "AT": 1, "PL": 0.8, "CZ": 0.6, "HU": 0.6,
    "PT": 0.6, "BR": 0.6, "VN": 1, "ID": 0.8, "IN": 0.6, "PK": 0.7, "KZ": 0.6, "AE": 0.5, "EG": 0.4,
    "ZA": 0.4, "MX": 0.4, "CL": 0.3, "AR": 0.3, "TR": 0.4, "IL": 0.3, "NO": 0.5, "PH": 0.5,
}
OTHER_COUNTRY_WEIGHT = 0.05

SURNAMES = faculties_demo.SURNAMES
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "华", "建国", "志强", "晓燕", "海燕", "文", "欣怡", "子涵", "浩然", "思远", "雨桐",
         "梓轩", "一诺", "宇航", "佳怡", "博文", "若曦", "俊杰"]
FOREIGN_FIRST = ["James", "Emma", "Oliver", "Sophie", "Lukas", "Anna", "Hiroshi", "Yuki", "Min-jun", "Seo-yeon",
                 "Pierre", "Claire", "Liam", "Mia", "Noah", "Olivia", "Ivan", "Elena", "Marco", "Giulia",
                 "Daniel", "Sarah", "Kenji", "Aiko", "Thomas", "Laura", "Ahmed", "Fatima", "Carlos", "Lucia"]
FOREIGN_LAST = ["Smith", "Johnson", "Brown", "Taylor", "Müller", "Schmidt", "Tanaka", "Suzuki", "Kim", "Park",
                "Martin", "Bernard", "Wilson", "Anderson", "Ivanov", "Petrova", "Rossi", "Bianchi", "García",
                "López", "Nguyen", "Tan", "Lee", "Wong", "Dubois", "Jensen", "Novak", "Silva", "Khan", "Cohen"]
DISCIPLINE_SUFFIXES = [("学", "Studies"), ("工程", "Engineering"), ("技术", "Technology"), ("管理", "Management")]
# Who gives the overseas scholars' lectures (Event.speaker).
SPEAKERS = ["Prof. Anna Schmidt", "Prof. Kenji Sato", "Dr. Emily Carter", "Prof. Jean Dupont", "Prof. Min-jun Kim",
            "Dr. Lucas Oliveira", "Prof. Sophie Martin", "Dr. Rahul Mehta", "Prof. Olga Ivanova", "Dr. James Wilson"]

TOPICS = ["deep learning", "carbon neutrality", "urban resilience", "public health", "quantum materials",
          "cross-cultural communication", "digital economy", "rural revitalization", "marine ecology",
          "intelligent manufacturing", "second language acquisition", "global governance", "bioinformatics",
          "new energy vehicles", "heritage conservation", "financial technology", "smart grids", "precision medicine",
          "higher education internationalization", "climate adaptation", "robotics", "supply chains"]
JOURNALS_INTL = ["Nature Communications", "IEEE Transactions on Neural Networks", "The Lancet Regional Health",
                 "Journal of Cleaner Production", "Applied Linguistics", "Physical Review B", "Cell Reports",
                 "Journal of Finance", "Advanced Materials", "Higher Education", "Energy Policy", "PLOS ONE"]
JOURNALS_DOMESTIC = ["中国科学", "计算机学报", "外语教学与研究", "经济研究", "管理世界", "中国高教研究", "土木工程学报",
                     "化学学报", "中华医学杂志", "法学研究"]
COURSES = ["Calculus", "Linear Algebra", "Academic English", "Programming Fundamentals", "Data Structures",
           "Microeconomics", "Accounting Principles", "Engineering Mechanics", "Circuit Analysis", "Statistics",
           "Research Methods", "Marketing", "Thermodynamics", "Operating Systems", "International Law",
           "Organic Chemistry", "Molecular Biology", "Design Studio", "Project Management", "Capstone Project",
           "Machine Learning", "Corporate Finance", "Materials Science", "Control Systems", "Databases"]
SCHEMES = [("国家留学基金", 6_000_000), ("校级海外研修基金", 2_500_000), ("学生海外交流奖学金", 3_000_000),
           ("青年教师出国访学计划", 1_800_000), ("港澳台交流专项", 600_000)]

PLAN_SECTIONS = ("与重点伙伴深化合作。", "选派骨干教师出国研修。", "扩大学生海外交流规模。", "引进优质课程资源。",
                 "联合科研攻关。", "设立专项经费。")
# (direction, person kind) → weight; far more outbound students than teachers.
PEOPLE = {
    ("outbound", "student"): 58, ("outbound", "teacher"): 11, ("outbound", "administrator"): 2,
    ("outbound", "scholar"): 1, ("inbound", "student"): 14, ("inbound", "scholar"): 9,
    ("inbound", "teacher"): 3, ("inbound", "administrator"): 2,
}
# Activities each kind of person goes on, weighted, with (min, max) days.
ACTIVITIES = {
    "student": {"semester_exchange": (30, (110, 180)), "summer_study_tour": (22, (14, 35)),
                "short_term_training": (12, (10, 60)), "internship": (9, (30, 120)),
                "degree_study": (8, (365, 1095)), "cultural_experience": (10, (7, 21)),
                "conference": (5, (3, 7)), "further_study": (4, (90, 365))},
    "teacher": {"visit": (28, (5, 14)), "conference": (30, (3, 8)), "lecture": (8, (3, 10)),
                "further_study": (14, (90, 365)), "short_term_training": (10, (14, 60)),
                "joint_research": (10, (30, 180))},
    "scholar": {"visit": (30, (5, 20)), "lecture": (30, (2, 10)), "joint_research": (20, (30, 180)),
                "conference": (20, (3, 7))},
    "administrator": {"visit": (60, (5, 12)), "conference": (25, (3, 6)), "short_term_training": (15, (14, 30))},
}
# Start month weights: spring semester, summer programmes, autumn semester, winter schools.
MONTH_WEIGHTS = [6, 8, 9, 6, 5, 8, 16, 12, 13, 6, 5, 3]
EVENT_KINDS = {"overseas_scholar_lecture": 55, "seminar_coorganized": 20, "conference_hosted": 15,
               "summer_school_hosted": 10}
AGREEMENT_KINDS = {"framework": 30, "student_exchange": 30, "staff_exchange": 12, "joint_research": 12,
                   "joint_program": 8, "internship": 8}
EVENT_TITLES = {
    "overseas_scholar_lecture": "Lecture: {topic}",
    "seminar_coorganized": "Joint seminar on {topic}",
    "conference_hosted": "International Conference on {topic} {year}",
    "summer_school_hosted": "International Summer School: {topic} {year}",
}


class Picker:
    """Weighted choice in O(log n) with precomputed cumulative weights."""

    def __init__(self, rng, items, weights):
        self.rng = rng
        self.items = list(items)
        self.cum = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def __call__(self):
        return self.items[bisect.bisect(self.cum, self.rng.random() * self.total) if self.total else 0]

    @classmethod
    def of(cls, rng, mapping):
        return cls(rng, mapping.keys(), mapping.values())


# --------------------------------------------------------------------------------------
# Writing rows fast
# --------------------------------------------------------------------------------------

def _text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


@functools.lru_cache(maxsize=65_536)
def _day(value: date) -> str:
    return value.isoformat()


@functools.lru_cache(maxsize=65_536)
def _moment(value: datetime) -> str:
    return value.isoformat()


# COPY's text format, by the value's exact type (bool before int matters: ``type`` is exact).
_FORMAT = {
    str: _text,
    int: str,
    bool: lambda v: "t" if v else "f",
    float: repr,
    Decimal: str,
    date: _day,
    datetime: _moment,
    type(None): lambda v: r"\N",
    list: lambda v: _text(json.dumps(v, ensure_ascii=False)),
    dict: lambda v: _text(json.dumps(v, ensure_ascii=False)),
}


def _copy_value(value) -> str:
    return _FORMAT[type(value)](value)


def _copy_line(row) -> str:
    return "\t".join([_FORMAT[type(v)](v) for v in row])


class Writer:
    """Writes rows (tuples in a given column order, ids included) to a model's table."""

    COPY_CHUNK = 20_000
    DEFER_INDEXES_FROM = 20_000
    BULK_BATCH = 5_000

    def __init__(self, progress_factory):
        self.copy = connection.vendor == "postgresql"
        self.progress_factory = progress_factory
        self.counts: dict[str, int] = {}
        self.models: list = []

    def next_id(self, model) -> int:
        return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def write(self, model, columns: list[str], rows, total: int | None = None, label: str | None = None) -> int:
        label = label or model._meta.model_name
        bar = self.progress_factory(total=total, desc=str(label))
        written = 0
        if self.copy:
            table = connection.ops.quote_name(model._meta.db_table)
            cols = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
            sql = f"COPY {table} ({cols}) FROM STDIN"
            buffer = io.StringIO()
            pending = 0
            with connection.cursor() as cursor:
                raw = cursor.cursor
                deferred = self._drop_secondary_indexes(cursor, model) if (total or 0) >= self.DEFER_INDEXES_FROM \
                    else []
                for row in rows:
                    buffer.write(_copy_line(row))
                    buffer.write("\n")
                    pending += 1
                    if pending >= self.COPY_CHUNK:
                        buffer.seek(0)
                        raw.copy_expert(sql, buffer)
                        written += pending
                        bar.update(pending)
                        buffer = io.StringIO()
                        pending = 0
                if pending:
                    buffer.seek(0)
                    raw.copy_expert(sql, buffer)
                    written += pending
                    bar.update(pending)
                for definition in deferred:
                    cursor.execute(definition)
        else:
            batch = []
            for row in rows:
                batch.append(model(**dict(zip(columns, row))))
                if len(batch) >= self.BULK_BATCH:
                    model.objects.bulk_create(batch)
                    written += len(batch)
                    bar.update(len(batch))
                    batch = []
            if batch:
                model.objects.bulk_create(batch)
                written += len(batch)
                bar.update(len(batch))
        bar.close()
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + written
        if model not in self.models:
            self.models.append(model)
        return written

    @staticmethod
    def _drop_secondary_indexes(cursor, model) -> list[str]:
        """Drop the table's plain indexes (not those behind a primary key or unique constraint)
        and return their definitions: building an index once after loading is several times
        faster than maintaining it row by row during the load."""
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
              FROM pg_index x
              JOIN pg_class i ON i.oid = x.indexrelid
             WHERE x.indrelid = %s::regclass
               AND NOT x.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """,
            [model._meta.db_table],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return [definition for _name, definition in found]

    def finish(self) -> None:
        """Reset the id sequences past the ids assigned here, and refresh planner statistics."""
        if not self.copy:
            return
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), self.models):
                cursor.execute(statement)
            for model in self.models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


class _NoProgress:
    def __init__(self, **kwargs):
        pass

    def update(self, n):
        pass

    def close(self):
        pass


def progress_bars(enabled: bool):
    if not enabled:
        return _NoProgress
    def factory(total, desc):
        return tqdm(total=total, desc=f"{desc:<32}", unit=" rows", unit_scale=True, file=sys.stderr,
                    dynamic_ncols=True, leave=True)
    return factory


# --------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------

class LargeUniversity:
    def __init__(self, *, rng, this_year: int, scale: Scale, today: date, writer: Writer):
        self.rng = rng
        self.scale = scale
        self.this_year = this_year
        self.today = today
        self.first_year = this_year - scale.years + 1
        self.w = writer
        self.now = timezone.now()
        self.rec = (1, self.now, self.now)  # version, created_at, updated_at
        # Evidence the office entered: verified on entry (intlportal.models.VerifiedRecord).
        self.ver = ("verified", self.now, {}, "")
        self.country_pick = Picker.of(rng, COUNTRY_WEIGHTS)

    REC = ["version", "created_at", "updated_at"]
    VER = ["verification", "verified_at", "staged", "review_comment"]

    # helpers ---------------------------------------------------------------------------
    def cn_name(self) -> str:
        rnd = self.rng.random
        return SURNAMES[int(rnd() * len(SURNAMES))] + GIVEN[int(rnd() * len(GIVEN))]

    def foreign_name(self) -> str:
        rnd = self.rng.random
        return f"{FOREIGN_FIRST[int(rnd() * len(FOREIGN_FIRST))]} {FOREIGN_LAST[int(rnd() * len(FOREIGN_LAST))]}"

    def date_in(self, year: int, month_pick=None) -> date:
        month = month_pick() if month_pick else self.rng.randint(1, 12)
        return date(year, month, self.rng.randint(1, 28))

    def year_weight(self, year: int) -> float:
        """Growth of about 6 % a year, with the pandemic years' collapse."""
        covid = {2020: 0.18, 2021: 0.22, 2022: 0.4, 2023: 0.85}.get(year, 1.0)
        return (1.06 ** (year - self.first_year)) * covid

    # faculties --------------------------------------------------------------------------
    def faculties(self):

        rng = self.rng
        catalogue = [(c, zh, en) for c, zh, en, _d in faculties_demo.FACULTIES] + EXTRA_FACULTIES
        while len(catalogue) < self.scale.faculties:
            n = len(catalogue) + 1
            catalogue.append((f"F{n:02d}", f"第{n}学院", f"School No. {n}"))
        catalogue = catalogue[: self.scale.faculties]
        # Sizes differ a lot: a lognormal weight, a few very large schools and many small ones.
        sizes = [rng.lognormvariate(0, 0.75) for _ in catalogue]
        # Some faculties are much more internationally active than their size alone suggests.
        intl = [rng.uniform(0.35, 1.8) for _ in catalogue]
        total = sum(sizes)
        fid = self.w.next_id(Faculty)
        self.fac = []  # dicts: id, code, teachers, students, weight
        rows = []
        for i, ((code, zh, en), size) in enumerate(zip(catalogue, sizes)):
            teachers = max(3, round(self.scale.staff * 0.9 * size / total))
            students = round(teachers * rng.uniform(11, 20))
            updated = date(self.this_year - (1 if i % 6 == 5 else 0), 1 + i % 10, 12) if i % 9 != 8 else None
            self.fac.append({"id": fid + i, "code": code, "teachers": teachers, "students": students,
                             "mob_weight": size * intl[i], "size": size})
            rows.append((fid + i, code, zh, en, f"https://{code.lower()}.example.edu.cn/en/" if updated else "",
                         updated, True, *self.rec))
        self.w.write(Faculty, ["id", "code", "name_zh", "name_en", "foreign_site_url", "foreign_site_updated_on",
                               "is_active", *self.REC], rows, total=len(rows))

        def site_updates():
            # The website update log behind each faculty's last update: the sites kept up to
            # date were also updated a year or two before, on the same day of the year.
            pk = self.w.next_id(SiteUpdate)
            for i, (fid, _code, _zh, _en, url, updated, *_rest) in enumerate(rows):
                if updated is None:
                    continue
                for back in (2, 1, 0):
                    if back and i % (back + 1):
                        continue
                    yield (pk, fid, updated.replace(year=updated.year - back), url, "", *self.ver, *self.rec)
                    pk += 1
        self.w.write(SiteUpdate, ["id", "faculty_id", "updated_on", "url", "note", *self.VER, *self.REC],
                     site_updates(), label="website updates")

        def years():
            pk = self.w.next_id(FacultyYear)
            for f in self.fac:
                for year in range(self.first_year - 1, self.this_year + 1):
                    g = 1 + 0.02 * (year - self.this_year)
                    yield (pk, f["id"], year, max(1, round(f["teachers"] * g)), max(1, round(f["students"] * g)),
                           *self.ver, *self.rec)
                    pk += 1
        self.w.write(FacultyYear, ["id", "faculty_id", "year", "teachers", "students", *self.VER, *self.REC], years(),
                     total=len(self.fac) * (self.scale.years + 1))

        def disciplines():
            pk = self.w.next_id(Discipline)
            for f, (_code, zh, en) in zip(self.fac, catalogue):
                for j in range(rng.randint(2, 4)):
                    s_zh, s_en = DISCIPLINE_SUFFIXES[j]
                    yield (pk, f["id"], f"{zh[:-2]}{s_zh}", f"{en.replace('School of ', '')} {s_en}",
                           rng.random() < 0.4, rng.random() < 0.25, *self.rec)
                    pk += 1
        self.w.write(Discipline, ["id", "faculty_id", "name_zh", "name_en", "is_key", "is_national_first_class",
                                  *self.REC], disciplines())
        self.disciplines = defaultdict(list)
        for pk, faculty_id in Discipline.objects.values_list("pk", "faculty_id"):
            self.disciplines[faculty_id].append(pk)

        def leading_group():
            pk = self.w.next_id(LeadingGroupMember)
            for f in self.fac:
                names: set[str] = set()  # (faculty, name): the import key, unique in the database
                for role, position in [("leader", "院长"), ("deputy", "分管外事副院长"), ("secretary", "外事秘书"),
                                       ("member", "系主任")]:
                    name = self.cn_name()
                    while name in names:
                        name = self.cn_name()
                    names.add(name)
                    yield (pk, f["id"], name, position, role, *self.rec)
                    pk += 1
        self.w.write(LeadingGroupMember, ["id", "faculty_id", "name", "position", "group_role", *self.REC],
                     leading_group(), total=4 * len(self.fac))
        self.fac_pick = Picker(rng, self.fac, [f["size"] for f in self.fac])
        self.fac_intl_pick = Picker(rng, self.fac, [f["mob_weight"] for f in self.fac])

    def plans(self):

        rng = self.rng

        def rows():
            pk = self.w.next_id(InternationalizationPlan)
            for f in self.fac:
                windows = [(self.first_year, self.this_year - 5), (self.this_year - 4, self.this_year)]
                for k, (first, last) in enumerate(windows):
                    status = "approved" if k == 0 or rng.random() < 0.8 else rng.choice(["submitted", "draft"])
                    submitted = self.now - timedelta(days=rng.randint(30, 600)) if status != "draft" else None
                    yield (pk, f["id"], first, last, f"{f['code']} 国际化发展规划（{first}–{last}）", status,
                           *PLAN_SECTIONS, submitted, *self.rec)
                    pk += 1
        self.w.write(InternationalizationPlan,
                     ["id", "faculty_id", "first_year", "last_year", "title", "status", "partnerships", "teachers",
                      "students", "curriculum", "research", "support_measures", "submitted_at", *self.REC],
                     rows(), total=2 * len(self.fac))

    # staff --------------------------------------------------------------------------------
    def staff(self):

        rng = self.rng
        category_pick = Picker.of(rng, {"domestic": 92, "foreign_teacher": 4.5, "foreign_expert": 1.5,
                                        "overseas_talent": 2})
        title_pick = Picker.of(rng, {"professor": 18, "associate_professor": 32, "lecturer": 38, "assistant": 8,
                                     "other": 4})
        nationality_pick = Picker.of(rng, {k: v for k, v in COUNTRY_WEIGHTS.items() if k not in ("HK", "MO", "TW")})
        pk = self.w.next_id(StaffMember)
        self.staff_by_faculty = defaultdict(list)   # faculty id → [(id, staff_no, name)] domestic
        self.foreign_staff = []                     # (id, faculty id, hired, left)
        self.all_staff = []                         # (id, faculty id, category)
        rows = []
        # Staff are spread over faculties in proportion to their size.
        per_faculty = {}
        total_size = sum(f["size"] for f in self.fac)
        allotted = 0
        for f in self.fac:
            per_faculty[f["id"]] = max(3, round(self.scale.staff * f["size"] / total_size))
            allotted += per_faculty[f["id"]]
        per_faculty[self.fac[0]["id"]] += self.scale.staff - allotted
        n = 0
        for f in self.fac:
            for _ in range(max(1, per_faculty[f["id"]])):
                n += 1
                category = category_pick()
                foreign = category in ("foreign_teacher", "foreign_expert")
                hired_year = rng.randint(self.this_year - 3, self.this_year) if foreign and rng.random() < 0.6 \
                    else rng.randint(1988, self.this_year)
                hired = date(hired_year, rng.choice([3, 7, 9]), rng.randint(1, 28))
                left = None
                if rng.random() < (0.35 if foreign else 0.08):
                    left_candidate = hired + timedelta(days=rng.randint(300, 3650))
                    left = left_candidate if left_candidate < self.today else None
                name = self.foreign_name() if foreign else self.cn_name()
                staff_no = f"T{hired_year}{n:06d}"
                overseas_degree = category == "overseas_talent" or (category == "domestic" and rng.random() < 0.24)
                nationality = nationality_pick() if foreign else "CN"
                rows.append((pk, f["id"], staff_no, name, nationality, category, title_pick(), hired, left,
                             overseas_degree, *self.ver, *self.rec))
                self.all_staff.append((pk, f["id"], category, hired, left))
                if category == "domestic":
                    self.staff_by_faculty[f["id"]].append((pk, staff_no, name))
                if foreign:
                    self.foreign_staff.append((pk, f["id"], hired, left))
                pk += 1
        self.w.write(StaffMember, ["id", "faculty_id", "staff_no", "name", "nationality", "category", "title",
                                   "hired_on", "left_on", "has_overseas_degree", *self.VER, *self.REC], rows,
                     total=len(rows))

        def standings(staff_rows):
            # Each standing holds from the hire date; one domestic teacher in four with an
            # overseas degree earned it abroad a thousand days after being hired.
            sid = self.w.next_id(StaffStanding)
            for staff_id, _fid, _no, _name, _nat, category, _title, hired, _left, degree, *_rest in staff_rows:
                earned = hired + timedelta(days=1000)
                if category == "domestic" and degree and staff_id % 4 == 0 and earned < self.today:
                    yield (sid, staff_id, first_effective(hired), category, False, self.now)
                    sid += 1
                    yield (sid, staff_id, earned, category, True, self.now)
                else:
                    yield (sid, staff_id, first_effective(hired), category, degree, self.now)
                sid += 1
        self.w.write(StaffStanding, ["id", "staff_member_id", "effective_on", "category", "has_overseas_degree",
                                     "recorded_at"], standings(rows), total=len(rows), label="staff standings")
        del rows

        def contracts():
            cid = self.w.next_id(ForeignTeacherContract)
            for staff_id, faculty_id, hired, left in self.foreign_staff:
                start = hired
                end_of_service = left or (self.today + timedelta(days=rng.randint(20, 700)))
                while start < end_of_service:
                    end = min(start + timedelta(days=365 * rng.choice([1, 1, 2]) - 1), end_of_service)
                    if end < start:
                        break
                    current = start <= self.today <= end
                    status = "active" if current else ("ended" if end < self.today else "draft")
                    discipline = rng.choice(self.disciplines[faculty_id]) if self.disciplines[faculty_id] else None
                    yield (cid, staff_id, rng.choice(["language_teacher", "professional_teacher", "foreign_expert"]),
                           discipline, start, end, Decimal(rng.randrange(12000, 45000, 500)),
                           f"WP{rng.randint(10**9, 10**10 - 1)}", end + timedelta(days=rng.randint(-30, 60)), status,
                           *self.rec)
                    cid += 1
                    start = end + timedelta(days=1)
        self.w.write(ForeignTeacherContract,
                     ["id", "staff_member_id", "category", "discipline_id", "starts_on", "ends_on", "salary",
                      "work_permit_no", "work_permit_expires_on", "status", *self.REC], contracts())

        semesters = []
        for year in range(self.first_year, self.this_year + 1):
            semesters.append((f"{year - 1}-{year}-2", date(year, 3, 1)))
            semesters.append((f"{year}-{year + 1}-1", date(year, 9, 1)))
        contexts = Picker.of(rng, {"key_discipline": 30, "international_students": 25, "general": 35,
                                   "cooperative_program": 10})
        evaluations = []

        def assignments():
            aid = self.w.next_id(TeachingAssignment)
            for staff_id, _faculty_id, hired, left in self.foreign_staff:
                for semester, starts in semesters:
                    if hired > starts or (left and left <= starts) or starts > self.today:
                        continue
                    for course in rng.sample(COURSES, rng.randint(1, 3)):
                        yield (aid, staff_id, semester, course, rng.choice([32, 48, 64]), contexts(), None,
                               *self.ver, *self.rec)
                        aid += 1
                    evaluations.append((staff_id, semester))
        self.w.write(TeachingAssignment, ["id", "staff_member_id", "semester", "course", "hours", "context",
                                          "program_id", *self.VER, *self.REC], assignments())

        def evaluation_rows():
            eid = self.w.next_id(TeachingEvaluation)
            for staff_id, semester in evaluations:
                yield (eid, staff_id, semester, "students", "", Decimal(rng.randint(7000, 9900)) / 100, "",
                       *self.rec)
                eid += 1
        self.w.write(TeachingEvaluation, ["id", "staff_member_id", "semester", "source", "course", "score",
                                          "feedback", *self.REC], evaluation_rows(), total=len(evaluations))

        def language():
            lid = self.w.next_id(LanguageAssessment)
            keys = set()  # (staff member, date, language): the import key, unique in the database
            for staff_id, _faculty_id, category, hired, _left in self.all_staff:
                if category != "domestic" or rng.random() > 0.35:
                    continue
                for _ in range(rng.randint(1, 2)):
                    year = rng.randint(max(hired.year, self.first_year - 3), self.this_year)
                    day = self.date_in(year)
                    if day > self.today:
                        continue
                    passed = rng.random() < 0.78
                    language = rng.choice(["English", "English", "English", "Japanese", "German", "French"])
                    if (staff_id, day, language) in keys:  # the same sitting drawn twice
                        continue
                    keys.add((staff_id, day, language))
                    yield (lid, staff_id, day, language, "pass" if passed else "fail",
                           Decimal(rng.randint(60 if passed else 30, 100 if passed else 59)), *self.ver, *self.rec)
                    lid += 1
        self.w.write(LanguageAssessment, ["id", "staff_member_id", "date", "language", "result", "score",
                                          *self.VER, *self.REC], language())

        def publications():
            pid = self.w.next_id(Publication)
            authors = Picker(rng, self.all_staff, [1.0 if s[2] != "foreign_teacher" else 0.2 for s in self.all_staff])
            years = Picker(rng, range(self.first_year, self.this_year + 1),
                           [1.08 ** k for k in range(self.scale.years)])
            for n in range(self.scale.publications):
                staff = authors()
                intl = rng.random() < 0.42
                year = years()
                topic = rng.choice(TOPICS)
                title = f"{rng.choice(['On', 'Towards', 'Revisiting', 'A study of', 'Advances in'])} {topic} ({n})"
                journal = rng.choice(JOURNALS_INTL) if intl else rng.choice(JOURNALS_DOMESTIC)
                yield (pid, staff[0], year, title, journal, intl, f"10.{rng.randint(1000, 9999)}/{pid}" if intl else "",
                       *self.ver, *self.rec)
                pid += 1

        self.w.write(Publication, ["id", "staff_member_id", "year", "title", "journal", "is_international", "doi",
                                   *self.VER, *self.REC], publications(), total=self.scale.publications)

    # partners and agreements ------------------------------------------------------------------
    def partners(self):

        rng = self.rng
        universities = json.loads(WORLD_UNIVERSITIES.read_text(encoding="utf-8"))
        per_country = defaultdict(int)
        for u in universities:
            per_country[u["alpha_two_code"]] += 1
        # Weighted sampling without replacement (Efraimidis–Spirakis): each university's key is
        # u^(1/w), where w is its country's weight shared among the country's universities.
        keyed, seen = [], set()
        for u in universities:
            name = u["name"].strip()[:300]
            if not name or name.lower() in seen:
                continue
            seen.add(name.lower())
            weight = COUNTRY_WEIGHTS.get(u["alpha_two_code"], OTHER_COUNTRY_WEIGHT) / math.sqrt(
                per_country[u["alpha_two_code"]])
            keyed.append((rng.random() ** (1 / weight), u, name))
        keyed.sort(key=lambda k: k[0], reverse=True)
        chosen = keyed[: self.scale.partners]
        pk = self.w.next_id(PartnerInstitution)
        self.partners_list = []  # (id, country)
        rows = []
        for _key, u, name in chosen:
            rows.append((pk, name, name, "", u["alpha_two_code"], "university", (u.get("web_pages") or [""])[0][:300],
                         u.get("domains") or [], *self.rec))
            self.partners_list.append((pk, u["alpha_two_code"]))
            pk += 1
        self.w.write(PartnerInstitution, ["id", "name", "name_en", "name_zh", "country", "kind", "website", "domains",
                                          *self.REC], rows, total=len(rows))
        # Popularity: a few partners carry most of the traffic (Zipf-like).
        order = list(range(len(self.partners_list)))
        rng.shuffle(order)
        popularity = [0.0] * len(order)
        for rank, index in enumerate(order, start=1):
            popularity[index] = 1 / rank ** 0.85
        self.partner_pick = Picker(rng, self.partners_list, popularity)

    def agreements(self):

        rng = self.rng
        kind_pick = Picker.of(rng, AGREEMENT_KINDS)
        through = Agreement.faculties.through
        links = []
        self.faculty_partners = defaultdict(list)
        names = dict(self._partner_names())
        link_ids = iter(range(self.w.next_id(through), 10**12))

        def rows():
            pk = self.w.next_id(Agreement)
            keys = set()  # (partner, kind, starts on): the import key, unique in the database
            for _ in range(self.scale.agreements):
                partner_id, _country = self.partner_pick()
                kind = kind_pick()
                starts = self.date_in(rng.randint(self.this_year - 19, self.this_year))
                if starts > self.today:
                    starts = self.today - timedelta(days=rng.randint(0, 200))
                while (partner_id, kind, starts) in keys:  # the same agreement drawn twice: a day earlier
                    starts -= timedelta(days=1)
                keys.add((partner_id, kind, starts))
                ends = None if rng.random() < 0.1 else starts + timedelta(days=365 * rng.choice([3, 5, 5, 5]) - 1)
                roll = rng.random()
                if roll < 0.03 and starts.year >= self.this_year - 1:
                    status = "draft"
                elif roll < 0.12:
                    status = "terminated"
                else:
                    status = "active"
                scope = rng.random()
                n_fac = 0 if scope < 0.15 else 1 if scope < 0.8 else 2 if scope < 0.93 else 3
                for f in {self.fac_intl_pick()["id"] for _ in range(n_fac)}:
                    links.append((next(link_ids), pk, f))
                    self.faculty_partners[f].append(partner_id)
                yield (pk, partner_id, kind, f"{names[partner_id][:200]} — {kind.replace('_', ' ')} agreement",
                       starts - timedelta(days=rng.randint(0, 60)), starts, ends, status,
                       self.termination(status, starts, ends), "", *self.rec)
                pk += 1

        self.w.write(Agreement, ["id", "partner_id", "kind", "title", "signed_on", "starts_on", "ends_on", "status",
                                 "terminated_on", "document", *self.REC], rows(), total=self.scale.agreements)
        self.w.write(through, ["id", "agreement_id", "faculty_id"], links, total=len(links),
                     label="agreement faculties")

    def termination(self, status: str, starts: date, ends: date | None) -> date | None:
        """When a terminated agreement ended: halfway through its term (two years in when it
        is open-ended), never after today."""
        if status != "terminated":
            return None
        halfway = starts + ((ends - starts) / 2 if ends else timedelta(days=730))
        return min(halfway, self.today)

    def _partner_names(self):
        return PartnerInstitution.objects.values_list("pk", "name")

    # mobilities ---------------------------------------------------------------------------
    def funding(self):

        rows, pk = [], self.w.next_id(FundingScheme)
        self.schemes = defaultdict(list)
        for year in range(self.first_year, self.this_year + 1):
            for name, budget in SCHEMES:
                rows.append((pk, f"{name} {year}", year, Decimal(round(budget * self.year_weight(year) + 500_000)),
                             *self.rec))
                self.schemes[year].append(pk)
                pk += 1
        self.w.write(FundingScheme, ["id", "name", "year", "budget", *self.REC], rows, total=len(rows))

    def mobilities(self):

        rng = self.rng
        today = self.today
        people = Picker.of(rng, PEOPLE)
        activity_picks = {kind: Picker(rng, acts.items(), [w for w, _r in acts.values()])
                          for kind, acts in ACTIVITIES.items()}
        month_pick = Picker(rng, range(1, 13), MONTH_WEIGHTS)
        years = list(range(self.first_year, self.this_year + 1))
        year_pick = Picker(rng, years, [self.year_weight(y) for y in years])
        faculty_partner_picks = {f: Picker(rng, ids, [1] * len(ids)) for f, ids in self.faculty_partners.items()}
        partner_country = dict(self.partners_list)
        recent = today - timedelta(days=120)
        rnd = rng.random

        def randint(low: int, high: int) -> int:
            # random.randint's argument checks cost more than the rest of a row's arithmetic.
            return low + int(rnd() * (high - low + 1))

        def choice(items):
            return items[int(rnd() * len(items))]

        def rows():
            pk = self.w.next_id(Mobility)
            keys = set()  # (faculty, person id, activity, starts on): the import key, unique in the database
            for _ in range(self.scale.mobilities):
                f = self.fac_intl_pick()
                fid = f["id"]
                direction, kind = people()
                activity, (_weight, (low, high)) = activity_picks[kind]()
                year = year_pick()
                starts = date(year, month_pick(), randint(1, 28))
                ends = starts + timedelta(days=randint(low, high) - 1)
                staff_member = None
                if kind == "student":
                    if direction == "outbound":
                        # Student numbers repeat: some students go abroad more than once.
                        intake = randint(year - 3, year)
                        serial = randint(1, max(2, f["students"] // 4))
                        person_id = f"{intake}{f['code'][:4]:>4}{serial:04d}".replace(" ", "0")
                        name = self.cn_name()
                    else:
                        person_id = f"IS{year}{randint(1, 99999):05d}"
                        name = self.foreign_name()
                elif direction == "outbound" and kind in ("teacher", "administrator", "scholar") and \
                        self.staff_by_faculty[fid]:
                    staff_member, person_id, name = choice(self.staff_by_faculty[fid])
                else:
                    person_id = f"P{randint(10**7, 10**8 - 1)}"
                    name = self.foreign_name()
                while (fid, person_id, activity, starts) in keys:  # the same trip drawn twice: a day earlier
                    starts, ends = starts - timedelta(days=1), ends - timedelta(days=1)
                keys.add((fid, person_id, activity, starts))
                partner_id = None
                roll = rnd()
                if roll < 0.55 and fid in faculty_partner_picks:
                    partner_id = faculty_partner_picks[fid]()
                elif roll < 0.78:
                    partner_id = self.partner_pick()[0]
                country = partner_country[partner_id] if partner_id else self.country_pick()
                submitted = None
                report_at = None
                if starts > today:
                    status = "planned" if rnd() < 0.6 else "approved"
                    if status == "planned" and rnd() < 0.25:
                        status, submitted = "submitted", self.now - timedelta(days=randint(0, 20))
                elif ends >= today:
                    status = "approved"
                else:
                    status = "completed" if rnd() < 0.93 else "cancelled"
                    if status == "completed" and direction == "outbound" and kind == "teacher":
                        late = ends >= recent
                        if rnd() < (0.55 if late else 0.985):
                            report_at = datetime.combine(ends + timedelta(days=randint(3, 28)),
                                                         datetime.min.time(), tzinfo=self.now.tzinfo)
                            if report_at > self.now:
                                report_at = self.now
                scheme = amount = None
                if direction == "outbound" and status != "cancelled" and rnd() < 0.3:
                    scheme = choice(self.schemes[year])
                    amount = Decimal(min(150_000, 3000 + 180 * (ends - starts).days) // 100 * 100)
                if submitted is None and status in ("approved", "completed"):
                    submitted = datetime.combine(starts - timedelta(days=randint(20, 90)), datetime.min.time(),
                                                 tzinfo=self.now.tzinfo)
                yield (pk, fid, direction, kind, name, person_id, staff_member, partner_id, country, activity,
                       starts, ends, scheme, amount, status, submitted,
                       "" if report_at is None else "已按要求提交出访总结。", "", report_at, *self.ver, *self.rec)
                pk += 1

        self.w.write(Mobility, ["id", "faculty_id", "direction", "person_kind", "person_name", "person_id",
                                "staff_member_id", "partner_id", "country", "activity", "starts_on", "ends_on",
                                "funding_scheme_id", "amount", "status", "submitted_at", "report_text",
                                "report_file", "report_submitted_at", *self.VER, *self.REC],
                     rows(), total=self.scale.mobilities)

    def events(self):

        rng = self.rng
        kind_pick = Picker.of(rng, EVENT_KINDS)
        month_pick = Picker(rng, range(1, 13), [5, 3, 9, 11, 10, 7, 6, 3, 8, 11, 11, 7])
        years = list(range(self.first_year, self.this_year + 1))
        year_pick = Picker(rng, years, [self.year_weight(y) ** 0.5 for y in years])
        through = Event.partners.through
        links = []

        def rows():
            pk = self.w.next_id(Event)
            link_id = self.w.next_id(through)
            keys = set()  # (faculty, title, date): the import key, unique in the database
            for _ in range(self.scale.events):
                f = self.fac_intl_pick()
                kind = kind_pick()
                day = self.date_in(year_pick(), month_pick)
                total = rng.randint(30, 400) if kind != "overseas_scholar_lecture" else rng.randint(20, 150)
                foreign = rng.randint(1, max(1, total // 4))
                for partner_id in {self.partner_pick()[0] for _ in range(rng.choice([0, 0, 1, 1, 2]))}:
                    links.append((link_id, pk, partner_id))
                    link_id += 1
                title = EVENT_TITLES[kind].format(topic=rng.choice(TOPICS), year=day.year)
                while (f["id"], title, day) in keys:  # the same event drawn twice: a day later
                    day += timedelta(days=1)
                keys.add((f["id"], title, day))
                speaker = rng.choice(SPEAKERS) if kind == "overseas_scholar_lecture" else ""
                yield (pk, f["id"], kind, title, day, speaker, total, foreign, *self.ver, *self.rec)
                pk += 1

        self.w.write(Event, ["id", "faculty_id", "kind", "title", "date", "speaker", "participants_total",
                             "participants_foreign", *self.VER, *self.REC], rows(), total=self.scale.events)
        self.w.write(through, ["id", "event_id", "partnerinstitution_id"], links, total=len(links),
                     label="event partners")

        tests = {"ielts": (55, 85, 10), "toefl": (70, 115, 1), "jlpt": (90, 170, 1), "topik": (120, 250, 1),
                 "delf": (50, 90, 1), "testdaf": (12, 20, 1), "gre": (300, 335, 1)}
        test_pick = Picker.of(rng, {"ielts": 55, "toefl": 25, "jlpt": 8, "topik": 4, "delf": 3, "testdaf": 2,
                                    "gre": 3})
        n_tests = self.scale.mobilities // 25

        def language_tests():
            pk = self.w.next_id(StudentLanguageTest)
            keys = set()  # (student id, test, date): the import key, unique in the database
            for _ in range(n_tests):
                f = self.fac_intl_pick()
                test = test_pick()
                low, high, div = tests[test]
                score = Decimal(rng.randint(low, high)) / div if test == "ielts" else Decimal(rng.randint(low, high))
                day = self.date_in(year_pick())
                key = (f"{day.year - rng.randint(0, 3)}{rng.randint(10**6, 10**7 - 1)}", test, min(day, self.today))
                while key in keys:
                    key = (f"{day.year - rng.randint(0, 3)}{rng.randint(10**6, 10**7 - 1)}", *key[1:])
                keys.add(key)
                yield (pk, f["id"], *key, score, *self.rec)
                pk += 1
        self.w.write(StudentLanguageTest, ["id", "faculty_id", "student_id", "test", "date", "score", *self.REC],
                     language_tests(), total=n_tests)

    # programs -----------------------------------------------------------------------------
    def programs(self):

        rng = self.rng
        status_pick = Picker.of(rng, {"enrolling": 55, "approved": 15, "declared": 8, "proposed": 7,
                                      "suspended": 5, "closed": 10})
        level_pick = Picker.of(rng, {"bachelor": 60, "master": 25, "doctoral": 5, "non_degree": 10})
        through = CooperativeProgram.partners.through
        programs, program_rows, links = [], [], []
        pk = self.w.next_id(CooperativeProgram)
        link_id = self.w.next_id(through)
        for n in range(self.scale.programs):
            f = self.fac_intl_pick()
            status = status_pick()
            level = level_pick()
            approved = date(rng.randint(self.this_year - 15, self.this_year - 1), rng.randint(1, 12), 15) \
                if status in ("approved", "enrolling", "suspended", "closed") else None
            expires = date(approved.year + rng.choice([5, 10]), approved.month, 14) if approved else None
            partner_ids = {self.partner_pick()[0] for _ in range(rng.choice([1, 1, 2]))}
            for partner_id in partner_ids:
                links.append((link_id, pk, partner_id))
                link_id += 1
            programs.append((pk, f["code"], f"{f['code']}-CP{n + 1:03d}", f["id"], status, approved))
            program_rows.append(
                (pk, f"{f['code']}-CP{n + 1:03d}", f["id"], f"中外合作办学项目{n + 1}", f"Joint Programme {n + 1}",
                 level,
                 "institute" if rng.random() < 0.08 else "program",
                 f"MOE{rng.randint(10, 99)}{level[:2].upper()}{rng.randint(1000, 9999)}N" if approved else "",
                 status, approved, expires, rng.choice([60, 90, 120, 150, 200]), *self.rec))
            pk += 1
        self.w.write(CooperativeProgram, ["id", "code", "faculty_id", "name_zh", "name_en", "level", "form",
                                          "approval_no", "status", "approved_on", "expires_on", "annual_quota",
                                          *self.REC], program_rows, total=len(program_rows))
        self.w.write(through, ["id", "cooperativeprogram_id", "partnerinstitution_id"], links, total=len(links),
                     label="program partners")

        def status_changes():
            sid = self.w.next_id(ProgramStatusChange)
            for pk, _fc, _code, _fid, status, approved in programs:
                for step, day in self.status_steps(status, approved):
                    yield (sid, pk, step, day, self.now)
                    sid += 1
        self.w.write(ProgramStatusChange, ["id", "program_id", "status", "effective_on", "recorded_at"],
                     status_changes(), label="program status changes")

        def courses():
            cid = self.w.next_id(ProgramCourse)
            for pk, _fc, _code, _fid, _status, _approved in programs:
                # Most programmes meet the one-third rules; a few fall short.
                compliant = rng.random() < 0.85
                for course in range(rng.randint(14, 30)):
                    core = rng.random() < 0.45
                    introduced = rng.random() < (0.5 if compliant else 0.15)
                    hours = rng.choice([32, 48, 64])
                    partner_hours = hours if (introduced and core and compliant) else (
                        rng.choice([0, 16]) if introduced else 0)
                    yield (cid, pk, f"{COURSES[course % len(COURSES)]} {course // len(COURSES) + 1}",
                           Decimal(hours) / 16, hours, core, introduced, partner_hours, *self.rec)
                    cid += 1
        self.w.write(ProgramCourse, ["id", "program_id", "course", "credits", "hours", "is_core", "is_introduced",
                                     "partner_taught_hours", *self.REC], courses())

        def enrollments():
            eid = self.w.next_id(ProgramEnrollment)
            for pk, _fc, _code, _fid, status, approved in programs:
                if not approved or status not in ("enrolling", "suspended", "closed"):
                    continue
                for year in range(max(approved.year + 1, self.first_year - 1), self.this_year + 1):
                    yield (eid, pk, year, rng.randint(40, 200), *self.rec)
                    eid += 1
        self.w.write(ProgramEnrollment, ["id", "program_id", "year", "students", *self.REC], enrollments())

        def trainings():
            tid = self.w.next_id(ProgramTeacherTraining)
            for pk, _fc, _code, _fid, _status, approved in programs:
                if not approved:
                    continue
                for year in range(max(approved.year, self.first_year), self.this_year + 1):
                    for session in range(1, rng.choice([0, 1, 1, 2]) + 1):
                        day = min(self.date_in(year), self.today)
                        # Unique per programme and year (the import key): a second session is 第二期.
                        title = f"{year}年度中外合作办学师资培训" + ("" if session == 1 else "（第二期）")
                        yield (tid, pk, year, day, title, rng.randint(8, 60), *self.ver, *self.rec)
                        tid += 1
        self.w.write(ProgramTeacherTraining, ["id", "program_id", "year", "date", "title", "participants",
                                              *self.VER, *self.REC], trainings())

    def status_steps(self, status: str, approved: date | None) -> list[tuple[str, date]]:
        """A programme's dated status history: approved on its approval date and enrolling from
        the next September; a suspension five years after approval, a closure at the approval's
        expiry (never after today); one not yet approved was proposed last October."""
        if approved is None:
            steps = [("proposed", date(self.this_year - 1, 10, 15))]
            if status == "declared":
                steps.append(("declared", min(date(self.this_year, 1, 15), self.today)))
            return steps
        steps = [("approved", approved)]
        if status != "approved":
            steps.append(("enrolling", min(date(approved.year + 1, 9, 1), self.today)))
        if status in ("suspended", "closed"):
            ended = approved.replace(year=approved.year + (5 if status == "suspended" else 6))
            steps.append((status, max(min(ended, self.today), steps[-1][1])))
        return steps

    def incentive_pools(self):
        existing = set(IncentivePool.objects.values_list("year", flat=True))
        rows, pk = [], self.w.next_id(IncentivePool)
        for year in range(self.first_year, self.this_year + 1):
            if year in existing:
                continue
            rows.append((pk, year, Decimal(round(3_000_000 * self.year_weight(year) ** 0.3, -3)), Decimal("60"),
                         *self.rec))
            pk += 1
        self.w.write(IncentivePool, ["id", "year", "amount", "threshold", *self.REC], rows, total=len(rows))

    def build(self):
        self.faculties()
        self.plans()
        self.staff()
        self.partners()
        self.agreements()
        self.funding()
        self.mobilities()
        self.events()
        self.programs()
        self.incentive_pools()


def generate(*, scale: Scale, seed: int = 2025, this_year: int | None = None, progress: bool = True,
             rng=None) -> dict:
    """Fill an empty portal with the large data set; return the row counts per model.

    Refuses a database that already holds faculties or mobilities: the ids and natural keys
    are assigned here, and mixing with other data would make the counts meaningless."""
    if Faculty.objects.exists() or Mobility.objects.exists():
        raise CommandError("The large data set needs an empty portal database (create a new one, migrate, "
                           "then run seed_demo --scale large).")
    today = timezone.localdate()
    writer = Writer(progress_bars(progress))
    university = LargeUniversity(rng=rng or random.Random(seed), this_year=this_year or today.year, scale=scale,
                                 today=today, writer=writer)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # A bulk load: no need to wait for the WAL flush per statement, and room to
                # build the indexes that are created after their table is filled.
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                # Check foreign keys at the end of each COPY rather than at commit: indexes
                # cannot be rebuilt on a table with checks still pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        university.build()
        writer.finish()
    return writer.counts


def default_scale() -> Scale:
    """The data set of ``seed_demo --scale large`` (the issue's numbers)."""
    return Scale()


def seed_large(ctx, scale: Scale | None = None) -> None:
    """``seed_demo --scale large``: the large data set instead of the apps' demo records.

    Fills ``ctx.faculties`` for the demo users (CS and FL are among the 60 faculties)."""
    scale = scale or default_scale()
    if Mobility.objects.count() >= scale.mobilities and Faculty.objects.count() >= scale.faculties:
        ctx.log("the large data set is already there: nothing to add")
    else:
        counts = generate(scale=scale, rng=ctx.rng, this_year=ctx.this_year,
                          progress=getattr(ctx, "progress", True))
        for label, count in counts.items():
            ctx.log(f"{label}: {count:,}")
    ctx.faculties = {f.code: f for f in Faculty.objects.all()}
