"""The assessment's pages, endpoint and API: who sees what, and what they show."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import AssessmentRun, Indicator, IndicatorResult
from assessment.services import assessment_run
from faculties.models import Faculty
from intlportal.indicators import IndicatorCode
from tests.factories import (
    AgreementFactory,
    CooperativeProgramFactory,
    EventFactory,
    FacultyFactory,
    FacultyYearFactory,
    IncentivePoolFactory,
    LanguageAssessmentFactory,
    MobilityFactory,
    PlanFactory,
    ProgramTeacherTrainingFactory,
    PublicationFactory,
    StaffMemberFactory,
    TargetFactory,
    TeachingAssignmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def busy_faculty(faculty, *, scale: int = 1) -> None:
    """Records behind every indicator of a faculty in 2025."""
    FacultyYearFactory(faculty=faculty, year=2025, teachers=50, students=900)
    FacultyYearFactory(faculty=faculty, year=2024, teachers=48, students=880)
    PlanFactory(faculty=faculty, first_year=2024, last_year=2026, status="approved")
    for _ in range(scale):
        AgreementFactory(in_2025=True, faculties=[faculty])
        teacher = StaffMemberFactory(faculty=faculty, has_overseas_degree=True)
        MobilityFactory(in_2025=True, faculty=faculty, staff_member=teacher)
        MobilityFactory(in_2025=True, faculty=faculty, staff_member=teacher, activity="conference")
        MobilityFactory(in_2025=True, faculty=faculty, person_kind="student", activity="semester_exchange",
                        country="JP")
        TeachingAssignmentFactory(staff_member__faculty=faculty, semester="2024-2025-2")
        EventFactory(in_2025=True, faculty=faculty, kind="overseas_scholar_lecture")
        EventFactory(in_2025=True, faculty=faculty, kind="conference_hosted")
        PublicationFactory(in_2025=True, staff_member=teacher)
        LanguageAssessmentFactory(staff_member=teacher)
    program = CooperativeProgramFactory(faculty=faculty)
    ProgramTeacherTrainingFactory(program=program)


@pytest.fixture
def assessed(faculty_a, faculty_b):
    IncentivePoolFactory(year=2025, amount=Decimal("100000.01"))
    busy_faculty(faculty_a, scale=2)
    busy_faculty(faculty_b)
    assessment_run(year=2024)
    return assessment_run(year=2025)


# --- access ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("assessment:dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_every_role_reads_the_dashboard_and_a_user_without_role_does_not(personas, assessed, client):
    for name in ["office", "leader", "coord_a", "coord_b"]:
        assert personas[name].get(reverse("assessment:dashboard")).status_code == 200, name
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("assessment:dashboard")).status_code == 403


def test_a_coordinator_cannot_see_another_facultys_scorecard_or_records(coord_b_client, assessed):
    assert coord_b_client.get(reverse("assessment:scorecard", args=[2025, "A"])).status_code == 404
    assert coord_b_client.get(reverse("assessment:records", args=[2025, "A", "partners"])).status_code == 404
    assert coord_b_client.get(reverse("assessment:scorecard", args=[2025, "B"])).status_code == 200


def test_a_coordinator_sees_the_ranking_but_links_only_to_their_own_scorecards(coord_b_client, assessed):
    page = coord_b_client.get(reverse("assessment:dashboard")).content.decode()
    assert reverse("assessment:scorecard", args=[2025, "B"]) in page
    assert reverse("assessment:scorecard", args=[2025, "A"]) not in page
    assert "甲学院" in page  # the other faculty is ranked, by name


def test_leaders_read_but_cannot_run_the_assessment_or_change_indicators(leader_client, assessed):
    runs = AssessmentRun.objects.count()
    assert leader_client.post(reverse("assessment:run-start"), {"year": 2025}).status_code == 403
    assert AssessmentRun.objects.count() == runs
    indicator = Indicator.objects.get(code="partners")
    assert leader_client.get(reverse("assessment:indicator-edit", args=[indicator.pk])).status_code == 403
    assert leader_client.get(reverse("assessment:indicator-list")).status_code == 200
    assert leader_client.get(reverse("assessment:run-list")).status_code == 403


def test_the_office_runs_the_assessment_from_the_portal(office_client, office, assessed):
    response = office_client.post(reverse("assessment:run-start"), {"year": 2025})
    assert response.status_code == 302
    run = AssessmentRun.objects.latest_for(2025)
    assert (run.created_by, run.trigger) == (office, AssessmentRun.Trigger.OFFICE)
    assert run.document == assessed.document


def test_the_office_cannot_assess_a_year_that_has_not_begun(office_client, db):
    response = office_client.post(reverse("assessment:run-start"), {"year": 2999})
    assert response.status_code == 400
    assert not AssessmentRun.objects.exists()


def test_the_office_changes_a_weight_with_the_version_check(office_client, db):
    indicator = Indicator.objects.get(code="partners")
    response = office_client.post(reverse("assessment:indicator-edit", args=[indicator.pk]), {
        "name_zh": indicator.name_zh, "name_en": indicator.name_en, "weight": "12.5",
        "growth_percent": "8", "floor": "2", "is_active": "on", "version": indicator.version,
    })
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.weight, indicator.growth_percent, indicator.floor) == (Decimal("12.5"), 8, 2)


def test_the_office_sets_a_target_and_a_duplicate_is_refused_with_a_message(office_client, faculty_a):
    url = reverse("assessment:target-create")
    indicator = Indicator.objects.get(code="partners")
    data = {"faculty": faculty_a.pk, "year": 2025, "indicator": indicator.pk, "value": "3"}
    assert office_client.post(url, data).status_code == 302
    response = office_client.post(url, data)
    assert response.status_code == 200
    assert "已" in response.content.decode() or "already" in response.content.decode()


def test_a_coordinator_cannot_set_targets(coord_a_client, faculty_a):
    assert coord_a_client.get(reverse("assessment:target-create")).status_code == 403


# --- scorecard and the records behind each value ---------------------------------------------


def test_every_value_links_to_records_whose_count_is_its_numerator(coord_a_client, assessed):
    results = IndicatorResult.objects.filter(run=assessed, faculty_code="A")
    assert results.count() == len(IndicatorCode)
    for result in results:
        response = coord_a_client.get(reverse("assessment:records", args=[2025, "A", result.indicator]))
        assert response.status_code == 200
        counted = re.search(r'id="counted" data-count="(\d+)"', response.content.decode()).group(1)
        assert int(counted) == int(result.numerator), result.indicator
        assert len(response.context["groups"]) == int(result.numerator), result.indicator
    # The data behind faculty A counts twice what B has for the counted indicators.
    assert results.get(indicator="partners").numerator == 2
    assert results.get(indicator="teachers_abroad").numerator == 2


def test_the_scorecard_shows_value_target_achievement_and_what_is_missing(coord_a_client, assessed):
    response = coord_a_client.get(reverse("assessment:scorecard", args=[2025, "A"]))
    rows = {row["result"].indicator: row for row in response.context["rows"]}
    assert len(rows) == 13
    conferences = rows["conferences_hosted"]
    # Two hosted conferences in 2025, target grown from last year's 0: the floor of 1.
    assert (conferences["value"], conferences["result"].target, conferences["missing"]) == (2, 1, None)
    lectures = rows["overseas_scholar_lectures"]
    assert (lectures["value"], lectures["result"].target, lectures["missing"]) == (2, 2, None)
    assert rows["student_overseas_share"]["percent"] is True
    page = response.content.decode()
    assert reverse("assessment:records", args=[2025, "A", "partners"]) in page


def test_the_scorecard_says_how_many_more_records_reach_a_target(office_client, faculty_a):
    FacultyYearFactory(faculty=faculty_a, year=2025, teachers=40, students=800)
    EventFactory(in_2025=True, faculty=faculty_a, kind="overseas_scholar_lecture")  # 1 of a floor of 2
    assessment_run(year=2025)
    rows = {r["result"].indicator: r for r in office_client.get(
        reverse("assessment:scorecard", args=[2025, "A"])).context["rows"]}
    assert rows["overseas_scholar_lectures"]["missing"] == 1
    # A 1 % target of 800 students needs 8 students abroad.
    assert rows["student_overseas_share"]["missing"] == 8


# --- dashboard -------------------------------------------------------------------------------


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assessment:dashboard") + "?year=2025")
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_runs_as_many_queries_for_a_large_university_as_for_a_small_one(leader_client, db):
    for index in range(2):
        busy_faculty(FacultyFactory(code=f"S{index}"))
    assessment_run(year=2024)
    assessment_run(year=2025)
    small = _dashboard_queries(leader_client)
    for index in range(25):
        busy_faculty(FacultyFactory(code=f"L{index:02d}"), scale=2)
    assessment_run(year=2023)
    assessment_run(year=2024)
    assessment_run(year=2025)
    large = _dashboard_queries(leader_client)
    # Session and user (2), the user's roles (1), the latest run of every year (1), the
    # chosen run (1), faculty names (1), indicators (1), the run's results (1) and scores (1),
    # the trips abroad and the foreign visits awaiting a leader (1 each, a leader's counts), and
    # the navigation's role checks reuse the cached roles.
    assert small == large
    assert large <= 14


def test_the_dashboard_shows_figures_against_last_year_the_map_and_the_ranking(leader_client, assessed):
    response = leader_client.get(reverse("assessment:dashboard"))
    assert response.context["year"] == 2025
    figures = {str(f["label"]): f for f in response.context["figures"]}
    conferences = next(f for label, f in figures.items() if "onference" in label or "会议" in label)
    assert (conferences["value"], conferences["previous"], conferences["change"]) == (3, 0, 3)
    page = response.content.decode()
    # Six teacher visits to the US, three students to Japan: the US is darkest.
    assert re.search(r'class="country step-5[^"]*" d="[^"]+" data-country="US"', page)
    assert re.search(r'class="country step-3[^"]*" d="[^"]+" data-country="JP"', page)
    assert re.search(r'class="country step-0 has-partner" d="[^"]+" data-country="GB"', page)
    assert 'id="trend-data"' in page
    assert [row["score"].faculty_code for row in response.context["ranking"]] == ["A", "B"] or \
        [row["score"].faculty_code for row in response.context["ranking"]] == ["B", "A"]


def test_the_heat_table_shows_each_achievement_and_opens_its_records(leader_client, conferences_only):
    heat = leader_client.get(reverse("assessment:dashboard")).context["heat"]
    assert [str(i) for i in heat["indicators"]] == [str(Indicator.objects.get(code="conferences_hosted"))]
    cells = {str(row["faculty"]): row["cells"][0] for row in heat["rows"]}
    a, b = (cells[str(Faculty.objects.get(code=code))] for code in "AB")
    # A: 2 of 1, capped at 120 %; B: 1 of the office's 3, floored to 33 %.
    assert (a["percent"], a["band"]) == (120, "reached")
    assert (b["percent"], b["band"]) == (33, "behind")
    assert b["url"] == reverse("assessment:records", args=[2025, "B", "conferences_hosted"])
    records = leader_client.get(b["url"])
    assert records.status_code == 200 and len(records.context["groups"]) == 1


def test_a_coordinator_sees_the_heat_table_linked_for_the_own_faculty_only(coord_a_client, conferences_only):
    page = coord_a_client.get(reverse("assessment:dashboard"))
    links = {row["cells"][0]["url"] for row in page.context["heat"]["rows"]}
    assert links == {reverse("assessment:records", args=[2025, "A", "conferences_hosted"]), None}


@pytest.mark.parametrize(("achievement", "band"), [(None, "na"), (Decimal("1.2"), "reached"), (Decimal(1), "reached"),
                                                   (Decimal("0.9999"), "close"), (Decimal("0.8"), "close"),
                                                   (Decimal("0.7999"), "behind"), (Decimal(0), "behind")])
def test_the_heat_bands(achievement, band):
    from assessment.views import _heat_band

    assert _heat_band(achievement) == band


def test_the_dashboard_has_no_inline_script_or_style(leader_client, assessed):
    page = leader_client.get(reverse("assessment:dashboard")).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page)
    assert " style=" not in page
    assert not re.search(r"\son[a-z]+=", page)


def test_the_dashboard_without_any_run_invites_the_office_to_run_one(office_client, db):
    response = office_client.get(reverse("assessment:dashboard"))
    assert response.status_code == 200
    assert reverse("assessment:run-list") in response.content.decode()


def test_the_what_if_endpoint_reranks_without_saving(leader_client, assessed):
    url = reverse("assessment:what-if", args=[2025])
    stored = leader_client.get(url).json()
    assert [(f["code"], f["score"], f["incentive"]) for f in stored["faculties"]] == [
        (e["code"], e["score"], e["incentive"]) for e in assessed.document["faculties"]
    ]
    zero = {f"w_{code}": "0" for code in IndicatorCode.values}
    zero["w_conferences_hosted"] = "10"
    moved = leader_client.get(url, zero).json()
    # Conferences alone: A hosted 2 against a floor of 1 (capped at 1.2), B hosted 1.
    assert {f["code"]: f["score"] for f in moved["faculties"]} == {"A": 120.0, "B": 100.0}
    assert sum(Decimal(f["incentive"]) for f in moved["faculties"]) == Decimal("100000.01")
    assert AssessmentRun.objects.count() == 2


def test_the_what_if_endpoint_tries_another_pool_and_threshold(leader_client, assessed):
    url = reverse("assessment:what-if", args=[2025])
    zero = {f"w_{code}": "0" for code in IndicatorCode.values}
    zero["w_conferences_hosted"] = "10"  # scores 120 (A) and 100 (B), as above
    doubled = leader_client.get(url, {**zero, "pool": "200000"}).json()
    assert sum(Decimal(f["incentive"]) for f in doubled["faculties"]) == Decimal("200000.00")
    only_a = leader_client.get(url, {**zero, "threshold": "110"}).json()
    paid = {f["code"]: Decimal(f["incentive"]) for f in only_a["faculties"]}
    assert paid["B"] == 0 and paid["A"] > 0
    assert AssessmentRun.objects.count() == 2


@pytest.fixture
def conferences_only(faculty_a, faculty_b):
    """Only conferences_hosted counts (growth 0 %, floor 1): A hosted 1 in 2024 and 2 in 2025,
    B none in 2024 and 1 in 2025, and the office set B's 2025 target to 3 by hand."""
    Indicator.objects.exclude(code="conferences_hosted").update(is_active=False)
    EventFactory(faculty=faculty_a, kind="conference_hosted", date=D(2024, 4, 1))
    EventFactory.create_batch(2, in_2025=True, faculty=faculty_a)
    EventFactory(in_2025=True, faculty=faculty_b)
    TargetFactory(faculty=faculty_b, indicator=Indicator.objects.get(code="conferences_hosted"), value=3)
    assessment_run(year=2024)
    return assessment_run(year=2025)


