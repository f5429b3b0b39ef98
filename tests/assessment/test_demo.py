"""The demo data: pools for recent years, and runs so the dashboards are full at first start."""

import random
from io import StringIO

import pytest

from assessment import demo
from assessment.models import AssessmentRun, IncentivePool
from demo.management.commands.seed_demo import DemoContext
from tests.factories import FacultyFactory

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_pools_and_assesses_the_last_five_years():
    FacultyFactory(code="A")
    ctx = DemoContext(rng=random.Random(1), this_year=2025, scale="small", stdout=StringIO())
    demo.seed(ctx)
    demo.seed(ctx)  # twice changes nothing
    assert list(IncentivePool.objects.order_by("year").values_list("year", flat=True)) == [
        2021, 2022, 2023, 2024, 2025,
    ]
    # An odd number of fen, so the split hands out left-over fen.
    assert IncentivePool.objects.get(year=2025).amount.as_tuple().digits[-1] == 7
    demo.after_seed(ctx)
    assert sorted(AssessmentRun.objects.values_list("year", flat=True)) == [2021, 2022, 2023, 2024, 2025]
