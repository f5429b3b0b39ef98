"""Trips abroad in a real browser (in Chinese), the whole path: a coordinator applies (the
form, the invitation letter, the group, the country) and submits; the office approves; a
university leader finds the trip in the leader's queue and approves it; it is on public notice;
once the notice has ended the office approves it for travel and lends the member's passport; the
coordinator confirms the briefing and the visa, records the departure and the return, files the
report and the spending; the office records the passport back and closes the trip, and the
member's outbound mobility is there, completed and verified. axe checks every page."""

import re

import pytest
from playwright.sync_api import expect

from trips.models import Trip

pytestmark = pytest.mark.browser


# --- the whole path ------------------------------------------------------------------------------
# A live server cannot fast-forward the calendar, so where the journey waits (five working days of
# notice, the trip itself) it moves the trip's own dates instead, as the days would have passed.


def _form(page, action: str):
    return page.locator(f'form[action="{action}"]')


def _status(trip_pk: int) -> str:
    return Trip.objects.get(pk=trip_pk).status


def _pdf(tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                     b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return str(path)


def test_the_whole_path_from_application_to_the_mobility_counted(journey, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from exchanges.models import Mobility
    from trips import services
    from trips.models import TravelDocument, TripCountry

    page = journey.page
    today = timezone.localdate()
    # A member of the coordinator's faculty whose passport is in the office and valid for long.
    document = (TravelDocument.objects.filter(custody__in=["in_office", "returned"], holder__faculty__code="CS",
                                              expires_on__gt=today + timedelta(days=800))
                .exclude(holder__trip_memberships__trip__status__in=["travelling", "back"])
                .select_related("holder").order_by("pk").first())
    assert document is not None, "the demo keeps a CS passport in the office"
    departs = services.earliest_departure(today) + timedelta(days=14)
    returns = departs + timedelta(days=6)

    # 1. The coordinator applies: the form, the invitation, the group, the country, then submits.
    journey.sign_in("coordinator")
    journey.visit("/abroad/trips/new/")
    journey.check("a new trip application")
    page.locator("#id_title").fill("赴日本东京大学开展联合研究")
    page.locator("#id_purpose").select_option("joint_research")
    page.locator("#id_inviting_institution").fill("东京大学")
    page.locator("#id_departs_on").fill(departs.isoformat())
    page.locator("#id_returns_on").fill(returns.isoformat())
    page.locator("#id_funding_source").select_option("host")
    page.locator("#id_budget_travel").fill("9000")
    page.locator("#id_in_annual_plan").check()
    page.locator("#id_invitation").set_input_files(_pdf(tmp_path, "invitation.pdf"))
    page.locator("form:has(#id_title) button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/abroad/trips/\d+/$"))
    trip = Trip.objects.get(title="赴日本东京大学开展联合研究")
    members = _form(page, f"/abroad/trips/{trip.pk}/members/add/")
    members.locator("select[name=staff_member]").select_option(str(document.holder_id))
    members.locator("input[name=senior_post]").check()  # a 处级 member: a leader must approve
    members.locator("button[type=submit]").click()
    countries = _form(page, f"/abroad/trips/{trip.pk}/countries/add/")
    countries.locator("select[name=country]").select_option("JP")
    countries.locator("input[name=arrives_on]").fill(departs.isoformat())
    countries.locator("input[name=leaves_on]").fill(returns.isoformat())
    countries.locator("button[type=submit]").click()
    journey.check("the application with its group and country")
    _form(page, f"/abroad/trips/{trip.pk}/submit/").locator("button[type=submit]").first.click()
    expect(page.locator("#trip-status")).to_be_visible()
    assert _status(trip.pk) == Trip.Status.FACULTY_APPROVED

    # 2. The office approves; the 处级 member sends it to a leader.
    journey.switch_to("office")
    journey.visit(f"/abroad/trips/{trip.pk}/")
    journey.check("the application as the office reviews it")
    page.locator(f'button[formaction="/abroad/trips/{trip.pk}/approve/"]').click()
    expect(page.locator("#trip-status")).to_be_visible()
    assert _status(trip.pk) == Trip.Status.OFFICE_APPROVED

    # 3. A leader finds it in the leader's queue and approves it; the trip goes on public notice.
    journey.switch_to("leader")
    journey.visit("/abroad/trips/?stage=leader")
    journey.check("trips waiting for a leader")
    page.get_by_role("link", name=trip.title).click()
    expect(page).to_have_url(re.compile(rf"/abroad/trips/{trip.pk}/$"))
    page.locator(f'button[formaction="/abroad/trips/{trip.pk}/leader-approve/"]').click()
    expect(page.locator("#trip-status")).to_be_visible()
    assert _status(trip.pk) == Trip.Status.ON_NOTICE
    journey.visit("/abroad/notice/")
    expect(page.locator("#notice-table")).to_contain_text(trip.title)

    # 4. The notice has ended (five working days later); then the days of the trip pass too.
    Trip.objects.filter(pk=trip.pk).update(notice_starts_on=today - timedelta(days=30),
                                           notice_ends_on=today - timedelta(days=20))
    journey.switch_to("office")
    journey.visit(f"/abroad/trips/{trip.pk}/")
    page.locator(f'button[formaction="/abroad/trips/{trip.pk}/clear/"]').click()
    expect(page.locator("#trip-status")).to_be_visible()
    assert _status(trip.pk) == Trip.Status.CLEARED
    departs, returns = today - timedelta(days=9), today - timedelta(days=2)
    Trip.objects.filter(pk=trip.pk).update(departs_on=departs, returns_on=returns)
    TripCountry.objects.filter(trip=trip).update(arrives_on=departs, leaves_on=returns)

    # 5. The office lends the member's passport for the trip.
    journey.visit(f"/abroad/trips/{trip.pk}/")
    journey.check("the trip approved for travel, its passports")
    _form(page, f"/abroad/passports/{document.pk}/lend/").locator("button[type=submit]").click()
    expect(page.locator("#passports")).to_be_visible()
    document.refresh_from_db()
    assert document.custody == TravelDocument.Custody.LENT and document.lent_for_id == trip.pk

    # 6. The coordinator confirms the briefing, records the visa, the departure and the return.
    journey.switch_to("coordinator")
    journey.visit(f"/abroad/trips/{trip.pk}/")
    assert document.number not in page.content(), "a passport number on the coordinator's page"
    member = trip.members.get()
    _form(page, f"/abroad/trips/{trip.pk}/travel/briefing/{member.pk}/").locator("button[type=submit]").click()
    visa = _form(page, f"/abroad/trips/{trip.pk}/travel/visas/add/")
    visa.locator("select[name$=member]").select_option(str(member.pk))
    visa.locator("select[name$=country]").select_option("JP")
    visa.locator("select[name$=status]").select_option("not_needed")
    visa.locator("button[type=submit]").click()
    journey.check("the group briefed, its visa recorded")
    page.locator(f'#travel form[action="/abroad/trips/{trip.pk}/depart/"] button[type=submit]').first.click()
    assert _status(trip.pk) == Trip.Status.TRAVELLING
    page.locator(f'button[formaction="/abroad/trips/{trip.pk}/come-back/"]').click()
    expect(page.locator("#trip-status")).to_be_visible()
    assert _status(trip.pk) == Trip.Status.BACK

    # 7. Back home: the report and the actual spending.
    report = _form(page, f"/abroad/trips/{trip.pk}/travel/report/")
    report.locator("textarea[name=report-report_text]").fill("与东京大学就联合研究项目达成合作意向，商定明年互派教师。")
    report.locator("input[name=report-report_file]").set_input_files(_pdf(tmp_path, "report.pdf"))
    report.locator("button[type=submit]").click()
    spending = _form(page, f"/abroad/trips/{trip.pk}/travel/spending/")
    spending.locator("input[name=spending-spent_travel]").fill("8600")
    spending.locator("button[type=submit]").click()
    journey.check("the trip back home, report and spending filed")
    trip.refresh_from_db()
    assert trip.report_submitted_at is not None and trip.spending_recorded_at is not None

    # 8. The office records the passport's return and closes the trip.
    journey.switch_to("office")
    journey.visit(f"/abroad/trips/{trip.pk}/")
    _form(page, f"/abroad/passports/{document.pk}/return/").locator("button[type=submit]").click()
    document.refresh_from_db()
    assert document.custody == TravelDocument.Custody.RETURNED
    page.locator(f'button[formaction="/abroad/trips/{trip.pk}/close/"]').click()
    expect(page.locator("#h-mobilities")).to_be_visible()
    assert _status(trip.pk) == Trip.Status.CLOSED
    journey.check("the trip closed into mobilities")

    # 9. The member's outbound mobility is recorded, completed and verified: the assessment counts it.
    mobility = Mobility.objects.get(trip_member__trip=trip)
    assert (mobility.direction, mobility.status, mobility.staff_member_id) == (
        "outbound", "completed", document.holder_id)
    assert mobility.verified_at is not None
    page.locator(f'#travel a[href="{mobility.get_absolute_url()}"]').click()
    expect(page).to_have_url(re.compile(rf"{mobility.get_absolute_url()}$"))
    journey.check("the mobility the trip became")
    journey.assert_no_page_errors()
