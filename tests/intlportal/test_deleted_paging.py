"""The deleted-records page reads from the database only what its page can show."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from faculties.models import Discipline
from intlportal.history import restore
from tests.factories import DisciplineFactory, FacultyYearFactory

pytestmark = pytest.mark.django_db


def test_each_kinds_deletions_are_read_with_a_limit(office_client, faculty_a):
    for i in range(settings.PAGINATE_BY + 5):
        DisciplineFactory(faculty=faculty_a, name_zh=f"学科{i}").delete()
    with CaptureQueriesContext(connection) as queries:
        response = office_client.get(reverse("history:deleted"))
    assert response.status_code == 200
    index = [q["sql"] for q in queries.captured_queries
             if "historical" in q["sql"].lower() and '"history_type" = ' in q["sql"] and "OVER" in q["sql"]]
    assert index, "one index query per kind"
    assert all("LIMIT" in sql for sql in index), index


def test_pages_across_kinds_hold_the_newest_deletion_of_each_record_first(office_client, office, faculty_a):
    kept = DisciplineFactory(faculty=faculty_a, name_zh="删了又恢复又删").pk
    Discipline.objects.get(pk=kept).delete()
    restore(model=Discipline, history_id=Discipline.history.get(history_type="-").history_id, by=office)
    for i in range(settings.PAGINATE_BY):
        DisciplineFactory(faculty=faculty_a, name_zh=f"学科{i}").delete()
    FacultyYearFactory(faculty=faculty_a, year=2001).delete()
    Discipline.objects.get(pk=kept).delete()  # deleted twice: listed once, as the newest
    first = office_client.get(reverse("history:deleted")).context
    assert first["paginator"].count == settings.PAGINATE_BY + 2
    labels = [item.label for item in first["items"]]
    assert labels[0] == "删了又恢复又删" and "学科0" not in labels
    second = office_client.get(reverse("history:deleted"), {"page": 2}).context
    assert [item.label for item in second["items"]] == ["学科1", "学科0"]
    oldest = office_client.get(reverse("history:deleted"), {"sort": "history_date", "page": 99}).context
    assert oldest["page_obj"].number == 2
    assert [item.label for item in oldest["items"]][-1] == "删了又恢复又删"
