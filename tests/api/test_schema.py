"""The OpenAPI schema and the documentation page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from staff.models import ForeignTeacherContract
from tests.api.conftest import ENDPOINTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(office_token_client):
    response = office_token_client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_openapi_3_with_list_and_detail_of_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    for endpoint in ENDPOINTS:
        assert set(schema["paths"][endpoint.list_url]) == {"get"}
        assert set(schema["paths"][f"{endpoint.list_url}{{id}}/"]) == {"get"}


def test_schema_documents_no_write_operation(schema):
    methods = {method for operations in schema["paths"].values() for method in operations}

    assert methods <= {"get", "parameters"}


def test_schema_declares_token_and_session_authentication(schema):
    schemes = schema["components"]["securitySchemes"]

    assert schemes["tokenAuth"]["type"] == "http"
    assert "cookieAuth" in schemes


def test_schema_marks_personal_fields_optional_so_both_shapes_validate(schema):
    contract = schema["components"]["schemas"]["Contract"]

    for name in ForeignTeacherContract.PERSONAL_FIELDS:
        assert name in contract["properties"]
        assert name not in contract["required"]
    assert "staff_member" in contract["required"]


def test_schema_documents_error_answers_of_lists_and_details(schema):
    listing = schema["paths"]["/api/v1/contracts/"]["get"]["responses"]
    detail = schema["paths"]["/api/v1/contracts/{id}/"]["get"]["responses"]

    assert {"200", "400", "401", "403", "404"} <= set(listing)
    assert {"200", "401", "403", "404"} <= set(detail)


def test_schema_lists_filters_ordering_and_paging_of_a_list(schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/mobilities/"]["get"]["parameters"]}

    assert {"faculty", "status", "ordering", "page", "page_size"} <= names


def test_schema_is_refused_to_anonymous_callers():
    assert Client().get("/api/v1/schema/").status_code == 401


# --- documentation page -------------------------------------------------------------------


def test_docs_page_runs_under_the_content_security_policy(office_client):
    response = office_client.get("/api/v1/docs/")

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" src=" in tag for tag in scripts)
    assert "<style" not in html and " style=" not in html


def test_docs_page_loads_swagger_ui_from_local_files(office_client):
    html = office_client.get("/api/v1/docs/").content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert all(a.startswith("/") for a in assets), assets


def test_docs_init_script_is_a_separate_javascript_file_pointing_at_the_schema(office_client):
    html = office_client.get("/api/v1/docs/").content.decode()
    script_url = next(src for src in re.findall(r'<script src="([^"]+)"', html) if "script" in src)

    response = office_client.get(script_url.replace("&amp;", "&"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in response.content
    assert b"/api/v1/schema/" in response.content


def test_docs_page_sends_anonymous_visitors_to_login():
    response = Client().get("/api/v1/docs/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_api_root_lists_the_endpoints_for_a_token(office_token_client):
    response = office_token_client.get("/api/v1/")

    assert response.status_code == 200
    assert set(response.json()) == {endpoint.name for endpoint in ENDPOINTS} | {"assessment-runs"}
