"""Indicators, targets, incentive pools and the stored assessment runs (shared/ASSESSMENT.md).

The office edits ``Indicator`` (weights, growth rates, floors, the active set), ``Target``
(targets it sets by hand) and ``IncentivePool``.  A run (``AssessmentRun``) copies every
parameter it used into ``parameters`` and stores one ``IndicatorResult`` per (faculty,
indicator) and one ``FacultyScore`` per faculty; dashboards and the API read runs and never
recompute on a page view.

The office publishes a year's run (``Publication``): from then on that run is the official
result and is frozen — the run, its scores and its indicator results refuse every change and
deletion (``PublishedRunChange``), and a publication keeps its run (``PROTECT``).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ProtectedError, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from faculties.models import YEAR_VALIDATORS, Faculty
from intlportal.indicators import IndicatorCode
from intlportal.models import Record

DEFAULT_THRESHOLD = Decimal("60")


class IndicatorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Indicator(Record):
    """One of the rulebook's thirteen indicators, with the weight and target rule in force."""

    class Kind(models.TextChoices):
        COUNT = "count", _("Count")
        RATE = "rate", _("Rate (%)")
        RATIO = "ratio", _("Ratio")
        YES_NO = "yesno", _("Yes or no")

    code = models.CharField(_("code"), max_length=40, unique=True, choices=IndicatorCode.choices,
                            editable=False)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, editable=False)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    growth_percent = models.DecimalField(
        _("growth rate (%)"), max_digits=6, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(-100), MaxValueValidator(1000)],
        help_text=_("A derived target is last year's value grown by this percentage."),
    )
    floor = models.DecimalField(
        _("floor"), max_digits=12, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text=_("A derived target is never lower than this."),
    )
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("Only active indicators are assessed."))
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0, editable=False)

    ACCESS_FACULTY = None
    COORDINATOR_CREATES = False

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="indicator_weight_not_negative"),
            models.CheckConstraint(condition=Q(floor__gte=0), name="indicator_floor_not_negative"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("zh"):
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh

    def get_absolute_url(self) -> str:
        return reverse("assessment:indicator-list")

    @property
    def is_yes_no(self) -> bool:
        return self.kind == self.Kind.YES_NO

    @property
    def growth(self) -> Decimal:
        """The growth rate as a fraction (10 % is 0.10), as the rulebook's formula uses it."""
        return self.growth_percent / 100


class Target(Record):
    """A target the office set by hand for one faculty, year and indicator.

    It wins over the derived target, and a value of 0 makes the indicator not applicable to
    the faculty in that year.  Derived targets are not kept here: each run stores the target
    it used, and where it came from, in its ``IndicatorResult``.
    """

    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.CASCADE,
                                related_name="assessment_targets")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE,
                                  related_name="targets")
    value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)],
        help_text=_("0 means the indicator does not apply to the faculty this year."),
    )

    COORDINATOR_CREATES = False

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-year", "faculty__code", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["faculty", "year", "indicator"], name="target_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "faculty"])]

    def __str__(self) -> str:
        return f"{self.faculty} {self.year} {self.indicator}: {self.value}"

    def get_absolute_url(self) -> str:
        # The list, narrowed to this target: every role may open it (the edit page is the office's).
        query = urlencode({"faculty": self.faculty_id, "year": self.year, "indicator": self.indicator_id})
        return f"{reverse('assessment:target-list')}?{query}"