def scores_of(response) -> dict[str, float]:
    assert response.status_code == 200, response.content
    return {f["code"]: f["score"] for f in response.json()["faculties"]}


def test_the_what_if_endpoint_with_the_rates_in_force_gives_the_stored_run(leader_client, conferences_only):
    url = reverse("assessment:what-if", args=[2025])
    same = leader_client.get(url, {"g_conferences_hosted": "0", "fl_conferences_hosted": "1"})
    # A: 2 of a target of 1 (capped at 1.2); B: 1 of the office's 3.
    assert scores_of(same) == {"A": 120.0, "B": 33.33}
    assert all(f["targets"] == {} for f in same.json()["faculties"])


def test_the_what_if_endpoint_derives_targets_again_with_another_growth_or_floor(leader_client,
                                                                                  conferences_only):
    url = reverse("assessment:what-if", args=[2025])
    # 100 % growth: A's target becomes 1 × 2 = 2 (reached exactly); B's set by hand stays 3.
    grown = leader_client.get(url, {"g_conferences_hosted": "100"})
    assert scores_of(grown) == {"A": 100.0, "B": 33.33}
    assert {f["code"]: f["targets"] for f in grown.json()["faculties"]} == {
        "A": {"conferences_hosted": [1.0, 2.0]}, "B": {}}
    # A floor of 5 lifts A's target to 5 (2 of 5 = 40); B's hand-set target still wins.
    floored = leader_client.get(url, {"fl_conferences_hosted": "5"})
    assert scores_of(floored) == {"A": 40.0, "B": 33.33}
    assert AssessmentRun.objects.count() == 2


