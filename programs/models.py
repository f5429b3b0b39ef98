"""Sino-foreign cooperative programs (中外合作办学), their enrolment, courses and the yearly
training of their teachers."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from exchanges.models import PartnerInstitution
from faculties.models import YEAR_VALIDATORS, Faculty
from intlportal.models import Record, VerifiedRecord


class ProgramQuerySet(models.QuerySet):
    def active(self):
        """Approved or enrolling: the programs the one-third rules and indicators count."""
        return self.filter(status__in=CooperativeProgram.ACTIVE_STATUSES)

    def with_course_counts(self):
        """Annotate the counts the one-third rules need, in the program query itself.

        One join to the courses, aggregated per program: a list of programs costs no query
        per row.  ``programs.selectors.course_counts`` turns the annotations into
        ``rules.CourseCounts``."""
        core = Q(courses__is_core=True)
        return self.annotate(
            n_courses=Count("courses"),
            n_core=Count("courses", filter=core),
            n_introduced=Count("courses", filter=Q(courses__is_introduced=True)),
            n_introduced_core=Count("courses", filter=core & Q(courses__is_introduced=True)),
            n_partner_core=Count("courses", filter=core & Q(courses__partner_taught_hours__gt=0)),
            sum_hours=Coalesce(Sum("courses__hours"), 0),
            sum_partner_hours=Coalesce(Sum("courses__partner_taught_hours"), 0),
        )

    def for_pages(self):
        return self.select_related("faculty").with_course_counts()


class ProgramPartQuerySet(models.QuerySet):
    """A program's enrolments, courses and teacher trainings."""

    def for_pages(self):
        return self.select_related("program__faculty")


class CooperativeProgram(Record):
    class Level(models.TextChoices):
        BACHELOR = "bachelor", _("Bachelor")
        MASTER = "master", _("Master")
        DOCTORAL = "doctoral", _("Doctoral")
        NON_DEGREE = "non_degree", _("Non-degree")

    class Form(models.TextChoices):
        INSTITUTE = "institute", _("Cooperative institute")
        PROGRAM = "program", _("Cooperative program")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DECLARED = "declared", _("Declared to the Ministry")
        APPROVED = "approved", pgettext_lazy("cooperative program", "Approved")
        ENROLLING = "enrolling", _("Enrolling")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    ACTIVE_STATUSES = (Status.APPROVED, Status.ENROLLING)

    code = models.CharField(pgettext_lazy("cooperative program", "code"), max_length=30, unique=True)
    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.PROTECT,
                                related_name="programs")
    partners = models.ManyToManyField(PartnerInstitution, verbose_name=pgettext_lazy("cooperative program", "partners"),
                                      blank=True, related_name="programs")
    name_zh = models.CharField(_("Chinese name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, default=Form.PROGRAM)
    approval_no = models.CharField(_("Ministry approval number"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PROPOSED, db_index=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    _history_m2m_fields = [partners]  # in the history with who and when
    expires_on = models.DateField(_("approval expires on"), null=True, blank=True)
    annual_quota = models.PositiveIntegerField(_("annual enrolment quota"), null=True, blank=True)

    # The program itself and its lifecycle are the office's; coordinators maintain their
    # programs' courses, enrolments and trainings.
    COORDINATOR_CREATES = False

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperative program")
        verbose_name_plural = _("cooperative programs")
        ordering = ["code"]
        indexes = [models.Index(fields=["faculty", "status"])]

    def __str__(self) -> str:
        if (get_language() or "").startswith("zh") or not self.name_en:
            return self.name_zh
        return self.name_en

    def get_absolute_url(self) -> str:
        return reverse("programs:program-detail", args=[self.pk])


class ProgramStatusChange(models.Model):
    """A dated step of a program's status history: from ``effective_on`` the program held
    ``status``.  The assessment counts a program in the years it held an active status."""

    program = models.ForeignKey(CooperativeProgram, verbose_name=_("program"), on_delete=models.CASCADE,
                                related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=CooperativeProgram.Status.choices)
    effective_on = models.DateField(_("effective from"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    ACCESS_FACULTY = "program__faculty"

    class Meta:
        verbose_name = _("program status change")
        verbose_name_plural = _("program status changes")
        ordering = ["program", "effective_on", "pk"]
        indexes = [models.Index(fields=["program", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.program_id} {self.effective_on:%Y-%m-%d} {self.status}"


class ProgramEnrollment(Record):
    ACCESS_FACULTY = "program__faculty"

    program = models.ForeignKey(CooperativeProgram, verbose_name=_("program"),
                                on_delete=models.CASCADE, related_name="enrollments")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    students = models.PositiveIntegerField(_("students enrolled"))

    objects = ProgramPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("program enrolment")
        verbose_name_plural = _("program enrolments")
        ordering = ["program", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="program_enrollment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.year}: {self.students}"

    def get_absolute_url(self) -> str:
        return reverse("programs:enrollment-detail", args=[self.pk])


class ProgramCourse(Record):
    ACCESS_FACULTY = "program__faculty"

    program = models.ForeignKey(CooperativeProgram, verbose_name=_("program"),
                                on_delete=models.CASCADE, related_name="courses")
    course = models.CharField(_("course"), max_length=200)
    credits = models.DecimalField(_("credits"), max_digits=5, decimal_places=1,
                                  validators=[MinValueValidator(0)])
    hours = models.PositiveIntegerField(_("hours"))
    is_core = models.BooleanField(_("core course"), default=False)
    is_introduced = models.BooleanField(_("introduced from the partner"), default=False)
    partner_taught_hours = models.PositiveIntegerField(_("hours taught by partner teachers"), default=0)

    objects = ProgramPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("program course")
        verbose_name_plural = _("program courses")
        ordering = ["program", "course"]
        constraints = [
            models.CheckConstraint(condition=models.Q(partner_taught_hours__lte=models.F("hours")),
                                   name="course_partner_hours_within_hours"),
            # The import key (``program_courses``): a course appears once in a program's curriculum.
            models.UniqueConstraint(fields=["program", "course"], name="program_course_key_unique"),
        ]

    def __str__(self) -> str:
        return self.course

    def get_absolute_url(self) -> str:
        return reverse("programs:course-detail", args=[self.pk])


class ProgramTeacherTraining(VerifiedRecord):
    ACCESS_FACULTY = "program__faculty"

    program = models.ForeignKey(CooperativeProgram, verbose_name=_("program"),
                                on_delete=models.CASCADE, related_name="trainings")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    participants = models.PositiveIntegerField(pgettext_lazy("training", "participants"), default=0)

    objects = ProgramPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("program teacher training")
        verbose_name_plural = _("program teacher trainings")
        ordering = ["-date", "pk"]
        indexes = [models.Index(fields=["program", "year"])]
        constraints = [
            # The import key (programs/dataexchange.py "program_trainings").
            models.UniqueConstraint(fields=["program", "year", "title"], name="program_training_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:training-detail", args=[self.pk])
