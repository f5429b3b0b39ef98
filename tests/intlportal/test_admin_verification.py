"""Django admin is the office's too: a verifiable record saved there is verified on entry."""

from __future__ import annotations

import pytest
from django.test import Client

from faculties.models import FacultyYear
from intlportal import verification
from tests.factories import FacultyFactory, FacultyYearFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _form(row, **changes):
    data = {"faculty": row.faculty_id, "year": row.year, "teachers": row.teachers, "students": row.students}
    data.update(changes)
    return data


def test_a_pending_record_changed_in_the_admin_counts_as_verified(admin_client):
    row = FacultyYearFactory(unverified=True)
    assert not FacultyYear.objects.filter(verification.counted(), pk=row.pk).exists()
    response = admin_client.post(f"/admin/faculties/facultyyear/{row.pk}/change/", _form(row, teachers=90))
    assert response.status_code == 302, response.content[:2000]
    row.refresh_from_db()
    assert row.teachers == 90
    assert row.verified_at is not None and row.verified_by.username == "root"
    assert FacultyYear.objects.filter(verification.counted(), pk=row.pk).exists()


def test_a_record_added_in_the_admin_is_verified_by_its_author(admin_client):
    faculty = FacultyFactory()
    response = admin_client.post("/admin/faculties/facultyyear/add/",
                                 {"faculty": faculty.pk, "year": 2024, "teachers": 50, "students": 900})
    assert response.status_code == 302, response.content[:2000]
    row = FacultyYear.objects.get(faculty=faculty, year=2024)
    assert row.verification == "verified" and row.verified_by.username == "root"
