"""The benchmark's floor (``bench/floor.py``) counts what the assessment counts: its
hand-written SQL gives, for every indicator, faculty and year, the numerator the rules give
(PostgreSQL only: the floor runs there, with ``FILTER`` and row values)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from assessment.rules import RULES, load_counts
from bench.floor import statements
from demo import largedata
from exchanges.models import Event, Mobility
from faculties.models import Faculty, FacultyYear
from programs.models import ProgramStatusChange
from staff.models import StaffMember, StaffStanding

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the floor's SQL is PostgreSQL's"),
]


def test_the_floor_counts_every_indicator_as_the_rules_do(db):
    largedata.generate(scale=largedata.Scale.tiny(), seed=11, progress=False)
    # What the rules must tell apart: evidence never verified, a program without a status
    # history (its current status decides), a staff member without standings.
    Mobility.objects.filter(pk__in=Mobility.objects.order_by("pk").values("pk")[:200]).update(verified_at=None)
    Event.objects.filter(pk__in=Event.objects.order_by("pk").values("pk")[:30]).update(verified_at=None)
    FacultyYear.objects.filter(pk__in=FacultyYear.objects.order_by("pk").values("pk")[:5]).update(verified_at=None)
    ProgramStatusChange.objects.filter(program__in=ProgramStatusChange.objects.values("program")[:1]).delete()
    StaffStanding.objects.filter(staff_member__in=StaffMember.objects.order_by("pk")[:20]).delete()
    year = timezone.localdate().year - 1
    ids = list(Faculty.objects.active().values_list("pk", flat=True))
    floor = {}
    with connection.cursor() as cursor:
        for name, sql, params in statements(year):
            if name in RULES:
                cursor.execute(sql, params)
                floor[name] = cursor.fetchall()
    assert set(floor) == set(RULES)
    for code, rows in floor.items():
        expected = load_counts(RULES[code], faculty_ids=ids, years=(year, year - 1))
        found = {(y, faculty): 0 for y in (year, year - 1) for faculty in ids}
        for faculty, this_year, last_year in rows:
            found[(year, faculty)], found[(year - 1, faculty)] = int(this_year), int(last_year)
        assert found == expected, code
        assert any(expected.values()), code
