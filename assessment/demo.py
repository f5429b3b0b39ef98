"""Demo incentive pools and assessment runs (part of ``seed_demo``)."""

from __future__ import annotations

from decimal import Decimal

from assessment.models import AssessmentRun, IncentivePool

POOL_YEARS = 5


def seed(ctx) -> None:
    """An incentive pool for each recent year: 500,000 yuan growing by 50,000 a year, with
    an odd number of fen so that the split shows how the left-over fen are handed out."""
    for offset in range(POOL_YEARS):
        year = ctx.this_year - offset
        IncentivePool.objects.get_or_create(
            year=year,
            defaults={"amount": Decimal("500000.00") + Decimal(50000) * (POOL_YEARS - offset) + Decimal("0.07"),
                      "threshold": Decimal("60")},
        )
    ctx.log(f"incentive pools: {ctx.this_year - POOL_YEARS + 1}–{ctx.this_year}")


def seeding(ctx):
    """While every app seeds, record no recompute: ``after_seed`` assesses the finished data."""
    from assessment.tasks import recompute_suspended

    return recompute_suspended()


def after_seed(ctx) -> None:
    """Assess the last few years once every app has seeded, so the dashboards are full."""
    from assessment.services import assessment_run

    years = range(ctx.this_year - POOL_YEARS + 1, ctx.this_year + 1)
    # Seeding again must not pile up runs: a year that already has one keeps it.
    assessed = set(AssessmentRun.objects.filter(year__in=years).values_list("year", flat=True))
    for year in years:
        if year not in assessed:
            assessment_run(year=year, trigger=AssessmentRun.Trigger.DEMO)
    ctx.log(f"assessment runs: {', '.join(str(y) for y in years)}")
    # Last year's result is the official one the office published; this year's is provisional.
    from assessment.models import Publication
    from assessment.publishing import publish

    last_year = ctx.this_year - 1
    if not Publication.objects.filter(year=last_year).exists():
        publish(AssessmentRun.objects.latest_for(last_year), by=ctx.extra.get("users", {}).get("office"))
        ctx.log(f"published: {last_year}")
