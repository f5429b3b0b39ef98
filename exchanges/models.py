"""Partner institutions, agreements, funding schemes, mobilities, hosted events and students'
language tests."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from faculties.models import YEAR_VALIDATORS, Faculty
from intlportal import uploads
from intlportal.models import Record, VerifiedRecord
from staff.models import EXPIRY_WARNING_DAYS, StaffMember

# Teachers back from abroad file their post-exchange report within this many days of the end.
REPORT_DUE_DAYS = 30

#: The activities that count as sending a teacher abroad (ASSESSMENT.md, ``teachers_abroad``).
TEACHER_ABROAD_ACTIVITIES = ("visit", "lecture", "further_study", "short_term_training", "conference",
                             "joint_research")


def agreement_upload_to(instance, filename: str) -> str:
    return f"agreements/{uploads.random_name('pdf')}"


def report_upload_to(instance, filename: str) -> str:
    return f"reports/{uploads.random_name('pdf')}"


class PartnerQuerySet(models.QuerySet):
    def search(self, text: str):
        """Partners whose name (as written, English or Chinese) or web domain contains ``text``."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(name_en__icontains=text) | Q(name_zh__icontains=text)
                           | Q(domains__icontains=text))

    def likely_duplicates(self, *, names, domains):
        """Partners with the same name (any spelling we hold, ignoring case) or a shared domain."""
        condition = Q(pk__in=[])
        for name in {n.strip() for n in names if n and n.strip()}:
            condition |= Q(name__iexact=name) | Q(name_en__iexact=name) | Q(name_zh__iexact=name)
        domain_hits = list({d.strip().lower() for d in domains if d and d.strip()})
        if domain_hits:
            # A JSON list cannot be searched element by element on every database; narrow
            # with ``icontains`` and confirm exact membership in Python.
            candidates = Q(pk__in=[])
            for domain in domain_hits:
                candidates |= Q(domains__icontains=domain)
            exact = [p.pk for p in self.filter(candidates).only("pk", "domains")
                     if {d.lower() for d in p.domains or []} & set(domain_hits)]
            condition |= Q(pk__in=exact)
        return self.filter(condition)


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
    domains = models.JSONField(_("domains"), default=list, blank=True,
                               help_text=_("Web domains of the institution, such as ox.ac.uk."))

    objects = PartnerQuerySet.as_manager()

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

    @property
    def domains_display(self) -> str:
        return ", ".join(self.domains or [])

    @property
    def autocomplete_label(self) -> str:
        """What the partner picker shows: every name we hold, then the country."""
        names = [self.name]
        for other in (self.name_zh, self.name_en):
            if other and other not in names:
                names.append(other)
        return f"{' · '.join(names)} ({self.country.name})" if self.country else " · ".join(names)


class AgreementQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("partner").prefetch_related("faculties")

    def for_pages(self):
        return self.with_related()

    def active(self):
        return self.filter(status=Agreement.Status.ACTIVE)

    def in_effect(self, on=None):
        """Active and not expired on the day (today by default)."""
        on = on or timezone.localdate()
        return self.active().filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))

    def expired(self, today=None):
        today = today or timezone.localdate()
        return self.filter(ends_on__lt=today)

    def expiring_within(self, days: int = EXPIRY_WARNING_DAYS, today=None):
        """Active agreements whose end date falls between today and ``days`` days from now."""
        today = today or timezone.localdate()
        return self.active().filter(ends_on__gte=today, ends_on__lte=today + timedelta(days=days))

    def overlapping_year(self, year: int):
        """Agreements whose [start, end] overlaps the calendar year (ASSESSMENT.md)."""
        return self.filter(starts_on__year__lte=year).filter(Q(ends_on__isnull=True) | Q(ends_on__year__gte=year))


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
        ACTIVE = "active", pgettext_lazy("agreement status", "Active")
        TERMINATED = "terminated", _("Terminated")

    ACCESS_FACULTY = "faculties"
    ACCESS_FACULTY_MULTI = True
    COORDINATOR_CREATES = False  # agreements are signed and kept by the office

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
    terminated_on = models.DateField(
        _("terminated on"), null=True, blank=True,
        help_text=_("The day the agreement ended early. It still counts for the years it was in force."))
    document = models.FileField(_("signed document (PDF)"), upload_to=agreement_upload_to,
                                blank=True)
    # The faculties decide who sees the agreement and whom it counts for: their changes are
    # in the history too, and restoring a version restores them.
    _history_m2m_fields = [faculties]

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["status", "ends_on"]), models.Index(fields=["starts_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="agreement_dates_ordered"),
            # The import key (exchanges/dataexchange.py "agreements").
            models.UniqueConstraint(fields=["partner", "title", "starts_on"], name="agreement_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exchanges:agreement-detail", args=[self.pk])

    def clean(self) -> None:
        """A terminated agreement says when it was terminated (it stays in force for the
        assessment until that year ends); any other status has no termination date.  The
        form, the import and the admin all validate through here."""
        super().clean()
        if self.status != self.Status.TERMINATED:
            self.terminated_on = None
            return
        if self.terminated_on is None:
            raise ValidationError({"terminated_on": _(
                "Give the date the agreement was terminated: it still counts for the years it was in force.")})
        if self.starts_on is not None and self.terminated_on < self.starts_on:
            raise ValidationError({"terminated_on": _("The agreement cannot be terminated before it starts.")})
        if self.terminated_on > timezone.localdate():
            raise ValidationError({"terminated_on": _(
                "The termination date cannot be in the future. Record the termination on or after the day "
                "it takes effect.")})

    @property
    def is_expired(self) -> bool:
        return self.ends_on is not None and self.ends_on < timezone.localdate()

    @property
    def expires_soon(self) -> bool:
        today = timezone.localdate()
        return (self.status == self.Status.ACTIVE and self.ends_on is not None
                and today <= self.ends_on <= today + timedelta(days=EXPIRY_WARNING_DAYS))

    @property
    def validity(self) -> str:
        """The status as the office reads it: expiry is derived from the end date."""
        if self.status == self.Status.ACTIVE and self.is_expired:
            return _("Expired")
        if self.expires_soon:
            return _("Active, expires within %(days)s days") % {"days": EXPIRY_WARNING_DAYS}
        return self.get_status_display()

    @property
    def faculties_display(self) -> str:
        names = [str(f) for f in self.faculties.all()]
        return ", ".join(names) if names else _("University-wide")


#: The mobilities whose amount a funding scheme has promised (a submission changes nothing to that).
COMMITTED_STATES = ("planned", "submitted", "approved")


def _funding_sums(prefix: str) -> dict:
    """``committed`` (planned, submitted and approved mobilities) and ``spent`` (completed), always a
    ``Decimal`` (zero when there is nothing to add up); ``prefix`` reaches the mobilities."""
    zero = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))
    return {
        "committed": Coalesce(Sum(f"{prefix}amount", filter=Q(**{f"{prefix}status__in": COMMITTED_STATES})), zero),
        "spent": Coalesce(Sum(f"{prefix}amount", filter=Q(**{f"{prefix}status": "completed"})), zero),
    }


class FundingSchemeQuerySet(models.QuerySet):
    def with_totals(self):
        """Annotate ``committed`` (planned, submitted and approved mobilities) and ``spent`` (completed)."""
        return self.annotate(**_funding_sums("mobilities__"))

    def for_pages(self):
        return self.with_totals()


class FundingScheme(Record):
    ACCESS_FACULTY = None

    name = models.CharField(_("name"), max_length=200, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(0)])

    objects = FundingSchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding scheme")
        verbose_name_plural = _("funding schemes")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("exchanges:fundingscheme-detail", args=[self.pk])

    def totals(self, *, excluding=None) -> tuple:
        """(committed, spent) from the database, leaving out one mobility (the one being saved)."""
        rows = self.mobilities.all()
        if excluding is not None:
            rows = rows.exclude(pk=excluding)
        sums = rows.aggregate(**_funding_sums(""))
        return (sums["committed"], sums["spent"])

    @property
    def remaining(self):
        committed = getattr(self, "committed", None)
        spent = getattr(self, "spent", None)
        if committed is None or spent is None:
            committed, spent = self.totals()
        return self.budget - committed - spent


class MobilityQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("faculty", "partner", "staff_member", "funding_scheme")

    def for_pages(self):
        return self.with_related()

    def outbound(self):
        return self.filter(direction=Mobility.Direction.OUTBOUND)

    def inbound(self):
        return self.filter(direction=Mobility.Direction.INBOUND)

    def teachers(self):
        return self.filter(person_kind=Mobility.PersonKind.TEACHER)

    def students(self):
        return self.filter(person_kind=Mobility.PersonKind.STUDENT)

    def completed(self):
        return self.filter(status=Mobility.Status.COMPLETED)

    def in_year(self, year: int):
        """Mobilities starting in the calendar year (how the indicators count them)."""
        return self.filter(starts_on__year=year)

    def awaiting_approval(self):
        return self.filter(status=Mobility.Status.SUBMITTED)

    def report_overdue(self, days: int = REPORT_DUE_DAYS, today=None):
        """Completed outbound teacher mobilities that ended more than ``days`` days ago and
        still have no post-exchange report."""
        today = today or timezone.localdate()
        return (self.outbound().teachers().completed()
                .filter(ends_on__lt=today - timedelta(days=days), report_submitted_at__isnull=True))


