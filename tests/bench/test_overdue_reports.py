"""Found by the benchmark: the work queue counted students' mobilities as overdue reports."""

from tests.factories import MobilityFactory, days
from workqueue import selectors


def test_only_outbound_teachers_mobilities_are_reported_overdue(faculty_a):
    teacher = MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-60))
    MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-60), person_kind="student",
                    activity="semester_exchange")
    assert teacher.takes_report
    assert list(selectors.reports_overdue()) == [teacher]
