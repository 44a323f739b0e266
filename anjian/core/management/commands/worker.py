"""``anjian worker``: the huey consumer, with the periodic schedule (deadline escalation, reminders).

The same as ``run_huey``; workers and thread count come from ``settings.HUEY["consumer"]``
(``WORKER_THREADS``). Run as many as needed in production (with ``REDIS_URL``).
``--exit-with-parent`` (used by ``anjian rundemo``) stops the worker gracefully when the process
that started it is gone, so a killed demo never leaves an orphan worker behind.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from typing import Any

from django.core.management.base import CommandParser
from huey.contrib.djhuey.management.commands.run_huey import Command as RunHueyCommand


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGINT)  # huey's graceful stop


class Command(RunHueyCommand):  # type: ignore[misc]  # huey ships no type hints
    help = "后台任务进程（含定时任务）/ Run the huey job consumer, including periodic tasks"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--exit-with-parent", action="store_true", default=None,
                            help="父进程退出时随之停止 / stop when the parent process exits")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.pop("exit_with_parent", None):
            threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True, name="parent-watch").start()
        # huey sets up its own handler on the "huey" logger; keep it from printing twice via the root one.
        logging.getLogger("huey").propagate = False
        super().handle(*args, **options)
