"""An import in progress: the uploaded file waiting between preview and commit, and how far
the background task has got."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One upload of one user.  Its id is random, and only its owner may look it up."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        WRITING = "writing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    class Step(models.TextChoices):
        CHECK = "check", _("check")
        COMMIT = "commit", _("import")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(_("stored file"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CHECKING)
    done = models.PositiveIntegerField(_("rows processed"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    # The step last queued, which Retry queues again.
    step = models.CharField(_("step"), max_length=10, choices=Step.choices, default=Step.CHECK)
    # Set in the transaction that writes the rows: the job's rows are in the database.  A
    # redelivered task, the watchdog and the failure handler read it to tell the truth.
    written_at = models.DateTimeField(_("written at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("dataexchange:job", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.WRITING}

    @property
    def retryable(self) -> bool:
        """A failed job whose file is still kept and of which nothing was written."""
        return self.status == self.Status.FAILED and bool(self.stored_name) and self.written_at is None

    @property
    def cancellable(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.CHECKED, self.Status.WRITING,
                               self.Status.FAILED} and self.written_at is None

    @property
    def percent(self) -> int:
        if self.status in {self.Status.DONE, self.Status.CHECKED}:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
