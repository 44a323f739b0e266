"""``manage.py recompute_risk``: recompute every enterprise's risk colour now, in this process."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from anjian.enterprises.risk import recompute_all


class Command(BaseCommand):
    help = "Recompute every enterprise's risk colour (one grouped query per factor) / 重算全市企业风险等级"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        stats = recompute_all(actor=None, on_progress=lambda n: self.stdout.write(f"  {n} …", ending="\r"))
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"enterprises {stats['count']}, changed {stats['changed']} "
            f"(raised {stats['raised']}, lowered {stats['lowered']}) in {elapsed:.1f} s"
        )
