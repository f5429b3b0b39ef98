"""The contract badges, counts and filter say ``EXPIRY_WARNING_DAYS``, in the language of the
page, never a figure of their own."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

import staff
from staff.models import EXPIRY_WARNING_DAYS
from tests.factories import ContractFactory, StaffMemberFactory

TEMPLATES = Path(staff.__file__).parent / "templates"
DAYS = EXPIRY_WARNING_DAYS

LABELS = {
    "en": {"contract": f"Contract ends within {DAYS} days", "permit": f"Work permit expires within {DAYS} days",
           "contracts": f"1 active contract ends within {DAYS} days",
           "permits": f"1 work permit expires within {DAYS} days"},
    "zh-hans": {"contract": f"合同将于 {DAYS} 天内到期", "permit": f"工作许可将于 {DAYS} 天内到期",
                "contracts": f"共有 1 份生效中的合同将于 {DAYS} 天内到期",
                "permits": f"共有 1 份工作许可将于 {DAYS} 天内到期"},
}


@pytest.fixture
def expiring_contract(faculty_a):
    soon = timezone.localdate() + datetime.timedelta(days=10)
    return ContractFactory(staff_member=StaffMemberFactory(faculty=faculty_a), ends_on=soon,
                           work_permit_expires_on=soon)


@pytest.mark.parametrize("languages", [("en", "zh-hans"), ("zh-hans", "en")])
def test_the_office_reads_the_expiry_warnings_in_the_language_of_each_page(settings, office_client,
                                                                           expiring_contract, languages):
    member = expiring_contract.staff_member
    for language in languages:
        settings.LANGUAGE_CODE = language
        labels = LABELS[language]
        contract_list = office_client.get(reverse("staff:contract-list"))
        choices = dict(contract_list.context["filter"].form.fields["expiring"].choices)
        assert (str(choices["contract"]), str(choices["work_permit"])) == (labels["contract"], labels["permit"])
        html = contract_list.content.decode()
        for label in labels.values():
            assert label in html, (language, label)
        for page in (expiring_contract.get_absolute_url(), member.get_absolute_url()):
            html = office_client.get(page).content.decode()
            assert labels["contract"] in html and labels["permit"] in html, (language, page)
        assert labels["contract"] in office_client.get(reverse("staff:staffmember-list")).content.decode()


def test_no_staff_template_writes_a_number_of_days_of_its_own():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"within \d+ days", text), template.name
