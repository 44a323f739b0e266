"""Choosing a custody provider (see ``core/lookups.py``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anjian.core.lookups import Lookup, register
from anjian.funds.models import CustodyProvider, FundAllocation

register(Lookup(
    key="funds.providers", model=CustodyProvider, action="funds.view", search=("name", "credit_code"), order=("name",),
    placeholder=_("输入托管机构名称"),
))
register(Lookup(
    key="funds.allocations", model=FundAllocation, action="funds.manage", search=("project",), order=("project",),
    placeholder=_("输入项目名称"),
))
