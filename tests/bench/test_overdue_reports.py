"""Found by the benchmark: the work queue counted students' mobilities as overdue reports."""

from tests.notifications import records
from workqueue import selectors


def test_only_outbound_teachers_mobilities_are_reported_overdue(faculty_a):
    teacher = records.mobility(faculty_a, ended_days_ago=60)
    records.mobility(faculty_a, ended_days_ago=60, person_kind="student", activity="semester_exchange")
    assert teacher.takes_report
    assert list(selectors.reports_overdue()) == [teacher]
