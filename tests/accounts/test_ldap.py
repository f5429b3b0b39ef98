"""LDAP sign-in through the portal's sign-in form, against a real OpenLDAP (tests/accounts/slapd.py).

The portal is pointed at the directory through the environment variables a deployment sets
(``ldap_settings``), so the settings block in intlportal/settings.py is what is tested.
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user_model
from django.urls import reverse
from django.utils.html import escape

from accounts import signin
from accounts.forms_signin import REFUSAL_MESSAGES
from accounts.signin import UNAVAILABLE
from tests.accounts import slapd as directory
from tests.accounts.slapd import LI_HUA, WANG_FANG, ZHANG_WEI, ZHAO_LEI, free_port
from tests.factories import UserFactory

User = get_user_model()
LDAP_BACKEND = "accounts.backends.CampusLDAPBackend"
LOCAL_PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's

# The directory's fixtures (tests/accounts/slapd.py), for the tests below.
slapd, ldap_settings = directory.slapd, directory.ldap_settings

pytestmark = pytest.mark.usefixtures("english", "ldap_settings")


def sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def refusal(response) -> str | None:
    """The code of the sign-in form's error (Django's "invalid_login" or a campus refusal)."""
    assert response.status_code == 200, response.status_code
    errors = response.context["form"].non_field_errors().as_data()
    return errors[0].code if errors else None


def says(response, reason: str) -> bool:
    return escape(str(REFUSAL_MESSAGES[reason])) in response.content.decode()


def signed_in_as(client):
    return User.objects.get(pk=client.session[SESSION_KEY]) if SESSION_KEY in client.session else None


def history_count(user) -> int:
    return User.history.filter(id=user.pk).count()


@pytest.fixture
def li_hua(db):
    """Li Hua's portal account, made by the office, before her first sign-in: no password, no names yet."""
    user = UserFactory(username="lihua", staff_no=LI_HUA.staff_no, first_name="", last_name="", email="",
                       roles=["coordinator"])
    user.set_unusable_password()
    user.save()
    return user


def test_the_environment_puts_axes_first_then_local_passwords_then_the_directory(settings, slapd):
    assert settings.AUTHENTICATION_BACKENDS == [
        "axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend", LDAP_BACKEND]
    assert slapd.uri == settings.AUTH_LDAP_SERVER_URI
    assert settings.AUTH_LDAP_USER_SEARCH.base_dn == slapd.people
    assert settings.AUTH_LDAP_USER_SEARCH.filterstr == "(uid=%(user)s)"


def test_a_person_signs_in_with_the_directory_password_and_takes_its_names_and_e_mail(client, li_hua):
    response = sign_in(client, "lihua", LI_HUA.password)

    assert response.status_code == 302, refusal(response)
    assert signed_in_as(client) == li_hua
    assert client.session[BACKEND_SESSION_KEY] == LDAP_BACKEND
    li_hua.refresh_from_db()
    assert (li_hua.first_name, li_hua.last_name, li_hua.email) == (LI_HUA.given, LI_HUA.family, LI_HUA.mail)
    assert li_hua.last_sign_in_method == "ldap"
    assert li_hua.last_login is not None
    assert not li_hua.has_usable_password()  # the directory's password is never copied into the portal
    # The names copied from the directory are one history entry, with its reason.
    latest = User.history.filter(id=li_hua.pk).latest("history_date")
    assert latest.history_change_reason.startswith("updated from the directory")


def test_signing_in_again_writes_no_history_when_the_directory_changed_nothing(client, li_hua):
    sign_in(client, "lihua", LI_HUA.password)
    client.post(reverse("logout"))
    before = history_count(li_hua)

    response = sign_in(client, "lihua", LI_HUA.password)

    assert response.status_code == 302
    assert history_count(li_hua) == before
    li_hua.refresh_from_db()
    assert li_hua.last_sign_in_method == "ldap"


def test_the_attribute_map_comes_from_the_environment(client, li_hua, ldap_settings):
    ldap_settings(LDAP_ATTRIBUTE_MAP="staff_no=employeeNumber,name=cn,email=mail")

    assert sign_in(client, "lihua", LI_HUA.password).status_code == 302
    li_hua.refresh_from_db()
    assert li_hua.first_name == LI_HUA.family + LI_HUA.given  # the directory's cn, the full Chinese name


def test_the_account_is_found_by_staff_number_when_the_portal_user_name_differs(client, db):
    zhang = UserFactory(username="zhang.wei", staff_no=ZHANG_WEI.staff_no, email=ZHANG_WEI.mail)
    accounts = User.objects.count()

    response = sign_in(client, ZHANG_WEI.uid, ZHANG_WEI.password)

    assert response.status_code == 302, refusal(response)
    assert signed_in_as(client) == zhang
    assert User.objects.count() == accounts
    zhang.refresh_from_db()
    assert zhang.username == "zhang.wei"
    assert zhang.last_sign_in_method == "ldap"


