"""Trips abroad in a real browser (in Chinese): a coordinator submits the faculty's draft
application; a university leader finds the trip that waits for a leader, approves it, and it
appears on the public notice. axe checks every page."""

import re

import pytest
from playwright.sync_api import expect

from trips.models import Trip

pytestmark = pytest.mark.browser


def test_a_coordinator_submits_the_draft_trip(journey):
    page = journey.page
    journey.sign_in("coordinator")
    journey.visit("/abroad/trips/")
    journey.check("trips abroad")
    draft = Trip.objects.get(status=Trip.Status.DRAFT)
    page.get_by_role("link", name=draft.title).click()
    expect(page).to_have_url(re.compile(rf"/abroad/trips/{draft.pk}/$"))
    expect(page.locator("#h-members")).to_be_visible()
    journey.check("a draft application")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#trip-status")).to_have_text("学院已审核")
    journey.check("the application submitted")


def test_a_leader_approves_the_trip_waiting_for_a_leader_and_it_goes_on_notice(journey):
    page = journey.page
    journey.sign_in("leader")
    journey.visit("/abroad/trips/?stage=leader")
    waiting = Trip.objects.get(status=Trip.Status.OFFICE_APPROVED, needs_leader=True)
    journey.check("trips waiting for a leader")
    page.get_by_role("link", name=waiting.title).click()
    journey.check("a trip waiting for a leader")
    page.get_by_role("button", name="校领导审批同意").click()
    expect(page.locator("#trip-status")).to_have_text("公示中")
    journey.visit("/abroad/notice/")
    expect(page.locator("#notice-table")).to_contain_text(waiting.title)
    journey.check("public notice of trips abroad")
