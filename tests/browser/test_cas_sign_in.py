"""Signing in through the university's unified identity service (统一身份认证), in a real browser:
the portal's button, the real CAS server's login page (django-cas-server, started by
``tests/accounts/cas_fixture.py``), back to the portal signed in; signing out of the portal ends
the CAS session too."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts import signin
from faculties.models import CoordinatorMembership, Faculty
from intlportal.models import User
from tests.accounts.cas_fixture import cas_portal, cas_server, password_of  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("cas_portal")]

CAS_USER = "t20150007"  # 张秘书 in tests/accounts/cas_server/people.py


@pytest.fixture
def secretary():
    """The School of Computer Science's faculty secretary, whose portal account carries the
    staff number the university's directory has for her (under a user name of its own)."""
    account, _ = User.objects.update_or_create(
        username="zhang.mishu", defaults={"staff_no": "20150007", "first_name": "张秘书", "is_active": True})
    account.set_unusable_password()
    account.save()
    account.groups.add(Group.objects.get_or_create(name="coordinator")[0])
    CoordinatorMembership.objects.get_or_create(user=account, faculty=Faculty.objects.get(code="CS"))
    return account


def test_a_faculty_secretary_signs_in_through_the_university_s_identity_service_and_signs_out_of_both(
        journey, secretary):
    page = journey.page
    cas = settings.CAS_SERVER_URL
    journey.visit("/accounts/login/?next=/exchanges/mobilities/")
    expect(page.locator("#cas-sign-in")).to_be_visible()
    journey.check("sign-in page with the university's sign-in")

    # The button leads to the university's own sign-in page, which knows nothing of the portal's.
    page.locator("#cas-sign-in").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(cas)}login\?service="))
    page.locator("#id_username").fill(CAS_USER)
    page.locator("#id_password").fill(password_of(CAS_USER))
    page.locator("#login_form button[type=submit]").click()

    # Back on the portal, signed in, on the page she was going to.
    expect(page).to_have_url(re.compile(r"/exchanges/mobilities/$"))
    user_menu = page.locator("nav[aria-label] .navbar-nav .dropdown-toggle").last
    expect(user_menu).to_contain_text("张秘书")
    journey.check("mobilities after signing in through CAS")
    secretary.refresh_from_db()
    assert secretary.last_sign_in_method == signin.CAS

    # Signing out of the portal passes by the CAS server's sign-out and comes back to the portal.
    user_menu.click()
    page.locator("form[action$='/accounts/logout/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("#cas-sign-in")).to_be_visible()
    journey.check("sign-in page after signing out")

    # The CAS session has ended too: the university's sign-in asks for the password again.
    page.locator("#cas-sign-in").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(cas)}login\?service="))
    expect(page.locator("#id_password")).to_be_visible()
