"""Project-wide models: the user, the base of every record kind, workflow transitions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A portal user.  Roles are groups (see ``intlportal.access``).

    A person signs in with a local password (the demo, a break-glass office account) or through
    the university's identity service, CAS or LDAP (``accounts``), which finds the account by
    the staff number the directory releases.  The office keeps accounts on its accounts pages;
    every change to one is in its history (never the password or the sign-in times).
    """

    class SignInMethod(models.TextChoices):
        LOCAL = "local", _("Portal password")
        CAS = "cas", _("Unified identity service (CAS)")
        LDAP = "ldap", _("Directory (LDAP)")

    staff_no = models.CharField(
        _("staff number"), max_length=30, unique=True, null=True, blank=True,
        help_text=_("The number the university's identity service releases: a campus sign-in finds the account by it."),
    )
    last_sign_in_method = models.CharField(
        _("last sign-in method"), max_length=10, choices=SignInMethod.choices, blank=True, editable=False,
    )
    # Counted up when the office deactivates the account: the sessions opened before then are
    # void for good, so activating the account again does not bring them back.
    session_epoch = models.PositiveIntegerField(_("session generation"), default=0, editable=False)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True,
        help_text=_("The language the portal is shown in for this user."),
    )
    email_digest = models.BooleanField(
        _("one e-mail a day"), default=False,
        help_text=_("Collect the day's notifications into one e-mail each morning instead of one e-mail each."),
    )
    # Who created, activated, renamed or deactivated an account, and when its roles changed
    # (the groups' set is kept with each entry).  Signing in changes nothing here: the sign-in
    # time and method are recorded without a save (``accounts.signin.record_sign_in``).
    history = HistoricalRecords(
        excluded_fields=["password", "last_login", "last_sign_in_method", "session_epoch"], m2m_fields=["groups"],
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def _get_session_auth_hash(self, secret=None):
        # Django's hash of the password, which each request's session must match; with the
        # session epoch in it once the account has been deactivated (epoch 0 keeps Django's own
        # hash, so sessions opened before this field existed stay valid).
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac("intlportal.User.session_epoch", f"{self.password}:{self.session_epoch}",
                           secret=secret, algorithm="sha256").hexdigest()

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username


# The size of the history's ``history_change_reason`` column (django-simple-history's default).
CHANGE_REASON_CHARS = 100


class RecordHistory(HistoricalRecords):
    """The history of every record kind; a kind leaves personal data out of it by naming the
    fields in ``HISTORY_EXCLUDED_FIELDS`` (one instance serves every kind, so the exclusion is
    read from the model, not kept on the instance)."""

    def fields_included(self, model):
        excluded = {*self.excluded_fields, *getattr(model, "HISTORY_EXCLUDED_FIELDS", ())}
        return [field for field in model._meta.fields if field.name not in excluded]

    def get_change_reason_for_object(self, instance, history_type, using):
        # The reason is a workflow step's or a verification's comment, which may be long; the
        # history keeps its first 100 characters (the column's size: PostgreSQL refuses more),
        # and the step's own record (``WorkflowTransition``) keeps it whole.
        reason = super().get_change_reason_for_object(instance, history_type, using)
        return Truncator(str(reason)).chars(CHANGE_REASON_CHARS) if reason else reason

    def create_history_model(self, model, inherited):
        history_model = super().create_history_model(model, inherited)
        history_model._history_excluded_fields = list(getattr(model, "HISTORY_EXCLUDED_FIELDS", ()))
        return history_model


class Record(models.Model):
    """Base of every editable record kind.

    ``version`` is the optimistic lock: each save through a service or form increments it,
    and a form opened at an older version is refused (``intlportal.versioning``).
    ``history`` keeps every create, change and delete (django-simple-history).
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = RecordHistory(inherit=True)
    # Fields a kind's history leaves out (personal data a history view must not show).
    HISTORY_EXCLUDED_FIELDS: tuple[str, ...] = ()

    # The path from this model to its faculty, for access scopes ("faculty",
    # "staff_member__faculty", ...).  None: a shared record kind that has no faculty.
    ACCESS_FACULTY: str | None = "faculty"

    class Meta:
        abstract = True

    # ``loaded_values()``: what the row held when read (attname → value), so that a receiver of
    # ``post_save`` tells what a save changed without reading the row again (the assessment
    # recomputes only the years a change touches).  A save or a refresh renews it.
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._remember(kwargs.get("update_fields"))

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        record = super().from_db(db, field_names, values, **kwargs)
        record._loaded = (field_names, values)  # the row as read; a dict only when asked for
        return record

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self._remember(fields)

    def _remember(self, names) -> None:
        fields = [self._meta.get_field(name) for name in names] if names else self._meta.concrete_fields
        kept = (self.loaded_values() or {}) if names else {}
        self._loaded = {**kept, **{f.attname: getattr(self, f.attname) for f in fields
                                   if getattr(f, "concrete", False) and f.attname in self.__dict__}}

    def loaded_values(self) -> dict | None:
        """The values as read from (or last saved to) the database; None for a record built in
        memory (a new one, or one rebuilt from its history)."""
        loaded = getattr(self, "_loaded", None)
        if isinstance(loaded, tuple):
            loaded = self._loaded = dict(zip(*loaded, strict=True))
        return loaded

    def locked_for_coordinator(self) -> bool:
        """True once the record left the stage in which a coordinator may change it."""
        return False

    def read_only(self) -> bool:
        """True when nobody may change the record any more (an approved plan)."""
        return False


class Verification(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class VerifiedRecord(Record):
    """A record kind whose values count in the assessment only once the office verified them.

    The row's own fields always hold the last verified values once it has been verified
    (``verified_at`` set): a coordinator's change to a verified record waits in ``staged``
    (field name → value, as ``intlportal.verification`` serialises it) until the office verifies
    it, and a rejection leaves the row as it was.  A record a coordinator created is pending
    with ``verified_at`` empty and counts for nothing until verified.  What the office enters
    is verified on entry (the field defaults, so that data loaded by the office's tools counts).
    ``intlportal.verification`` is the one place that moves these fields.
    """

    verification = models.CharField(_("verification"), max_length=10, choices=Verification.choices,
                                    default=Verification.VERIFIED, editable=False, db_index=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, default=timezone.now,
                                       editable=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    staged = models.JSONField(_("change awaiting verification"), default=dict, blank=True, editable=False)
    staged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("change entered by"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    staged_at = models.DateTimeField(_("change entered at"), null=True, blank=True, editable=False)
    review_comment = models.TextField(_("office's comment"), blank=True, editable=False)

    class Meta:
        abstract = True


class WorkflowTransition(models.Model):
    """One step of a record's workflow: who moved it from which state to which, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(_("from"), max_length=20)
    to_state = models.CharField(_("to"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"