class Mobility(VerifiedRecord):
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
        SUBMITTED = "submitted", _("Awaiting approval")
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

    objects = MobilityQuerySet.as_manager()

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
            # Sortable list columns whose sort would otherwise read the whole table.
            models.Index(fields=["person_name", "id"], name="mobility_person_name_idx"),
            models.Index(fields=["ends_on", "id"], name="mobility_ends_on_idx"),
            # The work queue's and the reminders' overdue reports (``report_overdue``), in the
            # queue's order (ends_on, id): without the id the planner preferred walking
            # mobility_ends_on_idx past 15,000 other mobilities (25 ms at 500,000).
            models.Index(fields=["ends_on", "id"], name="mobility_report_due_idx",
                         condition=Q(direction="outbound", person_kind="teacher", status="completed",
                                     report_submitted_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="mobility_dates_ordered"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="mobility_amount_not_negative"),
            # The import key (exchanges/dataexchange.py "mobilities").
            models.UniqueConstraint(fields=["faculty", "person_id", "activity", "starts_on"],
                                    name="mobility_key_unique"),
        ]

    def __str__(self) -> str:
        # ``country.name``, not ``get_country_display()``: the latter rebuilds the list of 250
        # countries on every call (a work queue of 200 mobilities spent 40 ms on it).
        return f"{self.person_name} → {self.country.name or self.country.code} ({self.starts_on:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("exchanges:mobility-detail", args=[self.pk])

    def locked_for_coordinator(self) -> bool:
        # Once submitted the record waits for the office; a return hands it back (planned).
        return self.status != self.Status.PLANNED

    @property
    def is_awaiting_approval(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def report_is_overdue(self) -> bool:
        return (self.takes_report and self.status == self.Status.COMPLETED and self.report_submitted_at is None
                and self.ends_on < timezone.localdate() - timedelta(days=REPORT_DUE_DAYS))

    @property
    def takes_report(self) -> bool:
        return self.direction == self.Direction.OUTBOUND and self.person_kind == self.PersonKind.TEACHER

    @property
    def duration_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class EventQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("faculty").prefetch_related("partners")

    def for_pages(self):
        return self.with_related()

    def in_year(self, year: int):
        return self.filter(date__year=year)


class Event(VerifiedRecord):
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
    # For a lecture: who gave it (filled in from a foreign visit's programme, visits.services).
    speaker = models.CharField(_("speaker"), max_length=100, blank=True)
    partners = models.ManyToManyField(PartnerInstitution, verbose_name=_("partners"), blank=True,
                                      related_name="events")
    participants_total = models.PositiveIntegerField(_("participants"), default=0)
    _history_m2m_fields = [partners]  # in the history with who and when
    participants_foreign = models.PositiveIntegerField(_("foreign participants"), default=0)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["faculty", "kind", "date"]), models.Index(fields=["date", "id"])]
        constraints = [
            models.CheckConstraint(condition=Q(participants_foreign__lte=F("participants_total")),
                                   name="event_foreign_within_total"),
            # The import key (exchanges/dataexchange.py "events").
            models.UniqueConstraint(fields=["faculty", "title", "date"], name="event_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exchanges:event-detail", args=[self.pk])

    @property
    def partners_display(self) -> str:
        return ", ".join(str(p) for p in self.partners.all())


class StudentLanguageTestQuerySet(models.QuerySet):
    def in_year(self, year: int):
        return self.filter(date__year=year)

    def for_pages(self):
        return self.select_related("faculty")


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
    score = models.DecimalField(pgettext_lazy("test result", "score"), max_digits=6, decimal_places=2,
                                validators=[MinValueValidator(0)])

    objects = StudentLanguageTestQuerySet.as_manager()

    class Meta:
        verbose_name = _("student language test")
        verbose_name_plural = _("student language tests")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["faculty", "date"])]
        constraints = [
            # The import key (``language_tests``): one result per student, test and sitting.
            models.UniqueConstraint(fields=["student_id", "test", "date"], name="language_test_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.get_test_display()} {self.score}"

    def get_absolute_url(self) -> str:
        return reverse("exchanges:languagetest-detail", args=[self.pk])

