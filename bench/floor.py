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
        "site_update": t("faculties.SiteUpdate"),
        "plan": t("faculties.InternationalizationPlan"), "agreement": t("exchanges.Agreement"),
        "agreement_faculties": agreement.faculties.through._meta.db_table,
        "partner": t("exchanges.PartnerInstitution"), "mobility": t("exchanges.Mobility"),
        "event": t("exchanges.Event"), "staff": t("staff.StaffMember"), "standing": t("staff.StaffStanding"),
        "assignment": t("staff.TeachingAssignment"), "publication": t("staff.Publication"),
        "language": t("staff.LanguageAssessment"), "program": t("programs.CooperativeProgram"),
        "status_change": t("programs.ProgramStatusChange"),
        "training": t("programs.ProgramTeacherTraining"), "indicator": t("assessment.Indicator"),
        "target": t("assessment.Target"), "pool": t("assessment.IncentivePool"),
    }


def statements(year: int) -> list[tuple[str, str, dict]]:
    """(name, SQL, parameters) for every aggregate the run needs for ``year``.

    As ASSESSMENT.md says, and written independently of ``assessment/rules.py``: only verified
    evidence (``verified_at IS NOT NULL``) counts, agreements in force in Y by status and
    termination date, programs running in Y by their dated status history (their current
    status when they have none), website updates from the dated log, and staff category and
    overseas degree from the latest standing on 31 Dec Y (the staff record's when none is).
    """
    t = tables()
    p = {
        "y": year, "py": year - 1,
        "ys": date(year, 1, 1), "ye": date(year, 12, 31),
        "pys": date(year - 1, 1, 1), "pye": date(year - 1, 12, 31),
        "acts": TEACHER_ACTIVITIES,
        "sem": (f"{year - 1}-{year}-2", f"{year}-{year + 1}-1"),
        "psem": (f"{year - 2}-{year - 1}-2", f"{year - 1}-{year}-1"),
    }
    # The year's first and last day, by the name of its last day's parameter.
    first = {"ye": "ys", "pye": "pys"}

    def active(alias: str, end: str) -> str:
        return (f"({alias}.hired_on IS NULL OR {alias}.hired_on <= %({end})s) "
                f"AND ({alias}.left_on IS NULL OR {alias}.left_on > %({end})s)")

    def standing(alias: str, column: str, end: str) -> str:
        return (f"COALESCE((SELECT st.{column} FROM {{standing}} st WHERE st.staff_member_id = {alias}.id "  # noqa: S608
                f"AND st.effective_on <= %({end})s ORDER BY st.effective_on DESC, st.id DESC LIMIT 1), "
                f"{alias}.{column})")

    def in_force(end: str) -> str:
        return f"(a.status = 'active' OR (a.status = 'terminated' AND a.terminated_on >= %({first[end]})s))"

    def overlaps(end: str) -> str:
        return f"a.starts_on <= %({end})s AND (a.ends_on IS NULL OR a.ends_on >= %({first[end]})s)"

    def running(end: str) -> str:
        return (
            "(EXISTS (SELECT 1 FROM {status_change} c WHERE c.program_id = p.id "  # noqa: S608 - our own fragments
            f"AND c.status IN ('approved', 'enrolling') AND c.effective_on <= %({end})s "
            "AND NOT EXISTS (SELECT 1 FROM {status_change} later WHERE later.program_id = c.program_id "
            f"AND later.effective_on < %({first[end]})s AND (later.effective_on > c.effective_on "
            "OR (later.effective_on = c.effective_on AND later.id > c.id)))) "
            "OR (NOT EXISTS (SELECT 1 FROM {status_change} any_change WHERE any_change.program_id = p.id) "
            f"AND p.status IN ('approved', 'enrolling') AND (p.approved_on IS NULL OR p.approved_on <= %({end})s)))"
        )

    def long_stay(end: str) -> str:
        return ("EXISTS (SELECT 1 FROM {mobility} m WHERE m.staff_member_id = s.id "  # noqa: S608
                "AND m.verified_at IS NOT NULL "
                "AND m.direction = 'outbound' AND m.status = 'completed' "
                f"AND m.ends_on <= %({end})s AND m.ends_on - m.starts_on >= 89)")

    def passed(end: str) -> str:
        return ("EXISTS (SELECT 1 FROM {language} l WHERE l.staff_member_id = s.id "  # noqa: S608
                "AND l.verified_at IS NOT NULL "
                f"AND l.result = 'pass' AND l.date <= %({end})s)")

    def domestic(end: str) -> str:
        return f"{standing('s', 'category', end)} = 'domestic'"

    def foreign(end: str) -> str:
        return f"{standing('s', 'category', end)} IN ('foreign_teacher', 'foreign_expert')"

    sql = [
        ("indicators", "SELECT code, kind, weight, growth_percent, floor FROM {indicator} WHERE is_active "
                       "ORDER BY position, code"),
        ("targets", "SELECT f.code, i.code, tg.value FROM {target} tg JOIN {faculty} f ON f.id = tg.faculty_id "
                    "JOIN {indicator} i ON i.id = tg.indicator_id WHERE tg.year = %(y)s"),
        ("pool", "SELECT amount, threshold FROM {pool} WHERE year = %(y)s"),
        ("faculties", "SELECT id, code, name_zh, name_en, foreign_site_url, foreign_site_updated_on FROM {faculty} "
                      "WHERE is_active ORDER BY code"),
        ("headcounts", "SELECT faculty_id, year, teachers, students FROM {facultyyear} "
                       "WHERE year IN (%(y)s, %(py)s) AND verified_at IS NOT NULL"),
        ("plan_approved", "SELECT faculty_id, COUNT(*) FILTER (WHERE first_year <= %(y)s AND last_year >= %(y)s), "
                          "COUNT(*) FILTER (WHERE first_year <= %(py)s AND last_year >= %(py)s) FROM {plan} "
                          "WHERE status = 'approved' AND first_year <= %(y)s AND last_year >= %(py)s "
                          "GROUP BY faculty_id"),
        ("partners", "SELECT af.faculty_id, "  # noqa: S608 - our own fragments
                     f"COUNT(DISTINCT a.partner_id) FILTER (WHERE {in_force('ye')} AND {overlaps('ye')}), "
                     f"COUNT(DISTINCT a.partner_id) FILTER (WHERE {in_force('pye')} AND {overlaps('pye')}) "
                     "FROM {agreement_faculties} af JOIN {agreement} a ON a.id = af.agreement_id "
                     "WHERE (a.status = 'active' OR (a.status = 'terminated' AND a.terminated_on >= %(pys)s)) "
                     "AND a.starts_on <= %(ye)s AND (a.ends_on IS NULL OR a.ends_on >= %(pys)s) "
                     "GROUP BY af.faculty_id"),
        ("teachers_abroad", "SELECT faculty_id, "
                            "COUNT(DISTINCT staff_member_id) FILTER (WHERE starts_on >= %(ys)s), "
                            "COUNT(DISTINCT staff_member_id) FILTER (WHERE starts_on <= %(pye)s) "
                            "FROM {mobility} WHERE verified_at IS NOT NULL AND direction = 'outbound' "
                            "AND person_kind = 'teacher' AND status = 'completed' AND activity IN %(acts)s "
                            "AND staff_member_id IS NOT NULL AND starts_on BETWEEN %(pys)s AND %(ye)s "
                            "GROUP BY faculty_id"),
        ("teacher_overseas_share", "SELECT s.faculty_id, "  # noqa: S608 - our own fragments
                                   f"COUNT(*) FILTER (WHERE {active('s', 'ye')} AND {domestic('ye')} AND "
                                   f"({standing('s', 'has_overseas_degree', 'ye')} OR {long_stay('ye')})), "
                                   f"COUNT(*) FILTER (WHERE {active('s', 'pye')} AND {domestic('pye')} AND "
                                   f"({standing('s', 'has_overseas_degree', 'pye')} OR {long_stay('pye')})) "
                                   "FROM {staff} s WHERE s.verified_at IS NOT NULL GROUP BY s.faculty_id"),
        ("student_overseas_share", "SELECT faculty_id, "
                                   "COUNT(DISTINCT person_id) FILTER (WHERE starts_on >= %(ys)s), "
                                   "COUNT(DISTINCT person_id) FILTER (WHERE starts_on <= %(pye)s) "
                                   "FROM {mobility} WHERE verified_at IS NOT NULL AND direction = 'outbound' "
                                   "AND person_kind = 'student' AND status = 'completed' "
                                   "AND starts_on BETWEEN %(pys)s AND %(ye)s GROUP BY faculty_id"),
        ("foreign_teacher_semesters", "SELECT s.faculty_id, "  # noqa: S608 - our own fragments
                                      "COUNT(DISTINCT (t.staff_member_id, t.semester)) "
                                      f"FILTER (WHERE t.semester IN %(sem)s AND {foreign('ye')}), "
                                      "COUNT(DISTINCT (t.staff_member_id, t.semester)) "
                                      f"FILTER (WHERE t.semester IN %(psem)s AND {foreign('pye')}) "
                                      "FROM {assignment} t JOIN {staff} s ON s.id = t.staff_member_id "
                                      "WHERE t.verified_at IS NOT NULL AND s.verified_at IS NOT NULL "
                                      "AND (t.semester IN %(sem)s OR t.semester IN %(psem)s) GROUP BY s.faculty_id"),
        ("overseas_scholar_lectures", "SELECT faculty_id, COUNT(*) FILTER (WHERE date >= %(ys)s), "
                                      "COUNT(*) FILTER (WHERE date <= %(pye)s) FROM {event} "
                                      "WHERE verified_at IS NOT NULL AND kind = 'overseas_scholar_lecture' "
                                      "AND date BETWEEN %(pys)s AND %(ye)s GROUP BY faculty_id"),
        ("conferences_hosted", "SELECT faculty_id, COUNT(*) FILTER (WHERE date >= %(ys)s), "
                               "COUNT(*) FILTER (WHERE date <= %(pye)s) FROM {event} WHERE verified_at IS NOT NULL "
                               "AND kind IN ('conference_hosted', 'seminar_coorganized', 'summer_school_hosted') "
                               "AND date BETWEEN %(pys)s AND %(ye)s GROUP BY faculty_id"),
        ("intl_publications_per_teacher", "SELECT s.faculty_id, COUNT(*) FILTER (WHERE p.year = %(y)s), "
                                          "COUNT(*) FILTER (WHERE p.year = %(py)s) FROM {publication} p "
                                          "JOIN {staff} s ON s.id = p.staff_member_id WHERE p.is_international "
                                          "AND p.verified_at IS NOT NULL AND s.verified_at IS NOT NULL "
                                          "AND p.year IN (%(y)s, %(py)s) GROUP BY s.faculty_id"),
        ("cooperative_programs", "SELECT p.faculty_id, "  # noqa: S608 - our own fragments
                                 f"COUNT(*) FILTER (WHERE {running('ye')}), COUNT(*) FILTER (WHERE {running('pye')}) "
                                 "FROM {program} p GROUP BY p.faculty_id"),
        ("program_teacher_training", "SELECT p.faculty_id, COUNT(*) FILTER (WHERE t.year = %(y)s), "
                                     "COUNT(*) FILTER (WHERE t.year = %(py)s) FROM {training} t "
                                     "JOIN {program} p ON p.id = t.program_id WHERE t.verified_at IS NOT NULL "
                                     "AND t.year IN (%(y)s, %(py)s) GROUP BY p.faculty_id"),
        ("teacher_language_pass_share", "SELECT s.faculty_id, "  # noqa: S608 - our own fragments
                                        f"COUNT(*) FILTER (WHERE {active('s', 'ye')} AND {domestic('ye')} AND "
                                        f"{passed('ye')}), "
                                        f"COUNT(*) FILTER (WHERE {active('s', 'pye')} AND {domestic('pye')} AND "
                                        f"{passed('pye')}) "
                                        "FROM {staff} s WHERE s.verified_at IS NOT NULL GROUP BY s.faculty_id"),
        ("foreign_site_updated", "SELECT faculty_id, COUNT(*) FILTER (WHERE updated_on >= %(ys)s), "
                                 "COUNT(*) FILTER (WHERE updated_on <= %(pye)s) FROM {site_update} "
                                 "WHERE verified_at IS NOT NULL AND updated_on BETWEEN %(pys)s AND %(ye)s "
                                 "GROUP BY faculty_id"),
        ("summary: partners by country", "SELECT p.country, COUNT(DISTINCT a.partner_id) FROM {agreement} a "  # noqa: S608
                                         f"JOIN {{partner}} p ON p.id = a.partner_id WHERE {in_force('ye')} "
                                         f"AND {overlaps('ye')} GROUP BY p.country"),
        ("summary: mobilities by country", "SELECT country, direction, COUNT(*) FROM {mobility} "
                                           "WHERE verified_at IS NOT NULL AND starts_on BETWEEN %(ys)s AND %(ye)s "
                                           "AND status <> 'cancelled' GROUP BY country, direction"),
        ("summary: students abroad", "SELECT COUNT(DISTINCT person_id) FROM {mobility} "
                                     "WHERE verified_at IS NOT NULL AND starts_on BETWEEN %(ys)s AND %(ye)s "
                                     "AND direction = 'outbound' AND person_kind = 'student' AND status = 'completed'"),
        ("summary: unlinked teacher mobilities", "SELECT f.code, COUNT(*) FROM {mobility} m "
                                                 "JOIN {faculty} f ON f.id = m.faculty_id "
                                                 "WHERE m.verified_at IS NOT NULL "
                                                 "AND m.starts_on BETWEEN %(ys)s AND %(ye)s "
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
