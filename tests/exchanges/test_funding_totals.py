"""A funding scheme's totals are money: ``Decimal`` whatever the scheme holds."""

from decimal import Decimal

import pytest

from exchanges.models import FundingScheme, Mobility
from tests.factories import FundingSchemeFactory, MobilityFactory

pytestmark = pytest.mark.django_db
Status = Mobility.Status


def _is_money(value) -> bool:
    return type(value) is Decimal


def test_a_scheme_without_mobilities_has_decimal_zero_totals():
    scheme = FundingSchemeFactory(budget=Decimal("5000"))
    committed, spent = scheme.totals()
    assert _is_money(committed) and _is_money(spent)
    assert (committed, spent) == (Decimal(0), Decimal(0))
    assert _is_money(scheme.remaining) and scheme.remaining == Decimal("5000")


@pytest.mark.parametrize("status", [Status.PLANNED, Status.COMPLETED])
def test_a_scheme_with_only_one_kind_of_spending_still_sums_the_other_as_a_decimal(faculty_a, status):
    scheme = FundingSchemeFactory(budget=Decimal("5000"))
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("1200.50"), status=status)
    committed, spent = scheme.totals()
    assert _is_money(committed) and _is_money(spent)
    assert committed + spent == Decimal("1200.50")


def test_leaving_out_the_only_mobility_gives_decimal_zero(faculty_a):
    scheme = FundingSchemeFactory(budget=Decimal("5000"))
    only = MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("300"))
    committed, spent = scheme.totals(excluding=only.pk)
    assert _is_money(committed) and _is_money(spent)
    assert (committed, spent) == (Decimal(0), Decimal(0))


def test_totals_agree_with_the_annotated_list(faculty_a):
    scheme = FundingSchemeFactory(budget=Decimal("5000"))
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("100.25"), status=Status.APPROVED)
    annotated = FundingScheme.objects.with_totals().get(pk=scheme.pk)
    assert scheme.totals() == (annotated.committed, annotated.spent) == (Decimal("100.25"), Decimal(0))
    assert _is_money(annotated.spent)
