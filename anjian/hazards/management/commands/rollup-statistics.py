"""``anjian rollup-statistics``: rebuild the statistics rollups now, in this process — hazards
(``anjian.hazards.rollup``) and every other registered one (accidents, ``anjian.accidents.rollup``);
the hourly ``hazards.rollup`` job does the same."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from anjian.core import rollups
from anjian.hazards.rollup import hazard_rollup_refresh


class Command(BaseCommand):
    help = "Rebuild the statistics rollups (hazards, accidents) / 刷新统计汇总（隐患、事故）"

    def handle(self, *args: Any, **options: Any) -> None:
        for code, r in rollups.refresh_all(first=("hazards", hazard_rollup_refresh)).items():
            self.stdout.write(f"{code} rollup: {r['rows']} rows, {r['hot']} counted live, {r['seconds']} s")
