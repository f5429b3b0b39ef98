"""No lost updates: two people edit the same record at once; the second save is refused, shows
what the first changed, and keeps what the second typed."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from faculties.models import Faculty, InternationalizationPlan
from intlportal.models import Record
from intlportal.versioning import StaleEdit, save_versioned
from tests.factories import PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _opened_version(response) -> str:
    return re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1)


def _faculty_form(faculty, **changes):
    data = {"code": faculty.code, "name_zh": faculty.name_zh, "name_en": faculty.name_en,
            "foreign_site_url": "", "foreign_site_updated_on": "", "is_active": "on"}
    data.update(changes)
    return data


def test_the_second_of_two_concurrent_edits_is_refused_shows_the_first_and_keeps_what_was_typed(office, faculty_a):
    colleague = UserFactory(username="office_colleague", first_name="Li", roles=["office"])
    alice, bob = _client(office), _client(colleague)
    edit = reverse("faculties:faculty-edit", args=[faculty_a.pk])
    alice_version = _opened_version(alice.get(edit))
    bob_version = _opened_version(bob.get(edit))
    assert alice_version == bob_version

    first = bob.post(edit, _faculty_form(faculty_a, name_en="School A, renamed by Bob", version=bob_version))
    assert first.status_code == 302

    second = alice.post(edit, _faculty_form(faculty_a, name_zh="甲学院（爱丽丝改）", version=alice_version))
    assert second.status_code == 200
    body = second.content.decode()
    # The other person's change is listed, old and new value ...
    assert "School A, renamed by Bob" in body and "Faculty A" in body
    # ... what this user typed is still in the form ...
    assert 'value="甲学院（爱丽丝改）"' in body
    # ... and nothing of it was saved over Bob's change.
    faculty_a.refresh_from_db()
    assert faculty_a.name_en == "School A, renamed by Bob"
    assert faculty_a.name_zh == "甲学院"

    # Saving again is a deliberate choice, made on top of the newer version: both changes stay.
    again = alice.post(edit, _faculty_form(faculty_a, name_zh="甲学院（爱丽丝改）", version=_opened_version(second)))
    assert again.status_code == 302
    faculty_a.refresh_from_db()
    assert (faculty_a.name_zh, faculty_a.name_en) == ("甲学院（爱丽丝改）", "School A, renamed by Bob")


def test_two_coordinators_editing_one_plan_cannot_overwrite_each_other(coord_a, faculty_a):
    other = UserFactory(username="coord_a2", roles=["coordinator"])
    other.coordinator_memberships.create(faculty=faculty_a)
    plan = PlanFactory(faculty=faculty_a, first_year=2025, last_year=2027, title="原标题")
    first, second = _client(coord_a), _client(other)
    edit = reverse("faculties:plan-edit", args=[plan.pk])
    opened = _opened_version(first.get(edit))
    assert _opened_version(second.get(edit)) == opened
    form = {"faculty": faculty_a.pk, "first_year": 2025, "last_year": 2027, "title": "原标题", "version": opened}
    assert first.post(edit, {**form, "research": "与剑桥大学开展联合研究"}).status_code == 302
    refused = second.post(edit, {**form, "students": "每年选派二十名学生赴海外交流"})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "与剑桥大学开展联合研究" in body
    assert "每年选派二十名学生赴海外交流" in body
    plan.refresh_from_db()
    assert plan.research == "与剑桥大学开展联合研究"
    assert plan.students == ""


def test_save_versioned_refuses_an_old_version_and_names_who_changed_what(faculty_a, office):
    stale_copy = Faculty.objects.get(pk=faculty_a.pk)
    fresh = Faculty.objects.get(pk=faculty_a.pk)
    fresh.name_en = "Renamed"
    fresh._history_user = office
    save_versioned(fresh, expected_version=fresh.version)
    stale_copy.name_zh = "改名"
    with pytest.raises(StaleEdit) as refused:
        save_versioned(stale_copy, expected_version=stale_copy.version)
    assert refused.value.current_version == fresh.version
    assert refused.value.changed_by == office
    assert [(c.field, c.old, c.theirs) for c in refused.value.changes] == [("name_en", "Faculty A", "Renamed")]


def test_every_editable_record_kind_carries_a_version():
    kinds = [m for m in apps.get_models() if issubclass(m, Record)]
    assert InternationalizationPlan in kinds
    assert all(m._meta.get_field("version") for m in kinds)
