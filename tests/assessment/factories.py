"""Factories for the records the assessment counts.

The staff, exchanges and programs sections of ``tests/factories.py`` were still empty when
the assessment was written; these stay local to the assessment's tests.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from assessment.models import IncentivePool, Indicator, Target
from exchanges.models import Agreement, Event, Mobility, PartnerInstitution
from programs.models import CooperativeProgram, ProgramTeacherTraining
from staff.models import LanguageAssessment, Publication, StaffMember, TeachingAssignment
from tests.factories import FacultyFactory


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    faculty = factory.SubFactory(FacultyFactory)
    staff_no = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"教师{n}")
    category = StaffMember.Category.DOMESTIC
    hired_on = datetime.date(2015, 9, 1)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerInstitution

    name = factory.Sequence(lambda n: f"Partner University {n}")
    country = "GB"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    kind = Agreement.Kind.FRAMEWORK
    title = factory.Sequence(lambda n: f"Agreement {n}")
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2028, 12, 31)
    status = Agreement.Status.ACTIVE

    @factory.post_generation
    def faculties(self, create, extracted, **kwargs):
        if create and extracted:
            self.faculties.set(extracted)


class MobilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mobility

    faculty = factory.SubFactory(FacultyFactory)
    direction = Mobility.Direction.OUTBOUND
    person_kind = Mobility.PersonKind.TEACHER
    person_name = factory.Sequence(lambda n: f"出访人{n}")
    person_id = factory.Sequence(lambda n: f"P{n:06d}")
    country = "US"
    activity = Mobility.Activity.VISIT
    starts_on = datetime.date(2025, 3, 1)
    ends_on = datetime.date(2025, 3, 10)
    status = Mobility.Status.COMPLETED


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    faculty = factory.SubFactory(FacultyFactory)
    kind = Event.Kind.CONFERENCE_HOSTED
    title = factory.Sequence(lambda n: f"International event {n}")
    date = datetime.date(2025, 5, 20)


class TeachingAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingAssignment

    staff_member = factory.SubFactory(StaffMemberFactory, category=StaffMember.Category.FOREIGN_TEACHER)
    semester = "2025-2026-1"
    course = factory.Sequence(lambda n: f"Course {n}")
    hours = 32


class LanguageAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LanguageAssessment

    staff_member = factory.SubFactory(StaffMemberFactory)
    date = datetime.date(2025, 6, 1)
    language = "English"
    result = LanguageAssessment.Result.PASS


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    staff_member = factory.SubFactory(StaffMemberFactory)
    year = 2025
    title = factory.Sequence(lambda n: f"Paper {n}")
    journal = "Journal of Examples"
    is_international = True


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperativeProgram

    code = factory.Sequence(lambda n: f"PRG{n:03d}")
    faculty = factory.SubFactory(FacultyFactory)
    name_zh = factory.Sequence(lambda n: f"合作办学项目{n}")
    level = CooperativeProgram.Level.BACHELOR
    status = CooperativeProgram.Status.ENROLLING


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramTeacherTraining

    program = factory.SubFactory(ProgramFactory)
    year = 2025
    date = datetime.date(2025, 7, 1)
    title = factory.Sequence(lambda n: f"Training {n}")


class IncentivePoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncentivePool
        django_get_or_create = ("year",)

    year = 2025
    amount = Decimal("100000.00")
    threshold = Decimal("60")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    faculty = factory.SubFactory(FacultyFactory)
    year = 2025
    indicator = factory.LazyFunction(lambda: Indicator.objects.get(code="partners"))
    value = Decimal("5")
