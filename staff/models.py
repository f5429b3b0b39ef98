"""Staff, foreign teachers' contracts, teaching, evaluations, language assessments and
publications."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from faculties.models import YEAR_VALIDATORS, Faculty
from intlportal.models import Record, VerifiedRecord

# Agreements, contracts and work permits ending within this many days are flagged on lists,
# counted for the office, listed in its work queue and picked up by the nightly reminders.
EXPIRY_WARNING_DAYS = 90

SEMESTER_RE = re.compile(r"^(\d{4})-(\d{4})-([12])$")


def validate_semester(value: str) -> None:
    """``2025-2026-1`` is autumn 2025, ``2025-2026-2`` spring 2026."""
    match = SEMESTER_RE.match(value or "")
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValidationError(
            _("Enter a semester like 2025-2026-1 (autumn 2025) or 2025-2026-2 (spring 2026)."),
            code="invalid_semester",
        )


def semesters_of_year(year: int) -> tuple[str, str]:
    """The spring and autumn semesters that fall in a calendar year."""
    return (f"{year - 1}-{year}-2", f"{year}-{year + 1}-1")


def semester_label(value: str) -> str:
    """``2025-2026-1`` → “2025-2026-1 (autumn 2025)”, in the user's language."""
    match = SEMESTER_RE.match(value or "")
    if not match:
        return value
    start, end, term = match.groups()
    if term == "1":
        return gettext("%(code)s (autumn %(year)s)") % {"code": value, "year": start}
    return gettext("%(code)s (spring %(year)s)") % {"code": value, "year": end}


FOREIGN_CATEGORIES = ("foreign_teacher", "foreign_expert")


def active_in(year: int, prefix: str = "") -> Q:
    """A staff member hired on or before 31 Dec of ``year`` and not left on or before that day
    (ASSESSMENT.md, *active in Y*); ``prefix`` reaches the staff member from another record
    (``"staff_member__"``).

    A staff record without a hire date counts as hired: it was entered because the person
    works here, and the missing date is a gap in the data, not a sign of a future hire.
    """
    end = date(year, 12, 31)
    hired = Q(**{f"{prefix}hired_on__isnull": True}) | Q(**{f"{prefix}hired_on__lte": end})
    not_left = Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": end})
    return hired & not_left


class StaffMemberQuerySet(models.QuerySet):
    def foreign(self):
        """Foreign teachers and foreign experts (the kinds that hold contracts)."""
        return self.filter(category__in=FOREIGN_CATEGORIES)

    def active_in(self, year: int):
        """Hired on or before 31 Dec of ``year`` and not left on or before that day."""
        return self.filter(active_in(year))

    def current(self):
        """Not (yet) left."""
        today = timezone.localdate()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=today))

    def with_contract_expiring(self, days: int = EXPIRY_WARNING_DAYS):
        """Annotate ``contract_expiring``: an active contract of theirs ends within ``days``.

        A subquery in the same SELECT, so a list gains no query per row."""
        expiring = ForeignTeacherContract.objects.expiring_within(days).filter(staff_member=OuterRef("pk"))
        return self.annotate(contract_expiring=Exists(expiring))

    def for_pages(self):
        return self.select_related("faculty").with_contract_expiring()


