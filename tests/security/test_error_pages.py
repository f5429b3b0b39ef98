"""What a user sees when something goes wrong: the portal's own pages, never Django's debug
pages, stack traces or settings."""

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.security.inline_code import inline_code_in

# Words that appear in Django's technical 404/500 pages and in tracebacks.
DEBUG_MARKERS = ("Traceback", "technical_500", "Request Method:", "DJANGO_SETTINGS_MODULE",
                 "secret-internal-detail", "Exception Value", "URLconf")


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


def assert_no_debug_output(html: str) -> None:
    leaked = [marker for marker in DEBUG_MARKERS if marker in html]
    assert not leaked, f"debug output reached the page: {leaked}"


@pytest.mark.django_db
def test_an_unknown_address_answers_the_portals_own_not_found_page(client):
    user = UserFactory(roles=["office"])
    client.force_login(user)
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<main id="main"' in html  # the portal's layout, not Django's plain page
    assert "页面不存在" in html or "Page not found" in html
    assert_no_debug_output(html)


@pytest.mark.django_db
def test_a_forbidden_action_answers_the_portals_own_forbidden_page(client):
    leader = UserFactory(roles=["leader"])
    client.force_login(leader)
    response = client.get(reverse("faculties:faculty-create"))
    html = response.content.decode()
    assert response.status_code == 403
    assert '<main id="main"' in html
    assert_no_debug_output(html)


@pytest.mark.django_db
def test_a_server_error_answers_a_plain_page_without_the_error(settings):
    settings.ROOT_URLCONF = "tests.security.urls_with_failure"
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(roles=["office"]))
    response = client.get("/__fail__/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "服务器错误" in html and "Server error" in html
    assert_no_debug_output(html)


@pytest.mark.django_db
def test_a_request_without_a_csrf_token_answers_the_portals_own_page(settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(roles=["office"]))
    response = client.post(reverse("set-language"), {"language": "en"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<style" not in html, "Django's default CSRF page carries an inline style the CSP blocks"
    assert '<main id="main"' in html
    assert_no_debug_output(html)


@pytest.mark.parametrize("template", ["403.html", "404.html", "500.html", "403_csrf.html"])
def test_error_templates_carry_no_inline_script_or_style(template):
    source = get_template(template).template.source
    assert inline_code_in(source) == []
