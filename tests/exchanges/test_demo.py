"""The exchanges part of the demo university gives every indicator and office list material."""

import io
import random

import pytest
from django.utils import timezone

from demo.management.commands.seed_demo import DemoContext
from exchanges import demo
from exchanges.models import Agreement, Event, FundingScheme, Mobility, PartnerInstitution
from faculties import demo as faculties_demo
from tests.factories import UserFactory


@pytest.fixture
def ctx(db):
    context = DemoContext(rng=random.Random(7), this_year=timezone.localdate().year, scale="small",
                          stdout=io.StringIO())
    faculties_demo.seed(context)
    context.extra["users"] = {"office": UserFactory(username="office", roles=["office"])}
    demo.seed(context)
    return context


def test_demo_exchanges_cover_the_indicators_and_the_office_queues(ctx):
    year = ctx.this_year - 1
    assert PartnerInstitution.objects.filter(name_zh="牛津大学").exists()
    for faculty in ctx.faculties.values():
        assert Agreement.objects.in_effect().filter(faculties=faculty).exists(), faculty
        teachers = Mobility.objects.filter(faculty=faculty).outbound().teachers().completed().in_year(year)
        assert teachers.exists(), faculty
        students = Mobility.objects.filter(faculty=faculty).outbound().students().completed().in_year(year)
        assert students.values("person_id").distinct().count() == students.count() > 0
    assert set(Event.objects.values_list("kind", flat=True)) == set(Event.Kind.values)
    assert Mobility.objects.awaiting_approval().exists()
    assert Mobility.objects.filter(status="planned", submitted_at__isnull=True).exists()
    assert Mobility.objects.report_overdue().exists()
    assert Agreement.objects.expiring_within(90).exists()
    for scheme in FundingScheme.objects.with_totals():
        assert scheme.committed + scheme.spent <= scheme.budget


def test_seeding_exchanges_again_adds_nothing(ctx):
    counts = [m.objects.count() for m in (PartnerInstitution, Agreement, Mobility, Event, FundingScheme)]
    demo.seed(ctx)
    assert [m.objects.count() for m in (PartnerInstitution, Agreement, Mobility, Event, FundingScheme)] == counts
