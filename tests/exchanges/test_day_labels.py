"""The exchanges' pages say the rules' own numbers of days (``EXPIRY_WARNING_DAYS``,
``REPORT_DUE_DAYS``), in the language of the page, never a figure of their own."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

import exchanges
from exchanges.models import EXPIRY_WARNING_DAYS, REPORT_DUE_DAYS, Mobility
from tests.factories import MobilityFactory

TEMPLATES = Path(exchanges.__file__).parent / "templates"


def validity_label(client) -> str:
    form = client.get(reverse("exchanges:agreement-list")).context["filter"].form
    return dict(form.fields["validity"].choices)["expiring"]


@pytest.mark.parametrize("languages", [("en", "zh-hans"), ("zh-hans", "en")])
def test_the_agreements_expiring_choice_speaks_the_language_of_each_page(settings, office_client, languages):
    expected = {"en": f"Expiring within {EXPIRY_WARNING_DAYS} days", "zh-hans": f"{EXPIRY_WARNING_DAYS} 天内到期"}
    for language in languages:
        settings.LANGUAGE_CODE = language
        assert str(validity_label(office_client)) == expected[language]


@pytest.mark.parametrize(("language", "overdue", "not_yet"), [
    ("en", "The post-exchange report is overdue: it is due within {days} days of the end of the exchange.",
     "No report yet. Teachers returning from abroad report within {days} days."),
    ("zh-hans", "交流总结报告已逾期：应在交流结束后 {days} 天内提交。",
     "尚未提交总结报告。教师回国后应在 {days} 天内提交。"),
])
def test_a_mobility_page_says_when_the_report_is_due(settings, office_client, faculty_a, language, overdue, not_yet):
    settings.LANGUAGE_CODE = language
    ended = timezone.localdate() - datetime.timedelta(days=REPORT_DUE_DAYS + 10)
    mobility = MobilityFactory(faculty=faculty_a, starts_on=ended - datetime.timedelta(days=7), ends_on=ended,
                               status=Mobility.Status.COMPLETED)
    page = office_client.get(mobility.get_absolute_url()).content.decode()
    assert overdue.format(days=REPORT_DUE_DAYS) in page
    assert not_yet.format(days=REPORT_DUE_DAYS) in page


def test_no_exchanges_template_writes_a_number_of_days_of_its_own():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"within \d+ days", text), template.name
