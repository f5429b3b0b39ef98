"""Numbers as people read them (issue 16): money with two decimals and separators, counts and
whole weights without decimals, in either language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from intlportal.templatetags.portal import count, money


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_money_has_two_decimals_and_thousands_separators(language):
    with translation.override(language):
        assert money(Decimal("750000.07")) == "750,000.07"
        assert money(Decimal("5000")) == "5,000.00"
        assert money(None) == "—"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_count_or_a_whole_weight_has_no_decimals(language):
    with translation.override(language):
        assert count(Decimal("5.00")) == "5"
        assert count(Decimal("1.00")) == "1"
        assert count(12345) == "12,345"
        assert count(Decimal("2.50")) == "2.5"
        assert count("") == "—"
