"""Choices on the report pages (see ``core/lookups.py``)."""

from __future__ import annotations

from anjian.core.lookups import Lookup, register
from anjian.public_reports.models import RejectReason

register(Lookup(
    key="public_reports.reject_reasons", model=RejectReason, action=None, search=("label",), order=("order", "code"),
    base=lambda qs: qs.filter(is_active=True),
))
