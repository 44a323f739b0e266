"""What other apps offer on a hazard's page. The hazards app sits below enforcement, so the case
file (案卷) that a penalty belongs to is reached through this registry, not an import:

>>> from anjian.hazards.links import register_hazard_links
>>> register_hazard_links("enforcement", lambda request, hazard: [("立案查处", "/enforcement/…", "primary")])

Each provider returns (label, url, kind) for the user — links the user may follow — where kind is
"primary" for an action and "link" for a related record (a case about the hazard)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[Any, Any], list[tuple[str, str, str]]]
PROVIDERS: dict[str, Provider] = {}


def register_hazard_links(code: str, provider: Provider) -> None:
    """Add (or replace, by code) a provider of links on the hazard page."""
    PROVIDERS[code] = provider


def hazard_links(request: Any, hazard: Any) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for code in sorted(PROVIDERS):
        out += PROVIDERS[code](request, hazard)
    return out
