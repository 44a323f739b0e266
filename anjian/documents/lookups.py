"""Choosing a numbering series (see ``core/lookups.py``)."""

from __future__ import annotations

from anjian.core.lookups import Lookup, register
from anjian.documents.models import DocumentSeries

register(Lookup(
    key="documents.series", model=DocumentSeries, action="documents.issue", search=("name", "prefix"),
    order=("code",), label=lambda s: s.name,
))
