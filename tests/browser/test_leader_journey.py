"""A university leader reading the assessment, in a real browser (in English)."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessment.models import AssessmentRun

pytestmark = pytest.mark.browser


def test_a_leader_reads_the_dashboard_tries_other_weights_follows_a_score_to_its_records_and_exports(journey):
    page = journey.page
    journey.remember_language("en")
    journey.sign_in("leader")
    expect(journey.page).to_have_url(re.compile(r"/assessment/$"))  # each role lands on its work
    journey.visit("/assessment/")
    journey.check("dashboard")

    # How has a faculty done over the years: from the ranking to its history page.
    page.locator("a[href$='/history/']").first.click()
    expect(page.locator("#trend-chart")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(len(set(AssessmentRun.objects.values_list("year", flat=True))))
    journey.check("a faculty over the years")
    journey.visit("/assessment/")

    # Another year.
    years = sorted(AssessmentRun.objects.values_list("year", flat=True).distinct())
    assert len(years) >= 2, "the demo has assessment runs of several years"
    earlier = years[-2]
    page.locator("#year-picker").select_option(str(earlier))
    page.wait_for_url(f"**/assessment/?year={earlier}")
    expect(page.locator("#year-picker")).to_have_value(str(earlier))
    journey.check(f"dashboard of {earlier}")

    # What if one weight were 0: the ranking is recomputed in the page, nothing is saved.
    slider = page.locator("#what-if input[type=range]").first
    weight_before = slider.input_value()
    with page.expect_response(lambda answer: "/what-if/" in answer.url and answer.status == 200):
        slider.fill("0")
    expect(page.locator("#what-if-result tbody tr").first).to_be_visible()
    expect(page.locator("#what-if-error")).to_be_hidden()
    journey.check("what-if ranking")
    assert weight_before != "0"

    # A faculty's scorecard, then the records behind one of its numbers.
    page.locator("main a[href*='/faculties/']").first.click()
    expect(page).to_have_url(re.compile(r"/assessment/\d{4}/faculties/[^/]+/$"))
    expect(page.locator("a[href$='/records/']").first).to_be_visible()
    journey.check("faculty scorecard")
    page.locator("a[href$='/records/']").first.click()
    expect(page).to_have_url(re.compile(r"/records/$"))
    journey.check("records behind a score")

    # The ranking as Excel.
    journey.visit(f"/assessment/?year={earlier}")
    workbook_path = journey.download(lambda: page.locator(f"a[href$='/assessment/{earlier}/export.xlsx']").click())
    book = load_workbook(workbook_path, read_only=True)
    assert book.sheetnames, "the export is a workbook"
    assert any(row for row in book.worksheets[0].iter_rows(min_row=2, max_row=2, values_only=True))
