"""An accident's supervision level (重点督办 ≥ 1 death, 挂牌督办 ≥ 3 deaths: ``rules.accidents``) opens
a 督办 matter in the committee app, with a task for the accident's district office (and one for its
sector regulator), a deadline and the issuer's closing review. This sits on the top layer: it reads
the accidents app and calls the committee's service; neither of them imports it. The accidents app
drives it through its hook (``accidents.hooks``): :func:`on_supervision_raised` is registered in
``ResponsibilityConfig.ready()`` and opens the matter as soon as a report or a counted supplement
puts the accident under supervision; a supplement raising 重点 to 挂牌 shortens the open tasks'
deadlines to the 挂牌 term."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.committee.models import Case, CaseSource
from anjian.committee.services import case_create, task_deadline_shorten
from anjian.core.errors import DomainError
from anjian.orgs.models import Jurisdiction, JurisdictionLevel
from anjian.responsibility.policy import policy_for

# Days the district and the regulator have to report their handling of a supervised accident (a
# local choice: no national rule fixes it; the city sets them on the responsibility settings page).
DAYS_BY_LEVEL = {1: 30, 2: 15}


def days_by_level(city: Jurisdiction | None) -> dict[int, int]:
    policy = policy_for(city)
    return {1: policy.case_days_key, 2: policy.case_days_full}


def source_ref(accident: Accident) -> str:
    return f"accident:{accident.pk}"


def supervised_accidents(*, user: Any) -> QuerySet[Accident]:
    return (Accident.objects.restrict(user, "accidents.view").filter(supervision__gte=1)
            .select_related("district", "department").order_by("-occurred_at", "-id"))


def cases_by_accident(accidents: list[Accident]) -> dict[int, Case]:
    refs = {source_ref(a): a.pk for a in accidents}
    return {refs[c.source_ref]: c for c in Case.objects.filter(source=CaseSource.ACCIDENT, source_ref__in=refs)}


@transaction.atomic
def accident_case_open(*, actor: Any, accident: Accident, deadline: dt.date | None = None) -> Case:
    """Open the 督办 matter of a supervised accident (once)."""
    a = Accident.objects.select_for_update().get(pk=accident.pk)
    if a.supervision < 1:
        raise DomainError("该事故未列入督办", "The accident is not under supervision", field="accident")
    if Case.objects.filter(source=CaseSource.ACCIDENT, source_ref=source_ref(a)).exists():
        raise DomainError("该事故已立案督办", "The accident already has a supervised matter", field="accident")
    city = Jurisdiction.objects.filter(path__in=_prefixes(a.district.path),
                                       level=JurisdictionLevel.CITY).first() or a.district
    days = days_by_level(city).get(int(a.supervision), DAYS_BY_LEVEL[1])
    due = deadline or timezone.localdate() + dt.timedelta(days=days)
    when = timezone.localtime(a.occurred_at)
    level = a.get_supervision_display()
    tasks = [{"unit": a.district, "requirement": "查明事故原因，落实整改和责任追究，按期报告处理情况", "deadline": due}]
    if a.department_id and a.department.jurisdiction_id == city.pk:
        tasks.append({"unit": a.department, "requirement": "督促行业领域举一反三开展隐患排查", "deadline": due})
    return case_create(
        actor=actor, source=CaseSource.ACCIDENT, title=f"{level}：{when:%Y-%m-%d} {a.unit_name}事故",
        content=f"{a.unit_name}于{when.year}年{when.month}月{when.day}日发生{a.type_name}事故，死亡{a.deaths}人。{level}。",
        jurisdiction=city, tasks=tasks, source_ref=source_ref(a),
    )


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def on_supervision_raised(accident_pk: int, actor: Any) -> None:
    """The accidents app's hook: open the matter of an accident now under supervision, or, when an
    open matter exists and the level rose (重点 → 挂牌), bring its open tasks' deadlines forward."""
    a = Accident.objects.select_related("district", "department").filter(pk=accident_pk).first()
    if a is None or a.supervision < 1:
        return
    case = Case.objects.filter(source=CaseSource.ACCIDENT, source_ref=source_ref(a)).first()
    if case is None:
        accident_case_open(actor=None, accident=a)
        return
    city = case.jurisdiction
    due = timezone.localdate() + dt.timedelta(days=days_by_level(city).get(int(a.supervision), DAYS_BY_LEVEL[1]))
    task_deadline_shorten(actor=None, case=case, deadline=due,
                          reason=f"事故升级为{a.get_supervision_display()}，办理期限提前")
