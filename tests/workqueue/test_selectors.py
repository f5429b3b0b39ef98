"""The work queue asks the models what is due: each section is the model's queryset method,
with only joins and an order added (issue 13: its own copy of "overdue reports" once counted
students)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from exchanges.models import AgreementQuerySet, MobilityQuerySet
from staff.models import ContractQuerySet
from tests.factories import AgreementFactory, ContractFactory, MobilityFactory, days
from workqueue import selectors

pytestmark = pytest.mark.django_db

SECTIONS = [
    (selectors.mobilities_to_review, MobilityQuerySet, "awaiting_approval"),
    (selectors.agreements_expiring, AgreementQuerySet, "expiring_within"),
    (selectors.contracts_expiring, ContractQuerySet, "expiring_within"),
    (selectors.permits_expiring, ContractQuerySet, "work_permit_expiring_within"),
    (selectors.reports_overdue, MobilityQuerySet, "report_overdue"),
]


@pytest.fixture
def due_and_not_due(faculty_a):
    """Records on both sides of every section's rule."""
    AgreementFactory(faculties=[faculty_a], ends_on=days(45))
    AgreementFactory(faculties=[faculty_a], ends_on=days(200))
    AgreementFactory(faculties=[faculty_a], ends_on=days(10), status="draft")
    ContractFactory(staff_member__faculty=faculty_a, ends_on=days(60), work_permit_expires_on=days(20))
    ContractFactory(staff_member__faculty=faculty_a, ends_on=days(300), work_permit_expires_on=days(200))
    MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-40), person_id="T1")
    MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-40), person_id="T2", reported=True)
    MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-40), person_id="S1", person_kind="student")
    MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-10), person_id="T3")
    MobilityFactory(faculty=faculty_a, person_id="T4", status="submitted", submitted_at=timezone.now())
    MobilityFactory(faculty=faculty_a, person_id="T5", status="planned")


@pytest.mark.parametrize(("selector", "queryset_class", "method"), SECTIONS,
                         ids=[s[0].__name__ for s in SECTIONS])
def test_each_section_is_the_models_own_rule(due_and_not_due, monkeypatch, selector, queryset_class, method):
    rule = getattr(queryset_class, method)
    asked = []

    def spy(self, *args, **kwargs):
        asked.append((args, kwargs))
        return rule(self, *args, **kwargs)

    monkeypatch.setattr(queryset_class, method, spy)
    shown = list(selector())
    assert asked, f"{selector.__name__} restates {queryset_class.__name__}.{method} instead of calling it"
    assert shown, "the fixture has a due record for every section"
    everything = type(shown[0]).objects.all()
    assert {obj.pk for obj in shown} == set(rule(everything).values_list("pk", flat=True))