def test_a_wrong_directory_password_is_refused_and_counted_by_axes(client, li_hua):
    response = sign_in(client, "lihua", "not-her-password")

    assert refusal(response) == "invalid_login"
    assert signed_in_as(client) is None
    assert AccessAttempt.objects.get(username="lihua").failures_since_start == 1


def test_a_person_the_directory_disabled_is_refused_with_the_right_password(client, db):
    UserFactory(username=ZHAO_LEI.uid, staff_no=ZHAO_LEI.staff_no)

    response = sign_in(client, ZHAO_LEI.uid, ZHAO_LEI.password)

    # The directory refuses the bind as it refuses a wrong password: nothing more is said.
    assert refusal(response) == "invalid_login"
    assert signed_in_as(client) is None


def test_an_unknown_person_gets_an_inactive_account_without_a_role_until_the_office_activates_it(client, db):
    response = sign_in(client, WANG_FANG.uid, WANG_FANG.password)

    assert refusal(response) == signin.PENDING
    assert says(response, signin.PENDING)
    assert signed_in_as(client) is None
    account = User.objects.get(username=WANG_FANG.uid)
    assert not account.is_active
    assert account.staff_no == WANG_FANG.staff_no
    assert (account.first_name, account.last_name, account.email) == (WANG_FANG.given, WANG_FANG.family,
                                                                      WANG_FANG.mail)
    assert not account.groups.exists() and not account.is_staff and not account.is_superuser
    assert not account.has_usable_password()

    # Trying again changes nothing: still waiting for the office.
    assert refusal(sign_in(client, WANG_FANG.uid, WANG_FANG.password)) == signin.PENDING
    assert User.objects.filter(username=WANG_FANG.uid).count() == 1

    account.is_active = True
    account.save()
    response = sign_in(client, WANG_FANG.uid, WANG_FANG.password)

    assert response.status_code == 302, refusal(response)
    assert signed_in_as(client) == account
    assert not account.groups.exists()


def test_an_unknown_person_gets_nothing_when_the_portal_refuses_unknown_people(client, db, settings):
    settings.SIGN_IN_UNKNOWN_USERS = "refuse"
    accounts = User.objects.count()

    response = sign_in(client, WANG_FANG.uid, WANG_FANG.password)

    assert refusal(response) == signin.UNKNOWN
    assert says(response, signin.UNKNOWN)
    assert User.objects.count() == accounts


def test_a_deactivated_account_is_refused_with_the_right_directory_password(client, li_hua):
    assert sign_in(client, "lihua", LI_HUA.password).status_code == 302
    client.post(reverse("logout"))
    li_hua.refresh_from_db()
    li_hua.is_active = False
    li_hua.save()

    response = sign_in(client, "lihua", LI_HUA.password)

    assert refusal(response) == signin.INACTIVE
    assert says(response, signin.INACTIVE)
    assert signed_in_as(client) is None


def test_an_open_directory_session_ends_at_the_next_request_once_the_account_is_deactivated(client, li_hua):
    assert sign_in(client, "lihua", LI_HUA.password).status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == li_hua

    User.objects.filter(pk=li_hua.pk).update(is_active=False)
    response = client.get(reverse("home"))

    assert response.wsgi_request.user.is_anonymous
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_directory_that_cannot_be_reached_is_explained_and_local_passwords_still_work(client, li_hua,
                                                                                           ldap_settings):
    ldap_settings(LDAP_SERVER_URI=f"ldap://127.0.0.1:{free_port()}/", LDAP_TIMEOUT_SECONDS="2")
    local = UserFactory(username="breakglass", roles=["office"])

    response = sign_in(client, "lihua", LI_HUA.password)

    assert refusal(response) == UNAVAILABLE
    assert says(response, UNAVAILABLE)
    assert signed_in_as(client) is None

    response = sign_in(client, "breakglass", LOCAL_PASSWORD)

    assert response.status_code == 302
    assert signed_in_as(client) == local
    local.refresh_from_db()
    assert local.last_sign_in_method == "local"


def test_the_search_is_made_with_the_service_account(client, li_hua, ldap_settings):
    # The directory lets only the service account search: with its password wrong, nobody is found.
    ldap_settings(LDAP_BIND_PASSWORD="not-the-service-password")

    response = sign_in(client, "lihua", LI_HUA.password)

    assert refusal(response) == UNAVAILABLE


def test_start_tls_with_the_directory_s_ca_file(client, li_hua, ldap_settings, slapd):
    ldap_settings(LDAP_START_TLS="true", LDAP_CA_FILE=str(slapd.ca_file))

    response = sign_in(client, "lihua", LI_HUA.password)

    assert response.status_code == 302, refusal(response)
    assert signed_in_as(client) == li_hua


def test_start_tls_refuses_a_directory_certificate_it_cannot_verify(client, li_hua, ldap_settings):
    # Without the CA file the test directory's certificate is signed by nobody the system trusts.
    ldap_settings(LDAP_START_TLS="true")

    response = sign_in(client, "lihua", LI_HUA.password)

    assert refusal(response) == UNAVAILABLE
    assert signed_in_as(client) is None