@pytest.mark.parametrize(("name", "value"), [("g_conferences_hosted", "-101"), ("g_conferences_hosted", "x"),
                                             ("fl_conferences_hosted", "-1"), ("fl_conferences_hosted", "inf")])
def test_the_what_if_endpoint_refuses_an_impossible_growth_or_floor(leader_client, conferences_only, name, value):
    response = leader_client.get(reverse("assessment:what-if", args=[2025]), {name: value})
    assert response.status_code == 400 and name in response.json()["errors"]


def test_the_dashboard_offers_growth_and_floor_of_the_derived_indicators_only(leader_client, assessed):
    html = leader_client.get(reverse("assessment:dashboard")).content.decode()
    assert 'name="g_partners" value="10.00"' in html and 'name="fl_partners" value="1.00"' in html
    assert 'name="g_plan_approved"' not in html  # a yes-no indicator's target is always 1


@pytest.mark.parametrize(("name", "value"), [("pool", "-1"), ("threshold", "1001"), ("pool", "abc"),
                                             ("threshold", "NaN")])
def test_the_what_if_endpoint_refuses_an_impossible_pool_or_threshold(leader_client, assessed, name, value):
    response = leader_client.get(reverse("assessment:what-if", args=[2025]), {name: value})
    assert response.status_code == 400 and name in response.json()["errors"]


