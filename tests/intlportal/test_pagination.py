"""The lists' paginator finds a page's keys first: the same rows in the same order as slicing."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchanges.models import Mobility
from intlportal.pagination import KeysFirstPaginator
from tests.factories import MobilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mobilities(faculty_a, faculty_b):
    # Many share a start date: the tie-break on the key decides their order.
    for index in range(23):
        MobilityFactory(faculty=faculty_a if index % 3 else faculty_b,
                        starts_on=datetime.date(2025, 1 + index % 4, 1), ends_on=datetime.date(2025, 6, 30))


@pytest.mark.parametrize("ordering", [None, ("person_name",), ("-faculty__code", "starts_on")])
def test_every_page_holds_the_rows_slicing_gives(mobilities, ordering):
    rows = Mobility.objects.select_related("faculty")
    if ordering:
        rows = rows.order_by(*ordering, "pk")
    expected = [m.pk for m in rows]
    paginator = KeysFirstPaginator(rows, 5, orphans=2)
    seen = []
    for number in paginator.page_range:
        with CaptureQueriesContext(connection) as queries:
            page = list(paginator.page(number))
        assert len(queries) == 1  # one query per page, as with slicing
        seen += [m.pk for m in page]
    assert seen == expected


def test_a_page_of_a_filtered_list(mobilities, faculty_b):
    rows = Mobility.objects.filter(faculty=faculty_b)
    paginator = KeysFirstPaginator(rows, 3)
    assert [m.pk for n in paginator.page_range for m in paginator.page(n)] == [m.pk for m in rows]


def test_a_distinct_list_is_sliced_as_before(mobilities):
    rows = Mobility.objects.filter(faculty__code__in=["A", "B"]).distinct().order_by("faculty__code", "pk")
    paginator = KeysFirstPaginator(rows, 4)
    assert [m.pk for n in paginator.page_range for m in paginator.page(n)] == [m.pk for m in rows]


def test_a_list_of_objects_other_than_a_queryset():
    paginator = KeysFirstPaginator(list(range(12)), 5)
    assert list(paginator.page(3)) == [10, 11]
