"""Every registered kind round-trips (issue 15): its export in either style — codes, and the
Chinese office's headings and labels — imports again unchanged, csv and xlsx, and the next
export is the same bytes (``helpers.assert_round_trip``).  Each kind's round trip lives beside
its fixtures; this module checks that none is missing and holds those of the assessment's kinds."""

from __future__ import annotations

import pytest

from dataexchange import registry
from tests.dataexchange.helpers import assert_round_trip
from tests.dataexchange.test_export import OWN_KINDS
from tests.dataexchange.test_new_kinds import NEW_KINDS
from tests.factories import FacultyFactory, IncentivePoolFactory, TargetFactory
from tests.programs.test_dataexchange import ROUND_TRIP_KINDS as PROGRAM_KINDS
from tests.staff.test_dataexchange import ROUND_TRIP_KINDS as STAFF_KINDS
from tests.trips.test_trip_exchange import ROUND_TRIP_KINDS as TRIP_KINDS
from tests.visits.test_exchange import ROUND_TRIP_KINDS as VISIT_KINDS

ASSESSMENT_KINDS = ("targets", "incentive_pools")
# plans: tests/faculties/test_plan_dataexchange.py; site_updates: tests/faculties/test_site_updates.py
ELSEWHERE = ("plans", "site_updates")


def test_no_registered_kind_lacks_a_round_trip():
    tested = {*OWN_KINDS, *NEW_KINDS, *PROGRAM_KINDS, *STAFF_KINDS, *TRIP_KINDS, *VISIT_KINDS, *ASSESSMENT_KINDS,
              *ELSEWHERE}
    assert {kind.name for kind in registry.kinds()} == tested


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_assessments_targets_and_pools_import_their_own_export_unchanged(office, tmp_path, fmt):
    faculty = FacultyFactory(code="A", name_zh="甲学院", name_en="School A")
    TargetFactory(faculty=faculty, year=2025)
    TargetFactory(faculty=faculty, year=2026, value="7.50")
    IncentivePoolFactory(year=2025)
    IncentivePoolFactory(year=2026, amount="250000.50", threshold="65")

    for kind in ASSESSMENT_KINDS:
        assert_round_trip(kind, office, tmp_path, fmt)
