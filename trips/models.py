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
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from exchanges.models import FundingScheme, PartnerInstitution
from faculties.models import Faculty
from intlportal.models import Record
from staff.models import StaffMember

BUDGET_LINES = ("budget_travel", "budget_accommodation", "budget_meals", "budget_incidentals",
                "budget_registration", "budget_other")


def _money(label):
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=Decimal("0"),
                               validators=[MinValueValidator(0)])


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
        TRAVELLING = "travelling", _("Travelling")
        BACK = "back", _("Back home")
        CLOSED = "closed", _("Closed")
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

    objects = TripQuerySet.as_manager()

    class Meta:
        verbose_name = _("trip abroad")
        verbose_name_plural = _("trips abroad")
        ordering = ["-departs_on", "-pk"]
        indexes = [models.Index(fields=["status", "departs_on"]), models.Index(fields=["faculty", "departs_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(returns_on__gte=models.F("departs_on")),
                                   name="trip_returns_after_departure"),
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
