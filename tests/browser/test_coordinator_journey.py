"""A faculty coordinator's working session, in a real browser."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_coordinator_signs_in_switches_to_chinese_records_a_mobility_reports_on_it_and_submits_the_plan(journey):
    page = journey.page
    # A person who chose English on this computer before: the sign-in page speaks English.
    journey.remember_language("en")
    journey.visit("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    journey.check("sign-in page")
    journey.sign_in("coordinator")
    journey.check("start page in English")

    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    journey.check("start page in Chinese")

