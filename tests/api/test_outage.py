"""The API answers JSON whatever goes wrong (issue 20, item 8): 503 ``{"detail": …}`` while
the database is unavailable (in an endpoint, in the token check or in a middleware), JSON 404
for any unknown address under /api/ and JSON 500 for an unexpected fault — never the
portal's HTML error pages.  The office's token pages keep their HTML pages."""

import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.test import Client

from api import services
from api.views import RecordViewSet
from tests.factories import FacultyFactory
from tests.security.test_error_pages import assert_no_debug_output

pytestmark = pytest.mark.django_db

LIST = "/api/v1/faculties/"


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


def api_client(user, language="en") -> Client:
    """A token client that sees the answers Django would send (no exception re-raised)."""
    _token, key = services.token_issue(user=user, name="outage test")
    client = Client(raise_request_exception=False, headers={"authorization": f"Token {key}"})
    client.cookies["django_language"] = language
    return client


def failing(exc):
    def fail(*args, **kwargs):
        raise exc

    return fail


def assert_json_detail(response, status, detail=None):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert list(body) == ["detail"] and body["detail"]
    if detail is not None:
        assert body["detail"] == detail
    assert_no_debug_output(response.content.decode())
    return body


OUTAGES = [
    OperationalError("could not connect to server: Connection refused"),
    InterfaceError("connection already closed"),
    DatabaseError("server closed the connection unexpectedly"),
]


@pytest.mark.parametrize("exc", OUTAGES, ids=lambda e: type(e).__name__)
def test_the_database_unavailable_in_an_endpoint_answers_503_json(office, monkeypatch, exc):
    FacultyFactory()
    client = api_client(office)
    monkeypatch.setattr(RecordViewSet, "get_queryset", failing(exc))
    response = client.get(LIST)
    assert_json_detail(response, 503, "The service is temporarily unavailable; try again shortly.")
    assert int(response["Retry-After"]) > 0


def test_the_database_unavailable_at_the_token_check_answers_503_json(office, monkeypatch):
    client = api_client(office)
    monkeypatch.setattr("api.authentication.ApiTokenAuthentication.authenticate_credentials",
                        failing(OperationalError("the database system is shutting down")))
    assert_json_detail(client.get(LIST), 503)


def test_the_database_unavailable_in_a_middleware_answers_503_json(office, monkeypatch):
    """A signed-in browser's session is read by the middleware, before any API code runs."""
    client = Client(raise_request_exception=False)
    client.force_login(office)
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load",
                        failing(OperationalError("could not connect to server")))
    assert_json_detail(client.get(LIST), 503)


@pytest.mark.parametrize("exc", [RuntimeError("secret-internal-detail"), IntegrityError("secret-internal-detail")],
                         ids=lambda e: type(e).__name__)
def test_an_unexpected_fault_answers_500_json_without_the_error(office, monkeypatch, exc):
    client = api_client(office)
    monkeypatch.setattr(RecordViewSet, "get_queryset", failing(exc))
    response = client.get(LIST)
    assert_json_detail(response, 500, "A server error occurred.")
    assert b"secret-internal-detail" not in response.content


def test_the_detail_is_in_the_callers_language(office, monkeypatch):
    client = api_client(office, language="zh-hans")
    monkeypatch.setattr(RecordViewSet, "get_queryset", failing(RuntimeError("boom")))
    assert_json_detail(client.get(LIST), 500, "服务器出现了错误。")


@pytest.mark.parametrize("path", ["/api/", "/api/nothing/", "/api/v2/faculties/", "/api/v1/faculties/0.5/"])
def test_an_unknown_address_under_api_answers_json_404(office, path):
    assert_json_detail(api_client(office).get(path), 404, "Not found.")


def test_an_anonymous_caller_of_an_unknown_api_address_gets_json_too():
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    response = client.get("/api/nothing/")
    assert response.status_code in (401, 404)
    assert response["Content-Type"].startswith("application/json")


def test_the_offices_token_pages_keep_their_html_pages(coord_a):
    client = Client(raise_request_exception=False)
    client.force_login(coord_a)
    response = client.get("/api/v1/tokens/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert '<main id="main"' in response.content.decode()


def test_pages_outside_the_api_keep_their_html_error_pages(office):
    client = Client(raise_request_exception=False)
    client.force_login(office)
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
