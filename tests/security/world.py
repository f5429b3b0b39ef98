"""The records the permission matrix asks about, each of faculty A, made on first use.

Only what a URL needs is created, so a test of one URL builds one or two records.
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.core.files.base import ContentFile
from django.utils import timezone

from api.services import token_issue
from assessment.models import IncentivePool, Indicator, Target
from assessment.publishing import publish
from assessment.services import assessment_run
from dataexchange.models import ImportJob
from exchanges.models import Mobility
from faculties.models import CoordinatorMembership, InternationalizationPlan, PlanAttachment
from programs.models import CooperativeProgram
from tests import factories
from trips.models import CalendarFeed

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class World:
    def __init__(self, *, faculty_a, faculty_b, office, leader, own, other):
        self.faculty_a = faculty_a
        self.faculty_b = faculty_b
        self.office = office
        self.leader = leader
        self.own = own
        self.other = other

    # --- accounts (accounts/): fixtures go here --------------------------------------------------
    @cached_property
    def account(self):
        """An active coordinator account of faculty A (not a persona: deactivating it locks nobody out)."""
        user = factories.UserFactory(username="someone_of_a", staff_no="20190001", roles=["coordinator"])
        CoordinatorMembership.objects.create(user=user, faculty=self.faculty_a)
        return user

    @cached_property
    def inactive_account(self):
        """An account made inactive at a first campus sign-in, awaiting the office."""
        return factories.UserFactory(username="newcomer", staff_no="20260099", is_active=False)

    # --- foreign visits (visits/): fixtures go here ---------------------------------------------
    @cached_property
    def visit(self):
        """A draft visit of faculty A, with one member and one lecture."""
        visit = factories.VisitFactory(faculty=self.faculty_a)
        factories.VisitMemberFactory(visit=visit)
        factories.ProgrammeItemFactory(visit=visit)
        return visit

    @cached_property
    def visit_member(self):
        return self.visit.members.get()


    # --- documents (documents/): fixtures go here -----------------------------------------------
    @cached_property
    def documents_visit_member(self):
        """A member of an approved visit of faculty A, with passport data (for the visa invitation)."""
        return factories.VisitMemberFactory(visit=factories.VisitFactory(faculty=self.faculty_a,
                                                                         status="office_approved"))

    @cached_property
    def trip_document(self):
        """The approval form of faculty A's trip, made by the office (no personal data)."""
        from documents.rendering import generate

        return generate(kind="trip_approval", record=self.trip, by=self.office)

    @cached_property
    def visa_document(self):
        """A visa invitation (personal data) for a member of a visit of faculty A."""
        from documents.rendering import generate

        return generate(kind="visa_invitation", record=self.documents_visit_member, by=self.office)


    # --- trips abroad ------------------------------------------------------------------------
    @cached_property
    def trip(self):
        trip = factories.TripFactory(faculty=self.faculty_a)
        factories.TripMemberFactory(trip=trip)
        factories.TripCountryFactory(trip=trip)
        return trip

    @cached_property
    def trip_member(self):
        return self.trip.members.get()

    # --- trips: passports and permits ---
    @cached_property
    def travel_document(self):
        return factories.TravelDocumentFactory(holder=factories.StaffMemberFactory(faculty=self.faculty_a))

    # --- trips: briefing, visas, travel, report, spending ---
    @cached_property
    def cleared_trip(self):
        """A trip of faculty A approved for travel, its member not briefed yet, with a visa applied for."""
        trip = factories.TripFactory(faculty=self.faculty_a, status="cleared")
        member = factories.TripMemberFactory(trip=trip)
        factories.TripCountryFactory(trip=trip)
        factories.VisaFactory(member=member, country="JP")
        return trip

    @cached_property
    def trip_visa(self):
        return self.cleared_trip.members.get().visas.get()

    @cached_property
    def back_trip(self):
        """A trip of faculty A back home, its report filed as a PDF."""
        trip = factories.TripFactory(faculty=self.faculty_a, status="back", report_text="出访报告",
                                     report_submitted_at=timezone.now())
        factories.TripMemberFactory(trip=trip)
        factories.TripCountryFactory(trip=trip)
        trip.report_file.save("report.pdf", ContentFile(PDF_BYTES))
        return trip

    # --- trips: change requests, annual plan, itinerary, invitation, objections ---
    @cached_property
    def trip_plan(self):
        return factories.TripPlanFactory(faculty=self.faculty_a)

    @cached_property
    def trip_objection(self):
        return factories.TripObjectionFactory(trip=self.trip)

    # --- trips: calendar and iCalendar feed ---
    @cached_property
    def calendar_feed(self):
        return CalendarFeed.objects.create(user=self.own, token="world-calendar-feed-token-0123456789")

    # --- faculties ------------------------------------------------------------------------------
    @cached_property
    def discipline(self):
        return factories.DisciplineFactory(faculty=self.faculty_a)

    @cached_property
    def faculty_year(self):
        # Not 2025: the assessment run makes its own 2025 figures, and one test may need both.
        return factories.FacultyYearFactory(faculty=self.faculty_a, year=2024)

    @cached_property
    def site_update(self):
        return factories.SiteUpdateFactory(faculty=self.faculty_a)

    @cached_property
    def leading_group_member(self):
        return factories.LeadingGroupMemberFactory(faculty=self.faculty_a)

    @cached_property
    def membership(self):
        return CoordinatorMembership.objects.get(user=self.own, faculty=self.faculty_a)

    @cached_property
    def plan(self):
        return factories.PlanFactory(faculty=self.faculty_a)

    @cached_property
    def submitted_plan(self):
        return factories.PlanFactory(faculty=self.faculty_a, first_year=2027, last_year=2029,
                                     status=InternationalizationPlan.Status.SUBMITTED)

    @cached_property
    def plan_target(self):
        return factories.PlanTargetFactory(plan=self.plan)

    @cached_property
    def plan_attachment(self):
        attachment = PlanAttachment(plan=self.plan, title="Plan annex")
        attachment.file.save("annex.pdf", ContentFile(PDF_BYTES), save=False)
        attachment.save()
        return attachment

    # --- staff ---------------------------------------------------------------------------------
    @cached_property
    def staff_member(self):
        return factories.StaffMemberFactory(faculty=self.faculty_a)

    @cached_property
    def foreign_teacher(self):
        return factories.ForeignTeacherFactory(faculty=self.faculty_a)

    @cached_property
    def contract(self):
        return factories.ContractFactory(staff_member=self.foreign_teacher)

    @cached_property
    def teaching_assignment(self):
        return factories.TeachingAssignmentFactory(staff_member=self.foreign_teacher)

    @cached_property
    def evaluation(self):
        return factories.TeachingEvaluationFactory(staff_member=self.foreign_teacher)

    @cached_property
    def language_assessment(self):
        return factories.LanguageAssessmentFactory(staff_member=self.staff_member)

    @cached_property
    def publication(self):
        return factories.PublicationFactory(staff_member=self.staff_member)

    # --- exchanges ------------------------------------------------------------------------------
    @cached_property
    def partner(self):
        return factories.PartnerFactory()

    @cached_property
    def agreement(self):
        return factories.AgreementFactory(partner=self.partner, faculties=[self.faculty_a])

    @cached_property
    def agreement_with_document(self):
        agreement = factories.AgreementFactory(partner=self.partner, faculties=[self.faculty_a])
        agreement.document.save("signed.pdf", ContentFile(PDF_BYTES))
        return agreement

    @cached_property
    def funding_scheme(self):
        return factories.FundingSchemeFactory()

    @cached_property
    def mobility(self):
        return factories.MobilityFactory(faculty=self.faculty_a)

    @cached_property
    def submitted_mobility(self):
        return factories.MobilityFactory(faculty=self.faculty_a, status="submitted", submitted_at=timezone.now())

    @cached_property
    def completed_mobility(self):
        past = timezone.localdate() - datetime.timedelta(days=60)
        return factories.MobilityFactory(faculty=self.faculty_a, status=Mobility.Status.COMPLETED,
                                         starts_on=past, ends_on=past + datetime.timedelta(days=14))

    @cached_property
    def reported_mobility(self):
        mobility = self.completed_mobility
        mobility.report_text = "We visited the partner and agreed on a joint summer school."
        mobility.report_file.save("report.pdf", ContentFile(PDF_BYTES))
        return mobility

    @cached_property
    def event(self):
        return factories.EventFactory(faculty=self.faculty_a)

    @cached_property
    def deleted_event_history_id(self) -> int:
        event = factories.EventFactory(faculty=self.faculty_a)
        pk = event.pk
        event.delete()
        return event.history.model.objects.get(id=pk, history_type="-").history_id

    @cached_property
    def language_test(self):
        return factories.StudentLanguageTestFactory(faculty=self.faculty_a)

    # --- programs ---------------------------------------------------------------------------------
    @cached_property
    def program(self):
        return factories.CooperativeProgramFactory(faculty=self.faculty_a, status=CooperativeProgram.Status.PROPOSED)

    @cached_property
    def enrollment(self):
        return factories.ProgramEnrollmentFactory(program=self.program)

    @cached_property
    def course(self):
        return factories.ProgramCourseFactory(program=self.program)

    @cached_property
    def training(self):
        return factories.ProgramTeacherTrainingFactory(program=self.program)

    # --- assessment ---------------------------------------------------------------------------------
    @cached_property
    def assessed_year(self) -> int:
        self.assessment_run  # noqa: B018 - the run of that year must exist
        return 2025

    @cached_property
    def assessment_run(self):
        factories.FacultyYearFactory(faculty=self.faculty_a, year=2025)
        factories.FacultyYearFactory(faculty=self.faculty_b, year=2025)
        return assessment_run(year=2025, by=self.office)

    @cached_property
    def published_year(self) -> int:
        publish(self.assessment_run, by=self.office)
        return self.assessment_run.year

    @cached_property
    def indicator(self):
        return Indicator.objects.order_by("pk").first()

    @cached_property
    def target(self):
        return Target.objects.create(faculty=self.faculty_a, year=2025, indicator=self.indicator, value=3)

    @cached_property
    def pool(self):
        return IncentivePool.objects.create(year=2025, amount=1_000_000, threshold=60)

    # --- import jobs, notifications, API tokens ------------------------------------------------------
    @cached_property
    def import_job(self):
        return ImportJob.objects.create(user=self.own, kind="mobilities", original_name="mobilities.xlsx",
                                        status=ImportJob.Status.CHECKED, total=0)

    @cached_property
    def notification(self):
        return factories.NotificationFactory(recipient=self.own)

    @cached_property
    def api_token(self):
        token, _key = token_issue(user=self.leader, name="Reporting system", by=self.office)
        return token
