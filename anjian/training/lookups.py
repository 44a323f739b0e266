"""Choosing a trainee (see ``core/lookups.py``): prefix search on the name or the phone number."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from anjian.core.lookups import Lookup, register
from anjian.training import catalogue
from anjian.training.models import Course, Trainee, Trainer


def _detail(t: Trainee) -> str:
    return " · ".join(p for p in (str(t.get_role_display()), t.enterprise.name if t.enterprise_id else "") if p)


register(Lookup(
    key="training.trainees", model=Trainee, action="training.view", search=("name", "phone"), order=("name",),
    detail=_detail, select_related=("enterprise",), placeholder=_("输入姓名或手机号"),
))
def _catalogue(user: Any, qs: Any, action: str | None) -> Any:
    """The catalogue serves downward (``training.catalogue``): the user's scope and the
    government entries of the jurisdictions above."""
    return qs.filter(pk__in=catalogue.visible(qs.model, user, action or "training.view").values("pk"))


register(Lookup(
    key="training.courses", model=Course, action="training.view", search=("title", "code"), order=("title",),
    base=lambda qs: qs.filter(is_active=True), placeholder=_("输入课程名称或编号"), scope=_catalogue,
))
register(Lookup(
    key="training.trainers", model=Trainer, action="training.view", search=("name", "organisation"), order=("name",),
    base=lambda qs: qs.filter(is_active=True), placeholder=_("输入教师姓名或单位"), scope=_catalogue,
))
