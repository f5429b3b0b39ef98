"""The campus sign-in backends: CAS (django-cas-ng) and LDAP (django-auth-ldap), each
mapping the person onto a portal account through ``accounts.signin`` and refusing an inactive
account or a name django-axes has locked out."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django_auth_ldap.backend import LDAPBackend, ldap_error
from django_cas_ng.backends import CASBackend
from django_cas_ng.utils import get_cas_client

from accounts import signin


def _locked_out(request, username: str) -> bool:
    """django-axes's lockout, asked for a name that reached the portal by another way than
    its sign-in form (a CAS ticket): a name locked out on one backend is locked out on all."""
    return request is not None and AxesProxyHandler.is_locked(request, credentials={"username": username})


def cas_ticket_attempt(request, credentials) -> bool:
    """``AXES_WHITELIST_CALLABLE``: a CAS ticket is not a password, so django-axes does not count
    a refused one against the address (on a campus behind one address, five people awaiting
    activation would lock everyone out); the name's own lockout is checked in CampusCASBackend."""
    return bool(credentials) and "ticket" in credentials and "username" not in credentials


class CampusCASBackend(CASBackend):
    """A CAS service ticket, validated with the CAS server (protocol 2 or 3; 3 releases the
    attributes), gives the person's user name and attributes."""

    def authenticate(self, request, ticket, service):
        client = get_cas_client(service_url=service, request=request)
        username, attributes, _pgtiou = client.verify_ticket(ticket)
        if not username:
            return None
        if _locked_out(request, username):
            signin.refuse(request, signin.LOCKED)
            return None
        values = signin.directory_values(attributes or {}, settings.CAS_ATTRIBUTE_MAP)
        user = signin.campus_user(signin.CAS, username, values, request)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user


class CampusLDAPBackend(LDAPBackend):
    """A search for the person, a bind as them with the password they typed; the account is
    found (or made inactive) by ``accounts.signin``, not by django-auth-ldap."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not self.user_can_authenticate(user):
            return None
        return user

    def get_or_build_user(self, username, ldap_user):
        values = signin.directory_values(dict(ldap_user.attrs or {}), settings.LDAP_ATTRIBUTE_MAP)
        user = signin.campus_user(signin.LDAP, username, values, getattr(ldap_user, "_request", None))
        if user is None:
            raise ldap_user.AuthenticationFailed("no portal account for this person")
        return user, False

    def get_user(self, user_id):
        # django-auth-ldap's own get_user returns an inactive account: a session opened through
        # LDAP ends when the office deactivates the account, as on the other backends.
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        return getattr(user, "is_active", True)


def _directory_unavailable(sender, context, user, request, exception, **kwargs) -> None:
    """django-auth-ldap logs an LDAP error (a directory that cannot be reached, a certificate
    that does not verify, a service account it refuses) and goes on as if the password were
    wrong: the sign-in page says the directory could not be asked instead."""
    signin.refuse(request, signin.UNAVAILABLE)


ldap_error.connect(_directory_unavailable, sender=CampusLDAPBackend, dispatch_uid="accounts_ldap_unavailable")
