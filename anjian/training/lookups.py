"""Choosing a trainee (see ``core/lookups.py``): prefix search on the name or the phone number."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anjian.core.lookups import Lookup, register
from anjian.training.models import Trainee


def _detail(t: Trainee) -> str:
    return " · ".join(p for p in (str(t.get_role_display()), t.enterprise.name if t.enterprise_id else "") if p)


register(Lookup(
    key="training.trainees", model=Trainee, action="training.view", search=("name", "phone"), order=("name",),
    detail=_detail, select_related=("enterprise",), placeholder=_("输入姓名或手机号"),
))
