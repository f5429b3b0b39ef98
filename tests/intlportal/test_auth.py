"""Sign-in, lockout, sessions and the language switch."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def user(db):
    return UserFactory(username="alice", roles=["office"])


def test_every_page_but_login_requires_a_signed_in_user(client, db):
    response = client.get(reverse("faculties:faculty-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("login")).status_code == 200


def test_signing_in_rotates_the_session_key(client, user):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signing_out_ends_the_session(client, user):
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    key = client.session.session_key
    response = client.post(reverse("logout"))
    assert response.status_code == 302

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("home")).status_code == 302


def test_sign_out_is_refused_over_get(client, user):
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_keeps_the_user_name_and_says_why(client, user):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert 'value="alice"' in response.content.decode()
    assert response.context["form"].errors


def test_the_portal_speaks_chinese_by_default_even_to_an_english_browser(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-Hans">' in response.content.decode()
    assert "登录" in response.content.decode()


def test_the_language_choice_is_remembered_for_the_user(client, user):
    client.force_login(user)
    response = client.post(reverse("set-language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    # A fresh browser (no cookie) signed in as the same user still gets English.
    other = type(client)()
    other.force_login(user)
    page = other.get(reverse("home"), follow=True).content.decode()
    assert '<html lang="en">' in page
    assert "Sign out" in page


def test_the_language_switch_ignores_an_unknown_language_and_foreign_redirects(client, user):
    client.force_login(user)
    response = client.post(reverse("set-language"), {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    user.refresh_from_db()
    assert user.language == ""


def test_the_session_cookie_is_http_only(client, user):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"]