class IncentivePool(Record):
    """The year's incentive money and the score a faculty needs to share in it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=YEAR_VALIDATORS)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    threshold = models.DecimalField(
        _("eligibility threshold"), max_digits=5, decimal_places=2, default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(0), MaxValueValidator(120)],
        help_text=_("Faculties scoring at least this much share the pool."),
    )

    ACCESS_FACULTY = None
    COORDINATOR_CREATES = False

    class Meta:
        verbose_name = _("incentive pool")
        verbose_name_plural = _("incentive pools")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="incentive_pool_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:pool-edit", args=[self.pk])


class PublishedRunChange(ProtectedError):
    """An attempt to change or delete what a published run stored (ASSESSMENT.md: "A published
    year is frozen").  A ``ProtectedError``, so the portal's delete pages answer it with their
    message that other records refer to the record."""

    def __init__(self, protected_objects=()):
        super().__init__(
            gettext("A published assessment run is the official result: it cannot be changed or deleted."),
            list(protected_objects),
        )


class AssessmentRunQuerySet(models.QuerySet):
    def published(self):
        """Runs that are, or once were, the published result of their year."""
        return self.filter(pk__in=Publication.objects.values("run_id"))

    def unpublished(self):
        """Runs no publication refers to: the only ones a clean-up may delete."""
        return self.exclude(pk__in=Publication.objects.values("run_id"))

    def update(self, **kwargs):
        if self.published().exists():
            raise PublishedRunChange(self.published())
        return super().update(**kwargs)

    def latest_per_year(self):
        """The newest run of every year, newest year first."""
        newest = self.filter(year=models.OuterRef("year")).order_by("-created_at", "-pk").values("pk")[:1]
        return self.filter(pk=models.Subquery(newest)).order_by("-year")

    def latest_for(self, year: int):
        return self.filter(year=year).order_by("-created_at", "-pk").first()


class AssessmentRun(models.Model):
    """One computation of a year's assessment, with a copy of everything it used.

    ``parameters`` holds the indicators (kind, weight, growth, floor) of the active set, the
    office's targets, the incentive pool and its threshold, so the run can be repeated with
    the same rules (``services.assessment_run(year=…, parameters=run.parameters)``).
    ``summary`` holds the university-wide figures the leader dashboard shows (totals and
    counts by country), computed with the run so that a page view never recomputes.
    """

    class Trigger(models.TextChoices):
        OFFICE = "office", _("Started by the office")
        COMMAND = "command", _("Command line")
        DATA_CHANGE = "data_change", _("After a data change")
        DEMO = "demo", _("Demo data")

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS, db_index=True)
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("computed by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices,
                               default=Trigger.COMMAND)
    parameters = models.JSONField(_("parameters"), default=dict)
    summary = models.JSONField(_("university-wide figures"), default=dict)
    # The run's JSON document (ASSESSMENT.md), built from the exact values when the run was
    # computed, so the command, the API and the exports print the very same numbers.
    document = models.JSONField(_("result document"), default=dict)

    # University-wide: every portal role reads the ranking (``access.scope_for``); the
    # indicator details a coordinator may not see are removed from the document
    # (``selectors.document_for``).  Only the office starts a run.
    ACCESS_FACULTY = None
    COORDINATOR_CREATES = False

    objects = AssessmentRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-year", "-created_at", "-pk"]
        indexes = [models.Index(fields=["year", "created_at"])]

    def __str__(self) -> str:
        return f"{self.year} ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else str(self.year)

    def save(self, *args, **kwargs):
        if self.pk is not None and Publication.objects.filter(run_id=self.pk).exists():
            raise PublishedRunChange([self])
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("assessment:dashboard") + f"?year={self.year}"


class RunPartQuerySet(models.QuerySet):
    """Scores and indicator results: those of a published run refuse updates and deletions."""

    def of_published_runs(self):
        return self.filter(run__in=Publication.objects.values("run_id"))

    def _refuse_published(self) -> None:
        frozen = self.of_published_runs()
        if frozen.exists():
            raise PublishedRunChange(frozen[:10])

    def update(self, **kwargs):
        self._refuse_published()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_published()
        return super().delete()


class RunPart(models.Model):
    """A row a run stores: written once by the run (``services``), frozen once it is published."""

    objects = RunPartQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def _refuse_if_published(self) -> None:
        if self.run_id is not None and Publication.objects.filter(run_id=self.run_id).exists():
            raise PublishedRunChange([self])


def cascade_unless_published(collector, field, sub_objs, using):
    """``on_delete`` of a run's rows towards their faculty: deleting a faculty deletes its rows
    of unpublished runs, and is refused (``ProtectedError``) when a published run holds it."""
    frozen = sub_objs.filter(run__in=Publication.objects.values("run_id"))
    if frozen.exists():
        raise PublishedRunChange(frozen[:10])
    models.CASCADE(collector, field, sub_objs, using)


class FacultyScore(RunPart):
    run = models.ForeignKey(AssessmentRun, verbose_name=_("run"), on_delete=models.CASCADE,
                            related_name="scores")
    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=cascade_unless_published,
                                related_name="assessment_scores")
    faculty_code = models.CharField(_("faculty code"), max_length=20)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))
    incentive = models.DecimalField(_("incentive (yuan)"), max_digits=14, decimal_places=2)
    flagged = models.BooleanField(_("flagged"), default=False,
                                  help_text=_("No indicator applies to the faculty."))

    ACCESS_FACULTY = "faculty"

    class Meta:
        verbose_name = _("faculty score")
        verbose_name_plural = _("faculty scores")
        ordering = ["run", "rank", "faculty_code"]
        constraints = [
            models.UniqueConstraint(fields=["run", "faculty"], name="faculty_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.faculty_code} {self.score}"


class IndicatorResult(RunPart):
    """One indicator of one faculty in a run.

    ``numerator`` and ``denominator`` are what was counted (the denominator is the headcount
    of a rate or ratio); ``value`` is their quotient, unrounded to ten decimals, and ``None``
    when the indicator has no value (a rate without a headcount, a program teacher training
    for a faculty without a running program).
    """

    class TargetOrigin(models.TextChoices):
        OFFICE = "office", _("Set by the office")
        YES_NO = "yesno", _("Yes-no indicator")
        DERIVED = "derived", _("Last year's value plus growth")
        FLOOR = "floor", _("Floor")

    run = models.ForeignKey(AssessmentRun, verbose_name=_("run"), on_delete=models.CASCADE,
                            related_name="results")
    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=cascade_unless_published,
                                related_name="assessment_results")
    faculty_code = models.CharField(_("faculty code"), max_length=20)
    indicator = models.CharField(_("indicator"), max_length=40, choices=IndicatorCode.choices)
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    numerator = models.DecimalField(_("numerator"), max_digits=14, decimal_places=2, null=True)
    denominator = models.PositiveIntegerField(_("denominator"), null=True)
    value = models.DecimalField(pgettext_lazy("indicator", "value"), max_digits=28, decimal_places=10, null=True)
    previous_value = models.DecimalField(_("last year's value"), max_digits=28, decimal_places=10,
                                         null=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    target_origin = models.CharField(_("target origin"), max_length=10, choices=TargetOrigin.choices)
    achievement = models.DecimalField(_("achievement"), max_digits=18, decimal_places=10, null=True)
    applicable = models.BooleanField(_("applicable"))

    ACCESS_FACULTY = "faculty"

    class Meta:
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        ordering = ["run", "faculty_code", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "faculty", "indicator"], name="indicator_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.faculty_code} {self.indicator}: {self.value}"


class PendingRecompute(models.Model):
    """A change to data the assessment counts, not yet recomputed (``assessment.tasks``).

    Written in the transaction of the save (or import) that made it, so the need to recompute
    is committed with the data and survives a cache or broker outage, a lost enqueue and a dead
    worker; the recompute deletes exactly the rows it read, once the years are stored, and the
    periodic sweep recomputes what is left.  Rows are only ever inserted, never updated: an
    upsert of one shared row would make every counted save in the portal wait for the others'
    row lock until they commit.
    """

    ALL_YEARS = 0  # any year may be affected: every assessed year and the current one

    year = models.PositiveSmallIntegerField(_("year"), help_text=_("0 means every year."))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("pending recomputation")
        verbose_name_plural = _("pending recomputations")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.year or 'all'} ({self.requested_at:%Y-%m-%d %H:%M:%S})"


class PublicationQuerySet(models.QuerySet):
    def current_per_year(self):
        """The latest publication of every published year, newest year first."""
        newest = self.filter(year=models.OuterRef("year")).order_by("-version").values("pk")[:1]
        return self.filter(pk=models.Subquery(newest)).order_by("-year")

    def current_for(self, year: int):
        return self.filter(year=year).order_by("-version").first()

    def update(self, **kwargs):
        raise PublishedRunChange(self)

    def delete(self):
        raise PublishedRunChange(self)


class Publication(models.Model):
    """The office made a run the official result of its year.

    Versions are numbered per year from 1; the latest one is the year's official result and
    the earlier ones stay, so that every result the university ever announced can be shown
    and compared.  From version 2 on the office says why it publishes again (``reason``).
    A publication is never changed or deleted, and its run cannot be deleted (``PROTECT``).
    """

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    run = models.ForeignKey(AssessmentRun, verbose_name=_("run"), on_delete=models.PROTECT,
                            related_name="publications")
    version = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("reason"), blank=True,
                              help_text=_("Why the year is published again (required from version 2 on)."))

    # University-wide, as its run: every portal role reads publications; only the office makes them.
    ACCESS_FACULTY = None
    COORDINATOR_CREATES = False

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("assessment", "publication")
        verbose_name_plural = pgettext_lazy("assessment", "publications")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="publication_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="publication_version_positive"),
            models.CheckConstraint(condition=Q(version=1) | ~Q(reason=""), name="publication_republish_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PublishedRunChange([self])
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("assessment:publication-list", args=[self.year])

    def delete(self, *args, **kwargs):
        raise PublishedRunChange([self])
