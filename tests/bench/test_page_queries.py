"""The pages the benchmark measures run as many SQL queries for a larger university as for a
smaller one: the property ``bench/RESULTS.md`` shows at 50,000 and 500,000 mobilities, held
here on small data so that a regression fails the ordinary suite.

The owners' own tests count each page's queries against rows they create one by one; this
one fills the whole portal with ``demo.largedata`` (a tiny scale), measures every
benchmarked page, multiplies the mobilities and events, runs the assessment again and
measures again.
"""

from __future__ import annotations

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demo import largedata
from demo.management.commands.seed_demo import Command as SeedDemo
from demo.management.commands.seed_demo import DemoContext
from exchanges.models import Event, Mobility
from faculties.models import Faculty


@pytest.fixture
def university(db):
    largedata.generate(scale=largedata.Scale.tiny(), seed=3, progress=False)
    ctx = DemoContext(rng=random.Random(3), this_year=timezone.localdate().year, scale="large", stdout=StringIO())
    ctx.faculties = {f.code: f for f in Faculty.objects.all()}
    users = SeedDemo(stdout=StringIO())
    users.create_users(ctx, "pw-for-tests-1")
    year = timezone.localdate().year - 1
    call_command("run_assessment", year=year - 1, stdout=StringIO())
    call_command("run_assessment", year=year, stdout=StringIO())
    clients = {}
    for role, user in ctx.extra["users"].items():
        clients[role] = Client()
        clients[role].force_login(user)
    return year, clients


def grow(times: int) -> None:
    """Copy every mobility and event ``times`` more times (new people, same faculties)."""
    mobilities = list(Mobility.objects.all())
    events = list(Event.objects.all())
    for n in range(times):
        copies = []
        for m in mobilities:
            m.pk = None
            m.person_id = f"{m.person_id}-{n}"
            copies.append(m)
        Mobility.objects.bulk_create(copies)
        copies = []
        for e in events:
            e.pk = None
            e.title = f"{e.title} ({n})"  # (faculty, title, date) is the event's unique key
            copies.append(e)
        Event.objects.bulk_create(copies)


def page_queries(year: int, clients: dict) -> dict[str, int]:
    cs = Faculty.objects.get(code="CS")
    detail = Mobility.objects.order_by("pk").first()
    pages = {
        "leader dashboard": ("leader", f"/assessment/?year={year}"),
        "faculty scorecard": ("leader", f"/assessment/{year}/faculties/CS/"),
        "mobility list": ("office", "/exchanges/mobilities/"),
        "mobility list, filtered": ("office", f"/exchanges/mobilities/?faculty={cs.pk}&direction=outbound"
                                              f"&person_kind=student&year={year}&status=completed"),
        "mobility list, page 3": ("office", "/exchanges/mobilities/?page=3"),
        "office work queue": ("office", "/work-queue/"),
        "mobility detail": ("office", f"/exchanges/mobilities/{detail.pk}/"),
    }
    counts = {}
    for name, (role, url) in pages.items():
        clients[role].get(url)  # warm the per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = clients[role].get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(captured)
    return counts


def test_the_benchmarked_pages_run_as_many_queries_for_a_larger_university(university):
    year, clients = university
    small = page_queries(year, clients)
    grow(3)
    call_command("run_assessment", year=year, stdout=StringIO())
    assert Mobility.objects.count() == 4 * largedata.Scale.tiny().mobilities
    assert page_queries(year, clients) == small
