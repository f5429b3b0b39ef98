"""Sign-in lockout, session rotation and the flags on the portal's cookies."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "pw-for-tests-1"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", roles=["coordinator"])


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_session_id_planted_before_sign_in_is_not_the_one_signed_in(client, alice):
    client.get(reverse("login"))
    client.session.save()
    planted = client.session.session_key
    sign_in(client, "alice")
    assert client.session.session_key != planted
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert attacker.get(reverse("home")).status_code == 302  # still anonymous: sent to sign in


def test_repeated_failures_lock_that_user_name_from_that_address_with_the_portals_page(client, alice):
    bob = UserFactory(username="bob", roles=["office"])
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "wrong-password")
    locked = sign_in(client, "alice")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert '<main id="main"' in html and "Traceback" not in html
    assert "_auth_user_id" not in client.session
    # The lock is for that user name: a colleague at the same address still signs in.
    assert sign_in(Client(), bob.username).status_code == 302


def test_the_session_and_csrf_cookies_are_http_only_and_same_site(client, alice):
    client.get(reverse("login"))
    response = sign_in(client, "alice")
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"]


def test_production_mode_sends_cookies_over_https_only_and_asks_for_hsts():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'session': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE, 'language': s.LANGUAGE_COOKIE_SECURE,"
        "'httponly': s.SESSION_COOKIE_HTTPONLY, 'redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'debug': s.DEBUG}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="intlportal.settings", INTLPORTAL_MODE="production",
               SECRET_KEY="k" * 20 + "-Zq8" * 10, ALLOWED_HOSTS="portal.example.edu.cn")
    result = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    production = json.loads(result.stdout.strip().splitlines()[-1])
    assert production == {"session": True, "csrf": True, "language": True, "httponly": True, "redirect": True,
                          "hsts": 31536000, "debug": False}
