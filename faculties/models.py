"""Faculties (二级学院), their disciplines, yearly headcounts, leading groups, coordinators
and internationalization plans."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intlportal.indicators import IndicatorCode
from intlportal.models import Record, VerifiedRecord

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


class FacultyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class FacultyPartQuerySet(models.QuerySet):
    """A faculty's disciplines, yearly headcounts and leading group."""

    def for_pages(self):
        return self.select_related("faculty")


class CoordinatorMembershipQuerySet(models.QuerySet):
    def for_pages(self):
        return self.select_related("faculty", "user")


def plan_submission_deadline(year: int) -> date:
    """The office's deadline for submitting the plans that cover ``year`` (settings,
    ``PLAN_SUBMISSION_DEADLINE`` as ``MM-DD``)."""
    month, day = (int(part) for part in settings.PLAN_SUBMISSION_DEADLINE.split("-"))
    return date(year, month, day)


class PlanQuerySet(models.QuerySet):
    def for_pages(self):
        return self.select_related("faculty", "submitted_by")

    def past_submission_deadline(self, today: date | None = None):
        """Plans covering this year still in draft or returned after this year's deadline."""
        today = today or timezone.localdate()
        if today <= plan_submission_deadline(today.year):
            return self.none()
        return self.filter(
            status__in=[InternationalizationPlan.Status.DRAFT, InternationalizationPlan.Status.RETURNED],
            first_year__lte=today.year, last_year__gte=today.year,
        )


class Faculty(Record):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    foreign_site_url = models.URLField(_("foreign-language website"), blank=True)
    # A copy of the latest verified entry of the website update log (``SiteUpdate``), kept for
    # the lists and exports that show it; nobody types it, and the assessment reads the log.
    foreign_site_updated_on = models.DateField(
        _("foreign-language website last updated"), null=True, blank=True, editable=False,
        help_text=_("The date of the latest verified entry in the website update log."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    ACCESS_FACULTY = "self"
    COORDINATOR_CREATES = False

    objects = FacultyQuerySet.as_manager()

    class Meta:
        verbose_name = _("faculty")
        verbose_name_plural = _("faculties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("zh"):
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh

    def get_absolute_url(self) -> str:
        return reverse("faculties:faculty-detail", args=[self.pk])


class Discipline(Record):
    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.CASCADE,
                                related_name="disciplines")
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    is_key = models.BooleanField(_("key discipline"), default=False)
    is_national_first_class = models.BooleanField(_("national first-class major"), default=False)

    objects = FacultyPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["faculty__code", "name_zh"]
        constraints = [
            models.UniqueConstraint(fields=["faculty", "name_zh"], name="discipline_unique_name"),
        ]

    def __str__(self) -> str:
        if (get_language() or "").startswith("zh") or not self.name_en:
            return self.name_zh
        return self.name_en

    def get_absolute_url(self) -> str:
        return reverse("faculties:discipline-detail", args=[self.pk])


class FacultyYear(VerifiedRecord):
    """The denominators of every rate: full-time teachers and enrolled students in a year."""

    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.CASCADE,
                                related_name="years")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    teachers = models.PositiveIntegerField(_("full-time teachers"))
    students = models.PositiveIntegerField(_("enrolled students"))

    objects = FacultyPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("faculty year")
        verbose_name_plural = _("faculty years")
        ordering = ["faculty__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["faculty", "year"], name="faculty_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.faculty} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("faculties:facultyyear-detail", args=[self.pk])


class SiteUpdate(VerifiedRecord):
    """One dated update of a faculty's foreign-language website: the log the assessment's
    ``foreign_site_updated`` reads (a year counts when the site was updated in it)."""

    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.CASCADE,
                                related_name="site_updates")
    updated_on = models.DateField(_("updated on"))
    url = models.URLField(_("website address"))
    note = models.CharField(_("what was updated"), max_length=300, blank=True)

    objects = FacultyPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("website update")
        verbose_name_plural = _("website updates")
        ordering = ["-updated_on", "-pk"]
        constraints = [
            # The import key (faculties/dataexchange.py "site_updates").
            models.UniqueConstraint(fields=["faculty", "updated_on"], name="site_update_key_unique"),
        ]
        indexes = [models.Index(fields=["faculty", "updated_on"])]

    def __str__(self) -> str:
        return f"{self.faculty} {self.updated_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("faculties:siteupdate-detail", args=[self.pk])

    def clean(self) -> None:
        """An update is recorded once it is online: never dated in the future (the form, the
        import and the admin all validate through here)."""
        super().clean()
        if self.updated_on is not None and self.updated_on > timezone.localdate():
            raise ValidationError({"updated_on": _(
                "An update cannot be dated in the future. Record it once the updated site is online.")})


