"""In-portal notifications and the log that makes each reminder go out once."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PLAN_SUBMITTED = "plan_submitted", _("Plan submitted")
    PLAN_APPROVED = "plan_approved", _("Plan approved")
    PLAN_RETURNED = "plan_returned", _("Plan returned")
    PLAN_DEADLINE = "plan_deadline", _("Plan not submitted by the deadline")
    AGREEMENT_EXPIRING = "agreement_expiring", _("Agreement expiring")
    CONTRACT_EXPIRING = "contract_expiring", _("Contract expiring")
    PERMIT_EXPIRING = "permit_expiring", _("Work permit expiring")
    REPORT_OVERDUE = "report_overdue", _("Post-exchange report overdue")
    EVIDENCE_VERIFIED = "evidence_verified", _("Entry verified")
    EVIDENCE_REJECTED = "evidence_rejected", _("Entry not verified")
    WORKFLOW_STEP = "workflow_step", _("Workflow step")
    PASSPORT_RETURN_OVERDUE = "passport_return_overdue", _("Passport not returned")
    PASSPORT_EXPIRING = "passport_expiring", _("Passport expiring")
    TRIP_REPORT_OVERDUE = "trip_report_overdue", _("Trip report overdue")
    VISA_MISSING = "visa_missing", _("Visa missing before departure")


# The sentence of each kind.  Stored notifications keep only their parameters, so the list is
# shown (and the e-mail written) in each reader's own language.
MESSAGES = {
    Kind.PLAN_SUBMITTED: _("%(actor)s submitted the plan “%(record)s” for approval."),
    Kind.PLAN_APPROVED: _("%(actor)s approved the plan “%(record)s”."),
    Kind.PLAN_RETURNED: _("%(actor)s returned the plan “%(record)s” for changes."),
    Kind.PLAN_DEADLINE: _("The plan “%(record)s” was not submitted by the deadline of %(due)s."),
    Kind.AGREEMENT_EXPIRING: _("The agreement “%(record)s” expires on %(due)s (in %(days)s days)."),
    Kind.CONTRACT_EXPIRING: _("The contract “%(record)s” expires on %(due)s (in %(days)s days)."),
    Kind.PERMIT_EXPIRING: _("The work permit of the contract “%(record)s” expires on %(due)s "
                            "(in %(days)s days)."),
    Kind.REPORT_OVERDUE: _("The post-exchange report of “%(record)s” is overdue: the exchange ended "
                           "on %(due)s."),
    Kind.EVIDENCE_VERIFIED: _("Your entry “%(record)s” has been verified by the Foreign Affairs Office."),
    Kind.EVIDENCE_REJECTED: _("Your entry “%(record)s” did not pass the office's verification: %(comment)s"),
    Kind.WORKFLOW_STEP: _("%(actor)s moved “%(record)s” from “%(from)s” to “%(to)s”."),
    Kind.PASSPORT_RETURN_OVERDUE: _("The travel document “%(record)s” was due back at the office on %(due)s."),
    Kind.PASSPORT_EXPIRING: _("The travel document “%(record)s” expires on %(due)s (in %(days)s days)."),
    Kind.TRIP_REPORT_OVERDUE: _("The report of the trip “%(record)s” was due on %(due)s."),
    Kind.VISA_MISSING: _("The trip “%(record)s” leaves on %(due)s and %(count)s member(s) still lack a visa."),
}

# Kinds whose sentence quotes the comment itself: the list and the e-mail do not repeat it.
COMMENT_IN_MESSAGE = {Kind.EVIDENCE_REJECTED}


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    url = models.CharField(_("link"), max_length=300, blank=True)
    record_label = models.CharField(_("record"), max_length=300)
    params = models.JSONField(_("details"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # The e-mail's delivery state (notifications.tasks.deliver_email): a sender claims the
    # notification for a while (a lease, so a crashed sender does not keep it forever), counts
    # its attempts and keeps the last error; a refusal by the mail server that no retry can
    # cure (an unknown address) ends the attempts.
    email_claimed_at = models.DateTimeField(_("e-mail being sent since"), null=True, blank=True)
    email_attempts = models.PositiveIntegerField(_("e-mail attempts"), default=0)
    email_error = models.CharField(_("last e-mail error"), max_length=500, blank=True)
    email_failed_at = models.DateTimeField(_("e-mail refused at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"]),
            # The sweep of e-mails that never went (notifications.send_unsent_emails).
            models.Index(fields=["created_at"], condition=models.Q(emailed_at__isnull=True),
                         name="notification_email_unsent"),
        ]

    def __str__(self) -> str:
        return self.message

    def get_absolute_url(self) -> str:
        return self.url or reverse("notifications:list")

    @property
    def message(self) -> str:
        """The sentence in the active language."""
        actor = self.actor.get_full_name() or self.actor.username if self.actor_id else ""
        values = {"actor": actor, "record": self.record_label, "due": "", "days": "", "comment": self.comment}
        values.update(self.params)
        if self.kind == Kind.WORKFLOW_STEP:
            values.update(self._state_labels())
        return str(MESSAGES[self.kind]) % values

    def _state_labels(self) -> dict[str, str]:
        """A workflow step's states in the reader's language (the codes are what is stored)."""
        labels: dict = {}
        model = self.content_type.model_class() if self.content_type_id else None
        field_name = self.params.get("state_field", "status")
        if model is not None:
            try:
                labels = dict(model._meta.get_field(field_name).flatchoices)
            except Exception:  # noqa: BLE001 - a field renamed since: the codes are shown
                labels = {}
        return {key: str(labels.get(self.params.get(key), self.params.get(key, ""))) for key in ("from", "to")}

    @property
    def extra_comment(self) -> str:
        """The comment shown under the sentence: empty when the sentence already quotes it."""
        return "" if self.kind in COMMENT_IN_MESSAGE else self.comment

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ReminderLog(models.Model):
    """One reminder sent for one item at one threshold.  The unique constraint makes the nightly
    job idempotent even when two runs overlap: the second insert fails and sends nothing."""

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    threshold = models.CharField(_("threshold"), max_length=20)
    # The date the reminder is about: a renewed contract with a new end date is reminded again.
    due_on = models.DateField(_("due on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "content_type", "object_id", "threshold", "due_on"],
                                    name="reminder_once_per_item_and_threshold"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.content_type_id}:{self.object_id} {self.threshold}"
