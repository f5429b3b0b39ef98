"""Template helpers for the generic record pages."""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from intlportal import access
from intlportal.views import display_value

register = template.Library()


def _format(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        # Stored in UTC: shown in the portal's time (Asia/Shanghai), as the timeline shows it.
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2, force_grouping=True)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if hasattr(value, "url") and hasattr(value, "name"):  # a file: never link storage directly
        return _("File attached") if value.name else "—"
    return value


@register.filter
def money(value):
    """An amount of yuan: two decimals and thousands separators (750,000.07)."""
    if value in (None, ""):
        return "—"
    return number_format(Decimal(value), decimal_pos=2, force_grouping=True)


@register.filter
def count(value):
    """A count, or a number that is whole in fact (a weight of 5.00): no decimals, grouped."""
    if value in (None, ""):
        return "—"
    number = Decimal(value)
    if number == number.to_integral_value():
        return number_format(int(number), force_grouping=True)
    return number_format(number.normalize(), force_grouping=True)


@register.simple_tag
def cell(obj, column):
    """The formatted value of a list column, linked to the record when the column says so."""
    raw = display_value(obj, column.path)
    value = _format(raw)
    if isinstance(raw, datetime.date):  # a date is not broken at its hyphens (2026-02-|01)
        value = format_html('<span class="text-nowrap">{}</span>', value)
    if column.link and hasattr(obj, "get_absolute_url"):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), value)
    return value


@register.filter
def show(value):
    return _format(value)


@register.simple_tag(takes_context=True)
def sort_header(context, column):
    """A sortable column header: a link that toggles the order and says so to screen readers."""
    if not column.sort:
        return column.label
    current = context.get("current_sort", "")
    base = context.get("sort_query_string", "")
    if current == column.sort:
        new, arrow, state = f"-{column.sort}", " ▲", _("sorted ascending")
    elif current == f"-{column.sort}":
        new, arrow, state = column.sort, " ▼", _("sorted descending")
    else:
        new, arrow, state = column.sort, "", ""
    query = f"{base}&sort={new}" if base else f"sort={new}"
    if state:
        return format_html('<a href="?{}">{}{}<span class="visually-hidden"> ({})</span></a>',
                           query, column.label, arrow, state)
    return format_html('<a href="?{}">{}</a>', query, column.label)


@register.filter
def can_edit(user, obj):
    return access.can_edit(user, obj)


@register.filter
def can_view(user, obj):
    return access.can_view(user, obj)
