"""Foreign visitors (来访接待): a delegation a faculty or the office hosts, its members, its
day-by-day programme and its budget, and where it stands on the approval chain
(``visits.services``).  A closed visit becomes the inbound mobilities of its members and the
lecture events of its programme, so the assessment counts it and nothing is entered twice."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from exchanges.models import Event, FundingScheme, Mobility, PartnerInstitution
from faculties.models import Faculty
from intlportal.models import Record
from staff.models import StaffMember

#: The budget of the reception, line by line (接待经费预算).
BUDGET_LINES = ("budget_accommodation", "budget_meals", "budget_transport", "budget_honoraria",
                "budget_venue", "budget_other")


def _money(label):
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=Decimal("0"),
                               validators=[MinValueValidator(0)])


class VisitQuerySet(models.QuerySet):
    def awaiting_office(self):
        """Waiting for the office: submitted (to approve), or hosted (to close, which records the
        visitors' mobilities and the lectures)."""
        return self.filter(status__in=[Visit.Status.SUBMITTED, Visit.Status.HOSTED])

    def awaiting_leader(self):
        """Approved by the office and waiting for a university leader's approval."""
        return self.filter(status=Visit.Status.OFFICE_APPROVED, needs_leader=True)


class Visit(Record):
    """A foreign delegation received by a faculty (来访团组)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        OFFICE_APPROVED = "office_approved", _("Approved by the office")
        LEADER_APPROVED = "leader_approved", _("Approved by the university leader")
        HOSTED = "hosted", _("Hosted")
        CLOSED = "closed", pgettext_lazy("visit", "Closed")
        CHANGES_REQUESTED = "changes_requested", _("Returned for changes")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Purpose(models.TextChoices):
        ACADEMIC_EXCHANGE = "academic_exchange", _("Academic exchange")
        COOPERATION_TALKS = "cooperation_talks", _("Cooperation talks")
        LECTURES = "lectures", _("Lectures and teaching")
        CONFERENCE = "conference", _("Conference")
        COURTESY = "courtesy", _("Courtesy visit")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        # 接待规格: who of the university receives the delegation.
        UNIVERSITY_LEADER = "university_leader", _("Received by a university leader")
        OFFICE = "office", _("Received by the office")
        FACULTY = "faculty", _("Received by the faculty")

    class Funding(models.TextChoices):
        SCHEME = "scheme", _("A funding scheme")
        FACULTY = "faculty", _("The faculty's own funds")
        GRANT = "grant", _("A research grant")
        VISITORS = "visitors", _("Paid by the visitors")

    faculty = models.ForeignKey(Faculty, verbose_name=_("host faculty"), on_delete=models.PROTECT,
                                related_name="visits")
    title = models.CharField(_("title"), max_length=200)
    partner = models.ForeignKey(PartnerInstitution, verbose_name=_("visiting partner"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="visits")
    institution = models.CharField(_("visiting institution"), max_length=300, blank=True,
                                   help_text=_("When the visiting institution is not yet a partner."))
    country = CountryField(_("country or region"))
    delegation_leader = models.CharField(_("head of the delegation"), max_length=100)
    delegation_leader_position = models.CharField(_("position of the head of the delegation"), max_length=200)
    led_by_president = models.BooleanField(
        _("led by a president, rector or vice-president"), default=False,
        help_text=_("A delegation led by the head of a university goes to a university leader for approval."))
    host = models.ForeignKey(StaffMember, verbose_name=_("host"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="hosted_visits",
                             help_text=_("The member of staff who receives the delegation."))
    purpose = models.CharField(_("purpose of the visit"), max_length=20, choices=Purpose.choices)
    arrives_on = models.DateField(_("arrives on"))
    leaves_on = models.DateField(_("leaves on"))
    reception_level = models.CharField(_("reception level"), max_length=20, choices=Level.choices,
                                       default=Level.FACULTY)
    funding_source = models.CharField(_("funding source"), max_length=10, choices=Funding.choices)
    funding_scheme = models.ForeignKey(FundingScheme, verbose_name=_("funding scheme"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="visits")
    grant_number = models.CharField(_("research grant number"), max_length=60, blank=True)
    budget_accommodation = _money(_("accommodation"))
    budget_meals = _money(_("meals and banquets"))
    budget_transport = _money(_("local transport"))
    budget_honoraria = _money(_("lecture fees"))
    budget_venue = _money(_("venue and materials"))
    budget_other = _money(_("other costs"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    needs_leader = models.BooleanField(_("needs a university leader's approval"), default=False, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    summary = models.TextField(_("summary of the visit"), blank=True,
                               help_text=_("What was agreed and what follows, written once the visit is over."))

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("foreign visit")
        verbose_name_plural = _("foreign visits")
        ordering = ["-arrives_on", "-pk"]
        indexes = [models.Index(fields=["status", "arrives_on"]), models.Index(fields=["faculty", "arrives_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(leaves_on__gte=models.F("arrives_on")),
                                   name="visit_leaves_after_arrival"),
            # The import key (visits/dataexchange.py "visits").
            models.UniqueConstraint(fields=["faculty", "title", "arrives_on"], name="visit_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.arrives_on:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("visits:visit-detail", args=[self.pk])

    def next_actors(self, to_state: str) -> list[str] | None:
        """Who acts after a step to ``to_state`` (``notifications.services.on_workflow_step``)."""
        if to_state in (self.Status.SUBMITTED, self.Status.LEADER_APPROVED):
            return ["office"]
        if to_state == self.Status.OFFICE_APPROVED:
            return ["leader"] if self.needs_leader else ["faculty"]
        if to_state == self.Status.WITHDRAWN:
            return ["office", "faculty"]
        return ["faculty"]

    @property
    def institution_name(self) -> str:
        return str(self.partner) if self.partner_id else self.institution

    @property
    def budget_total(self) -> Decimal:
        return sum((getattr(self, name) for name in BUDGET_LINES), Decimal("0"))

    def clean(self) -> None:
        errors = {}
        if self.arrives_on and self.leaves_on and self.leaves_on < self.arrives_on:
            errors["leaves_on"] = _("The delegation cannot leave before it arrives.")
        if not self.partner_id and not self.institution.strip():
            errors["institution"] = _("Name the visiting institution, or choose it among the partners.")
        if self.funding_source == self.Funding.SCHEME and not self.funding_scheme_id:
            errors["funding_scheme"] = _("Choose the funding scheme that pays for the reception.")
        if self.funding_source == self.Funding.GRANT and not self.grant_number.strip():
            errors["grant_number"] = _("Give the number of the research grant that pays for the reception.")
        if errors:
            raise ValidationError(errors)


class VisitMember(models.Model):
    """A member of the delegation.  The passport number and the date of birth are personal data
    for the visa invitation: the office's alone (kept out of every other role's page, export,
    API answer and document)."""

    PERSONAL_FIELDS = ("passport_number", "date_of_birth")

    visit = models.ForeignKey(Visit, verbose_name=_("foreign visit"), on_delete=models.CASCADE,
                              related_name="members")
    name = models.CharField(_("name"), max_length=100)
    nationality = CountryField(_("nationality"))
    position = models.CharField(_("position"), max_length=200)
    institution = models.CharField(_("institution"), max_length=300, blank=True,
                                   help_text=_("Leave empty when it is the delegation's institution."))
    passport_number = models.CharField(_("passport number"), max_length=30, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # The completed inbound mobility the member's visit became when it was closed.
    mobility = models.OneToOneField(Mobility, verbose_name=_("mobility"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="visit_member", editable=False)

    class Meta:
        verbose_name = _("member of a delegation")
        verbose_name_plural = _("members of a delegation")
        ordering = ["visit", "pk"]
        constraints = [models.UniqueConstraint(fields=["visit", "name"], name="visit_member_once")]

    def __str__(self) -> str:
        return self.name


class ProgrammeItem(models.Model):
    """One entry of the visit's day-by-day programme; a lecture becomes an
    ``overseas_scholar_lecture`` event of the host faculty when the visit is closed."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting or talks")
        LECTURE = "lecture", _("Lecture")
        TOUR = "tour", _("Visit of a site")
        BANQUET = "banquet", _("Banquet")
        OTHER = "other", _("Other")

    visit = models.ForeignKey(Visit, verbose_name=_("foreign visit"), on_delete=models.CASCADE,
                              related_name="programme")
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    speaker = models.CharField(_("speaker"), max_length=100, blank=True,
                               help_text=_("For a lecture: who gives it."))
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("expected participants"), default=0)
    # The lecture event the entry became when the visit was closed.
    event = models.OneToOneField(Event, verbose_name=_("event"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="visit_programme_item", editable=False)

    class Meta:
        verbose_name = _("programme entry")
        verbose_name_plural = _("programme")
        ordering = ["visit", "day", "starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.title}"

    def clean(self) -> None:
        errors = {}
        visit = self.visit if self.visit_id else None
        if visit and self.day and not (visit.arrives_on <= self.day <= visit.leaves_on):
            errors["day"] = _("The day must fall within the visit, %(start)s to %(end)s.") % {
                "start": visit.arrives_on, "end": visit.leaves_on}
        if self.kind == self.Kind.LECTURE and not self.speaker.strip():
            errors["speaker"] = _("Name the speaker of the lecture.")
        if errors:
            raise ValidationError(errors)