class LeadingGroupMember(Record):
    """A member of the faculty's foreign-affairs leading group (外事工作领导小组)."""

    class GroupRole(models.TextChoices):
        LEADER = "leader", _("Group leader")
        DEPUTY = "deputy", _("Deputy leader")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")

    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.CASCADE,
                                related_name="leading_group")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    position = models.CharField(_("position"), max_length=200)
    group_role = models.CharField(_("role in group"), max_length=20, choices=GroupRole.choices,
                                  default=GroupRole.MEMBER)

    objects = FacultyPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("leading group member")
        verbose_name_plural = _("leading group members")
        ordering = ["faculty__code", "group_role", "name"]
        constraints = [
            # The import key (``leading_group``): a person sits once in a faculty's group.
            models.UniqueConstraint(fields=["faculty", "name"], name="leading_group_member_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_group_role_display()})"

    def get_absolute_url(self) -> str:
        return reverse("faculties:leadinggroupmember-detail", args=[self.pk])


class CoordinatorMembership(models.Model):
    """Which faculties a coordinator serves."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="coordinator_memberships")
    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.CASCADE,
                                related_name="coordinator_memberships")
    ACCESS_FACULTY = "faculty"
    COORDINATOR_CREATES = False
    # Who assigned or removed a coordinator's faculty, and when (the accounts pages show it).
    history = HistoricalRecords()

    objects = CoordinatorMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("coordinator membership")
        verbose_name_plural = _("coordinator memberships")
        ordering = ["faculty__code", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "faculty"], name="coordinator_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.faculty}"

    def get_absolute_url(self) -> str:
        return reverse("faculties:coordinatormembership-detail", args=[self.pk])


class InternationalizationPlan(Record):
    """A faculty's internationalization plan (国际化发展规划) and its approval workflow."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.PROTECT,
                                related_name="plans")
    first_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    last_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    partnerships = models.TextField(_("partnerships"), blank=True)
    teachers = models.TextField(_("teachers"), blank=True)
    students = models.TextField(_("students"), blank=True)
    curriculum = models.TextField(_("curriculum"), blank=True)
    research = models.TextField(_("research"), blank=True)
    support_measures = models.TextField(_("support measures"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("internationalization plan")
        verbose_name_plural = _("internationalization plans")
        ordering = ["faculty__code", "-first_year"]
        constraints = [
            models.CheckConstraint(condition=Q(last_year__gte=F("first_year")),
                                   name="plan_years_ordered"),
            # The import key (faculties/dataexchange.py "plans"): one row, one plan.
            models.UniqueConstraint(fields=["faculty", "first_year", "title"], name="plan_key_unique"),
        ]
        indexes = [models.Index(fields=["status", "first_year", "last_year"])]

    def __str__(self) -> str:
        return f"{self.faculty} {self.first_year}–{self.last_year}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("faculties:plan-detail", args=[self.pk])

    def locked_for_coordinator(self) -> bool:
        return self.status not in {self.Status.DRAFT, self.Status.RETURNED}

    def read_only(self) -> bool:
        return self.status == self.Status.APPROVED


class PlanTarget(Record):
    """A target the plan sets itself for one indicator in one year."""

    plan = models.ForeignKey(InternationalizationPlan, verbose_name=_("plan"),
                             on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=40, choices=IndicatorCode.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    value = models.DecimalField(_("planned value"), max_digits=12, decimal_places=2)

    ACCESS_FACULTY = "plan__faculty"

    class Meta:
        verbose_name = _("planned target")
        verbose_name_plural = _("planned targets")
        ordering = ["plan", "year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator", "year"], name="plan_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.year}: {self.value}"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()

    def locked_for_coordinator(self) -> bool:
        return self.plan.locked_for_coordinator()

    def read_only(self) -> bool:
        return self.plan.read_only()


class PlanAttachment(Record):
    plan = models.ForeignKey(InternationalizationPlan, verbose_name=_("plan"),
                             on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="plans/%Y/")

    ACCESS_FACULTY = "plan__faculty"

    class Meta:
        verbose_name = _("plan attachment")
        verbose_name_plural = _("plan attachments")
        ordering = ["plan", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()

    def locked_for_coordinator(self) -> bool:
        return self.plan.locked_for_coordinator()

    def read_only(self) -> bool:
        return self.plan.read_only()
