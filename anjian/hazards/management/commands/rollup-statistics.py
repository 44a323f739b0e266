"""``anjian rollup-statistics``: rebuild the hazard statistics rollup now, in this process (the
hourly ``hazards.rollup`` job does the same; ``anjian.hazards.rollup``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from anjian.hazards.rollup import hazard_rollup_refresh


class Command(BaseCommand):
    help = "Rebuild the hazard statistics rollup / 刷新隐患统计汇总"

    def handle(self, *args: Any, **options: Any) -> None:
        r = hazard_rollup_refresh()
        self.stdout.write(f"hazard rollup: {r['rows']} rows, {r['hot']} hazards counted live, {r['seconds']} s")
