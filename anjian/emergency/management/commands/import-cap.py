"""``anjian import-cap FILE --as USERNAME``: the older name of ``anjian import cap FILE --as
USERNAME`` (the import command family, ``anjian.documents``), kept for scripts that use it."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Same as `anjian import cap FILE --as USERNAME`: receive a CAP alert. 接收外部 CAP 预警。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="acting user / 操作用户")

    def handle(self, *args: Any, **o: Any) -> None:
        call_command("import", "cap", o["file"], "--as", o["username"], stdout=self.stdout)
