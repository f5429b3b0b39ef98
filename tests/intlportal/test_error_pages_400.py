"""A bad request (a suspicious operation, an unknown Host header) answers the portal's own,
translated 400 page, not Django's bare English "Bad Request (400)" (issue 20, item 8)."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.template.loader import get_template
from django.test import Client
from django.urls import path

from intlportal.urls import urlpatterns as project_urlpatterns
from tests.factories import UserFactory
from tests.security.inline_code import inline_code_in
from tests.security.test_error_pages import assert_no_debug_output

pytestmark = pytest.mark.django_db

HEADINGS = {"zh-hans": "无法处理该请求", "en": "The request could not be processed"}


@login_not_required
def suspicious(request):
    raise SuspiciousOperation("secret-internal-detail: tampered input")


urlpatterns = [*project_urlpatterns, path("__suspicious__/", suspicious)]


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def assert_the_portals_bad_request_page(response, language):
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bad Request (400)" not in html
    assert '<main id="main"' in html  # the portal's layout
    assert HEADINGS[language] in html
    assert f'<html lang="{"zh-Hans" if language == "zh-hans" else "en"}">' in html
    assert_no_debug_output(html)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_signed_in_user_sees_the_bad_request_page_in_their_language(client, language):
    client.force_login(UserFactory(roles=["office"], language=language))
    assert_the_portals_bad_request_page(client.get("/__suspicious__/"), language)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_visitor_sees_the_bad_request_page_in_the_language_of_their_cookie(language):
    client = Client()
    client.cookies["django_language"] = language
    assert_the_portals_bad_request_page(client.get("/__suspicious__/"), language)


def test_an_unknown_host_answers_the_portals_bad_request_page(client):
    response = client.get("/", HTTP_HOST="portal.evil.example.com")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bad Request (400)" not in html
    assert '<main id="main"' in html
    assert any(heading in html for heading in HEADINGS.values())
    assert_no_debug_output(html)


def test_the_bad_request_page_carries_no_inline_script_or_style():
    assert inline_code_in(get_template("400.html").template.source) == []
