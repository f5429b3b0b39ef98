"""The demo university."""

import pytest
from django.apps import apps
from django.core.management import call_command

from faculties.models import CoordinatorMembership, Discipline, Faculty, FacultyYear
from intlportal import access
from intlportal.models import User


@pytest.fixture
def seeded(db):
    call_command("seed_demo", password="demo-pass-123", verbosity=0)


def test_the_demo_has_at_least_twelve_bilingual_faculties_with_five_years_of_headcounts(seeded):
    assert Faculty.objects.count() >= 12
    for faculty in Faculty.objects.all():
        assert faculty.name_zh and faculty.name_en
        assert faculty.years.count() >= 5
    assert Discipline.objects.exists()


def test_the_demo_users_sign_in_with_the_given_password_and_hold_their_roles(seeded):
    for username, role in [("office", "office"), ("leader", "leader"), ("coordinator", "coordinator")]:
        user = User.objects.get(username=username)
        assert user.check_password("demo-pass-123"), username
        assert role in access.roles(user)
    coordinator = User.objects.get(username="coordinator")
    memberships = CoordinatorMembership.objects.filter(user=coordinator)
    assert list(memberships.values_list("faculty__code", flat=True)) == ["CS"]


def test_running_the_demo_twice_duplicates_nothing(seeded):
    counts = {m._meta.label: m.objects.count() for m in apps.get_models() if not m._meta.label.startswith("axes.")}
    call_command("seed_demo", password="demo-pass-123", verbosity=0)
    again = {m._meta.label: m.objects.count() for m in apps.get_models() if not m._meta.label.startswith("axes.")}
    # History rows may grow (update_or_create writes one per save); records must not.
    changed = {label: (counts[label], again[label]) for label in counts
               if counts[label] != again[label] and ".Historical" not in label}
    assert changed == {}
    assert FacultyYear.objects.count() == counts["faculties.FacultyYear"]
