"""Official trips abroad (因公出国（境）): the application a faculty files for a group of its
staff, its countries and budget, and where it stands on the approval chain
(``trips.services``)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from exchanges.models import FundingScheme, Mobility, PartnerInstitution
from faculties.models import Faculty
from intlportal import uploads
from intlportal.models import Record
from staff.models import StaffMember

BUDGET_LINES = ("budget_travel", "budget_accommodation", "budget_meals", "budget_incidentals",
                "budget_registration", "budget_other")


#: The actual spending, line by line, recorded when the group is back (same order as BUDGET_LINES).
SPENT_LINES = tuple(name.replace("budget_", "spent_") for name in BUDGET_LINES)


def _money(label):
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=Decimal("0"),
                               validators=[MinValueValidator(0)])


def invitation_upload_to(instance, filename: str) -> str:
    return f"trips/invitations/{uploads.random_name(filename.rsplit('.', 1)[-1].lower()[:5] or 'pdf')}"


def trip_report_upload_to(instance, filename: str) -> str:
    return f"trips/reports/{uploads.random_name('pdf')}"


class TripQuerySet(models.QuerySet):
    def awaiting_leader(self):
        """Approved by the office and waiting for a university leader's approval."""
        return self.filter(status=Trip.Status.OFFICE_APPROVED, needs_leader=True)

    def awaiting_office(self):
        """Waiting for the office: to review (approved by the faculty), or on public notice (to
        approve for travel once it has ended)."""
        return self.filter(status__in=[Trip.Status.FACULTY_APPROVED, Trip.Status.ON_NOTICE])


