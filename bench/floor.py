"""The floor for ``run_assessment``: the same aggregates as hand-written SQL.

Each statement below computes what the assessment engine loads for year Y (see
``assessment/services.py`` and ``assessment/rules.py``): the parameters (active indicators,
office targets, the pool), the faculties and their headcounts for Y and Y − 1, one grouped
aggregate per indicator counting both years at once, and the four university-wide figures
of the run's summary.  ``measure_floor`` runs them one after another on a plain psycopg2
connection and fetches every row; its time is what the database cannot avoid spending, so
``run_assessment``'s time divided by it is the overhead of the ORM, the Python arithmetic
and storing the run.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

TEACHER_ACTIVITIES = ("visit", "lecture", "further_study", "short_term_training", "conference", "joint_research")


def tables() -> dict[str, str]:
    from django.apps import apps

    def t(label: str) -> str:
        return apps.get_model(label)._meta.db_table

    agreement = apps.get_model("exchanges.Agreement")
    return {
        "faculty": t("faculties.Faculty"), "facultyyear": t("faculties.FacultyYear"),
        "plan": t("faculties.InternationalizationPlan"), "agreement": t("exchanges.Agreement"),
        "agreement_faculties": agreement.faculties.through._meta.db_table,
        "partner": t("exchanges.PartnerInstitution"), "mobility": t("exchanges.Mobility"),
        "event": t("exchanges.Event"), "staff": t("staff.StaffMember"),
        "assignment": t("staff.TeachingAssignment"), "publication": t("staff.Publication"),
        "language": t("staff.LanguageAssessment"), "program": t("programs.CooperativeProgram"),
        "training": t("programs.ProgramTeacherTraining"), "indicator": t("assessment.Indicator"),
        "target": t("assessment.Target"), "pool": t("assessment.IncentivePool"),
    }


def statements(year: int) -> list[tuple[str, str, dict]]:
    """(name, SQL, parameters) for every aggregate the run needs for ``year``."""
    t = tables()
    p = {
        "y": year, "py": year - 1,
        "ys": date(year, 1, 1), "ye": date(year, 12, 31),
        "pys": date(year - 1, 1, 1), "pye": date(year - 1, 12, 31),
        "acts": TEACHER_ACTIVITIES,
        "sem": (f"{year - 1}-{year}-2", f"{year}-{year + 1}-1"),
        "psem": (f"{year - 2}-{year - 1}-2", f"{year - 1}-{year}-1"),
    }

    def active(alias: str, end: str) -> str:
        return (f"({alias}.hired_on IS NULL OR {alias}.hired_on <= %({end})s) "
                f"AND ({alias}.left_on IS NULL OR {alias}.left_on > %({end})s)")

    long_stay = (
        "EXISTS (SELECT 1 FROM {mobility} m WHERE m.staff_member_id = s.id AND m.direction = 'outbound' "
        "AND m.status = 'completed' AND m.ends_on <= %({end})s AND m.ends_on - m.starts_on >= 89)"
    )
    passed = ("EXISTS (SELECT 1 FROM {language} l WHERE l.staff_member_id = s.id AND l.result = 'pass' "
              "AND l.date <= %({end})s)")
    sql = [
        ("indicators", "SELECT code, kind, weight, growth_percent, floor FROM {indicator} WHERE is_active "
                       "ORDER BY position, code"),
        ("targets", "SELECT f.code, i.code, tg.value FROM {target} tg JOIN {faculty} f ON f.id = tg.faculty_id "
                    "JOIN {indicator} i ON i.id = tg.indicator_id WHERE tg.year = %(y)s"),
        ("pool", "SELECT amount, threshold FROM {pool} WHERE year = %(y)s"),
        ("faculties", "SELECT id, code, name_zh, name_en, foreign_site_url, foreign_site_updated_on FROM {faculty} "
                      "WHERE is_active ORDER BY code"),
        ("headcounts", "SELECT faculty_id, year, teachers, students FROM {facultyyear} "
                       "WHERE year IN (%(y)s, %(py)s)"),
        ("plan_approved", "SELECT faculty_id, COUNT(*) FILTER (WHERE first_year <= %(y)s AND last_year >= %(y)s), "
                          "COUNT(*) FILTER (WHERE first_year <= %(py)s AND last_year >= %(py)s) FROM {plan} "
                          "WHERE status = 'approved' AND first_year <= %(y)s AND last_year >= %(py)s "
                          "GROUP BY faculty_id"),
        ("partners", "SELECT af.faculty_id, "
                     "COUNT(DISTINCT a.partner_id) FILTER (WHERE a.starts_on <= %(ye)s "
                     "AND (a.ends_on IS NULL OR a.ends_on >= %(ys)s)), "
                     "COUNT(DISTINCT a.partner_id) FILTER (WHERE a.starts_on <= %(pye)s "
                     "AND (a.ends_on IS NULL OR a.ends_on >= %(pys)s)) "
                     "FROM {agreement_faculties} af JOIN {agreement} a ON a.id = af.agreement_id "
                     "WHERE a.status = 'active' AND a.starts_on <= %(ye)s "
                     "AND (a.ends_on IS NULL OR a.ends_on >= %(pys)s) "
                     "GROUP BY af.faculty_id"),
        ("teachers_abroad", "SELECT faculty_id, "
                            "COUNT(DISTINCT staff_member_id) FILTER (WHERE starts_on >= %(ys)s), "
                            "COUNT(DISTINCT staff_member_id) FILTER (WHERE starts_on <= %(pye)s) "
                            "FROM {mobility} WHERE direction = 'outbound' AND person_kind = 'teacher' "
                            "AND status = 'completed' AND activity IN %(acts)s AND staff_member_id IS NOT NULL "
                            "AND starts_on BETWEEN %(pys)s AND %(ye)s GROUP BY faculty_id"),
        ("teacher_overseas_share", "SELECT s.faculty_id, "  # noqa: S608 - our own fragments
                                   f"COUNT(*) FILTER (WHERE {active('s', 'ye')} AND (s.has_overseas_degree OR "
                                   f"{long_stay.replace('{end}', 'ye')})), "
                                   f"COUNT(*) FILTER (WHERE {active('s', 'pye')} AND (s.has_overseas_degree OR "
                                   f"{long_stay.replace('{end}', 'pye')})) "
                                   "FROM {staff} s WHERE s.category = 'domestic' GROUP BY s.faculty_id"),
        ("student_overseas_share", "SELECT faculty_id, "
                                   "COUNT(DISTINCT person_id) FILTER (WHERE starts_on >= %(ys)s), "
                                   "COUNT(DISTINCT person_id) FILTER (WHERE starts_on <= %(pye)s) "
                                   "FROM {mobility} WHERE direction = 'outbound' AND person_kind = 'student' "
                                   "AND status = 'completed' AND starts_on BETWEEN %(pys)s AND %(ye)s "
                                   "GROUP BY faculty_id"),
        ("foreign_teacher_semesters", "SELECT s.faculty_id, "
                                      "COUNT(DISTINCT (t.staff_member_id, t.semester)) "
                                      "FILTER (WHERE t.semester IN %(sem)s), "
                                      "COUNT(DISTINCT (t.staff_member_id, t.semester)) "
                                      "FILTER (WHERE t.semester IN %(psem)s) "
                                      "FROM {assignment} t JOIN {staff} s ON s.id = t.staff_member_id "
                                      "WHERE s.category IN ('foreign_teacher', 'foreign_expert') "
                                      "AND (t.semester IN %(sem)s OR t.semester IN %(psem)s) GROUP BY s.faculty_id"),
        ("overseas_scholar_lectures", "SELECT faculty_id, COUNT(*) FILTER (WHERE date >= %(ys)s), "
                                      "COUNT(*) FILTER (WHERE date <= %(pye)s) FROM {event} "
                                      "WHERE kind = 'overseas_scholar_lecture' AND date BETWEEN %(pys)s AND %(ye)s "
                                      "GROUP BY faculty_id"),
        ("conferences_hosted", "SELECT faculty_id, COUNT(*) FILTER (WHERE date >= %(ys)s), "
                               "COUNT(*) FILTER (WHERE date <= %(pye)s) FROM {event} "
                               "WHERE kind IN ('conference_hosted', 'seminar_coorganized', 'summer_school_hosted') "
                               "AND date BETWEEN %(pys)s AND %(ye)s GROUP BY faculty_id"),
        ("intl_publications_per_teacher", "SELECT s.faculty_id, COUNT(*) FILTER (WHERE p.year = %(y)s), "
                                          "COUNT(*) FILTER (WHERE p.year = %(py)s) FROM {publication} p "
                                          "JOIN {staff} s ON s.id = p.staff_member_id WHERE p.is_international "
                                          "AND p.year IN (%(y)s, %(py)s) GROUP BY s.faculty_id"),
        ("cooperative_programs", "SELECT faculty_id, COUNT(*) FROM {program} "
                                 "WHERE status IN ('approved', 'enrolling') GROUP BY faculty_id"),
        ("program_teacher_training", "SELECT p.faculty_id, COUNT(*) FILTER (WHERE t.year = %(y)s), "
                                     "COUNT(*) FILTER (WHERE t.year = %(py)s) FROM {training} t "
                                     "JOIN {program} p ON p.id = t.program_id WHERE t.year IN (%(y)s, %(py)s) "
                                     "GROUP BY p.faculty_id"),
        ("teacher_language_pass_share", "SELECT s.faculty_id, "  # noqa: S608 - our own fragments
                                        f"COUNT(*) FILTER (WHERE {active('s', 'ye')} AND "
                                        f"{passed.replace('{end}', 'ye')}), "
                                        f"COUNT(*) FILTER (WHERE {active('s', 'pye')} AND "
                                        f"{passed.replace('{end}', 'pye')}) "
                                        "FROM {staff} s WHERE s.category = 'domestic' GROUP BY s.faculty_id"),
        ("foreign_site_updated", "SELECT id, foreign_site_url <> '' AND foreign_site_updated_on "
                                 "BETWEEN %(ys)s AND %(ye)s, foreign_site_url <> '' AND foreign_site_updated_on "
                                 "BETWEEN %(pys)s AND %(pye)s FROM {faculty} WHERE is_active"),
        ("summary: partners by country", "SELECT p.country, COUNT(DISTINCT a.partner_id) FROM {agreement} a "
                                         "JOIN {partner} p ON p.id = a.partner_id WHERE a.status = 'active' "
                                         "AND a.starts_on <= %(ye)s AND (a.ends_on IS NULL OR a.ends_on >= %(ys)s) "
                                         "GROUP BY p.country"),
        ("summary: mobilities by country", "SELECT country, direction, COUNT(*) FROM {mobility} "
                                           "WHERE starts_on BETWEEN %(ys)s AND %(ye)s AND status <> 'cancelled' "
                                           "GROUP BY country, direction"),
        ("summary: students abroad", "SELECT COUNT(DISTINCT person_id) FROM {mobility} "
                                     "WHERE starts_on BETWEEN %(ys)s AND %(ye)s AND direction = 'outbound' "
                                     "AND person_kind = 'student' AND status = 'completed'"),
        ("summary: unlinked teacher mobilities", "SELECT f.code, COUNT(*) FROM {mobility} m "
                                                 "JOIN {faculty} f ON f.id = m.faculty_id "
                                                 "WHERE m.starts_on BETWEEN %(ys)s AND %(ye)s "
                                                 "AND m.direction = 'outbound' AND m.person_kind = 'teacher' "
                                                 "AND m.status = 'completed' AND m.activity IN %(acts)s "
                                                 "AND m.staff_member_id IS NULL GROUP BY f.code"),
    ]
    return [(name, text.format(**t), p) for name, text in sql]


def measure_floor(dsn: str, year: int, *, repeat: int = 5) -> dict:
    """Median wall time of running every statement once (after one warm-up round)."""
    import psycopg2

    todo = statements(year)
    per_statement: dict[str, list[float]] = {name: [] for name, _sql, _p in todo}
    totals = []
    with psycopg2.connect(dsn) as conn, conn.cursor() as cursor:
        for round_ in range(repeat + 1):
            started = time.perf_counter()
            for name, sql, params in todo:
                t0 = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                if round_:
                    per_statement[name].append(time.perf_counter() - t0)
            if round_:
                totals.append(time.perf_counter() - started)
        conn.rollback()
    return {
        "seconds": statistics.median(totals),
        "queries": len(todo),
        "per_statement": {name: statistics.median(times) for name, times in per_statement.items()},
    }
