"""``anjian backup PATH``: a consistent online copy of the SQLite database (SQLite backup API).

For PostgreSQL it prints the ``pg_dump`` command to use and exits non-zero: dumping is pg_dump's
job, with the server's own version of it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = "备份 SQLite 数据库（在线一致副本）/ Back up the SQLite database (consistent online copy)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="目标文件 / destination file (overwritten)")

    def handle(self, *args: Any, **options: Any) -> None:
        settings_dict = connection.settings_dict
        if connection.vendor != "sqlite":
            cmd = "pg_dump -Fc"
            for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
                if settings_dict.get(key):
                    cmd += f" {flag} {settings_dict[key]}"
            cmd += f" {settings_dict['NAME']} > {options['path']}"
            raise CommandError(
                f"数据库是 {connection.vendor}，不是 SQLite：请用 pg_dump 备份 / the database is {connection.vendor}, "
                f"not SQLite; back it up with pg_dump:\n    {cmd}\n(restore: pg_restore -d {settings_dict['NAME']} "
                f"{options['path']}; back up MEDIA_ROOT at the same time)"
            )
        source = Path(str(settings_dict["NAME"])).resolve()
        target = Path(options["path"]).resolve()
        if target == source:
            raise CommandError("备份文件不能是数据库本身 / the backup cannot overwrite the database itself")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        src = sqlite3.connect(str(source))
        dst = sqlite3.connect(str(partial))
        try:
            with dst:
                src.backup(dst, pages=1024)
        finally:
            dst.close()
            src.close()
        check = sqlite3.connect(str(partial))
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
        if result != "ok":
            partial.unlink(missing_ok=True)
            raise CommandError(f"备份校验失败 / backup integrity check failed: {result}")
        os.replace(partial, target)
        self.stdout.write(self.style.SUCCESS(
            f"已备份 / backed up {source} → {target} ({target.stat().st_size:,} bytes); 请同时备份 MEDIA_ROOT"
        ))
