"""factory_boy factories for every record kind, one section per app.

Defaults give distinct import keys (the database holds them unique), and dates are relative to
the portal's own today (``timezone.localdate()``, Asia/Shanghai), never the machine's.

Traits name the variants tests need:

* ``in_2025``: a record the 2025 assessment counts, with the fixed dates and kinds the
  assessment tests are written against (``tests/assessment``);
* ``returned`` (mobility): a completed trip whose report falls due; pass ``ends_on`` to say
  when it ended (reminders, the work queue); ``reported``: its report is in.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from assessment.models import IncentivePool, Indicator, Target
from exchanges.models import (
    Agreement,
    Event,
    FundingScheme,
    Mobility,
    PartnerInstitution,
    StudentLanguageTest,
)
from faculties.models import (
    CoordinatorMembership,
    Discipline,
    Faculty,
    FacultyYear,
    InternationalizationPlan,
    LeadingGroupMember,
    PlanTarget,
    SiteUpdate,
)
from intlportal.models import User
from notifications.models import Notification
from programs.models import (
    CooperativeProgram,
    ProgramCourse,
    ProgramEnrollment,
    ProgramStatusChange,
    ProgramTeacherTraining,
)
from staff.models import (
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    StaffStanding,
    TeachingAssignment,
    TeachingEvaluation,
)
from trips.models import (
    CustodyEvent,
    TravelDocument,
    Trip,
    TripCountry,
    TripDay,
    TripMember,
    TripObjection,
    TripPlan,
    Visa,
)
from visits.models import ProgrammeItem, Visit, VisitMember


def today() -> datetime.date:
    """The portal's today: between 16:00 and 24:00 UTC it is already tomorrow in Shanghai."""
    return timezone.localdate()


def days(n: int) -> datetime.date:
    """``n`` days from today (negative: ago)."""
    return today() + datetime.timedelta(days=n)


def unverified_trait() -> factory.Trait:
    """The ``unverified`` trait of the kinds the office verifies: entered by a coordinator and
    not verified yet (pending, counting nothing).  Without it a record is verified, as what the
    office enters is."""
    return factory.Trait(verification="pending", verified_at=None)


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

    class Params:
        unverified = unverified_trait()

    faculty = factory.SubFactory(FacultyFactory)
    year = 2025
    teachers = 100
    students = 2000


class SiteUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteUpdate

    class Params:
        unverified = unverified_trait()

    faculty = factory.SubFactory(FacultyFactory)
    updated_on = factory.Sequence(lambda n: datetime.date(2025, 1, 1) + datetime.timedelta(days=n))
    url = "https://en.example.edu.cn/"
    note = "News and programs updated"


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


class PlanTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanTarget

    plan = factory.SubFactory(PlanFactory)
    indicator = "partners"
    year = factory.LazyAttribute(lambda t: t.plan.first_year)
    value = 3


# --- staff -----------------------------------------------------------------------------


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    class Params:
        unverified = unverified_trait()

    faculty = factory.SubFactory(FacultyFactory)
    staff_no = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"教师{n}")
    category = StaffMember.Category.DOMESTIC
    title = StaffMember.Title.LECTURER
    hired_on = datetime.date(2015, 9, 1)


class StaffStandingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffStanding

    staff_member = factory.SubFactory(StaffMemberFactory)
    effective_on = datetime.date(2025, 1, 1)
    category = StaffMember.Category.DOMESTIC
    has_overseas_degree = False


class ForeignTeacherFactory(StaffMemberFactory):
    name = factory.Sequence(lambda n: f"Teacher {n}")
    nationality = "GB"
    category = StaffMember.Category.FOREIGN_TEACHER


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForeignTeacherContract

    staff_member = factory.SubFactory(ForeignTeacherFactory)
    category = ForeignTeacherContract.Category.LANGUAGE
    # A teacher's contracts start on different days ((staff member, start) is unique).
    starts_on = factory.Sequence(lambda n: days(-300 - n % 200))
    ends_on = factory.LazyFunction(lambda: days(400))
    salary = 18500
    work_permit_no = factory.Sequence(lambda n: f"WP-SECRET-{n:06d}")
    work_permit_expires_on = factory.LazyFunction(lambda: days(400))


class TeachingAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingAssignment

    class Params:
        unverified = unverified_trait()

    staff_member = factory.SubFactory(ForeignTeacherFactory)
    semester = "2025-2026-1"
    course = factory.Sequence(lambda n: f"Academic English {n}")
    hours = 32
    context = TeachingAssignment.Context.GENERAL


class TeachingEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingEvaluation

    staff_member = factory.SubFactory(ForeignTeacherFactory)
    semester = "2025-2026-1"
    source = TeachingEvaluation.Source.STUDENTS
    course = factory.Sequence(lambda n: f"Course {n}")
    score = 90


class LanguageAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LanguageAssessment

    class Params:
        unverified = unverified_trait()

    staff_member = factory.SubFactory(StaffMemberFactory)
    date = datetime.date(2025, 6, 1)
    language = "English"
    result = LanguageAssessment.Result.PASS
    score = 85


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    class Params:
        in_2025 = factory.Trait(year=2025)
        unverified = unverified_trait()

    staff_member = factory.SubFactory(StaffMemberFactory)
    year = 2024
    title = factory.Sequence(lambda n: f"A study of internationalization, part {n}")
    journal = "Journal of Studies in International Education"
    is_international = True


# --- programs --------------------------------------------------------------------------


class CooperativeProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperativeProgram

    code = factory.Sequence(lambda n: f"P{n:04d}")
    faculty = factory.SubFactory(FacultyFactory)
    name_zh = factory.Sequence(lambda n: f"中外合作办学项目{n}")
    name_en = factory.Sequence(lambda n: f"Joint Program {n}")
    level = CooperativeProgram.Level.BACHELOR
    status = CooperativeProgram.Status.ENROLLING
    approval_no = factory.Sequence(lambda n: f"MOE00XX{n:04d}N")
    approved_on = datetime.date(2020, 6, 1)
    expires_on = datetime.date(2030, 6, 1)


class ProgramStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramStatusChange

    program = factory.SubFactory(CooperativeProgramFactory)
    status = CooperativeProgram.Status.APPROVED
    effective_on = datetime.date(2020, 6, 1)


class ProgramCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramCourse

    program = factory.SubFactory(CooperativeProgramFactory)
    course = factory.Sequence(lambda n: f"Course {n}")
    credits = 3
    hours = 48
    is_core = False
    is_introduced = False
    partner_taught_hours = 0


class ProgramEnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramEnrollment

    program = factory.SubFactory(CooperativeProgramFactory)
    year = factory.Sequence(lambda n: 2000 + n % 90)
    students = 60


class ProgramTeacherTrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramTeacherTraining

    class Params:
        unverified = unverified_trait()

    program = factory.SubFactory(CooperativeProgramFactory)
    year = 2025
    date = datetime.date(2025, 7, 10)
    title = factory.Sequence(lambda n: f"教学能力培训 {n}")
    participants = 12


# --- exchanges -------------------------------------------------------------------------


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerInstitution
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"University of Testland {n}")
    country = "GB"
    kind = PartnerInstitution.Kind.UNIVERSITY
    domains = factory.Sequence(lambda n: [f"testland{n}.ac.uk"])


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    class Params:
        in_2025 = factory.Trait(
            kind=Agreement.Kind.FRAMEWORK,
            starts_on=datetime.date(2024, 1, 1),
            ends_on=datetime.date(2028, 12, 31),
        )

    partner = factory.SubFactory(PartnerFactory)
    kind = Agreement.Kind.STUDENT_EXCHANGE
    title = factory.Sequence(lambda n: f"学生交流协议 {n}")
    starts_on = factory.LazyFunction(lambda: days(-365))
    ends_on = factory.LazyFunction(lambda: days(3 * 365))
    status = Agreement.Status.ACTIVE

    @factory.post_generation
    def faculties(self, create, extracted, **kwargs):
        if create and extracted:
            self.faculties.set(extracted)


class FundingSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingScheme

    name = factory.Sequence(lambda n: f"出国留学基金 {n}")
    year = factory.LazyFunction(lambda: today().year)
    budget = 100000


class MobilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mobility

    class Params:
        in_2025 = factory.Trait(
            country="US",
            starts_on=datetime.date(2025, 3, 1),
            ends_on=datetime.date(2025, 3, 10),
            status=Mobility.Status.COMPLETED,
        )
        returned = factory.Trait(
            status=Mobility.Status.COMPLETED,
            ends_on=factory.LazyFunction(lambda: days(-40)),
            starts_on=factory.LazyAttribute(lambda m: m.ends_on - datetime.timedelta(days=10)),
        )
        reported = factory.Trait(report_submitted_at=factory.LazyFunction(timezone.now))
        unverified = unverified_trait()

    faculty = factory.SubFactory(FacultyFactory)
    direction = Mobility.Direction.OUTBOUND
    person_kind = Mobility.PersonKind.TEACHER
    person_name = factory.Sequence(lambda n: f"教师{n}")
    person_id = factory.Sequence(lambda n: f"T{n:05d}")
    country = "GB"
    activity = Mobility.Activity.VISIT
    starts_on = factory.LazyFunction(lambda: days(30))
    ends_on = factory.LazyAttribute(lambda m: m.starts_on + datetime.timedelta(days=14))
    status = Mobility.Status.PLANNED


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    class Params:
        unverified = unverified_trait()
        in_2025 = factory.Trait(kind=Event.Kind.CONFERENCE_HOSTED, date=datetime.date(2025, 5, 20))

    faculty = factory.SubFactory(FacultyFactory)
    kind = Event.Kind.OVERSEAS_SCHOLAR_LECTURE
    title = factory.Sequence(lambda n: f"海外学者讲座 {n}")
    date = factory.LazyFunction(today)
    participants_total = 80
    participants_foreign = 5


class StudentLanguageTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentLanguageTest

    faculty = factory.SubFactory(FacultyFactory)
    student_id = factory.Sequence(lambda n: f"2023{n:06d}")
    test = StudentLanguageTest.Test.IELTS
    date = factory.LazyFunction(today)
    score = 6.5


# --- assessment ------------------------------------------------------------------------


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


# --- notifications ---------------------------------------------------------------------


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "plan_submitted"
    record_label = factory.Sequence(lambda n: f"国际化发展规划 {n}")
    url = "/"


# --- trips abroad ------------------------------------------------------------------------


INVITATION_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class TripFactory(factory.django.DjangoModelFactory):
    """A draft application, far enough ahead for any notice period."""

    class Meta:
        model = Trip

    faculty = factory.SubFactory(FacultyFactory)
    title = factory.Sequence(lambda n: f"赴日本学术交流 {n}")
    purpose = Trip.Purpose.CONFERENCE
    inviting_institution = "东京大学"
    departs_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    returns_on = factory.LazyAttribute(lambda trip: trip.departs_on + datetime.timedelta(days=7))
    funding_source = Trip.Funding.HOST
    in_annual_plan = True
    budget_travel = Decimal("8000")
    # A submission needs the invitation letter (trips.services._complete): a small valid PDF.
    invitation = factory.django.FileField(filename="invitation.pdf", data=INVITATION_PDF)


class TripMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TripMember

    trip = factory.SubFactory(TripFactory)
    staff_member = factory.SubFactory(StaffMemberFactory, faculty=factory.SelfAttribute("..trip.faculty"))
    role = TripMember.Role.LEADER


class TripCountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TripCountry

    trip = factory.SubFactory(TripFactory)
    country = "JP"
    arrives_on = factory.SelfAttribute("trip.departs_on")
    leaves_on = factory.SelfAttribute("trip.returns_on")


class TripDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TripDay

    trip = factory.SubFactory(TripFactory)
    day = factory.SelfAttribute("trip.departs_on")
    place = "东京"
    activities = "抵达东京，与东京大学国际部座谈。"


class VisaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visa

    member = factory.SubFactory(TripMemberFactory)
    country = "JP"
    kind = Visa.Kind.OFFICIAL
    status = Visa.Status.APPLIED


class TripObjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TripObjection

    trip = factory.SubFactory(TripFactory)
    text = "出访人员名单与公示不一致。"


class TripPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TripPlan

    faculty = factory.SubFactory(FacultyFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    planned_trips = 4
    planned_people = 10
    countries = "日本、德国、美国"
    budget = Decimal("200000")


class TravelDocumentFactory(factory.django.DjangoModelFactory):
    """An official passport in the office's custody, valid for years."""

    class Meta:
        model = TravelDocument

    holder = factory.SubFactory(StaffMemberFactory)
    kind = TravelDocument.Kind.OFFICIAL
    number = factory.Sequence(lambda n: f"P{n:07d}")
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365 * 4))


class CustodyEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustodyEvent

    document = factory.SubFactory(TravelDocumentFactory)
    custody = TravelDocument.Custody.IN_OFFICE
    on = factory.LazyFunction(timezone.localdate)


# --- foreign visits (visits/) ------------------------------------------------------------------

class VisitFactory(factory.django.DjangoModelFactory):
    """A draft visit a month ahead: a delegation of a named institution, received by the faculty."""

    class Meta:
        model = Visit

    faculty = factory.SubFactory(FacultyFactory)
    title = factory.Sequence(lambda n: f"德国亚琛工业大学代表团来访 {n}")
    institution = "RWTH Aachen University"
    country = "DE"
    delegation_leader = "Prof. Anna Schmidt"
    delegation_leader_position = "Dean, Faculty of Mechanical Engineering"
    purpose = Visit.Purpose.ACADEMIC_EXCHANGE
    arrives_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    leaves_on = factory.LazyAttribute(lambda visit: visit.arrives_on + datetime.timedelta(days=2))
    funding_source = Visit.Funding.FACULTY
    budget_meals = Decimal("3000")


class VisitMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitMember

    visit = factory.SubFactory(VisitFactory)
    name = factory.Sequence(lambda n: f"Visitor {n}")
    nationality = "DE"
    position = "Professor"
    passport_number = factory.Sequence(lambda n: f"C{n:08d}")
    date_of_birth = datetime.date(1975, 5, 17)


class ProgrammeItemFactory(factory.django.DjangoModelFactory):
    """A lecture on the visit's first day."""

    class Meta:
        model = ProgrammeItem

    visit = factory.SubFactory(VisitFactory)
    day = factory.LazyAttribute(lambda item: item.visit.arrives_on)
    kind = ProgrammeItem.Kind.LECTURE
    title = factory.Sequence(lambda n: f"Lecture on additive manufacturing {n}")
    speaker = "Prof. Anna Schmidt"
    place = "机械楼 101"
    participants = 60
