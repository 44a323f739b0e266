"""``anjian serve``: the production web server (gunicorn running ``anjian.config.wsgi``)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def gunicorn_argv(*, bind: str, workers: int, threads: int, timeout: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "anjian.config.wsgi:application",
        "--bind", bind, "--workers", str(workers), "--threads", str(threads), "--timeout", str(timeout),
        "--access-logfile", "-", "--error-logfile", "-",
        "--logger-class", "anjian.core.redact.RedactingGunicornLogger",  # no api_key= in the access log
    ]


class Command(BaseCommand):
    help = "生产环境 Web 服务（gunicorn）/ Serve the web application with gunicorn"
    requires_system_checks = []  # gunicorn's workers load Django and run it themselves

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port, e.g. 0.0.0.0:8000")
        parser.add_argument("--workers", type=int, default=4, help="worker processes (default 4)")
        parser.add_argument("--threads", type=int, default=1, help="threads per worker (default 1)")
        parser.add_argument("--timeout", type=int, default=60, help="seconds before a silent worker is restarted")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = gunicorn_argv(bind=options["bind"], workers=options["workers"], threads=options["threads"],
                             timeout=options["timeout"])
        self.stdout.write("+ " + " ".join(argv[1:]))
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - gunicorn replaces this process; signals go straight to it