def test_the_what_if_endpoint_refuses_a_negative_weight(leader_client, assessed):
    response = leader_client.get(reverse("assessment:what-if", args=[2025]), {"w_partners": "-3"})
    assert response.status_code == 400
    assert "partners" in response.json()["errors"]


def test_the_sensitivity_view_names_faculties_whose_rank_changes(leader_client, faculty_a, faculty_b):
    Indicator.objects.exclude(code__in=["partners", "conferences_hosted"]).update(is_active=False)
    AgreementFactory(in_2025=True, faculties=[faculty_a], starts_on=D(2025, 1, 1))  # A: partners 1/1
    EventFactory(in_2025=True, faculty=faculty_b)  # B: conferences 1/1
    EventFactory(in_2025=True, faculty=faculty_b, kind="overseas_scholar_lecture")
    Indicator.objects.filter(code="partners").update(weight=11)  # A leads by a hair
    assessment_run(year=2025)
    sensitivity = leader_client.get(reverse("assessment:dashboard")).context["sensitivity"]
    by_move = {(item["indicator"].code, item["direction"]): item["changes"] for item in sensitivity}
    assert [(code, before, after) for _f, code, before, after in by_move[("partners", -1)]] == [
        ("A", 1, 2), ("B", 2, 1),
    ]
    assert by_move[("partners", 1)] == []


