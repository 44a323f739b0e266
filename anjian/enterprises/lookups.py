"""Choosing an enterprise among up to a million (see ``core/lookups.py``): prefix search on the
name and on the credit code, both indexed (``ent_name_prefix``, ``ent_credit_prefix``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anjian.core.lookups import Lookup, register
from anjian.enterprises.models import Enterprise


def _detail(e: Enterprise) -> str:
    return " · ".join(p for p in (e.credit_code, e.address) if p)


register(Lookup(
    key="enterprises", model=Enterprise, action="enterprises.view", search=("name", "credit_code"),
    code_field="credit_code", upper_code=True, order=("name",),
    group=lambda e: e.jurisdiction.name, group_order=lambda e: e.jurisdiction.path,
    detail=_detail, select_related=("jurisdiction",),
    placeholder=_("输入企业名称开头或统一社会信用代码"),
))
