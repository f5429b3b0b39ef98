"""API tokens: how systems (not browsers) authenticate to the REST API."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Shown in the token list so the office can tell tokens apart without storing the key.
PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    """The stored form of a key.

    A plain SHA-256 suffices (no salt, no slow hash): keys are 32 random bytes, so there is
    nothing to guess, and a fast hash lets authentication look the token up by its digest.
    """
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key the office issued for a system; it acts as ``user`` and so has that user's role.

    Only the SHA-256 digest of the key is stored: the key itself is shown once, when issued.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acts as user"),
                             on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100,
                            help_text=_("What the token is for, e.g. the system that uses it."))
    prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+",
                                   editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
