"""The one rule CAS and LDAP sign-in follow (accounts.signin), without a server: which portal
account a person the identity service vouched for is, what the directory may change on it,
and how a sign-in is recorded."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from accounts import signin
from tests.factories import UserFactory

User = get_user_model()
LDAP_MAP = "staff_no=employeeNumber,first_name=givenName,last_name=sn,email=mail"


def history_count(user) -> int:
    return User.history.filter(id=user.pk).count()


def refusal(request) -> str | None:
    return getattr(request, "campus_refusal", None)


# --- parse_attribute_map ---------------------------------------------------------------


def test_the_attribute_map_reads_field_attribute_pairs():
    assert signin.parse_attribute_map(" staff_no = employeeNumber ,email=mail,, name=cn ") == {
        "staff_no": "employeeNumber", "email": "mail", "name": "cn"}


def test_an_empty_attribute_map_maps_nothing():
    assert signin.parse_attribute_map("") == {}


@pytest.mark.parametrize("text", [
    "staf_no=employeeNumber",  # a typo in the portal field
    "username=uid",  # a field the directory may not set
    "email",  # no attribute
    "email=",
])
def test_a_malformed_attribute_map_is_refused(text):
    with pytest.raises(ValueError, match="attribute map"):
        signin.parse_attribute_map(text)


# --- directory_values ------------------------------------------------------------------


def test_a_multi_valued_attribute_gives_its_first_value():
    values = signin.directory_values({"mail": ["first@example.edu", "second@example.edu"]}, "email=mail")
    assert values == {"email": "first@example.edu"}


def test_bytes_from_the_directory_are_read_as_utf_8():
    values = signin.directory_values({"sn": ["李".encode()], "employeeNumber": [b"T10001"]}, LDAP_MAP)
    assert values == {"last_name": "李", "staff_no": "T10001"}


def test_attribute_names_match_whatever_their_case():
    assert signin.directory_values({"EMPLOYEENUMBER": "T1"}, "staff_no=employeeNumber") == {"staff_no": "T1"}


def test_a_single_full_name_becomes_the_first_name():
    values = signin.directory_values({"cn": "李华", "mail": "lihua@example.edu"}, "name=cn,email=mail")
    assert values == {"first_name": "李华", "email": "lihua@example.edu"}


def test_the_full_name_is_not_used_when_the_directory_gives_the_name_in_parts():
    values = signin.directory_values({"cn": "李华", "givenName": "华", "sn": "李"},
                                     "name=cn,first_name=givenName,last_name=sn")
    assert values == {"first_name": "华", "last_name": "李"}


def test_empty_and_missing_attributes_fill_nothing():
    values = signin.directory_values({"mail": [], "sn": ["  "], "givenName": None}, LDAP_MAP)
    assert values == {}


# --- campus_user -----------------------------------------------------------------------


def test_the_account_is_found_by_staff_number_before_user_name(db):
    by_number = UserFactory(username="zhang.wei", staff_no="T20002")
    UserFactory(username="zw20002")  # a local account that only shares the name
    request = SimpleNamespace()

    assert signin.campus_user(signin.LDAP, "zw20002", {"staff_no": "T20002"}, request) == by_number
    assert refusal(request) is None


def test_the_account_is_found_by_user_name_and_takes_the_staff_number_it_lacked(db):
    user = UserFactory(username="LiHua")

    assert signin.campus_user(signin.CAS, "lihua", {"staff_no": "T10001"}) == user
    user.refresh_from_db()
    assert user.staff_no == "T10001"


def test_a_user_name_belonging_to_another_staff_number_is_a_conflict(db):
    UserFactory(username="lihua", staff_no="T99999")
    request = SimpleNamespace()
    accounts = User.objects.count()

    assert signin.campus_user(signin.LDAP, "lihua", {"staff_no": "T10001"}, request) is None
    assert refusal(request) == signin.CONFLICT
    assert User.objects.count() == accounts


def test_an_unknown_person_gets_an_inactive_account_without_role_or_password(db, settings):
    settings.SIGN_IN_UNKNOWN_USERS = "inactive"
    request = SimpleNamespace()

    user = signin.campus_user(signin.CAS, "wangfang", {"staff_no": "T30003", "first_name": "王芳",
                                                       "email": "wangfang@example.edu"}, request)

    assert user.pk is not None and not user.is_active
    assert (user.username, user.staff_no, user.first_name, user.email) == (
        "wangfang", "T30003", "王芳", "wangfang@example.edu")
    assert not user.has_usable_password()
    assert not user.groups.exists() and not user.is_staff and not user.is_superuser
    assert refusal(request) == signin.PENDING
    created = User.history.get(id=user.pk)
    assert created.history_type == "+"
    assert created.history_change_reason.startswith("first sign-in through CAS")


def test_an_unknown_person_gets_nothing_when_unknown_people_are_refused(db, settings):
    settings.SIGN_IN_UNKNOWN_USERS = "refuse"
    request = SimpleNamespace()

    assert signin.campus_user(signin.LDAP, "wangfang", {"staff_no": "T30003"}, request) is None
    assert refusal(request) == signin.UNKNOWN
    assert not User.objects.filter(username="wangfang").exists()


def test_an_inactive_account_that_never_signed_in_awaits_activation(db):
    UserFactory(username="wangfang", staff_no="T30003", is_active=False, last_login=None)
    request = SimpleNamespace()

    user = signin.campus_user(signin.LDAP, "wangfang", {"staff_no": "T30003"}, request)

    assert not user.is_active
    assert refusal(request) == signin.PENDING


def test_an_inactive_account_that_signed_in_before_was_deactivated(db):
    UserFactory(username="lihua", staff_no="T10001", is_active=False, last_login=timezone.now())
    request = SimpleNamespace()

    user = signin.campus_user(signin.LDAP, "lihua", {"staff_no": "T10001"}, request)

    assert not user.is_active
    assert refusal(request) == signin.INACTIVE


def test_the_directory_s_changes_are_saved_with_one_history_entry_only_when_something_changed(db):
    user = UserFactory(username="lihua", staff_no="T10001", first_name="", email="old@example.edu")
    values = {"staff_no": "T10001", "first_name": "华", "last_name": "李", "email": "lihua@example.edu"}
    before = history_count(user)

    signin.campus_user(signin.LDAP, "lihua", values)

    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email) == ("华", "李", "lihua@example.edu")
    assert history_count(user) == before + 1
    assert User.history.filter(id=user.pk).latest("history_date").history_change_reason.startswith(
        "updated from the directory")

    signin.campus_user(signin.LDAP, "lihua", values)
    assert history_count(user) == before + 1  # nothing changed: no save, no entry


def test_the_directory_never_changes_the_staff_number_an_account_already_has(db):
    user = UserFactory(username="lihua", staff_no="T10001")

    # Found by user name: the staff number the office entered stays.
    signin.campus_user(signin.LDAP, "LIHUA", {"first_name": "华"})

    user.refresh_from_db()
    assert user.staff_no == "T10001"
    assert user.first_name == "华"


# --- record_sign_in --------------------------------------------------------------------


@pytest.mark.parametrize(("backend", "method"), [
    ("django.contrib.auth.backends.ModelBackend", "local"),
    ("accounts.backends.CampusCASBackend", "cas"),
    ("accounts.backends.CampusLDAPBackend", "ldap"),
])
def test_a_sign_in_records_its_time_and_method_from_the_backend(db, backend, method):
    user = UserFactory(username="lihua")
    user.backend = backend
    request = RequestFactory().post("/accounts/login/")
    request.session = SessionStore()
    before = history_count(user)

    user_logged_in.send(sender=type(user), request=request, user=user)

    stored = User.objects.get(pk=user.pk)
    assert stored.last_sign_in_method == method
    assert stored.last_login is not None
    assert (user.last_sign_in_method, user.last_login) == (method, stored.last_login)
    assert request.session[signin.SESSION_METHOD_KEY] == method
    assert history_count(user) == before  # signing in is not a change to the account


def test_a_sign_in_without_a_known_backend_or_request_counts_as_local(db):
    user = UserFactory(username="lihua")

    signin.record_sign_in(sender=type(user), request=None, user=user)

    assert User.objects.get(pk=user.pk).last_sign_in_method == "local"
