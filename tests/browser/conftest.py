"""Real-browser journeys: Debian's Chromium driven by Playwright against a live server that
holds the demo university (``seed_demo``).

* ``portal`` — the live server, started once per session after the demo data is seeded into
  the test database.  The journeys share that data, as people share one portal: each journey
  works on records of its own (its own faculty, plan or mobility) so that they do not depend
  on one another's order.
* ``journey`` — a fresh browser context (no cookies) wrapped in :class:`Journey`, which signs
  in through the real login form, saves a screenshot of every page it checks under
  ``tests/browser/screenshots/`` and runs axe-core there.  Any JavaScript error, console error
  or Content-Security-Policy violation on any page fails the journey.

Run with ``scripts/browser-tests.sh`` (or ``pytest tests/browser -m browser``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.journey import CHROMIUM, Journey

# Playwright's synchronous API runs an asyncio loop in this thread; the journeys also read the
# database to confirm what a page said it did.  Those reads are synchronous and in this test
# process only, so Django's guard against ORM calls from async code does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "browser-journey-pass-2025"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """The test database, always, holding the demo university.

    pytest-django creates a test database only when a collected test asks for one with the
    ``django_db`` mark, and the journeys do not (its flush between tests would wipe the demo
    data), so this creates it explicitly, and refuses to seed anything but a test database.
    """
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set())
        name = str(connection.settings_dict["NAME"])
        assert "memory" in name or "test_" in name, f"refusing to seed a database that is not a test one: {name}"
        call_command("seed_demo", password=DEMO_PASSWORD, verbosity=0)
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def portal(django_db_setup, django_db_blocker, tmp_path_factory):
    """The live server over the seeded demo university.

    The database stays unblocked for the whole session: the server's thread answers the
    browser from it, and the journeys read it to confirm what the pages say they did.
    """
    from django.conf import settings
    from pytest_django.live_server_helper import LiveServer

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    django_db_blocker.unblock()
    server = LiveServer("localhost")
    try:
        yield server
    finally:
        server.stop()
        django_db_blocker.restore()


@pytest.fixture(autouse=True)
def _media_root():
    """The session's ``portal`` fixture keeps one media folder for the live server (the suite's
    per-test one would change under the running server)."""


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def accessibility_report(screenshots_dir):
    """Every checked page's axe result, written next to the screenshots at the end."""
    pages: list[dict] = []
    yield pages
    (screenshots_dir / "axe-report.json").write_text(json.dumps(pages, ensure_ascii=False, indent=2))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.journey_failed = report.failed
    return report


@pytest.fixture
def journey(request, portal, chromium, screenshots_dir, accessibility_report):
    name = re.sub(r"^test_", "", request.node.name)
    context = chromium.new_context(
        base_url=portal.url, locale="zh-CN", viewport={"width": 1366, "height": 900}, accept_downloads=True,
    )
    context.set_default_timeout(20_000)
    walk = Journey(context, base_url=portal.url, name=name, screenshots=screenshots_dir / name, password=DEMO_PASSWORD,
                   report=accessibility_report)
    try:
        yield walk
        if getattr(request.node, "journey_failed", False):
            walk.page.screenshot(path=str(walk.screenshots / "failure.png"), full_page=True)
        walk.assert_no_page_errors()
    finally:
        context.close()
