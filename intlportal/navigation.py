"""The navigation bar, assembled from what each app registers.

An app adds its entries in ``AppConfig.ready()``; each entry names the predicate of
``intlportal.access`` that decides who sees it, so the menu shows every role what it may use
and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from intlportal import access


@dataclass(frozen=True)
class NavItem:
    section: Promise | str
    label: Promise | str
    url_name: str
    visible: Callable[[object], bool]
    order: int = 100


_ITEMS: list[NavItem] = []


def register(section, label, url_name: str, *, visible=None, order: int = 100) -> None:
    item = NavItem(section, label, url_name, visible or (lambda user: bool(access.roles(user))), order)
    if item not in _ITEMS:
        _ITEMS.append(item)


def menu_for(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(section, [(label, url), ...]), ...] for the user, in registration order."""
    sections: dict[str, list[tuple[int, str, str]]] = {}
    order_of_section: dict[str, int] = {}
    for item in _ITEMS:
        if not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        key = str(item.section)
        sections.setdefault(key, []).append((item.order, str(item.label), url))
        order_of_section[key] = min(order_of_section.get(key, item.order), item.order)
    return [
        (section, [(label, url) for _o, label, url in sorted(entries, key=lambda e: e[0])])
        for section, entries in sorted(sections.items(), key=lambda kv: order_of_section[kv[0]])
    ]
