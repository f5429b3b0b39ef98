"""The Foreign Affairs Office's working session, in a real browser.

The demo gives the office a plan of the School of Foreign Languages (FL) waiting for review and
mobilities submitted for approval.
"""

import io
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from exchanges.models import Event, Mobility
from faculties.models import InternationalizationPlan

pytestmark = pytest.mark.browser

EVENT_COLUMNS = ["faculty", "kind", "title", "date", "participants_total", "participants_foreign"]


def events_workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(EVENT_COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD_ROW = ["FL", "seminar_coorganized", "中德翻译研究研讨会", "2025-10-18", 60, 12]
BAD_ROW = ["FL", "overseas_scholar_lecture", "海外学者讲座：语料库语言学", "2025-13-05", 90, 1]
FIXED_ROW = [*BAD_ROW[:3], "2025-11-05", *BAD_ROW[4:]]


def test_the_office_reviews_the_work_queue_returns_a_plan_approves_a_mobility_and_imports_a_corrected_file(journey):
    page = journey.page
    journey.sign_in("office")
    expect(journey.page).to_have_url(re.compile(r"/work-queue/$"))  # each role lands on its work
    journey.visit("/work-queue/")
    journey.check("work queue")

    # The plan FL submitted: return it with a comment.
    plan = InternationalizationPlan.objects.get(faculty__code="FL", status="submitted")
    page.locator(f"main a[href$='/faculties/plans/{plan.pk}/']").first.click()
    expect(page.locator("#decision-comment")).to_be_visible()
    journey.check("submitted plan under review")
    page.locator("#decision-comment").fill("请补充各年度学生海外经历比例的具体目标。")
    page.locator(f"button[formaction$='/plans/{plan.pk}/return/']").click()
    expect(page.locator(".plan-status")).to_have_text("已退回")
    plan.refresh_from_db()
    assert plan.status == InternationalizationPlan.Status.RETURNED
    journey.check("returned plan")

    # A mobility waiting for approval: approve it.
    waiting = Mobility.objects.awaiting_approval().exclude(faculty__code="CS").order_by("pk").first()
    assert waiting is not None, "the demo has mobilities awaiting the office's approval"
    journey.visit(f"/exchanges/mobilities/{waiting.pk}/")
    journey.check("mobility awaiting approval")
    page.locator(f"button[formaction$='/mobilities/{waiting.pk}/workflow/approve/']").click()
    expect(page.locator(".alert-success")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.status == Mobility.Status.APPROVED
    journey.check("approved mobility")

    # Import events from Excel: one row has a month 13, so nothing is written.
    journey.visit("/data/events/import/")
    journey.check("event import page")
    page.locator("input[type=file]").set_input_files(
        {"name": "活动.xlsx", "mimeType": XLSX, "buffer": events_workbook([GOOD_ROW, BAD_ROW])})
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    errors = page.locator("section[aria-labelledby=errors-heading] tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("td").nth(0)).to_have_text("3")
    # the column by its heading in the page's language and its code
    expect(errors.first.locator("td").nth(1)).to_have_text("日期 date")
    assert not Event.objects.filter(title__in=[GOOD_ROW[2], BAD_ROW[2]]).exists()
    journey.check("import refused with the row error")

    # The corrected file: checked, previewed, imported.
    journey.visit("/data/events/import/")
    page.locator("input[type=file]").set_input_files(
        {"name": "活动（已更正）.xlsx", "mimeType": XLSX, "buffer": events_workbook([GOOD_ROW, FIXED_ROW])})
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    import_now = page.locator("form[action$='/commit/'] button[type=submit]")
    expect(import_now).to_be_visible()
    journey.check("corrected file checked")
    import_now.click()
    expect(page.locator("form[action$='/commit/']")).to_have_count(0)
    expect(page.get_by_text(FIXED_ROW[2])).to_have_count(0)  # the outcome page, not the preview
    assert Event.objects.filter(faculty__code="FL", title__in=[GOOD_ROW[2], FIXED_ROW[2]]).count() == 2
    journey.check("import done")
