"""Partner institutions, agreements, funding schemes, mobilities, hosted events and students'
language tests."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from faculties.models import YEAR_VALIDATORS, Faculty
from intlportal.models import Record
from staff.models import StaffMember

EXPIRY_WARNING_DAYS = 90




def agreement_upload_to(instance, filename: str) -> str:
    return f"agreements/{uuid.uuid4().hex}.pdf"


def report_upload_to(instance, filename: str) -> str:
    return f"reports/{uuid.uuid4().hex}.pdf"


class PartnerInstitution(Record):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        RESEARCH_INSTITUTE = "research_institute", _("Research institute")
        ENTERPRISE = "enterprise", _("Enterprise")
        GOVERNMENT = "government", _("Government")
        OTHER = "other", _("Other")

    ACCESS_FACULTY = None

    name = models.CharField(_("name"), max_length=300, unique=True,
                            help_text=_("As the partner writes it."))
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    name_zh = models.CharField(_("Chinese name"), max_length=300, blank=True)
    country = CountryField(_("country"), db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.UNIVERSITY)
    website = models.URLField(_("website"), blank=True, max_length=300)
    domains = models.JSONField(_("domains"), default=list, blank=True)

    class Meta:
        verbose_name = _("partner institution")
        verbose_name_plural = _("partner institutions")
        ordering = ["name"]
        indexes = [models.Index(fields=["country", "name"])]

    def __str__(self) -> str:
        if (get_language() or "").startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("exchanges:partner-detail", args=[self.pk])


class Agreement(Record):
    class Kind(models.TextChoices):
        FRAMEWORK = "framework", _("Framework MoU")
        STUDENT_EXCHANGE = "student_exchange", _("Student exchange")
        STAFF_EXCHANGE = "staff_exchange", _("Staff exchange")
        JOINT_RESEARCH = "joint_research", _("Joint research")
        JOINT_PROGRAM = "joint_program", _("Joint program")
        INTERNSHIP = "internship", _("Internship")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        TERMINATED = "terminated", _("Terminated")

    ACCESS_FACULTY = "faculties"
    ACCESS_FACULTY_MULTI = True

    partner = models.ForeignKey(PartnerInstitution, verbose_name=_("partner"),
                                on_delete=models.PROTECT, related_name="agreements")
    faculties = models.ManyToManyField(Faculty, verbose_name=_("faculties"), blank=True,
                                       related_name="agreements",
                                       help_text=_("Leave empty for a university-wide agreement."))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    document = models.FileField(_("signed document (PDF)"), upload_to=agreement_upload_to,
                                blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["status", "ends_on"]), models.Index(fields=["starts_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="agreement_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exchanges:agreement-detail", args=[self.pk])

    @property
    def is_expired(self) -> bool:
        return self.ends_on is not None and self.ends_on < timezone.localdate()

    @property
    def expires_soon(self) -> bool:
        today = timezone.localdate()
        return (self.status == self.Status.ACTIVE and self.ends_on is not None
                and today <= self.ends_on <= today + timedelta(days=EXPIRY_WARNING_DAYS))


class FundingScheme(Record):
    ACCESS_FACULTY = None

    name = models.CharField(_("name"), max_length=200, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("funding scheme")
        verbose_name_plural = _("funding schemes")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("exchanges:fundingscheme-detail", args=[self.pk])


class Mobility(Record):
    """One person's exchange, outbound or inbound."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("Outbound")
        INBOUND = "inbound", _("Inbound")

    class PersonKind(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        STUDENT = "student", _("Student")
        SCHOLAR = "scholar", _("Scholar")
        ADMINISTRATOR = "administrator", _("Administrator")

    class Activity(models.TextChoices):
        VISIT = "visit", _("Visit")
        LECTURE = "lecture", _("Lecture")
        FURTHER_STUDY = "further_study", _("Further study")
        SHORT_TERM_TRAINING = "short_term_training", _("Short-term training")
        CONFERENCE = "conference", _("Conference")
        JOINT_RESEARCH = "joint_research", _("Joint research")
        SEMESTER_EXCHANGE = "semester_exchange", _("Semester exchange")
        DEGREE_STUDY = "degree_study", _("Degree study")
        INTERNSHIP = "internship", _("Internship")
        SUMMER_STUDY_TOUR = "summer_study_tour", _("Summer study tour")
        CULTURAL_EXPERIENCE = "cultural_experience", _("Cultural experience")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        APPROVED = "approved", _("Approved")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.PROTECT,
                                related_name="mobilities")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    person_kind = models.CharField(_("person kind"), max_length=20, choices=PersonKind.choices)
    person_name = models.CharField(_("person name"), max_length=100)
    person_id = models.CharField(_("person id"), max_length=50,
                                 help_text=_("Staff number or student number."))
    staff_member = models.ForeignKey(StaffMember, verbose_name=_("staff member"), null=True,
                                     blank=True, on_delete=models.SET_NULL,
                                     related_name="mobilities")
    partner = models.ForeignKey(PartnerInstitution, verbose_name=_("partner"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="mobilities")
    country = CountryField(_("country"))
    activity = models.CharField(_("activity"), max_length=30, choices=Activity.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    funding_scheme = models.ForeignKey(FundingScheme, verbose_name=_("funding scheme"), null=True,
                                       blank=True, on_delete=models.PROTECT,
                                       related_name="mobilities")
    amount = models.DecimalField(_("funding amount (yuan)"), max_digits=12, decimal_places=2,
                                 null=True, blank=True, validators=[MinValueValidator(0)])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PLANNED)
    submitted_at = models.DateTimeField(_("submitted for approval at"), null=True, blank=True,
                                        editable=False)
    report_text = models.TextField(_("post-exchange report"), blank=True)
    report_file = models.FileField(_("report file (PDF)"), upload_to=report_upload_to, blank=True)
    report_submitted_at = models.DateTimeField(_("report submitted at"), null=True, blank=True,
                                               editable=False)

    class Meta:
        verbose_name = _("mobility")
        verbose_name_plural = _("mobilities")
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["faculty", "starts_on"]),
            models.Index(fields=["status", "direction", "person_kind", "starts_on"]),
            models.Index(fields=["starts_on", "id"]),
            models.Index(fields=["country", "starts_on"]),
            models.Index(fields=["partner", "starts_on"]),
            models.Index(fields=["activity", "starts_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="mobility_dates_ordered"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="mobility_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} → {self.get_country_display()} ({self.starts_on:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("exchanges:mobility-detail", args=[self.pk])

    def locked_for_coordinator(self) -> bool:
        return self.status != self.Status.PLANNED

    @property
    def takes_report(self) -> bool:
        return self.direction == self.Direction.OUTBOUND and self.person_kind == self.PersonKind.TEACHER

    @property
    def duration_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Event(Record):
    """An international event hosted at home."""

    class Kind(models.TextChoices):
        CONFERENCE_HOSTED = "conference_hosted", _("International conference hosted")
        SEMINAR_COORGANIZED = "seminar_coorganized", _("Seminar co-organized")
        OVERSEAS_SCHOLAR_LECTURE = "overseas_scholar_lecture", _("Lecture by an overseas scholar")
        SUMMER_SCHOOL_HOSTED = "summer_school_hosted", _("Summer school hosted")

    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.PROTECT,
                                related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    partners = models.ManyToManyField(PartnerInstitution, verbose_name=_("partners"), blank=True,
                                      related_name="events")
    participants_total = models.PositiveIntegerField(_("participants"), default=0)
    participants_foreign = models.PositiveIntegerField(_("foreign participants"), default=0)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["faculty", "kind", "date"]), models.Index(fields=["date", "id"])]
        constraints = [
            models.CheckConstraint(condition=Q(participants_foreign__lte=F("participants_total")),
                                   name="event_foreign_within_total"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exchanges:event-detail", args=[self.pk])


class StudentLanguageTest(Record):
    class Test(models.TextChoices):
        IELTS = "ielts", "IELTS"
        TOEFL = "toefl", "TOEFL"
        GRE = "gre", "GRE"
        JLPT = "jlpt", "JLPT"
        TOPIK = "topik", "TOPIK"
        DELF = "delf", "DELF/DALF"
        TESTDAF = "testdaf", "TestDaF"
        OTHER = "other", _("Other")

    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.PROTECT,
                                related_name="language_tests")
    student_id = models.CharField(_("student number"), max_length=50)
    test = models.CharField(_("test"), max_length=20, choices=Test.choices)
    date = models.DateField(_("date"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2,
                                validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("student language test")
        verbose_name_plural = _("student language tests")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["faculty", "date"])]

    def __str__(self) -> str:
        return f"{self.student_id} {self.get_test_display()} {self.score}"

    def get_absolute_url(self) -> str:
        return reverse("exchanges:languagetest-detail", args=[self.pk])

