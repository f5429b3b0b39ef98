"""The rulebook's default indicators (shared/ASSESSMENT.md), as a fresh install seeds them.

Kept as plain data so the seeding migration and the tests read the same table.
"""

from decimal import Decimal

# code, kind, weight, growth (%), floor, Chinese name, English name, unit
DEFAULT_INDICATORS = [
    ("plan_approved", "yesno", 5, None, None,
     "国际化发展规划获批", "Internationalization plan approved", ""),
    ("partners", "count", 10, 10, 1,
     "有效合作协议的境外合作院校数", "Partner institutions with active agreements", ""),
    ("teachers_abroad", "count", 15, 10, 1,
     "教师出国（境）交流人数", "Teachers sent abroad", ""),
    ("teacher_overseas_share", "rate", 10, 5, 0,
     "具有海外经历的教师比例", "Share of teachers with overseas experience", "%"),
    ("student_overseas_share", "rate", 15, 10, 1,
     "具有海外经历的学生比例", "Share of students with overseas experience", "%"),
    ("foreign_teacher_semesters", "count", 10, 0, 2,
     "外籍教师授课人学期数", "Foreign teacher semesters", ""),
    ("overseas_scholar_lectures", "count", 5, 10, 2,
     "境外学者讲座场次", "Lectures by overseas scholars", ""),
    ("conferences_hosted", "count", 10, 0, 1,
     "主办国际会议与研讨会次数", "International conferences and seminars hosted", ""),
    ("intl_publications_per_teacher", "ratio", 10, 5, 0,
     "师均国际期刊论文数", "International publications per teacher", ""),
    ("cooperative_programs", "count", 5, 0, 0,
     "中外合作办学项目数", "Sino-foreign cooperative programs", ""),
    ("program_teacher_training", "yesno", 5, None, None,
     "合作办学项目教师培训", "Training of cooperative program teachers", ""),
    ("foreign_site_updated", "yesno", 5, None, None,
     "外文网站年内更新", "Foreign-language website updated", ""),
    ("teacher_language_pass_share", "rate", 5, 5, 0,
     "教师外语考核通过率", "Share of teachers passing the language assessment", "%"),
]


def default_indicator_fields():
    """One dict of model fields per default indicator, in the rulebook's order."""
    for position, (code, kind, weight, growth, floor, name_zh, name_en, unit) in enumerate(DEFAULT_INDICATORS):
        yield {
            "code": code,
            "kind": kind,
            "weight": Decimal(weight),
            "growth_percent": Decimal(growth or 0),
            "floor": Decimal(floor or 0),
            "name_zh": name_zh,
            "name_en": name_en,
            "unit": unit,
            "position": position,
            "is_active": True,
        }
