"""``anjian expire-exports``: remove the export files past ``EXPORT_RETENTION_DAYS`` now (the
worker does it every night at 03:40). The last line is JSON: ``{"removed": N}``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from anjian.documents.export_jobs import exports_expire


class Command(BaseCommand):
    help = "删除过期的导出文件 / Remove export files past their retention"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps({"removed": exports_expire()}))
