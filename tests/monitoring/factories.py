from __future__ import annotations

from typing import Any

from anjian.monitoring.services import sensor_create


def make_sensor(world: Any, code: str = "GAS-1", enterprise: Any = None, **data: Any) -> Any:
    defaults = {
        "name": "罐区可燃气体探测器", "kind": "combustible_gas", "unit": "%LEL", "high": 20.0, "high_high": 50.0,
        "deadband": 2.0, "min_duration_s": 0, "expected_interval_s": 10, "range_min": 0.0, "range_max": 100.0,
    }
    defaults.update(data)
    return sensor_create(actor=None, enterprise=enterprise or world.ent_a, code=code, data=defaults)
