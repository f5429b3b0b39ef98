"""The API's endpoints as data, and clients that authenticate with a token.

``ENDPOINTS`` lists every list/detail endpoint with a function that creates one record
belonging to a given faculty (shared kinds such as partners ignore the faculty), so each
test runs once per endpoint.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client

from api import services
from faculties.models import PlanTarget
from intlportal.indicators import IndicatorCode
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    CooperativeProgramFactory,
    DisciplineFactory,
    EventFactory,
    FacultyFactory,
    FacultyYearFactory,
    FundingSchemeFactory,
    LanguageAssessmentFactory,
    LeadingGroupMemberFactory,
    MobilityFactory,
    PartnerFactory,
    PlanFactory,
    ProgramCourseFactory,
    ProgramEnrollmentFactory,
    ProgrammeItemFactory,
    ProgramTeacherTrainingFactory,
    PublicationFactory,
    SiteUpdateFactory,
    StaffMemberFactory,
    StudentLanguageTestFactory,
    TeachingAssignmentFactory,
    TeachingEvaluationFactory,
    TripCountryFactory,
    TripFactory,
    TripMemberFactory,
    VisitFactory,
    VisitMemberFactory,
)

# One headcount per faculty and year: each record gets a year of its own.
_years = itertools.count(1990)


def _plan(faculty):
    plan = PlanFactory(faculty=faculty)
    PlanTarget.objects.create(plan=plan, indicator=IndicatorCode.PARTNERS, year=2025, value=3)
    return plan


def _event(faculty):
    event = EventFactory(faculty=faculty)
    event.partners.add(PartnerFactory())
    return event


def _trip(faculty):
    trip = TripFactory(faculty=faculty)
    TripMemberFactory(trip=trip, staff_member=StaffMemberFactory(faculty=faculty))
    TripCountryFactory(trip=trip)
    return trip


def _visit(faculty):
    visit = VisitFactory(faculty=faculty)
    VisitMemberFactory(visit=visit)
    ProgrammeItemFactory(visit=visit)
    return visit


def _program(faculty):
    program = CooperativeProgramFactory(faculty=faculty)
    program.partners.add(PartnerFactory())
    return program


@dataclass(frozen=True)
class Endpoint:
    name: str
    make: Callable
    # False for kinds every role reads whole (partners, funding schemes).
    scoped: bool = True
    # Queries the list adds to the base five, one per prefetched relation.
    prefetches: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return self.name

    @property
    def list_url(self) -> str:
        return f"/api/v1/{self.name}/"

    def detail_url(self, pk: int) -> str:
        return f"/api/v1/{self.name}/{pk}/"


ENDPOINTS = [
    Endpoint("faculties", lambda faculty: faculty),
    Endpoint("faculty-years", lambda faculty: FacultyYearFactory(faculty=faculty, year=next(_years))),
    Endpoint("site-updates", lambda faculty: SiteUpdateFactory(faculty=faculty)),
    Endpoint("disciplines", lambda faculty: DisciplineFactory(faculty=faculty)),
    Endpoint("leading-group-members", lambda faculty: LeadingGroupMemberFactory(faculty=faculty)),
    Endpoint("plans", _plan, prefetches=("plan targets",)),
    Endpoint("partners", lambda faculty: PartnerFactory(), scoped=False),
    Endpoint("agreements", lambda faculty: AgreementFactory(faculties=[faculty]),
             prefetches=("agreement faculties",)),
    Endpoint("funding-schemes", lambda faculty: FundingSchemeFactory(), scoped=False),
    Endpoint("mobilities", lambda faculty: MobilityFactory(faculty=faculty)),
    Endpoint("events", _event, prefetches=("event partners",)),
    Endpoint("student-language-tests", lambda faculty: StudentLanguageTestFactory(faculty=faculty)),
    Endpoint("staff", lambda faculty: StaffMemberFactory(faculty=faculty)),
    Endpoint("contracts", lambda faculty: ContractFactory(staff_member__faculty=faculty)),
    Endpoint("teaching-assignments", lambda faculty: TeachingAssignmentFactory(staff_member__faculty=faculty)),
    Endpoint("evaluations", lambda faculty: TeachingEvaluationFactory(staff_member__faculty=faculty)),
    Endpoint("language-assessments", lambda faculty: LanguageAssessmentFactory(staff_member__faculty=faculty)),
    Endpoint("publications", lambda faculty: PublicationFactory(staff_member__faculty=faculty)),
    Endpoint("programs", _program, prefetches=("program partners",)),
    Endpoint("program-enrollments", lambda faculty: ProgramEnrollmentFactory(program__faculty=faculty)),
    Endpoint("program-courses", lambda faculty: ProgramCourseFactory(program__faculty=faculty)),
    Endpoint("program-trainings", lambda faculty: ProgramTeacherTrainingFactory(program__faculty=faculty)),
    Endpoint("trips", lambda faculty: _trip(faculty), prefetches=("trip members", "trip countries")),
    Endpoint("visits", _visit, prefetches=("visit members", "visit programme")),
]

SCOPED_ENDPOINTS = [e for e in ENDPOINTS if e.scoped]


def make_records(endpoint: Endpoint, faculty, count: int) -> list:
    """``count`` records of the endpoint's kind in ``faculty`` (faculties: new faculties)."""
    if endpoint.name == "faculties":
        return [FacultyFactory() for _ in range(count)]
    return [endpoint.make(faculty) for _ in range(count)]


def token_client(user, name: str = "test system") -> Client:
    _token, key = services.token_issue(user=user, name=name)
    return Client(headers={"authorization": f"Token {key}"})


@pytest.fixture
def office_token_client(office):
    return token_client(office)


@pytest.fixture
def coord_a_token_client(coord_a):
    return token_client(coord_a)
