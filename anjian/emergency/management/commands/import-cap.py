"""``anjian import-cap FILE --as USERNAME``: receive a CAP 1.1/1.2 alert from a file (the weather
service's or the province's), as the upload page does. Unsafe or invalid XML is refused and nothing
is stored. The last line printed is a JSON summary; exit status 0 when stored, 1 when refused, 2 on
a bad command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.accounts.models import User
from anjian.core.errors import DomainError
from anjian.emergency import services
from anjian.emergency.cap import MAX_BYTES


class Command(BaseCommand):
    help = "Receive a CAP alert from FILE as USERNAME (their scope applies). 接收外部 CAP 预警。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="acting user / 操作用户")

    def handle(self, *args: Any, **o: Any) -> None:
        user = User.objects.filter(username=o["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在 / no active user {o['username']!r}", returncode=2)
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}", returncode=2)
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
        try:
            alert = services.alert_receive(actor=user, data=data)
        except DomainError as exc:
            self.stdout.write(json.dumps({"stored": False, "error": exc.message}, ensure_ascii=False))
            sys.exit(1)
        self.stdout.write(json.dumps({"stored": True, "id": alert.pk, "identifier": alert.identifier,
                                      "headline": alert.headline_zh}, ensure_ascii=False))
