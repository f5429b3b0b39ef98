"""What both data-exchange commands share: the kind argument and the user they act as."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from dataexchange import registry
from intlportal import access


def kind_named(name: str) -> registry.Kind:
    try:
        return registry.get(name)
    except KeyError:
        names = ", ".join(kind.name for kind in registry.kinds())
        raise CommandError(f"Unknown kind {name!r}. Kinds: {names}.") from None


def acting_user(username: str | None):
    """The office user named by ``--user``; without it, the office itself, credited to no one.

    A command is run by whoever administers the server, so it has the office's full access.
    """
    User = get_user_model()
    if username:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        if not access.is_office(user):
            raise CommandError(f"{username!r} is not in the office group.")
        return user
    user = User(username="manage.py", is_superuser=True)
    user._intlportal_roles = frozenset({access.OFFICE})
    return user
