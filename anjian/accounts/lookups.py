"""Choosing a role (see ``core/lookups.py``). Roles are the platform's catalogue, the same for every
administrator; which of them one may grant where is decided by ``accounts.delegation``."""

from __future__ import annotations

from anjian.accounts.models import Role
from anjian.core.lookups import Lookup, register

register(Lookup(key="accounts.roles", model=Role, action=None, search=("name", "code"), order=("id",)))
