"""The website update log (``SiteUpdate``): its import kind, the rule against future dates,
the faculty's read-only copy of its latest verified update, the menu entry, and the data
migration that turned the faculties' own dates into the log.  The pages' access is in
``test_views.py`` (``KINDS``)."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from dataexchange import registry
from faculties.models import Faculty, SiteUpdate
from intlportal.navigation import menu_for
from tests.dataexchange.helpers import assert_round_trip, csv_file
from tests.factories import FacultyFactory, SiteUpdateFactory, days

pytestmark = pytest.mark.django_db
D = datetime.date
migration = importlib.import_module("faculties.migrations.0005_site_update_log")

HEADER = "faculty,updated_on,url,note"


def test_the_office_imports_updates_and_the_faculties_copy_follows(office, faculty_a):
    rows = ["A,2025-03-10,https://a.example.edu.cn/en/,新闻", "A,2025-09-01,https://a.example.edu.cn/en/,招生"]
    result = registry.import_rows("site_updates", csv_file("\n".join([HEADER, *rows]) + "\n"), user=office,
                                  dry_run=False)
    assert result.ok, [str(error) for error in result.errors]
    assert SiteUpdate.objects.filter(faculty=faculty_a).count() == 2
    faculty_a.refresh_from_db()
    assert faculty_a.foreign_site_updated_on == D(2025, 9, 1)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_site_updates_import_their_own_export_unchanged(office, faculty_a, tmp_path, fmt):
    SiteUpdateFactory(faculty=faculty_a, updated_on=D(2025, 3, 10))
    assert_round_trip("site_updates", office, tmp_path, fmt)


def test_a_coordinator_imports_updates_of_their_own_faculty_only(coord_a, faculty_a, faculty_b):
    rows = ["A,2025-03-10,https://a.example.edu.cn/en/,新闻", "B,2025-03-10,https://b.example.edu.cn/en/,新闻"]
    result = registry.import_rows("site_updates", csv_file("\n".join([HEADER, *rows]) + "\n"), user=coord_a,
                                  dry_run=True)
    assert [(error.row, error.column) for error in result.errors] == [(3, "faculty")]


def test_an_update_cannot_be_dated_in_the_future(office, office_client, faculty_a):
    response = office_client.post(reverse("faculties:siteupdate-create"), {
        "faculty": faculty_a.pk, "updated_on": days(2).isoformat(), "url": "https://a.example.edu.cn/en/"})
    assert response.status_code == 200
    assert "updated_on" in response.context["form"].errors
    upload = csv_file(f"{HEADER}\nA,{days(2).isoformat()},https://a.example.edu.cn/en/,\n")
    result = registry.import_rows("site_updates", upload, user=office, dry_run=True)
    assert [(error.row, error.column) for error in result.errors] == [(2, "updated_on")]
    assert not SiteUpdate.objects.exists()


def test_the_faculty_form_leaves_the_copy_alone(office_client, faculty_a):
    SiteUpdateFactory(faculty=faculty_a, updated_on=D(2025, 3, 10))
    response = office_client.post(reverse("faculties:faculty-edit", args=[faculty_a.pk]), {
        "code": "A", "name_zh": "甲学院", "name_en": "Faculty A", "is_active": "on",
        "foreign_site_url": "https://a.example.edu.cn/en/", "foreign_site_updated_on": "2020-01-01",
        "version": Faculty.objects.get(pk=faculty_a.pk).version})
    assert response.status_code == 302
    faculty_a.refresh_from_db()
    assert faculty_a.foreign_site_updated_on == D(2025, 3, 10)


def test_the_log_is_in_the_faculties_menu_for_every_role(office, coord_a):
    for user in (office, coord_a):
        entries = dict(menu_for(user))
        urls = [url for _label, url in next(items for section, items in entries.items()
                                            if reverse("faculties:faculty-list") in dict(items).values())]
        assert reverse("faculties:siteupdate-list") in urls


# --- the data migration -------------------------------------------------------------------------


def test_each_dated_version_with_an_address_becomes_one_update():
    versions = [(1, D(2023, 4, 1), "https://old.example.edu.cn/"), (1, D(2023, 4, 1), "https://new.example.edu.cn/"),
                (1, None, "https://new.example.edu.cn/"), (1, D(2022, 1, 1), ""), (2, D(2025, 5, 5), "https://b/")]
    assert migration.site_updates_from(versions) == {
        (1, D(2023, 4, 1)): "https://new.example.edu.cn/", (2, D(2025, 5, 5)): "https://b/"}


def test_the_migration_turns_current_and_earlier_dates_into_verified_updates(db):
    faculty = FacultyFactory(code="M", foreign_site_url="https://m.example.edu.cn/en/",
                             foreign_site_updated_on=D(2023, 5, 1))
    faculty.foreign_site_updated_on = D(2024, 6, 1)
    faculty.save()  # the audit trail keeps 2023
    SiteUpdate.objects.all().delete()
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # again: nothing twice
    updates = list(SiteUpdate.objects.filter(faculty=faculty).order_by("updated_on")
                   .values_list("updated_on", "url", "verification"))
    assert updates == [(D(2023, 5, 1), "https://m.example.edu.cn/en/", "verified"),
                       (D(2024, 6, 1), "https://m.example.edu.cn/en/", "verified")]
    assert all(update.verified_at for update in SiteUpdate.objects.all())
