"""Open patrol tasks follow their enterprise into its new grid, with that grid's inspector
(``enterprises.follow``); when the enterprise no longer lies in a grid, its tasks stay."""

from typing import Any

from django.utils.translation import gettext_noop

from anjian.enterprises.follow import Follower
from anjian.grids.models import PatrolStatus, PatrolTask
from anjian.grids.services import grid_inspector_of
from anjian.orgs.models import Jurisdiction, JurisdictionLevel


def _grid(unit: Jurisdiction) -> Jurisdiction | None:
    return unit if unit.level == JurisdictionLevel.GRID else None


def _inspector(obj: Any, unit: Jurisdiction) -> dict[str, Any]:
    return {"inspector": grid_inspector_of(unit)}


FOLLOWER = Follower(
    code="patrol_tasks", label=gettext_noop("未完成的巡查任务"),
    queryset=lambda: PatrolTask.objects.filter(status=PatrolStatus.OPEN), field="grid",
    title=lambda t: f"{t.enterprise.name} {t.due_date:%Y-%m-%d}", target=_grid, also=_inspector,
    assignee=lambda obj, unit: obj.inspector,
)
