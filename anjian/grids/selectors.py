"""Reads for the grid settings page and API."""

from __future__ import annotations

from typing import Any

from anjian.accounts.models import Membership, User


def staff_candidates(user: Any) -> Any:
    """People an office may put on its grids: those holding a grant inside its territory."""
    grants = Membership.objects.restrict(user, "grids.manage").filter(is_active=True).values("user_id")
    return User.objects.filter(pk__in=grants, is_active=True)
