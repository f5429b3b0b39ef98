"""A staff member's dated standings (category, overseas degree): built from versions
(``standings.standing_steps``), kept in step with every save (``receivers``) and import
(``staff/dataexchange.py``), and filled from the audit trail by the data migration."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps

from dataexchange import registry
from intlportal.models import Verification
from staff.models import StaffMember, StaffStanding
from staff.services import standings_sync
from staff.standings import EARLIEST, Standing, Version, standing_steps
from tests.dataexchange.helpers import csv_file
from tests.factories import StaffMemberFactory, today

pytestmark = pytest.mark.django_db
D = datetime.date
DOMESTIC, TALENT = StaffMember.Category.DOMESTIC, StaffMember.Category.OVERSEAS_TALENT
migration = importlib.import_module("staff.migrations.0004_staff_standings")

HEADER = "staff_no,faculty,name,nationality,category,title,hired_on,left_on,has_overseas_degree"


def standings_of(member) -> list[tuple[datetime.date, str, bool]]:
    return list(StaffStanding.objects.filter(staff_member=member).order_by("effective_on", "pk")
                .values_list("effective_on", "category", "has_overseas_degree"))


@pytest.mark.parametrize(("versions", "expected"), [
    ([Version(DOMESTIC, False, D(2015, 9, 1), D(2020, 1, 1)), Version(DOMESTIC, False, None, D(2021, 1, 1)),
      Version(DOMESTIC, True, None, D(2022, 5, 4)), Version(TALENT, True, None, D(2023, 3, 1))],
     [Standing(D(2015, 9, 1), DOMESTIC, False), Standing(D(2022, 5, 4), DOMESTIC, True),
      Standing(D(2023, 3, 1), TALENT, True)]),
    ([Version(DOMESTIC, True, None, D(2020, 1, 1))], [Standing(EARLIEST, DOMESTIC, True)]),
    # Changed before the hire date: from the hire date, after the first standing.
    ([Version(DOMESTIC, False, D(2027, 9, 1), D(2026, 1, 1)), Version(TALENT, False, D(2027, 9, 1), D(2026, 2, 1))],
     [Standing(D(2027, 9, 1), DOMESTIC, False), Standing(D(2027, 9, 1), TALENT, False)]),
    ([], []),
])
def test_standing_steps_date_each_change_of_category_or_degree(versions, expected):
    assert standing_steps(versions) == expected


def test_a_new_staff_member_stands_from_the_hire_date(faculty_a):
    member = StaffMemberFactory(faculty=faculty_a, hired_on=D(2012, 3, 1), has_overseas_degree=True)
    unknown = StaffMemberFactory(faculty=faculty_a, hired_on=None)
    assert standings_of(member) == [(D(2012, 3, 1), DOMESTIC, True)]
    assert standings_of(unknown) == [(EARLIEST, DOMESTIC, False)]


def test_a_change_of_category_or_degree_stands_from_today_and_other_saves_add_nothing(faculty_a):
    member = StaffMemberFactory(faculty=faculty_a, hired_on=D(2012, 3, 1))
    member.name = "新名字"
    member.save()
    member.has_overseas_degree = True
    member.save()
    member.category = TALENT
    member.save()
    member.save(update_fields=["name"])
    assert standings_of(member) == [(D(2012, 3, 1), DOMESTIC, False), (today(), DOMESTIC, True),
                                    (today(), TALENT, True)]


def test_a_staff_record_not_yet_verified_stands_as_it_is_now(faculty_a):
    """A coordinator's corrections before the office first verifies leave no dated trace."""
    member = StaffMemberFactory(faculty=faculty_a, hired_on=D(2012, 3, 1), verification=Verification.PENDING,
                                verified_at=None)
    member.has_overseas_degree = True
    member.save()
    assert standings_of(member) == [(D(2012, 3, 1), DOMESTIC, True)]


def test_an_import_brings_the_standings_up_to_the_rows_it_wrote(office, faculty_a):
    changed = StaffMemberFactory(staff_no="T1", faculty=faculty_a, hired_on=D(2010, 9, 1), nationality="CN")
    rows = [f"T1,A,{changed.name},CN,domestic,lecturer,2010-09-01,,yes",
            "T2,A,李老师,CN,overseas_talent,professor,2024-03-01,,yes"]
    result = registry.import_rows("staff", csv_file("\n".join([HEADER, *rows]) + "\n"), user=office, dry_run=False)
    assert result.ok, [str(error) for error in result.errors]
    assert standings_of(changed) == [(D(2010, 9, 1), DOMESTIC, False), (today(), DOMESTIC, True)]
    assert standings_of(StaffMember.objects.get(staff_no="T2")) == [(D(2024, 3, 1), TALENT, True)]


def test_the_sync_writes_nothing_when_the_standings_are_up_to_date(faculty_a):
    StaffMemberFactory(faculty=faculty_a)
    assert standings_sync() == 0


def test_the_migration_builds_standings_from_the_audit_trail(faculty_a):
    traced = StaffMemberFactory(faculty=faculty_a, hired_on=D(2011, 9, 1))
    traced.has_overseas_degree = True
    traced.save()
    StaffStanding.objects.all().delete()  # as before the log was kept
    migration.forwards(apps, None)
    assert standings_of(traced) == [(D(2011, 9, 1), DOMESTIC, False), (today(), DOMESTIC, True)]
    migration.backwards(apps, None)
    assert not StaffStanding.objects.exists()


def test_a_staff_member_without_audit_trail_stands_from_the_hire_date_as_recorded():
    assert migration.standings_for([], (TALENT, True), None, D(2026, 1, 1)) == [Standing(EARLIEST, TALENT, True)]
    # A trail that does not end where the record stands (a bulk write): today, the record.
    assert migration.standings_for([Version(DOMESTIC, False, D(2011, 9, 1), D(2020, 1, 1))], (DOMESTIC, True),
                                   D(2011, 9, 1), D(2026, 1, 1)) == [
        Standing(D(2011, 9, 1), DOMESTIC, False), Standing(D(2026, 1, 1), DOMESTIC, True)]
