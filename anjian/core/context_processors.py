"""What every page needs: the user's office, to-do count, unread messages and the menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_noop

from anjian.core.menu import menu_for

# The default ANJIAN_SITE_NAME, marked so that makemessages puts it in the catalogue (templates translate SITE_NAME).
gettext_noop("安全生产监管平台")

# Counts shown in the page header (``todo_count``, ``unread_count``): registered by the inbox app in
# InboxConfig.ready, so that core imports no app.
COUNTERS: dict[str, Callable[[Any], int]] = {}


def register_counter(name: str, count: Callable[[Any], int]) -> None:
    COUNTERS[name] = count


def shell(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"SITE_NAME": settings.ANJIAN_SITE_NAME, "DEMO": settings.ANJIAN_DEMO, **map_settings()}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    context["menu"] = menu_for(user, request.path)
    for name, count in COUNTERS.items():
        context[name] = count(user)
    context["office_label"] = office_label(user)
    return context


def office_label(user: Any) -> str:
    """Who the user is at work: their own unit and role. The unit is the one recorded on the user
    (a custody provider's own company) or else the grant's; never a custody client's name — a
    provider's enterprise grants are its clients, not its identity."""
    m = user.memberships.filter(is_active=True).select_related("role", "jurisdiction", "department", "enterprise").first()
    if m is None:
        return str(user.unit_name)
    if user.unit_name:
        unit: Any = user.unit_name
    elif m.role.code == "custody":
        unit = None
    else:
        unit = m.enterprise or m.department or m.jurisdiction
    return f"{unit} · {m.role}" if unit else str(m.role)


def map_settings() -> dict[str, str]:
    """The base-map configuration every map element carries (templates/partials/map_attrs.html)."""
    return {
        "MAP_TILES": settings.MAP_TILE_URL,
        "MAP_TILE_LABELS": settings.MAP_TILE_LABEL_URL,
        "MAP_TILE_SUBDOMAINS": settings.MAP_TILE_SUBDOMAINS,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }
