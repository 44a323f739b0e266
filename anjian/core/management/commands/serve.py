"""``anjian serve``: the production web server (gunicorn running ``anjian.config.wsgi``).

What it serves decides the worker class and the timeout (docs/demo.md,
docs/mechanisms/import-export.md): no request builds a large file any more — a list export of
more than ``EXPORT_IMMEDIATE_MAX_ROWS`` rows, an import, a reassignment run as jobs in the worker
(``anjian worker``) — so every request is short and the timeout stays at 60 s. The threaded worker
(``gthread``) keeps answering the arbiter's heartbeat while a thread sends a large file (an export
of 500,000 rows, ~100 MB, to a slow client), which a ``sync`` worker, blocked in the send, would be
killed for after the timeout.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

WORKER_CLASS = "gthread"
DEFAULT_WORKERS = 4
DEFAULT_THREADS = 4
DEFAULT_TIMEOUT_S = 60
GRACEFUL_TIMEOUT_S = 30
KEEPALIVE_S = 5


def gunicorn_argv(*, bind: str, workers: int, threads: int, timeout: int, worker_class: str = WORKER_CLASS) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "anjian.config.wsgi:application",
        "--bind", bind, "--worker-class", worker_class, "--workers", str(workers), "--threads", str(threads),
        "--timeout", str(timeout), "--graceful-timeout", str(GRACEFUL_TIMEOUT_S), "--keep-alive", str(KEEPALIVE_S),
        "--access-logfile", "-", "--error-logfile", "-",
        "--logger-class", "anjian.core.redact.RedactingGunicornLogger",  # no api_key= in the access log
    ]


class Command(BaseCommand):
    help = "生产环境 Web 服务（gunicorn）/ Serve the web application with gunicorn"
    requires_system_checks = []  # gunicorn's workers load Django and run it themselves

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port, e.g. 0.0.0.0:8000")
        parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                            help=f"worker processes (default {DEFAULT_WORKERS})")
        parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                            help=f"threads per worker (default {DEFAULT_THREADS})")
        parser.add_argument("--worker-class", default=WORKER_CLASS, choices=["gthread", "sync"],
                            help=f"gunicorn worker class (default {WORKER_CLASS})")
        parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT_S,
                            help=f"seconds before a silent worker is restarted (default {DEFAULT_TIMEOUT_S})")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = gunicorn_argv(bind=options["bind"], workers=options["workers"], threads=options["threads"],
                             timeout=options["timeout"], worker_class=options["worker_class"])
        self.stdout.write("+ " + " ".join(argv[1:]))
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - gunicorn replaces this process; signals go straight to it
