"""A run: targets, scores, ranks, incentives, the stored parameters and the command's JSON."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import AssessmentRun, FacultyScore, Indicator, IndicatorResult
from assessment.services import assessment_run
from tests.factories import (
    AgreementFactory,
    EventFactory,
    FacultyFactory,
    FacultyYearFactory,
    IncentivePoolFactory,
    MobilityFactory,
    PublicationFactory,
    StaffMemberFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db


def run_json(year=2025, *args) -> dict:
    out = StringIO()
    call_command("run_assessment", "--year", str(year), "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def only(*codes: str) -> None:
    """Keep just these indicators active, so a test can reason about a small score."""
    Indicator.objects.exclude(code__in=codes).update(is_active=False)


def by_code(document: dict) -> dict:
    return {entry["code"]: entry for entry in document["faculties"]}


def test_the_json_document_has_the_rulebooks_shape_in_rank_order(db):
    only("partners", "conferences_hosted")
    for code, partners in [("CS", 3), ("AB", 1), ("ZZ", 3)]:
        faculty = FacultyFactory(code=code)
        AgreementFactory.create_batch(partners, in_2025=True, faculties=[faculty], starts_on=datetime.date(2025, 1, 1))
    document = run_json()
    assert document["year"] == 2025
    assert [(f["code"], f["rank"]) for f in document["faculties"]] == [("CS", 1), ("ZZ", 1), ("AB", 3)]
    cs = document["faculties"][0]
    assert set(cs) == {"code", "score", "rank", "incentive", "flagged", "indicators"}
    # partners 3 / floor 1 -> 1.2 (capped); conferences 0 / floor 1 -> 0; (10·1.2 + 10·0) / 20 = 60 %.
    assert cs["indicators"]["partners"] == {"value": 3.0, "target": 1.0, "achievement": 1.2, "applicable": True}
    assert cs["score"] == 60.0
    assert isinstance(cs["score"], float)
    assert cs["incentive"] == "0.00"
    assert cs["flagged"] is False


def test_targets_grow_last_years_value_and_never_fall_below_the_floor(db):
    only("partners", "overseas_scholar_lectures")
    faculty = FacultyFactory(code="A")
    # Two partners active in 2024 and 2025, one more from 2025: 2024 value 2, target 2.2.
    AgreementFactory.create_batch(2, in_2025=True, faculties=[faculty], starts_on=datetime.date(2023, 1, 1))
    AgreementFactory(in_2025=True, faculties=[faculty], starts_on=datetime.date(2025, 1, 1))
    # One lecture last year: 1 × 1.10 = 1.1, below the floor of 2.
    EventFactory(faculty=faculty, kind="overseas_scholar_lecture", date=datetime.date(2024, 3, 1))
    indicators = by_code(run_json())["A"]["indicators"]
    assert indicators["partners"] == {"value": 3.0, "target": 2.2, "achievement": 1.2, "applicable": True}
    assert indicators["overseas_scholar_lectures"] == {
        "value": 0.0, "target": 2.0, "achievement": 0.0, "applicable": True,
    }


def test_a_target_the_office_set_wins_and_zero_makes_the_indicator_not_applicable(db):
    only("partners", "conferences_hosted", "plan_approved")
    faculty = FacultyFactory(code="A")
    AgreementFactory(in_2025=True, faculties=[faculty])
    TargetFactory(faculty=faculty, indicator=Indicator.objects.get(code="partners"), value=Decimal("4"))
    TargetFactory(faculty=faculty, indicator=Indicator.objects.get(code="conferences_hosted"), value=0)
    TargetFactory(faculty=faculty, indicator=Indicator.objects.get(code="plan_approved"), value=Decimal("2"))
    entry = by_code(run_json())["A"]
    assert entry["indicators"]["partners"] == {"value": 1.0, "target": 4.0, "achievement": 0.25, "applicable": True}
    assert entry["indicators"]["conferences_hosted"] == {
        "value": 0.0, "target": 0.0, "achievement": None, "applicable": False,
    }
    # Even a yes-no indicator takes the office's target.
    assert entry["indicators"]["plan_approved"]["target"] == 2.0
    # (10 · 0.25 + 5 · 0) / 15 = 16.666… %
    assert entry["score"] == 16.67


def test_a_faculty_with_no_applicable_indicator_scores_zero_and_is_flagged(db):
    only("teacher_overseas_share", "student_overseas_share")
    FacultyFactory(code="NOHEADS")
    entry = by_code(run_json())["NOHEADS"]
    assert (entry["score"], entry["flagged"], entry["rank"]) == (0.0, True, 1)
    assert all(not i["applicable"] for i in entry["indicators"].values())


def test_the_pool_is_split_to_the_fen_and_adds_up_exactly(db):
    only("partners")
    IncentivePoolFactory(year=2025, amount=Decimal("100000.00"), threshold=Decimal("60"))
    for code in ["A", "B", "C"]:
        faculty = FacultyFactory(code=code)
        FacultyYearFactory(faculty=faculty, year=2024)
        TargetFactory(faculty=faculty, indicator=Indicator.objects.get(code="partners"), value=Decimal("3"))
        AgreementFactory.create_batch(3 if code != "C" else 2, in_2025=True, faculties=[faculty])
    FacultyFactory(code="D")  # no partner: 0, not eligible
    document = by_code(run_json())
    # A and B score 100, C scores 66.67: shares 100000 × S ÷ 266.67.
    assert [document[c]["score"] for c in "ABCD"] == [100.0, 100.0, 66.67, 0.0]
    incentives = {c: Decimal(document[c]["incentive"]) for c in "ABCD"}
    assert incentives == {
        "A": Decimal("37499.53"), "B": Decimal("37499.53"), "C": Decimal("25000.94"), "D": Decimal("0.00"),
    }
    assert sum(incentives.values()) == Decimal("100000.00")


def test_without_a_pool_nobody_is_paid(db):
    only("partners")
    AgreementFactory(in_2025=True, faculties=[FacultyFactory(code="A")])
    assert by_code(run_json())["A"]["incentive"] == "0.00"


def test_a_run_stores_its_parameters_results_and_scores(db):
    only("partners", "teachers_abroad")
    faculty = FacultyFactory(code="A")
    AgreementFactory(in_2025=True, faculties=[faculty])
    IncentivePoolFactory(year=2025, amount=Decimal("5000.00"))
    TargetFactory(faculty=faculty, indicator=Indicator.objects.get(code="partners"), value=Decimal("2"))
    run = assessment_run(year=2025)
    assert run.parameters == {
        "indicators": [
            {"code": "partners", "kind": "count", "weight": "10.00", "growth_percent": "10.00", "floor": "1.00"},
            {"code": "teachers_abroad", "kind": "count", "weight": "15.00", "growth_percent": "10.00",
             "floor": "1.00"},
        ],
        "targets": {"A": {"partners": "2.00"}},
        "pool": {"amount": "5000.00", "threshold": "60.00"},
    }
    score = FacultyScore.objects.get(run=run)
    assert (score.faculty_code, score.rank, score.score) == ("A", 1, Decimal("20.00"))
    partners = IndicatorResult.objects.get(run=run, indicator="partners")
    assert (partners.numerator, partners.value, partners.target, partners.target_origin) == (
        Decimal("1"), Decimal("1"), Decimal("2"), IndicatorResult.TargetOrigin.OFFICE,
    )


def test_repeating_a_run_with_its_stored_parameters_gives_the_same_result(db):
    faculty = FacultyFactory(code="A")
    FacultyYearFactory(faculty=faculty)
    AgreementFactory(in_2025=True, faculties=[faculty])
    first = assessment_run(year=2025)
    Indicator.objects.filter(code="partners").update(weight=50, floor=7)
    Indicator.objects.filter(code="teachers_abroad").update(is_active=False)
    assert run_json(2025)["faculties"] != first.document["faculties"]
    assert run_json(2025, "--repeat", str(first.pk)) == first.document


def test_the_command_refuses_a_run_of_another_year_to_repeat(db):
    run = assessment_run(year=2024)
    with pytest.raises(CommandError, match="2024"):
        call_command("run_assessment", "--year", "2025", "--repeat", str(run.pk), stdout=StringIO())


def test_the_command_without_json_reports_what_it_stored(db):
    out = StringIO()
    call_command("run_assessment", "--year", "2025", stdout=out)
    assert "2025" in out.getvalue()
    assert AssessmentRun.objects.filter(year=2025).count() == 1


def _university(size: int, *, first: int = 0) -> None:
    for index in range(first, first + size):
        faculty = FacultyFactory(code=f"F{index:02d}")
        FacultyYearFactory(faculty=faculty, year=2024)
        FacultyYearFactory(faculty=faculty, year=2025)
        teacher = StaffMemberFactory(faculty=faculty, has_overseas_degree=True)
        MobilityFactory(in_2025=True, faculty=faculty, staff_member=teacher)
        AgreementFactory(in_2025=True, faculties=[faculty])
        PublicationFactory(in_2025=True, staff_member=teacher)
        EventFactory(in_2025=True, faculty=faculty)


def _queries_of_a_run() -> int:
    with CaptureQueriesContext(connection) as queries:
        assessment_run(year=2025)
    return len(queries)


def test_a_run_costs_the_same_number_of_queries_for_3_and_for_60_faculties(db):
    IncentivePoolFactory(year=2025)
    _university(3)
    small = _queries_of_a_run()
    _university(60, first=3)  # now 63 faculties
    large = _queries_of_a_run()
    # The parameters (indicators, office targets, pool: 3), the active faculties (1), one
    # grouped count per indicator for 2025 and 2024 at once (13; cooperative programs, which
    # program_teacher_training also needs, counted once), the headcounts (1), the summary
    # (partners by country, mobilities by country, distinct students, teacher mobilities
    # without a staff member: 4), and the run, its scores and its results written (3)
    # inside a savepoint (2); then the sensitivity table, computed once from the stored results
    # (its results read: 1; the summary saved: 1, after the check that the run is not published: 1).
    assert small == large == 30
