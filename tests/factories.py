"""factory_boy factories for every record kind.  Apps add theirs below their section."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group

from faculties.models import (
    CoordinatorMembership,
    Discipline,
    Faculty,
    FacultyYear,
    InternationalizationPlan,
    LeadingGroupMember,
)
from intlportal.models import User

# --- accounts --------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.edu.cn")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


# --- faculties -------------------------------------------------------------------------


class FacultyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Faculty
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"F{n:03d}")
    name_zh = factory.Sequence(lambda n: f"第{n}学院")
    name_en = factory.Sequence(lambda n: f"School No. {n}")


class DisciplineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discipline

    faculty = factory.SubFactory(FacultyFactory)
    name_zh = factory.Sequence(lambda n: f"学科{n}")
    name_en = factory.Sequence(lambda n: f"Discipline {n}")


class FacultyYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacultyYear

    faculty = factory.SubFactory(FacultyFactory)
    year = 2025
    teachers = 100
    students = 2000


class LeadingGroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadingGroupMember

    faculty = factory.SubFactory(FacultyFactory)
    name = factory.Sequence(lambda n: f"组员{n}")
    position = "副院长"
    group_role = LeadingGroupMember.GroupRole.MEMBER


class CoordinatorMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinatorMembership

    user = factory.SubFactory(UserFactory, roles=["coordinator"])
    faculty = factory.SubFactory(FacultyFactory)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InternationalizationPlan

    faculty = factory.SubFactory(FacultyFactory)
    first_year = 2024
    last_year = 2026
    title = factory.Sequence(lambda n: f"国际化发展规划 {n}")


def today() -> datetime.date:
    return datetime.date.today()


# --- staff (issue: foreign teachers, staff records and cooperative programs) -------------
# (end of staff factories)

# --- programs ----------------------------------------------------------------------------
# (end of programs factories)

# --- exchanges ---------------------------------------------------------------------------
# (end of exchanges factories)

# --- notifications -----------------------------------------------------------------------
# (end of notifications factories)

# --- assessment --------------------------------------------------------------------------
# (end of assessment factories)

# --- api ---------------------------------------------------------------------------------
# (end of api factories)
