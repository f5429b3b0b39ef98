"""CAS sign-in against a real CAS server (django-cas-server, ``tests/accounts/cas_server``).

The person types their password on the CAS server's own login page (over HTTP with
``requests``: its login ticket and CSRF token included) and comes back to the portal with a
service ticket; the portal (Django's test client) validates it with the CAS server, server to
server.  Single sign-out runs against a live portal the CAS server can POST to.
"""

from __future__ import annotations

import re
import socket
from html import escape, unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, urlencode, urlparse

import pytest
import requests
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts import signin
from tests.accounts.cas_fixture import cas_portal, cas_server, password_of  # noqa: F401
from tests.factories import StaffMemberFactory, UserFactory

User = get_user_model()
pytestmark = [pytest.mark.usefixtures("english", "cas_portal")]

WANG, LI, VISITOR = "t20190001", "t20230042", "visitor01"  # tests/accounts/cas_server/people.py
LOCAL_PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's


# --- the CAS server's side: its login page ------------------------------------------------------


class _HiddenInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""


def type_password_at_cas(browser: requests.Session, login_url: str, username: str) -> str:
    """Sign in on the CAS server's login page, as a person at a browser does; the address the
    server sends them back to (the portal's, with the ticket)."""
    page = browser.get(login_url, allow_redirects=False)
    if page.status_code == 302:  # already signed in at the CAS server: straight back with a ticket
        return page.headers["Location"]
    assert page.status_code == 200, page.text
    form = _HiddenInputs()
    form.feed(page.text)
    assert {"csrfmiddlewaretoken", "lt", "service"} <= form.values.keys(), "the CAS login form changed"
    answer = browser.post(login_url, allow_redirects=False, data={
        **form.values, "username": username, "password": password_of(username)})
    assert answer.status_code == 302, f"the CAS server did not accept {username}'s password:\n{answer.text}"
    return answer.headers["Location"]


def ticket_in(url: str) -> str:
    return parse_qs(urlparse(url).query)["ticket"][0]


# --- the portal's side ------------------------------------------------------------------------


def sign_in_through_cas(client: Client, username: str, *, next_page: str | None = None):
    """The portal's CAS sign-in: the portal sends the person to the CAS server, they sign in
    there, and come back with a ticket the portal validates with the CAS server.  The
    portal's answer to that."""
    url = reverse("accounts:cas-login") + (f"?{urlencode({'next': next_page})}" if next_page else "")
    to_cas = client.get(url)
    assert to_cas.status_code == 302
    assert to_cas["Location"].startswith(f"{settings.CAS_SERVER_URL}login?service=")
    back = type_password_at_cas(requests.Session(), to_cas["Location"], username)
    assert back.startswith("http://testserver/accounts/cas/login/?next=")
    return client.get(back)


