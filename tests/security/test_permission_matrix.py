"""Every URL of the portal answers each persona as ``permission_matrix.MATRIX`` says.

One test per URL name and persona, each on fresh records (a POST that works changes them).
``test_every_url_of_the_project_is_in_the_matrix`` walks the URL patterns and fails on a
name the matrix does not declare, so a new page cannot slip through undecided.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.inline_code import inline_code_in
from tests.security.permission_matrix import LOGIN, MATRIX, PERSONAS
from tests.security.world import World

# The Django admin keeps its own permission model (is_staff, model permissions) for superusers.
SKIPPED_PREFIXES = ("admin/",)


def project_url_names(patterns=None, namespace: str = "", prefix: str = "") -> dict[str, str]:
    """``{"namespace:name": "route"}`` of every URL pattern, included ones too, admin aside."""
    names: dict[str, str] = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(SKIPPED_PREFIXES):
                continue
            inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
            names.update(project_url_names(entry.url_patterns, inner, route))
        elif isinstance(entry, URLPattern):
            if not entry.name:
                names[route] = route  # unnamed (a catch-all): the matrix names it by its route
            else:
                names[f"{namespace}:{entry.name}" if namespace else entry.name] = route
    return names


def test_every_url_of_the_project_is_in_the_matrix():
    missing = sorted(set(project_url_names()) - set(MATRIX))
    assert not missing, "URL names with no row in tests/security/permission_matrix.py:\n  " + "\n  ".join(missing)


def test_the_matrix_declares_no_url_that_does_not_exist():
    stale = sorted(set(MATRIX) - set(project_url_names()))
    assert not stale, f"rows for URL names that no longer exist: {stale}"


def matrix_cases() -> list:
    return [
        pytest.param(name, case, id=f"{name}/{case.label}" if case.label else name)
        for name, cases in sorted(MATRIX.items()) for case in cases
    ]


@pytest.fixture
def world(faculty_a, faculty_b, office, leader, coord_a, coord_b):
    return World(faculty_a=faculty_a, faculty_b=faculty_b, office=office, leader=leader, own=coord_a, other=coord_b)


def answer_of(response) -> int | str:
    """The status, with a redirect to the sign-in page told apart as ``LOGIN``."""
    if response.status_code == 302 and response["Location"].startswith(reverse("login") + "?"):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize(("name", "case"), matrix_cases())
def test_the_url_answers_every_persona_as_the_matrix_says(name, case, world, settings):
    settings.DEBUG = False
    # Build the records first: each persona's request then runs in a savepoint that is rolled
    # back, so a POST that works (a submission, a deletion) leaves the next persona the same world.
    url = case.path or reverse(name, args=case.args(world)) + case.query
    data = case.data(world)
    wrong = []
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        with transaction.atomic():
            response = getattr(client, case.method)(url, data)
            transaction.set_rollback(True)
        got, expected = answer_of(response), case.expect[persona]
        if got != expected:
            wrong.append(f"{persona}: {got}, the matrix says {expected}")
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            html = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
            assert inline_code_in(html) == [], f"{url} for {persona} carries inline code the CSP blocks"
    assert not wrong, f"{case.method.upper()} {url}\n  " + "\n  ".join(wrong)
