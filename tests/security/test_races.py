"""Concurrent saves of one record: exactly one wins, every other one gets the stale-edit page.

Real threads post the same edit form, opened at the same version, at the same moment
(a barrier), through the whole stack (middleware, view, service, ``save_versioned``), each on
its own database connection.  Zero 500s, zero lost updates: the record ends with the winner's
value, one version later, and one history entry more.

SQLite: the suite's test database lives in memory, shared in a mode whose locking is not the
file's, so the test copies it into a file database and points the connections at it; the
connection options (WAL, busy timeout, ``BEGIN IMMEDIATE``) are the settings' own.  Without
``transaction_mode = IMMEDIATE`` the losers fail to upgrade their read lock and answer 500
("database is locked").  PostgreSQL: the test database as it is (row locks).

``scripts/security.sh`` runs this file on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from exchanges.models import Mobility
from faculties.models import Faculty, InternationalizationPlan
from tests.factories import FundingSchemeFactory, MobilityFactory, PlanFactory, UserFactory
from tests.formdata import form_data

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


@contextmanager
def racing_database(tmp_path):
    """Where the threads race: on SQLite a file copy of the test database, else the test
    database itself."""
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    # Every thread's connection is built from this very dict (django.db.connections.settings):
    # the threads open the file with the settings' OPTIONS.  The main thread keeps its
    # in-memory connection (Django never closes an in-memory test database).
    settings_dict = connections.settings[connection.alias]
    assert settings_dict is connection.settings_dict
    original = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        settings_dict["NAME"] = original


def in_threads(work: Callable[[int], object], count: int) -> list:
    """``work(i)`` in ``count`` threads at once, each closing its own connection after."""

    def run(i):
        try:
            return work(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def race(clients: list[Client], url: str, forms: list[dict]) -> list:
    barrier = threading.Barrier(len(clients))

    def post(i):
        barrier.wait()
        return clients[i].post(url, forms[i])

    return in_threads(post, len(clients))


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def faculty_case(office, faculty_a, coord_a):
    users = [office] + [UserFactory(username=f"office_{i}", roles=["office"]) for i in range(1, THREADS)]
    return users, Faculty, faculty_a.pk, reverse("faculties:faculty-edit", args=[faculty_a.pk]), "name_en"


def mobility_case(office, faculty_a, coord_a):
    # mobility_save: the funding check, then save_versioned, in one transaction.
    scheme = FundingSchemeFactory(budget=1_000_000)
    # Not yet verified, so the coordinators' saves change the row (not a proposal beside it).
    mobility = MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=1000, unverified=True)
    return [coord_a] * THREADS, Mobility, mobility.pk, reverse("exchanges:mobility-edit", args=[mobility.pk]), \
        "person_name"


def plan_case(office, faculty_a, coord_a):
    # plan_update: locks the plan, checks its state, then save_versioned.
    plan = PlanFactory(faculty=faculty_a)
    return [coord_a] * THREADS, InternationalizationPlan, plan.pk, \
        reverse("faculties:plan-edit", args=[plan.pk]), "title"


@pytest.mark.parametrize("case", [faculty_case, mobility_case, plan_case], ids=["generic", "mobility", "plan"])
def test_of_concurrent_saves_of_one_record_one_wins_and_the_others_get_the_stale_edit_page(
        case, office, faculty_a, coord_a, tmp_path, settings):
    settings.DEBUG = False
    settings.LANGUAGE_CODE = "en"
    users, model, pk, url, field = case(office, faculty_a, coord_a)
    clients = [signed_in(user) for user in users]
    opened = form_data(clients[0].get(url).content.decode())
    version = int(opened["version"])
    history_before = model.history.filter(id=pk).count()
    forms = [{**opened, field: f"Saved by thread {i}"} for i in range(THREADS)]

    with racing_database(tmp_path):
        responses = race(clients, url, forms)
        final = in_threads(lambda i: (model.objects.values(field, "version").get(pk=pk),
                                      model.history.filter(id=pk).count()), 1)[0]

    statuses = [r.status_code for r in responses]
    assert 500 not in statuses, statuses
    winners = [i for i, r in enumerate(responses) if r.status_code == 302]
    assert len(winners) == 1, statuses
    for i, response in enumerate(responses):
        if i in winners:
            continue
        assert response.status_code == 200, statuses
        html = response.content.decode()
        assert "saved this record after you opened it" in html  # the stale-edit page …
        assert f"Saved by thread {i}" in html  # … keeping what this user typed
    row, history_after = final
    # No lost update: the winner's value, one version later, one history entry more.
    assert row == {field: f"Saved by thread {winners[0]}", "version": version + 1}
    assert history_after == history_before + 1