def signed_in_user(client: Client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


@pytest.fixture
def wang(db):
    """王老师, known to the portal by staff number under a user name of the portal's own."""
    return UserFactory(username="wang", staff_no="20190001", first_name="王老师", email="wang.laoshi@example.edu.cn",
                       roles=["coordinator"])


# --- the sign-in page -------------------------------------------------------------------------


def test_the_sign_in_page_offers_the_university_sign_in_above_the_password_form(client, db):
    page = client.get(reverse("login") + "?next=/exchanges/mobilities/").content.decode()
    button = f'href="{reverse("accounts:cas-login")}?next=/exchanges/mobilities/"'
    assert button in page
    assert "Sign in with the university's unified identity service" in page
    assert page.index(button) < page.index('id="id_password"')
    assert f'href="{reverse("accounts:password-reset")}"' in page
    assert 'id="ldap-hint"' not in page


def test_the_sign_in_page_has_no_university_button_without_cas_but_a_hint_with_ldap(client, db, settings):
    settings.CAS_SERVER_URL = ""
    settings.LDAP_SERVER_URI = "ldap://127.0.0.1:1/"
    page = client.get(reverse("login")).content.decode()
    assert reverse("accounts:cas-login") not in page
    assert 'id="id_password"' in page
    assert "Your campus account and password work here too." in page


# --- signing in -------------------------------------------------------------------------------


def test_a_known_person_signs_in_through_cas_and_lands_where_they_were_going(client, wang):
    history_before = wang.history.count()

    response = sign_in_through_cas(client, WANG, next_page="/exchanges/mobilities/")

    assert response.status_code == 302
    assert response["Location"] == "/exchanges/mobilities/"
    assert signed_in_user(client) == wang  # found by staff number: the CAS user name is t20190001
    assert client.session[signin.SESSION_METHOD_KEY] == signin.CAS
    wang.refresh_from_db()
    assert wang.last_sign_in_method == signin.CAS
    assert wang.last_login is not None
    assert wang.username == "wang"
    assert wang.history.count() == history_before  # a sign-in is not a change to the account
    assert client.get("/exchanges/mobilities/").status_code == 200


def test_the_directory_s_name_and_e_mail_are_copied_onto_the_account(client, db):
    account = UserFactory(username="wang", staff_no="20190001", first_name="Wang", email="old@example.com",
                          roles=["office"])

    assert sign_in_through_cas(client, WANG).status_code == 302

    account.refresh_from_db()
    assert (account.first_name, account.email) == ("王老师", "wang.laoshi@example.edu.cn")
    change = account.history.first()
    assert change.history_type == "~"
    assert change.history_change_reason == "updated from the directory at a CAS sign-in"


def test_the_account_with_the_staff_number_is_the_staff_member_s(client, wang):
    teacher = StaffMemberFactory(staff_no="20190001", name="王老师")

    sign_in_through_cas(client, WANG)

    assert signed_in_user(client).staff_no == teacher.staff_no


def test_an_account_found_by_user_name_gets_the_directory_s_staff_number(client, db):
    account = UserFactory(username=LI, staff_no=None, roles=["office"])

    assert sign_in_through_cas(client, LI).status_code == 302

    assert signed_in_user(client) == account
    account.refresh_from_db()
    assert account.staff_no == "20230042"


def test_a_person_without_a_staff_number_in_the_directory_is_found_by_user_name(client, db):
    account = UserFactory(username=VISITOR, roles=["leader"])

    assert sign_in_through_cas(client, VISITOR).status_code == 302

    assert signed_in_user(client) == account
    account.refresh_from_db()
    assert account.staff_no is None
    assert account.first_name == "Anna Weber"


def test_next_must_be_an_address_of_the_portal(client, wang):
    to_cas = client.get(reverse("accounts:cas-login") + "?next=https://evil.example/steal")
    service = parse_qs(urlparse(to_cas["Location"]).query)["service"][0]
    assert service == "http://testserver/accounts/cas/login/?next=%2F"

    response = client.get(type_password_at_cas(requests.Session(), to_cas["Location"], WANG))

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user(client) == wang


def test_a_signed_in_person_is_sent_on(client, wang):
    client.force_login(wang)
    response = client.get(reverse("accounts:cas-login") + "?next=/exchanges/mobilities/")
    assert (response.status_code, response["Location"]) == (302, "/exchanges/mobilities/")


# --- people the portal refuses ----------------------------------------------------------------


def refusal(response) -> str:
    assert response.status_code == 403
    assert response.templates[0].name == "accounts/sign_in_refused.html"
    return response.context["reason"]


def test_an_unknown_person_gets_an_inactive_account_with_no_role_and_is_told_it_awaits_activation(client, db):
    response = sign_in_through_cas(client, LI)

    assert refusal(response) == signin.PENDING
    page = response.content.decode()
    assert "awaits activation by the Foreign Affairs Office" in page
    assert signed_in_user(client) is None
    account = User.objects.get(staff_no="20230042")
    assert (account.username, account.first_name, account.email) == (LI, "李新", "li.xin@example.edu.cn")
    assert not account.is_active
    assert not account.groups.exists()
    assert not account.is_staff and not account.is_superuser
    assert not account.has_usable_password()
    assert account.history.get().history_change_reason == "first sign-in through CAS: awaits activation by the office"


def test_signing_in_again_before_the_office_activates_the_account_is_still_refused(client, db):
    sign_in_through_cas(client, LI)
    response = sign_in_through_cas(Client(), LI)

    assert refusal(response) == signin.PENDING
    assert User.objects.filter(staff_no="20230042").count() == 1


def test_once_the_office_activates_the_account_the_person_signs_in(client, db):
    sign_in_through_cas(client, LI)
    account = User.objects.get(staff_no="20230042")
    account.is_active = True
    account.save()

    response = sign_in_through_cas(client, LI)

    assert response.status_code == 302
    assert signed_in_user(client) == account
    assert not account.groups.exists()  # signing in gives no role; the office grants one


def test_with_unknown_users_refused_nothing_is_created(client, db, settings):
    settings.SIGN_IN_UNKNOWN_USERS = "refuse"

    response = sign_in_through_cas(client, LI)

    assert refusal(response) == signin.UNKNOWN
    assert "Ask the Foreign Affairs Office to create one." in response.content.decode()
    assert not User.objects.filter(username=LI).exists()
    assert not User.objects.filter(staff_no="20230042").exists()


def test_a_deactivated_person_is_refused(client, wang):
    sign_in_through_cas(Client(), WANG)  # they have signed in before
    wang.refresh_from_db()
    wang.is_active = False
    wang.save()

    response = sign_in_through_cas(client, WANG)

    assert refusal(response) == signin.INACTIVE
    assert "Your portal account is no longer active." in response.content.decode()
    assert signed_in_user(client) is None


def test_a_user_name_that_belongs_to_someone_else_s_account_is_refused(client, db):
    UserFactory(username=LI, staff_no="19990001", roles=["office"])

    response = sign_in_through_cas(client, LI)

    assert refusal(response) == signin.CONFLICT
    assert signed_in_user(client) is None
    assert not User.objects.filter(staff_no="20230042").exists()


def test_the_refusal_page_offers_the_way_back_and_a_cas_sign_out_for_another_account(client, db):
    page = sign_in_through_cas(client, LI).content.decode()
    assert f'href="{reverse("login")}"' in page
    sign_out = f"{settings.CAS_SERVER_URL}logout?service={quote('http://testserver/accounts/login/', safe='')}"
    assert f'href="{sign_out}"' in page


def test_a_used_ticket_is_refused(client, wang):
    to_cas = client.get(reverse("accounts:cas-login"))
    back = type_password_at_cas(requests.Session(), to_cas["Location"], WANG)
    assert client.get(back).status_code == 302

    replayed = Client().get(back)

    assert refusal(replayed) == "ticket"
    assert "it may have expired or been used already" in replayed.content.decode()


def test_a_forged_ticket_is_refused(client, wang):
    response = client.get(reverse("accounts:cas-login") + "?next=%2F&ticket=ST-" + "x" * 64)

    assert refusal(response) == "ticket"
    assert signed_in_user(client) is None


def test_a_ticket_is_only_good_for_the_address_it_was_issued_for(client, wang):
    to_cas = client.get(reverse("accounts:cas-login") + "?next=/exchanges/mobilities/")
    back = type_password_at_cas(requests.Session(), to_cas["Location"], WANG)

    elsewhere = urlencode({"next": "/exchanges/", "ticket": ticket_in(back)})
    response = client.get(f"{reverse('accounts:cas-login')}?{elsewhere}")

    assert refusal(response) == "ticket"


def test_a_name_locked_out_after_failed_password_sign_ins_is_refused_through_cas_too(client, db):
    account = UserFactory(username=WANG, staff_no="20190001", roles=["office"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": WANG, "password": "wrong"})
    assert AccessAttempt.objects.filter(username=WANG, failures_since_start__gte=settings.AXES_FAILURE_LIMIT).exists()

    response = sign_in_through_cas(client, WANG)

    assert refusal(response) == signin.LOCKED
    assert "Try again later" in response.content.decode()
    assert signed_in_user(client) is None
    account.refresh_from_db()
    assert account.last_login is None


def test_refused_campus_sign_ins_do_not_lock_out_others_at_the_same_address(client, wang):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert sign_in_through_cas(Client(), LI).status_code == 403  # awaiting activation, and trying again

    assert sign_in_through_cas(client, WANG).status_code == 302
    assert signed_in_user(client) == wang


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_cas_server_that_does_not_answer_is_explained(client, wang, settings):
    settings.CAS_SERVER_URL = f"http://127.0.0.1:{free_port()}/"

    response = client.get(reverse("accounts:cas-login") + "?next=%2F&ticket=ST-" + "x" * 64)

    assert response.status_code == 502
    assert response.context["reason"] == "unavailable"
    assert "could not reach the university&#x27;s identity service" in response.content.decode()


def test_without_cas_the_addresses_do_not_exist(client, wang, settings):
    settings.CAS_SERVER_URL = ""
    assert client.get(reverse("accounts:cas-login")).status_code == 404
    assert client.post(reverse("accounts:cas-logout")).status_code == 404


# --- signing out ------------------------------------------------------------------------------


def cas_logout_url(service: str) -> str:
    return f"{settings.CAS_SERVER_URL}logout?{urlencode({'service': service})}"


def sends_on_to(response) -> str:
    """Where the page answering a CAS session's sign-out sends the browser at once (a form's
    answer may not redirect to another site under the portal's CSP: ``accounts.cas_views``)."""
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/cas_signed_out.html"
    url = response.context["cas_sign_out_url"]
    page = response.content.decode()
    assert f'<meta http-equiv="refresh" content="0; url={escape(url)}">' in page
    assert f'href="{escape(url)}"' in page
    return url


def test_signing_out_of_a_cas_session_signs_out_of_the_cas_server_too(client, wang):
    sign_in_through_cas(client, WANG)
    key = client.session.session_key

    response = client.post(reverse("logout"))

    assert sends_on_to(response) == cas_logout_url("http://testserver/accounts/login/")
    assert signed_in_user(client) is None
    assert not client.session.exists(key)


def test_signing_out_of_a_password_session_stays_in_the_portal(client, db):
    UserFactory(username="breakglass", roles=["office"])
    client.post(reverse("login"), {"username": "breakglass", "password": LOCAL_PASSWORD})
    assert client.session[signin.SESSION_METHOD_KEY] == signin.LOCAL

    response = client.post(reverse("logout"))

    assert (response.status_code, response["Location"]) == (302, reverse("login"))
    assert signed_in_user(client) is None


def test_sign_out_is_refused_over_get(client, wang):
    sign_in_through_cas(client, WANG)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("accounts:cas-logout")).status_code == 405
    assert signed_in_user(client) == wang


def test_the_cas_sign_out_address_signs_out_of_both(client, wang):
    sign_in_through_cas(client, WANG)

    response = client.post(reverse("accounts:cas-logout"))

    assert sends_on_to(response) == cas_logout_url("http://testserver/accounts/login/")
    assert signed_in_user(client) is None


def test_the_sign_out_address_takes_only_single_sign_out_requests_and_ignores_strange_ones(db):
    client = Client(enforce_csrf_checks=True)  # the CAS server sends no CSRF token
    url = reverse("accounts:cas-login")
    assert client.post(url, {"something": "else"}).status_code == 400
    assert client.post(url, {"logoutRequest": "<not xml"}).status_code == 400
    unknown_ticket = (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="x" Version="2.0">'
        "<samlp:SessionIndex>ST-unknown</samlp:SessionIndex></samlp:LogoutRequest>")
    assert client.post(url, {"logoutRequest": unknown_ticket}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_signing_out_at_the_cas_server_ends_the_portal_session(live_server, wang):
    """Single sign-out: the CAS server POSTs a logoutRequest to the portal's address it issued
    the ticket for, and the portal ends the session opened with that ticket."""
    browser = requests.Session()
    start = f"{live_server.url}{reverse('accounts:cas-login')}?next=/exchanges/mobilities/"
    to_cas = browser.get(start, allow_redirects=False)
    back = type_password_at_cas(browser, to_cas.headers["Location"], WANG)
    assert browser.get(back).url == f"{live_server.url}/exchanges/mobilities/"  # signed in
    assert browser.get(f"{live_server.url}/exchanges/mobilities/", allow_redirects=False).status_code == 200

    signed_out = browser.get(f"{settings.CAS_SERVER_URL}logout")

    assert signed_out.status_code == 200
    after = browser.get(f"{live_server.url}/exchanges/mobilities/", allow_redirects=False)
    assert after.status_code == 302
    assert after.headers["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.django_db(transaction=True)
def test_the_portal_s_sign_out_ends_the_cas_session(live_server, wang):
    browser = requests.Session()
    to_cas = browser.get(f"{live_server.url}{reverse('accounts:cas-login')}", allow_redirects=False)
    browser.get(type_password_at_cas(browser, to_cas.headers["Location"], WANG))
    home = browser.get(f"{live_server.url}/exchanges/mobilities/")
    csrf = browser.cookies[settings.CSRF_COOKIE_NAME]  # the CAS server's cookie has another name
    assert home.status_code == 200

    signed_out = browser.post(f"{live_server.url}{reverse('logout')}", data={"csrfmiddlewaretoken": csrf},
                              headers={"Referer": f"{live_server.url}/exchanges/mobilities/"})

    assert signed_out.status_code == 200
    cas_sign_out = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', signed_out.text)
    assert cas_sign_out, "the page does not send the browser on to the CAS server"
    back = browser.get(unescape(cas_sign_out[1]))  # what the browser does at once
    assert back.url == f"{live_server.url}{reverse('login')}"
    assert back.history[0].url.startswith(f"{settings.CAS_SERVER_URL}logout")
    # At the CAS server, the person must type their password again.
    again = browser.get(to_cas.headers["Location"], allow_redirects=False)
    assert again.status_code == 200 and 'name="password"' in again.text
