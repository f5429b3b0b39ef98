"""Named personas, used across the suite:

* ``office`` — Foreign Affairs Office staff;
* ``leader`` — a university leader;
* ``coord_a`` — coordinator of faculty A (``faculty_a``);
* ``coord_b`` — coordinator of faculty B (``faculty_b``), the outsider for A's records.

Each ``*_client`` fixture is a test client signed in as that persona.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from tests.factories import CoordinatorMembershipFactory, FacultyFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english(settings):
    """Pages and messages in English (Chinese, the default, is checked by the catalogue's tests)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def faculty_a(db):
    return FacultyFactory(code="A", name_zh="甲学院", name_en="Faculty A")


@pytest.fixture
def faculty_b(db):
    return FacultyFactory(code="B", name_zh="乙学院", name_en="Faculty B")


@pytest.fixture
def office(db):
    return UserFactory(username="office_user", roles=["office"])


@pytest.fixture
def leader(db):
    return UserFactory(username="leader_user", roles=["leader"])


@pytest.fixture
def coord_a(db, faculty_a):
    user = UserFactory(username="coord_a", roles=["coordinator"])
    CoordinatorMembershipFactory(user=user, faculty=faculty_a)
    return user


@pytest.fixture
def coord_b(db, faculty_b):
    user = UserFactory(username="coord_b", roles=["coordinator"])
    CoordinatorMembershipFactory(user=user, faculty=faculty_b)
    return user


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def office_client(office):
    return _client_for(office)


@pytest.fixture
def leader_client(leader):
    return _client_for(leader)


@pytest.fixture
def coord_a_client(coord_a):
    return _client_for(coord_a)


@pytest.fixture
def coord_b_client(coord_b):
    return _client_for(coord_b)


@pytest.fixture
def personas(office_client, leader_client, coord_a_client, coord_b_client):
    """All four signed-in clients by name, plus an anonymous one."""
    return {
        "anonymous": Client(),
        "office": office_client,
        "leader": leader_client,
        "coord_a": coord_a_client,
        "coord_b": coord_b_client,
    }
