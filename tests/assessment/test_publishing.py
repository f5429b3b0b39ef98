"""Published years: the office makes a run official; later data changes never move it.

The scenario of issue 14: publish 2025, change 2025 and 2026 data, recalculate — the published
2025 figures are served unchanged to the fen, and the notice lists exactly what the newer
calculation would change; publishing again needs a reason and keeps every version.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import AssessmentRun, FacultyScore, IndicatorResult, Publication, PublishedRunChange
from assessment.publishing import PublishError, publish
from assessment.selectors import published_years
from assessment.services import assessment_run
from assessment.tasks import recompute_suspended
from faculties.models import Faculty
from tests.factories import (
    AgreementFactory,
    EventFactory,
    FacultyFactory,
    FacultyYearFactory,
    IncentivePoolFactory,
    MobilityFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db
POOL = Decimal("100000.01")


def _teacher_abroad(faculty, year: int):
    teacher = StaffMemberFactory(faculty=faculty)
    MobilityFactory(faculty=faculty, staff_member=teacher, status="completed", country="US",
                    starts_on=datetime.date(year, 3, 1), ends_on=datetime.date(year, 3, 10))


def _conference(faculty, year: int):
    EventFactory(faculty=faculty, kind="conference_hosted", date=datetime.date(year, 5, 20))


@pytest.fixture
def published(faculty_a, faculty_b, office):
    """2024 and 2025 assessed, 2025 published by the office (version 1)."""
    with recompute_suspended():
        IncentivePoolFactory(year=2025, amount=POOL, threshold=Decimal("0"))
        for faculty in (faculty_a, faculty_b):
            for year in (2024, 2025):
                FacultyYearFactory(faculty=faculty, year=year, teachers=50, students=900)
            AgreementFactory(in_2025=True, faculties=[faculty])
        _teacher_abroad(faculty_a, 2025)
        _conference(faculty_a, 2025)
        _conference(faculty_b, 2025)
        _conference(faculty_b, 2025)
    assessment_run(year=2024)
    run = assessment_run(year=2025)
    publish(run, by=office)
    return run


def _change_2025_and_2026(faculty_a, faculty_b):
    """Verified evidence of 2025 (faculty A only) and of 2026 (both faculties)."""
    with recompute_suspended():
        _teacher_abroad(faculty_a, 2025)  # teachers_abroad 1 → 2
        _conference(faculty_a, 2025)  # conferences_hosted 1 → 2
        _teacher_abroad(faculty_b, 2026)
        _conference(faculty_b, 2026)
        FacultyYearFactory(faculty=faculty_b, year=2026, teachers=10, students=100)


def _served(client, year=2025, query=""):
    response = client.get(f"/api/v1/assessment/{year}/{query}")
    assert response.status_code == 200
    return response.json()


def _ranking_sheet(client, year=2025, query=""):
    response = client.get(reverse("assessment:export-xlsx", args=[year]) + query)
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    return response, [list(row) for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)], book


def _dashboard(client, query="?year=2025"):
    response = client.get(reverse("assessment:dashboard") + query)
    assert response.status_code == 200
    return response


# --- publishing ------------------------------------------------------------------------------


def test_the_confirmation_page_shows_the_ranking_and_the_split_and_publishing_makes_version_1(
        office_client, office, faculty_a, faculty_b):
    with recompute_suspended():
        IncentivePoolFactory(year=2025, amount=POOL, threshold=Decimal("0"))  # both faculties share it
        for faculty in (faculty_a, faculty_b):
            FacultyYearFactory(faculty=faculty, year=2025, teachers=50, students=900)
        _conference(faculty_a, 2025)
    run = assessment_run(year=2025)
    url = reverse("assessment:publish", args=[2025])

    page = office_client.get(url)
    assert page.status_code == 200
    ranking = page.context["ranking"]
    assert [(row["score"].faculty_code, row["score"].rank, row["score"].incentive) for row in ranking] == [
        (s.faculty_code, s.rank, s.incentive) for s in run.scores.order_by("rank", "faculty_code")]
    assert page.context["paid"] == POOL  # the split adds up to the pool, to the fen
    assert 'type="submit"' in page.content.decode()
    assert "reason" not in page.context["form"].fields  # the first version needs none
    assert not Publication.objects.exists()  # a GET publishes nothing

    response = office_client.post(url, {"run": run.pk})
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert (publication.year, publication.run, publication.version, publication.published_by,
            publication.reason) == (2025, run, 1, office, "")
    assert published_years() == {2025}


def test_only_the_office_publishes_and_every_role_reads_the_published_versions(personas, published):
    url = reverse("assessment:publish", args=[2025])
    for name in ("leader", "coord_a", "coord_b"):
        assert personas[name].get(url).status_code == 403, name
        assert personas[name].post(url, {"run": published.pk}).status_code == 403, name
        assert personas[name].get(reverse("assessment:publication-list", args=[2025])).status_code == 200, name
    assert Publication.objects.count() == 1
    assert personas["leader"].get(reverse("assessment:publication-list", args=[2024])).status_code == 404


def test_a_newer_calculation_must_be_reviewed_before_it_is_published(office_client, faculty_a, faculty_b):
    with recompute_suspended():
        FacultyYearFactory(faculty=faculty_a, year=2025)
    reviewed = assessment_run(year=2025)
    assessment_run(year=2025)  # stored while the office was reading the page

    response = office_client.post(reverse("assessment:publish", args=[2025]), {"run": reviewed.pk})

    assert response.status_code == 400
    assert not Publication.objects.exists()
    with pytest.raises(PublishError):
        publish(reviewed)


def test_two_offices_publishing_the_same_version_at_once_make_one_publication(published, office, monkeypatch):
    newer = assessment_run(year=2025)
    # Both read "version 1 is current" before either wrote version 2.
    stale = Publication.objects.current_for(2025)
    monkeypatch.setattr(Publication.objects, "current_for", lambda year: stale)
    publish(newer, by=office, reason="Headcounts corrected")
    with pytest.raises(PublishError):
        publish(newer, by=office, reason="The same, twice")
    assert list(Publication.objects.values_list("version", flat=True)) == [2, 1]


# --- the published figures stay; the notice says what would change -------------------------


def test_later_changes_leave_the_published_figures_and_the_notice_lists_exactly_the_differences(
        published, office_client, leader_client, faculty_a, faculty_b):
    before = _served(leader_client)
    _response, sheet_before, _book = _ranking_sheet(leader_client)
    dashboard_before = [(r["score"].faculty_code, r["score"].score, r["score"].rank, r["score"].incentive)
                        for r in _dashboard(leader_client).context["ranking"]]
    assert before["status"] == "published"
    assert not _dashboard(leader_client).context["differences"]  # nothing recalculated yet

    _change_2025_and_2026(faculty_a, faculty_b)
    assert office_client.post(reverse("assessment:run-start"), {"year": 2025}).status_code == 302  # "Recalculate"
    assessment_run(year=2026)
    latest = AssessmentRun.objects.latest_for(2025)
    assert latest.pk != published.pk

    # Every fen of the published result is served as it was: API, export, dashboard, command.
    assert _served(leader_client) == before
    assert _ranking_sheet(leader_client)[1] == sheet_before
    dashboard = _dashboard(leader_client)
    assert [(r["score"].faculty_code, r["score"].score, r["score"].rank, r["score"].incentive)
            for r in dashboard.context["ranking"]] == dashboard_before
    out = StringIO()
    call_command("run_assessment", "--year", "2025", "--published", stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue()) == published.document
    assert {key: before[key] for key in ("year", "faculties")} == published.document

    # The notice: exactly A's two 2025 indicators; nothing of 2026; score, rank and incentive
    # wherever the stored documents differ.
    changes = dashboard.context["differences"]["changes"]
    old = {entry["code"]: entry for entry in published.document["faculties"]}
    new = {entry["code"]: entry for entry in latest.document["faculties"]}
    indicator_changes = {
        (row["change"].code, code, what, was, now)
        for row in changes["faculties"] for code, what, was, now in row["change"].indicators
    }
    assert indicator_changes == {
        ("A", "teachers_abroad", "value", 1.0, 2.0),
        ("A", "conferences_hosted", "value", 1.0, 2.0),
    }
    figures = {row["change"].code: (row["change"].score, row["change"].rank, row["change"].incentive)
               for row in changes["faculties"]}
    expected = {}
    for code in old:
        pairs = tuple(None if old[code][key] == new[code][key] else (old[code][key], new[code][key])
                      for key in ("score", "rank", "incentive"))
        if any(pairs) or code == "A":
            expected[code] = pairs
    assert figures == expected
    assert figures["A"][0] is not None and figures["A"][2] is not None  # A's score and incentive rise
    assert sum(Decimal(entry["incentive"]) for entry in new.values()) == POOL
    assert changes["parameters"] == []
    page = dashboard.content.decode()
    assert 'id="recalculated"' in page and 'data-faculty="A"' in page

    # Office and leaders may look at the latest calculation; coordinators see the published one.
    assert _served(leader_client, query="?run=latest")["faculties"] == latest.document["faculties"]
    assert _served(leader_client, query="?run=latest")["status"] == "provisional"
    assert _dashboard(leader_client, "?year=2025&run=latest").context["run"].pk == latest.pk


def test_a_coordinator_is_served_the_published_result_and_no_recalculation(published, coord_a_client,
                                                                          faculty_a, faculty_b):
    _change_2025_and_2026(faculty_a, faculty_b)
    assessment_run(year=2025)

    body = _served(coord_a_client, query="?run=latest")
    assert body["run"] == published.pk
    dashboard = _dashboard(coord_a_client, "?year=2025&run=latest")
    assert dashboard.context["run"].pk == published.pk
    assert dashboard.context["differences"] is None


def test_publishing_again_needs_a_reason_and_keeps_every_version_with_its_diff(
        published, office_client, leader_client, office, faculty_a, faculty_b):
    _change_2025_and_2026(faculty_a, faculty_b)
    newer = assessment_run(year=2025)
    url = reverse("assessment:publish", args=[2025])

    page = office_client.get(url)
    assert page.context["form"].fields["reason"].required
    assert {row["change"].code for row in page.context["changes"]["faculties"]} >= {"A"}

    refused = office_client.post(url, {"run": newer.pk, "reason": "  "})
    assert refused.status_code == 400
    assert Publication.objects.count() == 1
    with pytest.raises(PublishError):
        publish(newer, by=office)

    assert office_client.post(url, {"run": newer.pk, "reason": "Two mobilities verified late"}).status_code == 302
    versions = list(Publication.objects.order_by("version").values_list("version", "run_id", "reason"))
    assert versions == [(1, published.pk, ""), (2, newer.pk, "Two mobilities verified late")]
    assert _served(leader_client)["faculties"] == newer.document["faculties"]
    assert _served(leader_client)["publication"]["version"] == 2

    listing = leader_client.get(reverse("assessment:publication-list", args=[2025]))
    assert [v["publication"].version for v in listing.context["versions"]] == [2, 1]
    diff = listing.context["versions"][0]["changes"]
    assert {(row["change"].code, code) for row in diff["faculties"] for code, *_ in row["change"].indicators} == {
        ("A", "teachers_abroad"), ("A", "conferences_hosted")}
    assert listing.context["versions"][1]["changes"] is None  # version 1 has no predecessor
    assert "Two mobilities verified late" in listing.content.decode()
    # Publishing the same run again is refused: there is nothing new.
    with pytest.raises(PublishError):
        publish(newer, by=office, reason="again")


# --- standing on every page, API, export and command -----------------------------------------


def test_an_unpublished_year_is_served_as_provisional(leader_client, faculty_a):
    with recompute_suspended():
        FacultyYearFactory(faculty=faculty_a, year=2025)
    run = assessment_run(year=2025)

    body = _served(leader_client)
    assert (body["status"], body["run"], body["publication"]) == ("provisional", run.pk, None)
    dashboard = _dashboard(leader_client)
    assert dashboard.context["official"] is False
    assert 'class="badge text-bg-warning"' in dashboard.content.decode()
    response, _rows, book = _ranking_sheet(leader_client)
    assert response["Content-Disposition"] == 'attachment; filename="assessment-2025-provisional.xlsx"'
    assert book.worksheets[2].cell(2, 2).value in (None, "")  # no version
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="not been published") as refused:
        call_command("run_assessment", "--year", "2025", "--published", stdout=out, stderr=err)
    assert refused.value.returncode == 1
    assert out.getvalue() == ""


def test_the_export_and_the_api_name_the_publication(published, leader_client, office):
    body = _served(leader_client)
    assert body["publication"]["version"] == 1
    assert body["publication"]["published_by"] == office.username
    assert body["publication"]["run"] == published.pk
    response, rows, book = _ranking_sheet(leader_client)
    assert response["Content-Disposition"] == 'attachment; filename="assessment-2025-v1.xlsx"'
    assert [row[1] for row in rows] == [entry["code"] for entry in published.document["faculties"]]
    standing = list(book.worksheets[2].iter_rows(min_row=2, values_only=True))[0]
    assert standing[1] == 1 and standing[3] == str(office)
    scorecard = leader_client.get(reverse("assessment:scorecard", args=[2025, "A"]))
    assert scorecard.context["official"] and scorecard.context["run"].pk == published.pk


def test_run_assessment_json_still_computes_a_fresh_run_of_a_published_year(published, faculty_a, faculty_b):
    _change_2025_and_2026(faculty_a, faculty_b)
    out = StringIO()
    call_command("run_assessment", "--year", "2025", "--json", stdout=out)
    fresh = AssessmentRun.objects.latest_for(2025)
    assert fresh.pk != published.pk
    assert json.loads(out.getvalue()) == fresh.document != published.document
    printed = StringIO()
    call_command("run_assessment", "--year", "2025", "--published", stdout=printed, stderr=StringIO())
    assert json.loads(printed.getvalue()) == published.document


def test_publish_assessment_command_follows_the_same_rules(published, office, faculty_a, faculty_b):
    _change_2025_and_2026(faculty_a, faculty_b)
    newer = assessment_run(year=2025)
    with pytest.raises(CommandError):
        call_command("publish_assessment", "--year", "2025", stdout=StringIO())  # no reason
    assert Publication.objects.count() == 1
    call_command("publish_assessment", "--year", "2025", "--reason", "Late evidence", "--by", office.username,
                 stdout=StringIO())
    assert Publication.objects.current_for(2025).run == newer


# --- immutability ----------------------------------------------------------------------------


def test_a_published_run_refuses_every_change_and_deletion(published, faculty_a, office):
    score = published.scores.get(faculty=faculty_a)
    score.incentive += Decimal("0.01")
    with pytest.raises(PublishedRunChange):
        score.save()
    with pytest.raises(PublishedRunChange):
        FacultyScore.objects.filter(run=published).update(rank=1)
    with pytest.raises(PublishedRunChange):
        FacultyScore.objects.filter(run=published).delete()
    result = published.results.first()
    with pytest.raises(PublishedRunChange):
        result.delete()
    with pytest.raises(PublishedRunChange):
        IndicatorResult.objects.filter(run=published).update(value=0)
    published.parameters = {}
    with pytest.raises(PublishedRunChange):
        published.save()
    with pytest.raises(PublishedRunChange):
        AssessmentRun.objects.filter(pk=published.pk).update(document={})
    with pytest.raises(ProtectedError):
        AssessmentRun.objects.get(pk=published.pk).delete()
    with pytest.raises(ProtectedError):
        AssessmentRun.objects.filter(year=2025).delete()
    with pytest.raises(ProtectedError):
        faculty_a.delete()  # its scores and results of the published run would go with it
    publication = Publication.objects.get()
    with pytest.raises(PublishedRunChange):
        publication.delete()
    with pytest.raises(PublishedRunChange):
        Publication.objects.update(reason="rewritten")

    office.delete()  # the publisher leaves: the publication stays, without a name
    assert Publication.objects.get().published_by is None

    published.refresh_from_db()
    assert published.document["faculties"] and published.parameters
    stored = published.scores.get(faculty=faculty_a)
    assert stored.incentive == score.incentive - Decimal("0.01")
    assert published.results.count() == IndicatorResult.objects.filter(run=published).count() > 0


def test_a_faculty_of_a_published_run_cannot_be_deleted_and_one_of_unpublished_runs_only_can(office):
    # Nothing else protects these faculties: only headcounts (cascaded) and run rows refer to them.
    with recompute_suspended():
        kept = FacultyFactory(code="K")
        FacultyYearFactory(faculty=kept, year=2024)
        FacultyYearFactory(faculty=kept, year=2025)
    publish(assessment_run(year=2025), by=office)
    with recompute_suspended():
        FacultyYearFactory(faculty=FacultyFactory(code="G"), year=2024)
    assessment_run(year=2024)  # unpublished: K and G

    with pytest.raises(ProtectedError), recompute_suspended():
        kept.delete()
    assert FacultyScore.objects.filter(faculty_code="K").count() == 2

    with recompute_suspended():
        Faculty.objects.get(code="G").delete()
    assert not FacultyScore.objects.filter(faculty_code="G").exists()
    assert not IndicatorResult.objects.filter(faculty_code="G").exists()


def test_unpublished_runs_can_still_be_pruned(published):
    earlier = AssessmentRun.objects.get(year=2024)
    assert list(AssessmentRun.objects.unpublished()) == [earlier]
    assert list(AssessmentRun.objects.published()) == [published]
    AssessmentRun.objects.unpublished().delete()
    assert list(AssessmentRun.objects.all()) == [published]
    assert published.scores.exists()


# --- query counts ----------------------------------------------------------------------------


def _queries(client, query="?year=2025") -> int:
    with CaptureQueriesContext(connection) as captured:
        _dashboard(client, query)
    return len(captured)


def test_a_publication_adds_a_constant_number_of_queries_to_the_dashboard(leader_client, office):
    with recompute_suspended():
        for index in range(3):
            faculty = FacultyFactory(code=f"Q{index}")
            for year in (2023, 2024, 2025):
                FacultyYearFactory(faculty=faculty, year=year)
                _conference(faculty, year)
    runs = {year: assessment_run(year=year) for year in (2023, 2024, 2025)}
    unpublished = _queries(leader_client)

    publish(runs[2025], by=office)
    one = _queries(leader_client)
    publish(runs[2024], by=office)
    publish(runs[2023], by=office)
    three = _queries(leader_client)
    assert one == three
    assert one - unpublished <= 1

    with recompute_suspended():
        _conference(FacultyFactory(code="Q9"), 2025)
        FacultyYearFactory(faculty__code="Q8", year=2025)
    assessment_run(year=2025)  # a recalculation that differs: the notice reads one more run
    recalculated = _queries(leader_client)
    assert _dashboard(leader_client).context["differences"]
    assert recalculated - one <= 1