# --- exports, print, API ---------------------------------------------------------------------


def test_the_excel_export_has_the_ranking_and_only_the_visible_scorecards(coord_b_client, assessed):
    response = coord_b_client.get(reverse("assessment:export-xlsx", args=[2025]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    ranking, cards, _standing = book.worksheets
    assert sorted(row[1] for row in ranking.iter_rows(min_row=2, values_only=True)) == ["A", "B"]
    assert {row[0] for row in cards.iter_rows(min_row=2, values_only=True)} == {"B"}
    assert cards.max_row == 1 + 13


def test_the_print_page_lists_the_ranking(leader_client, assessed):
    response = leader_client.get(reverse("assessment:print", args=[2025]))
    assert response.status_code == 200
    assert len(response.context["ranking"]) == 2


def test_the_api_serves_the_runs_document_to_the_office_and_leaders(leader_client, assessed):
    response = leader_client.get("/api/v1/assessment/2025/")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in assessed.document} == assessed.document
    assert (body["status"], body["run"], body["publication"]) == ("provisional", assessed.pk, None)


def test_the_api_gives_a_coordinator_the_ranking_and_their_own_details_only(coord_b_client, assessed):
    document = coord_b_client.get("/api/v1/assessment/2025/").json()
    entries = {entry["code"]: entry for entry in document["faculties"]}
    assert set(entries) == {"A", "B"}
    assert "indicators" not in entries["A"]
    assert entries["A"]["score"] == next(e for e in assessed.document["faculties"] if e["code"] == "A")["score"]
    assert len(entries["B"]["indicators"]) == 13


def test_the_api_answers_404_for_a_year_without_a_run_and_refuses_strangers(leader_client, client, assessed):
    assert leader_client.get("/api/v1/assessment/2019/").status_code == 404
    assert client.get("/api/v1/assessment/2025/").status_code in {401, 403}


# --- university-wide figures, by faculty ---------------------------------------------------


def test_each_university_figure_opens_its_breakdown_by_faculty(leader_client, assessed):
    figures = leader_client.get(reverse("assessment:dashboard")).context["figures"]
    assert all(f["url"].startswith(reverse("assessment:figure", args=[2025, "x"])[:-2]) for f in figures)
    for f in figures:
        page = leader_client.get(f["url"])
        assert page.status_code == 200
        if page.context["by_indicator"] and page.context["key"] not in ("partners", "students_abroad"):
            # A summed figure: the faculties' parts add up to the university's total.
            assert page.context["breakdown_total"] == page.context["total"], f["url"]


def test_a_faculty_part_of_a_figure_opens_the_records_it_counted(leader_client, assessed):
    page = leader_client.get(reverse("assessment:figure", args=[2025, "conferences_hosted"]))
    rows = {str(row["faculty"]): row for row in page.context["rows"]}
    a = rows[str(Faculty.objects.get(code="A"))]
    assert a["count"] == 2 and a["url"] == reverse("assessment:records", args=[2025, "A", "conferences_hosted"])
    records = leader_client.get(a["url"])
    assert len(records.context["groups"]) == a["count"]


def test_incoming_visitors_by_faculty_count_verified_and_link_the_list(leader_client, faculty_a, faculty_b):
    MobilityFactory.create_batch(2, in_2025=True, faculty=faculty_a, direction="inbound", person_kind="visitor")
    MobilityFactory(in_2025=True, faculty=faculty_a, direction="inbound", person_kind="visitor", status="cancelled")
    MobilityFactory(in_2025=True, faculty=faculty_b, direction="inbound", person_kind="visitor", unverified=True)
    assessment_run(year=2025)
    page = leader_client.get(reverse("assessment:figure", args=[2025, "mobilities_inbound"]))
    assert page.context["total"] == 2 == page.context["breakdown_total"]
    (row,) = page.context["rows"]
    assert row["count"] == 2
    listed = leader_client.get(row["url"])
    assert listed.status_code == 200


def test_a_coordinator_reads_the_breakdown_but_opens_the_own_faculty_only(coord_a_client, assessed):
    page = coord_a_client.get(reverse("assessment:figure", args=[2025, "conferences_hosted"]))
    linked = {row["url"] for row in page.context["rows"]}
    assert linked == {reverse("assessment:records", args=[2025, "A", "conferences_hosted"]), None}


def test_an_unknown_figure_is_404(leader_client, assessed):
    assert leader_client.get(reverse("assessment:figure", args=[2025, "budget"])).status_code == 404


def test_incoming_visitors_by_faculty_are_those_the_run_counted(leader_client, faculty_a):
    """The breakdown is stored with the run, as its total is: a visitor recorded afterwards
    moves neither until the year is calculated again."""
    MobilityFactory.create_batch(2, in_2025=True, faculty=faculty_a, direction="inbound", person_kind="visitor")
    run = assessment_run(year=2025)
    assert run.summary["inbound_by_faculty"] == {"A": 2}
    AssessmentRun.objects.filter(pk=run.pk).update(summary={**run.summary, "inbound_by_faculty": {"A": 5}})
    page = leader_client.get(reverse("assessment:figure", args=[2025, "mobilities_inbound"]))
    assert [row["count"] for row in page.context["rows"]] == [5]  # read from the run, not counted now


def test_a_run_stored_before_the_breakdown_counts_it_from_the_records(leader_client, faculty_a):
    MobilityFactory.create_batch(3, in_2025=True, faculty=faculty_a, direction="inbound", person_kind="visitor")
    run = assessment_run(year=2025)
    summary = dict(run.summary)
    del summary["inbound_by_faculty"]
    AssessmentRun.objects.filter(pk=run.pk).update(summary=summary)
    page = leader_client.get(reverse("assessment:figure", args=[2025, "mobilities_inbound"]))
    assert [row["count"] for row in page.context["rows"]] == [3]
