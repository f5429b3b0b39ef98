"""Two people saving a record with the same import key at once (issue 20, item 3).

The key is a unique constraint in the database.  The form's own unique check refuses an
ordinary duplicate; in a race both forms pass that check and the database refuses the second
insert.  The loser gets the form back with what was typed and a clear message — never a 500.
The race is made deterministic by skipping the form's unique check, as a concurrent insert
between the check and the save would.
"""

from __future__ import annotations

import datetime

import pytest
from django.forms.models import BaseModelForm
from django.urls import reverse

from exchanges.models import Event, Mobility
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 5, 20)


@pytest.fixture
def unique_check_raced(monkeypatch):
    monkeypatch.setattr(BaseModelForm, "validate_unique", lambda self: None)
    monkeypatch.setattr(Event, "validate_constraints", lambda self, exclude=None: None)


def event_data(faculty, **changes):
    data = {"faculty": faculty.pk, "kind": Event.Kind.CONFERENCE_HOSTED, "title": "同题会议",
            "date": DAY.isoformat(), "participants_total": 30, "participants_foreign": 10}
    data.update(changes)
    return data


def test_a_create_that_loses_the_race_gets_the_form_back(office_client, faculty_a, unique_check_raced):
    EventFactory(faculty=faculty_a, title="同题会议", date=DAY)
    response = office_client.post(reverse("exchanges:event-create"), event_data(faculty_a, participants_total=77))
    assert response.status_code == 200
    assert "someone else" in response.content.decode() or "他人" in response.content.decode()
    assert 'value="77"' in response.content.decode()  # what was typed is kept
    assert Event.objects.filter(title="同题会议").count() == 1


def test_an_edit_that_loses_the_race_gets_the_form_back(office_client, faculty_a, unique_check_raced):
    EventFactory(faculty=faculty_a, title="同题会议", date=DAY)
    other = EventFactory(faculty=faculty_a, title="另一场会议", date=DAY)
    response = office_client.post(reverse("exchanges:event-edit", args=[other.pk]),
                                  {**event_data(faculty_a), "version": other.version})
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.title == "另一场会议" and other.version == 1


def test_a_mobility_saved_through_its_service_that_loses_the_race_gets_the_form_back(
        office_client, faculty_a, monkeypatch):
    """The mobility pages save through exchanges.services.mobility_save, not the generic
    form_valid: the guard sits in the shared create/edit view, so it holds there too."""
    from tests.exchanges.test_forms import mobility_data
    from tests.factories import MobilityFactory

    monkeypatch.setattr(BaseModelForm, "validate_unique", lambda self: None)
    monkeypatch.setattr(Mobility, "validate_constraints", lambda self, exclude=None: None)
    MobilityFactory(faculty=faculty_a, person_id="T2001", activity="lecture", starts_on=datetime.date(2026, 3, 1))
    response = office_client.post(reverse("exchanges:mobility-create"), mobility_data(faculty_a, partner=""))
    assert response.status_code == 200
    assert Mobility.objects.filter(person_id="T2001").count() == 1
    assert "王伟" in response.content.decode()  # what was typed is kept
