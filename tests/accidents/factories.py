"""Helpers that build accidents through the services, as real data is built."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from anjian.accidents.services import accident_report

TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def when(y: int, m: int, d: int) -> dict[str, dt.datetime]:
    """Occurred and known at 08:00 local, reported at 08:30 (on time)."""
    return {"occurred_at": at(y, m, d, 8), "known_at": at(y, m, d, 8), "reported_at": at(y, m, d, 8, 30)}


def report(world: Any, *, actor: Any = None, **over: Any) -> Any:
    data: dict[str, Any] = {
        "enterprise": world.ent_a,
        "occurred_at": at(2026, 3, 10, 8, 0),
        "known_at": at(2026, 3, 10, 8, 10),
        "reported_at": at(2026, 3, 10, 9, 0),
        "place": "一号车间",
        "description": "反应釜检修时发生物料泄漏，一名工人中毒。",
        "category": "industrial_commercial",
        "type_code": "19",
        "deaths": 1,
        "serious_injuries": 0,
        "minor_injuries": 2,
        "direct_loss_yuan": 500000,
        "measures": "疏散人员，关闭阀门",
        "reporter": "张三",
    }
    data.update(over)
    return accident_report(actor=actor, data=data)
