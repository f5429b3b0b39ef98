"""The large-university generator (``demo.largedata``), run at a tiny scale."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from demo import largedata
from demo.management.commands.seed_demo import Command as SeedDemo
from demo.management.commands.seed_demo import DemoContext
from exchanges.models import Agreement, Event, Mobility, PartnerInstitution
from faculties.models import Faculty, FacultyYear
from programs.models import CooperativeProgram
from staff.models import Publication, StaffMember

TINY = largedata.Scale.tiny()


@pytest.fixture
def tiny(db):
    return largedata.generate(scale=TINY, seed=7, progress=False)


def test_the_generator_creates_exactly_the_headline_counts(tiny):
    assert Faculty.objects.count() == TINY.faculties
    assert PartnerInstitution.objects.count() == TINY.partners
    assert Agreement.objects.count() == TINY.agreements
    assert Mobility.objects.count() == TINY.mobilities
    assert StaffMember.objects.count() == TINY.staff
    assert Event.objects.count() == TINY.events
    assert Publication.objects.count() == TINY.publications
    assert CooperativeProgram.objects.count() == TINY.programs
    # Headcounts for every faculty in each of the ten years and the year before (targets).
    assert FacultyYear.objects.count() == TINY.faculties * (TINY.years + 1)


def test_the_generated_records_pass_model_validation(tiny):
    for model in (Faculty, StaffMember, PartnerInstitution, Agreement, Mobility, Event, Publication,
                  CooperativeProgram):
        for record in model.objects.order_by("?")[:25]:
            record.full_clean()


def test_the_distributions_look_like_a_university(tiny):
    this_year = timezone.localdate().year
    outbound = Counter(Mobility.objects.filter(direction="outbound").values_list("person_kind", flat=True))
    assert outbound["student"] > 3 * outbound["teacher"] > 0
    past = Mobility.objects.filter(ends_on__lt=date(this_year - 1, 1, 1))
    completed = past.filter(status="completed").count()
    assert completed / past.count() > 0.85
    assert not past.filter(status__in=["planned", "approved"]).exists()
    countries = Counter(Mobility.objects.values_list("country", flat=True)).most_common(8)
    assert "US" in {code for code, _n in countries}
    months = Counter(d.month for d in Mobility.objects.values_list("starts_on", flat=True))
    assert months[7] + months[8] + months[9] > 3 * months[12]
    sizes = sorted(FacultyYear.objects.filter(year=this_year).values_list("teachers", flat=True))
    assert sizes[-1] >= 3 * sizes[0]
    years = {d.year for d in Mobility.objects.values_list("starts_on", flat=True)}
    assert years == set(range(this_year - TINY.years + 1, this_year + 1))


def test_the_generator_writes_no_history_rows(tiny):
    assert not Mobility.history.exists()
    assert not Faculty.history.exists()


def test_the_generator_refuses_a_database_that_already_holds_records(tiny):
    with pytest.raises(CommandError):
        largedata.generate(scale=TINY, progress=False)


def test_seed_large_gives_the_demo_users_their_faculties(db):
    ctx = DemoContext(rng=random.Random(1), this_year=timezone.localdate().year, scale="large", stdout=StringIO())
    ctx.progress = False
    largedata.seed_large(ctx, scale=TINY)
    assert {"CS", "FL"} <= set(ctx.faculties)
    SeedDemo(stdout=StringIO()).create_users(ctx, "pw-for-tests-1")
    assert ctx.extra["users"]["coordinator"].coordinator_memberships.get().faculty.code == "CS"
    # A second call finds the data set there and adds nothing.
    largedata.seed_large(ctx, scale=TINY)
    assert Mobility.objects.count() == TINY.mobilities


def test_seed_demo_scale_large_seeds_the_large_data_set_and_the_demo_users(db, monkeypatch):
    monkeypatch.setattr(largedata, "default_scale", largedata.Scale.tiny)
    call_command("seed_demo", scale="large", password="pw-for-tests-1", stdout=StringIO(), stderr=StringIO())
    assert Mobility.objects.count() == TINY.mobilities
    assert Faculty.objects.count() == TINY.faculties
    from intlportal.models import User

    assert User.objects.get(username="office").check_password("pw-for-tests-1")


def test_the_assessment_runs_on_the_generated_data(tiny):
    year = timezone.localdate().year - 1
    call_command("run_assessment", year=year, stdout=StringIO())
    from assessment.models import AssessmentRun

    run = AssessmentRun.objects.get(year=year)
    assert len(run.document["faculties"]) == TINY.faculties


@pytest.mark.parametrize(("value", "text"), [
    (None, r"\N"),
    (True, "t"),
    (False, "f"),
    (12, "12"),
    (Decimal("1.50"), "1.50"),
    (date(2025, 3, 1), "2025-03-01"),
    ("a\tb\\c\nd", "a\\tb\\\\c\\nd"),
    (["ox.ac.uk"], '["ox.ac.uk"]'),
])
def test_copy_values_are_written_in_postgresql_text_format(value, text):
    assert largedata._copy_value(value) == text
