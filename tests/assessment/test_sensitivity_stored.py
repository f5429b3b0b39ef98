"""The dashboard's sensitivity table is computed once, when a run is stored (issue 16: the
dashboard re-scored the run 27 times per view)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from assessment import selectors
from assessment.models import AssessmentRun
from tests.factories import FacultyYearFactory

pytestmark = pytest.mark.django_db


def test_a_stored_run_keeps_its_sensitivity_and_the_dashboard_reads_it(faculty_a, faculty_b, monkeypatch):
    for faculty in (faculty_a, faculty_b):
        FacultyYearFactory(faculty=faculty, year=2025)
    call_command("run_assessment", year=2025, stdout=io.StringIO())
    run = AssessmentRun.objects.get(year=2025)

    kept = run.summary["sensitivity"]
    assert len(kept) == 2 * len(run.parameters["indicators"])
    assert selectors.stored_sensitivity(run) == selectors.sensitivity(run, selectors.measurements_of(run))

    monkeypatch.setattr(selectors, "sensitivity", lambda *args: pytest.fail("re-scored on the page"))
    assert selectors.stored_sensitivity(run)


def test_a_run_stored_before_keeps_working(faculty_a):
    FacultyYearFactory(faculty=faculty_a, year=2025)
    call_command("run_assessment", year=2025, stdout=io.StringIO())
    run = AssessmentRun.objects.get(year=2025)
    summary = dict(run.summary)
    del summary["sensitivity"]
    AssessmentRun.objects.filter(pk=run.pk).update(summary=summary)
    run.refresh_from_db()
    assert selectors.stored_sensitivity(run) == selectors.sensitivity(run, selectors.measurements_of(run))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_quick_reweighing_ranks_as_the_full_rescoring_does(seed):
    """``rank_by_weights`` re-weighs achievements computed once; ``rescore`` scores from the
    measurements each time: the ranks agree for random measurements, ties included."""
    import random
    from decimal import Decimal

    from assessment import scoring

    rng = random.Random(seed)
    codes = [f"i{n}" for n in range(6)]
    measurements = {
        f"F{f:02d}": {code: (None if rng.random() < 0.1 else Decimal(rng.randint(0, 6)),
                             Decimal(rng.choice([0, 1, 2, 3, "2.5"]))) for code in codes}
        for f in range(25)
    }
    achieved = scoring.achievements(measurements)
    for _ in range(20):
        weights = {code: Decimal(rng.choice([0, 1, 5, 10, "7.5", 12])) for code in codes}
        full = {o.code: o.rank for o in scoring.score_faculties(measurements=measurements, weights=weights,
                                                                 pool_amount=None, threshold=Decimal(0))}
        assert scoring.rank_by_weights(achieved, weights) == full
