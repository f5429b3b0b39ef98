"""Template helpers showing a record's verification state (``intlportal.verification``): the
badge on lists and record pages, and the change awaiting the office, verified value → proposed
value."""

from django import template

from intlportal import access, verification

register = template.Library()


@register.filter
def verifiable(model_or_obj) -> bool:
    """Does the office verify this record kind (a list's ``view.model``) or record?"""
    return verification.verifiable(model_or_obj)


@register.simple_tag(takes_context=True)
def pending_changes(context, record) -> list:
    """The record's staged proposal, field by field (``verification.changes``), less personal
    data the reader may not see."""
    hidden = set() if access.can_see_personal_data(context["request"].user) else set(
        getattr(type(record), "PERSONAL_FIELDS", ()))
    return [change for change in verification.changes(record) if change.field not in hidden]