class StaffMember(VerifiedRecord):
    class Category(models.TextChoices):
        DOMESTIC = "domestic", _("Domestic teacher")
        FOREIGN_TEACHER = "foreign_teacher", _("Foreign teacher")
        FOREIGN_EXPERT = "foreign_expert", _("Foreign expert")
        OVERSEAS_TALENT = "overseas_talent", _("High-level overseas talent")

    class Title(models.TextChoices):
        PROFESSOR = "professor", _("Professor")
        ASSOCIATE_PROFESSOR = "associate_professor", _("Associate professor")
        LECTURER = "lecturer", _("Lecturer")
        ASSISTANT = "assistant", _("Teaching assistant")
        OTHER = "other", _("Other")

    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.PROTECT,
                                related_name="staff")
    staff_no = models.CharField(_("staff number"), max_length=30, unique=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    nationality = CountryField(_("nationality"), default="CN")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices,
                                default=Category.DOMESTIC, db_index=True)
    title = models.CharField(pgettext_lazy("academic rank", "title"), max_length=30, choices=Title.choices, blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    has_overseas_degree = models.BooleanField(_("overseas degree"), default=False)

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["staff_no"]
        indexes = [models.Index(fields=["faculty", "category"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(hired_on__isnull=True) | Q(left_on__gte=F("hired_on")),
                name="staff_left_after_hired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.staff_no})"

    def get_absolute_url(self) -> str:
        return reverse("staff:staffmember-detail", args=[self.pk])

    @property
    def is_foreign(self) -> bool:
        return self.category in FOREIGN_CATEGORIES


class StaffStanding(models.Model):
    """What a staff member's category and overseas degree were from a date on.

    The assessment takes both as of 31 December of the year it assesses (the latest standing
    effective on or before that day), so a later change never moves an earlier year.  Written
    whenever a verified change to either field reaches the staff member's row.
    """

    staff_member = models.ForeignKey(StaffMember, verbose_name=_("staff member"), on_delete=models.CASCADE,
                                     related_name="standings")
    effective_on = models.DateField(_("effective from"))
    category = models.CharField(_("category"), max_length=20, choices=StaffMember.Category.choices)
    has_overseas_degree = models.BooleanField(_("overseas degree"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    ACCESS_FACULTY = "staff_member__faculty"

    class Meta:
        verbose_name = _("staff category record")
        verbose_name_plural = _("staff category records")
        ordering = ["staff_member", "effective_on", "pk"]
        indexes = [models.Index(fields=["staff_member", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.staff_member_id} {self.effective_on:%Y-%m-%d} {self.category}"


class ContractQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=ForeignTeacherContract.Status.ACTIVE)

    def expiring_within(self, days: int = EXPIRY_WARNING_DAYS, today: date | None = None):
        """Active contracts whose end date falls between today and ``days`` from today."""
        today = today or timezone.localdate()
        return self.active().filter(ends_on__gte=today, ends_on__lte=today + timedelta(days=days))

    def work_permit_expiring_within(self, days: int = EXPIRY_WARNING_DAYS, today: date | None = None):
        """Active contracts whose work permit expires between today and ``days`` from today.

        The expiry date is personal data: only office pages, reminders to the office and the
        office's work queue may use this."""
        today = today or timezone.localdate()
        return self.active().filter(work_permit_expires_on__gte=today,
                                    work_permit_expires_on__lte=today + timedelta(days=days))

    def with_people(self):
        return self.select_related("staff_member__faculty", "discipline")

    def for_pages(self):
        return self.with_people()


class StaffPartQuerySet(models.QuerySet):
    """A staff member's evaluations, language assessments and publications."""

    def for_pages(self):
        return self.select_related("staff_member__faculty")


class TeachingAssignmentQuerySet(models.QuerySet):
    def for_pages(self):
        return self.select_related("staff_member__faculty", "program")


class ForeignTeacherContract(Record):
    """A foreign teacher's contract.  Salary and work permit are personal data: office only."""

    class Category(models.TextChoices):
        LANGUAGE = "language_teacher", _("Language teacher")
        PROFESSIONAL = "professional_teacher", _("Professional teacher")
        EXPERT = "foreign_expert", _("Foreign expert")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        TERMINATED = "terminated", pgettext_lazy("contract status", "Terminated")

    PERSONAL_FIELDS = ("salary", "work_permit_no", "work_permit_expires_on")
    ACCESS_FACULTY = "staff_member__faculty"
    # Contracts carry salaries and work permits: the office alone creates and changes them.
    # Coordinators read their faculty's contracts without the personal fields.
    COORDINATOR_CREATES = False

    staff_member = models.ForeignKey(StaffMember, verbose_name=_("staff member"),
                                     on_delete=models.CASCADE, related_name="contracts")
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    discipline = models.ForeignKey("faculties.Discipline", verbose_name=_("discipline"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    salary = models.DecimalField(_("monthly salary (yuan)"), max_digits=12, decimal_places=2,
                                 null=True, blank=True, validators=[MinValueValidator(0)])
    work_permit_no = models.CharField(_("work permit number"), max_length=50, blank=True)
    work_permit_expires_on = models.DateField(_("work permit expires on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ACTIVE, db_index=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("foreign teacher contract")
        verbose_name_plural = _("foreign teacher contracts")
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["ends_on"]), models.Index(fields=["work_permit_expires_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="contract_dates_ordered"),
            # The import key (staff/dataexchange.py "contracts").
            models.UniqueConstraint(fields=["staff_member", "starts_on"], name="contract_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member.name} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("staff:contract-detail", args=[self.pk])

    def expires_within(self, days: int = EXPIRY_WARNING_DAYS) -> bool:
        today = timezone.localdate()
        return self.status == self.Status.ACTIVE and 0 <= (self.ends_on - today).days <= days

    def work_permit_expires_within(self, days: int = EXPIRY_WARNING_DAYS) -> bool:
        if self.status != self.Status.ACTIVE or self.work_permit_expires_on is None:
            return False
        return 0 <= (self.work_permit_expires_on - timezone.localdate()).days <= days


class TeachingAssignment(VerifiedRecord):
    class Context(models.TextChoices):
        KEY_DISCIPLINE = "key_discipline", _("Key discipline")
        COOPERATIVE_PROGRAM = "cooperative_program", _("Cooperative program")
        INTERNATIONAL_STUDENTS = "international_students", _("International students")
        GENERAL = "general", _("General")

    ACCESS_FACULTY = "staff_member__faculty"

    staff_member = models.ForeignKey(StaffMember, verbose_name=_("staff member"),
                                     on_delete=models.CASCADE, related_name="assignments")
    semester = models.CharField(_("semester"), max_length=11, validators=[validate_semester],
                                help_text=_("2025-2026-1 is autumn 2025, 2025-2026-2 spring 2026."))
    course = models.CharField(_("course"), max_length=200)
    hours = models.PositiveIntegerField(_("hours"))
    context = models.CharField(_("context"), max_length=30, choices=Context.choices,
                               default=Context.GENERAL)
    # Named by string: programs depends on staff, not the other way round.
    program = models.ForeignKey("programs.CooperativeProgram", verbose_name=_("cooperative program"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="teaching_assignments")

    objects = TeachingAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("teaching assignment")
        verbose_name_plural = _("teaching assignments")
        ordering = ["-semester", "staff_member__staff_no", "course"]
        indexes = [models.Index(fields=["semester", "staff_member"])]
        constraints = [
            # The import key (staff/dataexchange.py "teaching_assignments").
            models.UniqueConstraint(fields=["staff_member", "semester", "course"],
                                    name="teaching_assignment_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member.name} {self.semester} {self.course}"

    def get_absolute_url(self) -> str:
        return reverse("staff:assignment-detail", args=[self.pk])

    def get_semester_display(self) -> str:
        return semester_label(self.semester)


class TeachingEvaluation(Record):
    class Source(models.TextChoices):
        STUDENTS = "students", _("Students")
        PEERS = "peers", _("Peers")
        SUPERVISORS = "supervisors", _("Supervisors")

    ACCESS_FACULTY = "staff_member__faculty"

    staff_member = models.ForeignKey(StaffMember, verbose_name=_("staff member"),
                                     on_delete=models.CASCADE, related_name="evaluations")
    semester = models.CharField(_("semester"), max_length=11, validators=[validate_semester])
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # Students evaluate each course on its own, so one teacher may have several student scores in a semester.
    course = models.CharField(_("course"), max_length=200, blank=True, default="")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    feedback = models.TextField(_("feedback"), blank=True)

    objects = StaffPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("teaching evaluation")
        verbose_name_plural = _("teaching evaluations")
        ordering = ["-semester", "staff_member__staff_no", "source", "course"]
        indexes = [models.Index(fields=["staff_member", "semester"])]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="evaluation_score_range"),
            # The import key (``teaching_evaluations``): one score per teacher, semester, source and course.
            models.UniqueConstraint(fields=["staff_member", "semester", "source", "course"],
                                    name="evaluation_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member.name} {self.semester} {self.get_source_display()}: {self.score}"

    def get_absolute_url(self) -> str:
        return reverse("staff:evaluation-detail", args=[self.pk])

    def get_semester_display(self) -> str:
        return semester_label(self.semester)


class LanguageAssessment(VerifiedRecord):
    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    ACCESS_FACULTY = "staff_member__faculty"

    staff_member = models.ForeignKey(StaffMember, verbose_name=_("staff member"),
                                     on_delete=models.CASCADE, related_name="language_assessments")
    date = models.DateField(_("date"))
    language = models.CharField(pgettext_lazy("language test", "language"), max_length=50)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    score = models.DecimalField(pgettext_lazy("test result", "score"), max_digits=6, decimal_places=2, null=True,
                                blank=True)

    objects = StaffPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("language assessment")
        verbose_name_plural = _("language assessments")
        ordering = ["-date", "pk"]
        indexes = [models.Index(fields=["staff_member", "result", "date"])]
        constraints = [
            # The import key (staff/dataexchange.py "language_assessments").
            models.UniqueConstraint(fields=["staff_member", "date", "language"],
                                    name="language_assessment_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member.name} {self.language} {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("staff:languageassessment-detail", args=[self.pk])


class Publication(VerifiedRecord):
    ACCESS_FACULTY = "staff_member__faculty"

    staff_member = models.ForeignKey(StaffMember, verbose_name=_("first or corresponding author"),
                                     on_delete=models.CASCADE, related_name="publications")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    title = models.CharField(pgettext_lazy("publication", "title"), max_length=500)
    journal = models.CharField(_("journal"), max_length=300)
    is_international = models.BooleanField(
        _("international journal"), default=False,
        help_text=_("SCI, SSCI, A&HCI, EI or a journal on the office's list."),
    )
    doi = models.CharField(_("DOI"), max_length=200, blank=True)

    objects = StaffPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-year", "title"]
        indexes = [models.Index(fields=["year", "is_international"])]
        constraints = [
            # The import key (staff/dataexchange.py "publications").
            models.UniqueConstraint(fields=["staff_member", "year", "title"], name="publication_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("staff:publication-detail", args=[self.pk])
