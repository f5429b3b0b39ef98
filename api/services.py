"""Issuing and revoking API tokens."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from api.models import PREFIX_LENGTH, ApiToken, hash_key


def token_issue(*, user, name: str, by=None) -> tuple[ApiToken, str]:
    """Create a token that acts as ``user``; return it with its key.

    The key is returned once and stored nowhere: only its digest is saved.
    """
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key),
                     created_by=by)
    token.full_clean()
    token.save()
    return token, key


def token_revoke(*, token: ApiToken, by=None) -> ApiToken:
    """Revoke a token; revoking it again changes nothing (the first revocation is kept)."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = by
            locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked
