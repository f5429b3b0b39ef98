"""django-axes's lockout holds on every backend: once a name has failed AXES_FAILURE_LIMIT
times, the right password is refused whether it is a portal password or the directory's, and
a CAS sign-in for that name is refused too."""

from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import RequestFactory
from django.urls import reverse

from accounts import signin
from accounts.backends import CampusCASBackend
from tests.accounts import slapd as directory
from tests.accounts.slapd import LI_HUA, WANG_FANG
from tests.factories import UserFactory

User = get_user_model()
LOCAL_PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's

# The directory's fixtures (tests/accounts/slapd.py), for the tests below.
slapd, ldap_settings = directory.slapd, directory.ldap_settings

pytestmark = pytest.mark.usefixtures("english")


def sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def fail_until_locked(client, username: str, settings) -> None:
    statuses = [sign_in(client, username, "a-wrong-password").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    # Refused on the form until the last failure, which locks the name.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert AccessAttempt.objects.get(username=username).failures_since_start == settings.AXES_FAILURE_LIMIT


def assert_locked_out(response, client) -> None:
    assert response.status_code == 429
    assert "registration/lockout.html" in [t.name for t in response.templates]
    assert SESSION_KEY not in client.session


def test_a_local_password_is_refused_once_the_name_is_locked_out(client, db, settings):
    UserFactory(username="breakglass", roles=["office"])
    fail_until_locked(client, "breakglass", settings)

    assert_locked_out(sign_in(client, "breakglass", LOCAL_PASSWORD), client)


@pytest.mark.usefixtures("ldap_settings")
def test_a_directory_password_is_refused_once_the_name_is_locked_out(client, db, settings):
    UserFactory(username=LI_HUA.uid, staff_no=LI_HUA.staff_no)
    # The right directory password works before the failures.
    assert sign_in(client, LI_HUA.uid, LI_HUA.password).status_code == 302
    client.post(reverse("logout"))
    fail_until_locked(client, LI_HUA.uid, settings)

    assert_locked_out(sign_in(client, LI_HUA.uid, LI_HUA.password), client)


@pytest.mark.usefixtures("ldap_settings")
def test_a_locked_out_name_never_reaches_the_directory(client, db, settings):
    # Wang Fang is unknown to the portal: had the directory been asked with her right password,
    # an inactive account would have been created for her.
    fail_until_locked(client, WANG_FANG.uid, settings)

    assert_locked_out(sign_in(client, WANG_FANG.uid, WANG_FANG.password), client)
    assert not User.objects.filter(username=WANG_FANG.uid).exists()


@pytest.mark.usefixtures("ldap_settings")
def test_failures_on_the_directory_lock_the_name_for_a_cas_sign_in_too(client, db, settings):
    user = UserFactory(username=LI_HUA.uid, staff_no=LI_HUA.staff_no)
    fail_until_locked(client, LI_HUA.uid, settings)
    request = RequestFactory().get("/accounts/cas/login/", REMOTE_ADDR="127.0.0.1")
    cas_client = mock.Mock(**{"verify_ticket.return_value": (LI_HUA.uid, {"employeeNumber": LI_HUA.staff_no}, None)})

    # The CAS server vouches for her (its ticket is valid), but the portal's lockout stands.
    with mock.patch("accounts.backends.get_cas_client", return_value=cas_client):
        assert CampusCASBackend().authenticate(request, ticket="ST-1", service="http://testserver/") is None
        assert request.campus_refusal == signin.LOCKED

        AccessAttempt.objects.all().delete()
        assert CampusCASBackend().authenticate(request, ticket="ST-2", service="http://testserver/") == user
