"""Choosing a custody provider (see ``core/lookups.py``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anjian.core.lookups import Lookup, register
from anjian.funds.models import CustodyProvider

register(Lookup(
    key="funds.providers", model=CustodyProvider, action="funds.view", search=("name", "credit_code"), order=("name",),
    placeholder=_("输入托管机构名称"),
))
