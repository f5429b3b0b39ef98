"""``{% campus_sign_in as campus %}``: which campus sign-ins the sign-in page offers —
``campus.cas`` (a button to the university's CAS server) and ``campus.ldap`` (the password
form also takes the campus account's password)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def campus_sign_in() -> dict[str, bool]:
    return {"cas": bool(settings.CAS_SERVER_URL), "ldap": bool(settings.LDAP_SERVER_URI)}