class Trip(Record):
    """One group's trip abroad (出访团组), applied for by its faculty."""

    class Purpose(models.TextChoices):
        CONFERENCE = "conference", _("Academic conference")
        JOINT_RESEARCH = "joint_research", _("Joint research")
        VISIT = "visit", _("Visit")
        TRAINING = "training", _("Training")
        TEACHING = "teaching", _("Teaching")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        FACULTY_APPROVED = "faculty_approved", _("Approved by the faculty")
        OFFICE_APPROVED = "office_approved", _("Approved by the office")
        LEADER_APPROVED = "leader_approved", _("Approved by the university leader")
        ON_NOTICE = "on_notice", _("On public notice")
        CLEARED = "cleared", _("Approved for travel")
        CHANGING = "changing", _("Change being prepared")
        TRAVELLING = "travelling", _("Travelling")
        BACK = "back", _("Back home")
        CLOSED = "closed", pgettext_lazy("trip", "Closed")
        CHANGES_REQUESTED = "changes_requested", _("Returned for changes")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Funding(models.TextChoices):
        SCHEME = "scheme", _("A funding scheme")
        GRANT = "grant", _("A research grant")
        HOST = "host", _("Paid by the host")

    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.PROTECT, related_name="trips")
    title = models.CharField(_("title"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    partner = models.ForeignKey(PartnerInstitution, verbose_name=_("inviting partner"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="trips")
    inviting_institution = models.CharField(
        _("inviting institution"), max_length=300, blank=True,
        help_text=_("When the inviting institution is not yet a partner."))
    departs_on = models.DateField(_("departs on"))
    returns_on = models.DateField(_("returns on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    funding_source = models.CharField(_("funding source"), max_length=10, choices=Funding.choices)
    funding_scheme = models.ForeignKey(FundingScheme, verbose_name=_("funding scheme"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="trips")
    grant_number = models.CharField(_("research grant number"), max_length=60, blank=True)
    budget_travel = _money(_("international travel"))
    budget_accommodation = _money(_("accommodation"))
    budget_meals = _money(_("meals"))
    budget_incidentals = _money(_("incidentals"))
    budget_registration = _money(_("registration fees"))
    budget_other = _money(_("other costs"))
    in_annual_plan = models.BooleanField(_("in the faculty's annual outbound plan"), default=False)
    outside_plan_reason = models.TextField(_("why outside the annual plan"), blank=True)
    needs_leader = models.BooleanField(_("needs a university leader's approval"), default=False, editable=False)
    notice_starts_on = models.DateField(_("public notice from"), null=True, blank=True, editable=False)
    notice_ends_on = models.DateField(_("public notice until"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    # The invitation letter and its Chinese translation (PDF or image, checked by content).
    invitation = models.FileField(_("invitation letter"), upload_to=invitation_upload_to, blank=True)
    invitation_translation = models.FileField(_("Chinese translation of the invitation"),
                                              upload_to=invitation_upload_to, blank=True)
    # A change request (任务变更): the application as last approved, while a change goes through
    # approval again (null for a trip never approved); the approval form follows this version.
    approved_version = models.JSONField(_("last approved version"), null=True, blank=True, editable=False)
    # Back home: the trip report (due ``TRIP_REPORT_DUE_DAYS`` after the return) and the spending.
    report_text = models.TextField(_("trip report"), blank=True)
    report_file = models.FileField(_("trip report (PDF)"), upload_to=trip_report_upload_to, blank=True)
    report_submitted_at = models.DateTimeField(_("report submitted at"), null=True, blank=True, editable=False)
    report_reminders = models.PositiveSmallIntegerField(_("reminders sent for the report"), default=0,
                                                        editable=False)
    spent_travel = _money(_("international travel (spent)"))
    spent_accommodation = _money(_("accommodation (spent)"))
    spent_meals = _money(_("meals (spent)"))
    spent_incidentals = _money(_("incidentals (spent)"))
    spent_registration = _money(_("registration fees (spent)"))
    spent_other = _money(_("other costs (spent)"))
    spending_recorded_at = models.DateTimeField(_("spending recorded at"), null=True, blank=True, editable=False)

    objects = TripQuerySet.as_manager()

    class Meta:
        verbose_name = _("trip abroad")
        verbose_name_plural = _("trips abroad")
        ordering = ["-departs_on", "-pk"]
        indexes = [models.Index(fields=["status", "departs_on"]), models.Index(fields=["faculty", "departs_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(returns_on__gte=models.F("departs_on")),
                                   name="trip_returns_after_departure"),
            # The import key (trips/dataexchange.py "trips").
            models.UniqueConstraint(fields=["faculty", "title", "departs_on"], name="trip_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.departs_on:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("trips:trip-detail", args=[self.pk])

    def next_actors(self, to_state: str) -> list[str] | None:
        """Who acts after a step to ``to_state`` (``notifications.services.on_workflow_step``):
        the office after the faculty's steps and a leader's, a leader after an approval that
        needs one, the faculty after the office's other steps."""
        if to_state in (self.Status.SUBMITTED, self.Status.FACULTY_APPROVED, self.Status.LEADER_APPROVED):
            return ["office"]
        if to_state == self.Status.OFFICE_APPROVED:
            return ["leader"] if self.needs_leader else ["faculty"]
        if to_state == self.Status.WITHDRAWN:
            return ["office", "faculty"]
        return ["faculty"]

    @property
    def budget_total(self) -> Decimal:
        return sum((getattr(self, name) for name in BUDGET_LINES), Decimal("0"))

    @property
    def spent_total(self) -> Decimal:
        return sum((getattr(self, name) for name in SPENT_LINES), Decimal("0"))

    def clean(self) -> None:
        errors = {}
        if self.departs_on and self.returns_on and self.returns_on < self.departs_on:
            errors["returns_on"] = _("The return cannot be before the departure.")
        if not self.partner_id and not self.inviting_institution.strip():
            errors["inviting_institution"] = _("Name the inviting institution, or choose it among the partners.")
        if self.funding_source == self.Funding.SCHEME and not self.funding_scheme_id:
            errors["funding_scheme"] = _("Choose the funding scheme that pays for the trip.")
        if self.funding_source == self.Funding.GRANT and not self.grant_number.strip():
            errors["grant_number"] = _("Give the number of the research grant that pays for the trip.")
        if not self.in_annual_plan and not self.outside_plan_reason.strip():
            errors["outside_plan_reason"] = _(
                "A trip outside the annual outbound plan needs a reason the office can read.")
        if errors:
            raise ValidationError(errors)


class TripMember(models.Model):
    """A staff member of the faculty travelling with the group."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Head of the group")
        MEMBER = "member", _("Member")

    trip = models.ForeignKey(Trip, verbose_name=_("trip abroad"), on_delete=models.CASCADE, related_name="members")
    staff_member = models.ForeignKey(StaffMember, verbose_name=_("staff member"), on_delete=models.PROTECT,
                                     related_name="trip_memberships")
    role = models.CharField(_("role in the group"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    senior_post = models.BooleanField(_("holds a post of division head (处级) or above"), default=False)
    # The pre-departure briefing (行前教育), confirmed for each member before the group leaves.
    briefed_at = models.DateTimeField(_("briefing confirmed at"), null=True, blank=True, editable=False)
    briefed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("briefing confirmed by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    # The completed outbound mobility the member's trip became when it was closed.
    mobility = models.OneToOneField(Mobility, verbose_name=_("mobility"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="trip_member", editable=False)

    class Meta:
        verbose_name = _("trip member")
        verbose_name_plural = _("trip members")
        ordering = ["trip", "-role", "pk"]
        constraints = [models.UniqueConstraint(fields=["trip", "staff_member"], name="trip_member_once")]

    def __str__(self) -> str:
        return str(self.staff_member)


class TripCountry(models.Model):
    """A country or region of the trip, with the days spent there."""

    trip = models.ForeignKey(Trip, verbose_name=_("trip abroad"), on_delete=models.CASCADE, related_name="countries")
    country = CountryField(_("country or region"))
    arrives_on = models.DateField(_("arrives on"))
    leaves_on = models.DateField(_("leaves on"))

    class Meta:
        verbose_name = _("country of a trip")
        verbose_name_plural = _("countries of a trip")
        ordering = ["trip", "arrives_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["trip", "country"], name="trip_country_once")]

    def __str__(self) -> str:
        return f"{self.country.name} ({self.arrives_on:%Y-%m-%d} – {self.leaves_on:%Y-%m-%d})"

    def clean(self) -> None:
        if self.arrives_on and self.leaves_on and self.leaves_on < self.arrives_on:
            raise ValidationError(
                {"leaves_on": _("The day of leaving a country cannot be before the day of arriving.")})
        trip = self.trip if self.trip_id else None
        if trip and self.arrives_on and self.leaves_on and not (
                trip.departs_on <= self.arrives_on and self.leaves_on <= trip.returns_on):
            raise ValidationError(_("The days in %(country)s must fall within the trip, %(start)s to %(end)s.") % {
                "country": self.country.name, "start": trip.departs_on, "end": trip.returns_on})


class TripDay(models.Model):
    """One day of the itinerary: where the group is and what it does."""

    trip = models.ForeignKey(Trip, verbose_name=_("trip abroad"), on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("day"))
    place = models.CharField(_("place"), max_length=200)
    activities = models.TextField(_("activities"))

    class Meta:
        verbose_name = _("day of the itinerary")
        verbose_name_plural = _("itinerary")
        ordering = ["trip", "day", "pk"]
        constraints = [models.UniqueConstraint(fields=["trip", "day"], name="trip_day_once")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.place}"

    def clean(self) -> None:
        trip = self.trip if self.trip_id else None
        if trip and self.day and not (trip.departs_on <= self.day <= trip.returns_on):
            raise ValidationError({"day": _("The day must fall within the trip, %(start)s to %(end)s.") % {
                "start": trip.departs_on, "end": trip.returns_on}})


class Visa(models.Model):
    """A member's visa for one country of a trip."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Official or service visa")
        BUSINESS = "business", _("Business visa")
        VISITOR = "visitor", _("Visitor visa")
        ON_ARRIVAL = "on_arrival", _("Visa on arrival")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Not needed")
        APPLIED = "applied", _("Applied for")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    member = models.ForeignKey(TripMember, verbose_name=_("trip member"), on_delete=models.CASCADE,
                               related_name="visas")
    country = CountryField(_("country or region"))
    kind = models.CharField(_("visa type"), max_length=20, choices=Kind.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("visa")
        verbose_name_plural = _("visas")
        ordering = ["member", "country"]
        constraints = [models.UniqueConstraint(fields=["member", "country"], name="visa_once_per_country")]

    def __str__(self) -> str:
        return f"{self.member} – {self.country.name}: {self.get_status_display()}"


class TripObjection(models.Model):
    """An objection to a trip on public notice, recorded by the office, and what came of it."""

    trip = models.ForeignKey(Trip, verbose_name=_("trip abroad"), on_delete=models.CASCADE,
                             related_name="objections")
    text = models.TextField(_("objection"))
    outcome = models.TextField(_("outcome"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["trip", "recorded_at"]

    def __str__(self) -> str:
        return self.text[:60]


class TripPlan(Record):
    """A faculty's outbound plan for a year (年度出访计划), filed early in the year."""

    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.PROTECT,
                                related_name="trip_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    planned_trips = models.PositiveSmallIntegerField(_("planned trips"))
    planned_people = models.PositiveSmallIntegerField(_("planned travellers"))
    countries = models.CharField(_("countries and regions"), max_length=500)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    notes = models.TextField(_("planned trips in detail"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = _("annual outbound plan")
        verbose_name_plural = _("annual outbound plans")
        ordering = ["-year", "faculty"]
        constraints = [models.UniqueConstraint(fields=["faculty", "year"], name="trip_plan_once_a_year")]

    def __str__(self) -> str:
        return f"{self.faculty} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("trips:tripplan-detail", args=[self.pk])


class TravelDocument(Record):
    """A passport or travel permit the office keeps (护照管理). Its number is personal data: office
    only, never on a leader's or a coordinator's page, in an export, the API or a history view."""

    ACCESS_FACULTY = "holder__faculty"
    OFFICE_ONLY = True  # personal data: intlportal.access shows it to the office alone

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Official passport")
        SERVICE = "service", _("Service passport")
        PRIVATE = "private", _("Private passport (registered)")
        HK_MACAO = "hk_macao", _("Permit for Hong Kong and Macao")
        TAIWAN = "taiwan", _("Permit for Taiwan")

    class Custody(models.TextChoices):
        IN_OFFICE = "in_office", _("In the office")
        LENT = "lent", _("Lent for a trip")
        RETURNED = "returned", _("Returned to the office")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", pgettext_lazy("travel document", "Cancelled")

    holder = models.ForeignKey(StaffMember, verbose_name=_("holder"), on_delete=models.PROTECT,
                               related_name="travel_documents")
    kind = models.CharField(_("document type"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("document number"), max_length=30)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    custody = models.CharField(_("custody"), max_length=20, choices=Custody.choices, default=Custody.IN_OFFICE)
    lent_for = models.ForeignKey(Trip, verbose_name=_("lent for the trip"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="travel_documents", editable=False)
    lent_on = models.DateField(_("lent on"), null=True, blank=True, editable=False)
    return_due_on = models.DateField(_("return due on"), null=True, blank=True, editable=False)
    return_reminders = models.PositiveSmallIntegerField(_("reminders sent for the return"), default=0,
                                                        editable=False)

    # The history keeps every change but the number: a history view is not the office's alone.
    HISTORY_EXCLUDED_FIELDS = ("number",)

    class Meta:
        verbose_name = _("travel document")
        verbose_name_plural = _("travel documents")
        ordering = ["holder", "kind", "expires_on"]
        indexes = [models.Index(fields=["custody", "return_due_on"]), models.Index(fields=["expires_on"])]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="travel_document_number_once"),
            models.CheckConstraint(condition=models.Q(expires_on__gt=models.F("issued_on")),
                                   name="travel_document_expires_after_issue"),
        ]

    def __str__(self) -> str:
        # No number: the label shows on pages that are not the office's.
        return f"{self.holder} – {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("trips:passport-detail", args=[self.pk])


class CustodyEvent(models.Model):
    """The dated custody log of a travel document."""

    document = models.ForeignKey(TravelDocument, verbose_name=_("travel document"), on_delete=models.CASCADE,
                                 related_name="custody_log")
    custody = models.CharField(_("custody"), max_length=20, choices=TravelDocument.Custody.choices)
    on = models.DateField(_("date"))
    trip = models.ForeignKey(Trip, verbose_name=_("trip abroad"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("custody log entry")
        verbose_name_plural = _("custody log")
        ordering = ["document", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.get_custody_display()}"


class SubmissionBlockLift(models.Model):
    """The office lifts a faculty's block on new trips (an overdue passport or report) for a
    while, with the reason."""

    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.CASCADE,
                                related_name="trip_block_lifts")
    reason = models.TextField(_("reason"))
    until = models.DateField(_("lifted until"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("lifted block on new trips")
        verbose_name_plural = _("lifted blocks on new trips")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.faculty} → {self.until:%Y-%m-%d}"


class CalendarFeed(models.Model):
    """The secret address of a user's iCalendar feed (trips and deadlines); a new token replaces
    the old one, which then stops working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="calendar_feed")
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
