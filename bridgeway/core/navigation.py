"""Top navigation: each app registers entries for the roles that use them.

Apps register in their AppConfig.ready so that core never imports a domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 50


_items: list[NavItem] = []
_role_lookup: Callable[[User], set[str]] | None = None


def register(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)


def set_role_lookup(fn: Callable[[User], set[str]]) -> None:
    global _role_lookup
    _role_lookup = fn


def nav_for(user: User) -> list[dict[str, str]]:
    roles = _role_lookup(user) if _role_lookup else set()
    out = []
    for item in sorted(_items, key=lambda i: (i.order, str(i.label))):
        if roles & item.roles:
            try:
                out.append({"label": str(item.label), "url": reverse(item.url_name)})
            except NoReverseMatch:
                continue
    return out
