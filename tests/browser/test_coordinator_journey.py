"""A faculty coordinator's working session, in a real browser.

The demo coordinator serves the School of Computer Science (CS).  The demo gives CS a plan the
office returned with a comment, and completed teacher exchanges whose report is still due.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exchanges.models import Mobility
from faculties.models import Faculty, InternationalizationPlan
from staff.models import StaffMember
from tests.security.world import PDF_BYTES

pytestmark = pytest.mark.browser


def test_a_coordinator_signs_in_switches_to_chinese_records_a_mobility_reports_on_it_and_submits_the_plan(journey):
    page = journey.page
    # Someone chose English on this computer before: the sign-in page speaks English.
    journey.remember_language("en")
    journey.visit("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    journey.check("sign-in page in English")
    journey.sign_in("coordinator")
    expect(journey.page).to_have_url(re.compile(r"/work-queue/mine/$"))  # each role lands on its work
    journey.check("start page in English")

    # Switch to Chinese; the choice sticks to the user from now on.
    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    journey.check("start page in Chinese")

    # Record an outbound teacher visit starting next month.
    journey.visit("/exchanges/mobilities/")
    journey.check("mobility list")
    page.locator("a[href$='/exchanges/mobilities/new/']").first.click()
    expect(page.locator("#id_person_name")).to_be_visible()
    journey.check("new mobility form")
    starts = timezone.localdate() + datetime.timedelta(days=40)
    page.locator("#id_faculty").select_option(str(Faculty.objects.get(code="CS").pk))
    # Choosing a staff member fills the name and staff number; the visit here is typed by hand.
    member = StaffMember.objects.filter(faculty__code="CS").order_by("pk").first()
    page.locator("#id_staff_member").select_option(str(member.pk))
    expect(page.locator("#id_person_name")).to_have_value(member.name)
    expect(page.locator("#id_person_id")).to_have_value(member.staff_no)
    page.locator("#id_staff_member").select_option("")
    page.locator("#id_direction").select_option("outbound")
    page.locator("#id_person_kind").select_option("teacher")
    page.locator("#id_person_name").fill("王晓明")
    page.locator("#id_person_id").fill("CS-T-20931")
    page.locator("#id_country").select_option("DE")
    page.locator("#id_activity").select_option("lecture")
    page.locator("#id_starts_on").fill(starts.isoformat())
    page.locator("#id_ends_on").fill((starts + datetime.timedelta(days=12)).isoformat())
    page.locator("form[method=post] button[type=submit]").last.click()
    expect(page.locator(".alert-success")).to_be_visible()
    recorded = Mobility.objects.get(person_id="CS-T-20931")
    assert recorded.faculty.code == "CS" and recorded.status == Mobility.Status.PLANNED
    journey.check("recorded mobility")

    # Send it to the office for approval.
    page.locator(f"button[formaction$='/mobilities/{recorded.pk}/workflow/submit/']").click()
    expect(page.locator(".alert-success")).to_be_visible()
    recorded.refresh_from_db()
    assert recorded.submitted_at is not None

    # Report on a teacher's exchange that ended: text and the PDF.
    finished = (Mobility.objects.filter(faculty__code="CS", direction="outbound", person_kind="teacher",
                                        status=Mobility.Status.COMPLETED, report_submitted_at__isnull=True)
                .order_by("ends_on").first())
    assert finished is not None, "the demo has a CS teacher exchange whose report is due"
    journey.visit(f"/exchanges/mobilities/{finished.pk}/")
    journey.check("completed mobility without a report")
    page.locator(f"a[href$='/mobilities/{finished.pk}/report/']").click()
    expect(page.locator("#id_text")).to_be_visible()
    journey.check("report form")
    page.locator("#id_text").fill("赴合作院校讲授《分布式系统》专题课程四次，商定明年互派研究生。")
    page.locator("input[type=file]").set_input_files(
        {"name": "出访报告.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES})
    page.locator("form[method=post] button[type=submit]").last.click()
    expect(page.locator(f"a[href$='/mobilities/{finished.pk}/report/file/']")).to_be_visible()
    finished.refresh_from_db()
    assert finished.report_submitted_at is not None and finished.report_file
    journey.check("mobility with its report")

    # The plan the office returned: read the comment, submit it again.
    returned = InternationalizationPlan.objects.get(faculty__code="CS", status="returned")
    journey.visit("/faculties/plans/")
    journey.check("plan list")
    journey.visit(f"/faculties/plans/{returned.pk}/")
    expect(page.get_by_text("请补充与合作院校共建课程的具体计划。")).to_be_visible()
    journey.check("returned plan with the office's comment")
    page.locator("#submit-comment").fill("已补充与合作院校共建课程的计划。")
    page.locator(f"form[action$='/plans/{returned.pk}/submit/'] button[type=submit]").click()
    expect(page.locator(".plan-status")).to_have_text("已提交")
    returned.refresh_from_db()
    assert returned.status == InternationalizationPlan.Status.SUBMITTED
    journey.check("submitted plan")
