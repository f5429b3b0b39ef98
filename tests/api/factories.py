"""Factories the API tests need whose app section of tests/factories.py is still empty."""

from __future__ import annotations

import datetime

import factory

from exchanges.models import Agreement, Event, FundingScheme, Mobility, PartnerInstitution, StudentLanguageTest
from tests.factories import FacultyFactory


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerInstitution

    name = factory.Sequence(lambda n: f"University of Somewhere {n}")
    name_en = factory.LazyAttribute(lambda p: p.name)
    country = "GB"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    kind = Agreement.Kind.STUDENT_EXCHANGE
    title = factory.Sequence(lambda n: f"Student exchange agreement {n}")
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2029, 12, 31)
    status = Agreement.Status.ACTIVE

    @factory.post_generation
    def faculties(self, create, extracted, **kwargs):
        if create and extracted:
            self.faculties.set(extracted)


class FundingSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingScheme

    name = factory.Sequence(lambda n: f"Overseas Study fund {n}")
    year = 2025
    budget = 500000


class MobilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mobility

    faculty = factory.SubFactory(FacultyFactory)
    direction = Mobility.Direction.OUTBOUND
    person_kind = Mobility.PersonKind.STUDENT
    person_name = factory.Sequence(lambda n: f"学生{n}")
    person_id = factory.Sequence(lambda n: f"S{n:08d}")
    country = "JP"
    activity = Mobility.Activity.SEMESTER_EXCHANGE
    starts_on = datetime.date(2025, 3, 1)
    ends_on = datetime.date(2025, 7, 31)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    faculty = factory.SubFactory(FacultyFactory)
    kind = Event.Kind.CONFERENCE_HOSTED
    title = factory.Sequence(lambda n: f"International conference {n}")
    date = datetime.date(2025, 10, 20)
    participants_total = 120
    participants_foreign = 30


class StudentLanguageTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentLanguageTest

    faculty = factory.SubFactory(FacultyFactory)
    student_id = factory.Sequence(lambda n: f"S{n:08d}")
    test = StudentLanguageTest.Test.IELTS
    date = datetime.date(2025, 5, 10)
    score = 6.5
