"""``anjian rundemo``: the demo — web server and job worker together, stopped together.

Checks that migrations are applied and that the demo city exists, collects static files when
needed, starts ``anjian worker`` (the huey consumer with its periodic schedule) as a child
process, prints the URL and one login per role, then runs Django's server (no auto-reloader) in
this process. Ctrl-C (SIGINT) or SIGTERM stops the server, then the worker is stopped and waited for.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from anjian.demo.generator import DEMO_PASSWORD, city_exists, demo_logins


def unapplied_migrations() -> list[str]:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def logins_table() -> str:
    rows = [("用户名 username", "密码 password", "角色 role", "范围 scope")]
    rows += [(login.username, DEMO_PASSWORD, login.role, login.scope) for login in demo_logins()]

    def width(text: str) -> int:  # CJK characters take two columns in a terminal
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    widths = [max(width(row[i]) for row in rows) for i in range(3)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row[:3])]
        lines.append("  " + "  ".join([*cells, row[3]]))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "运行演示：Web 服务与后台任务进程一起启动、一起停止 / Run the demo server and worker together"
    requires_system_checks = []  # runserver runs them

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程 / without the worker")

    def handle(self, *args: Any, **options: Any) -> None:
        pending = unapplied_migrations()
        if pending:
            raise CommandError(
                f"有 {len(pending)} 个迁移未执行，请先运行 anjian migrate / {len(pending)} migrations are not applied "
                f"(first: {pending[0]}): run `anjian migrate` first"
            )
        if not city_exists():
            raise CommandError("演示城市不存在，请先运行 anjian demo / no demo city: run `anjian demo` first")
        if not (settings.DEBUG or getattr(settings, "TESTING", False)):
            self.stdout.write("收集静态文件 / collecting static files …")
            call_command("collectstatic", interactive=False, verbosity=0)
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"\nanjian 演示 / demo: {url}   (Ctrl-C 停止 / to stop)\n"))
        self.stdout.write("演示账号（合成数据）/ demo logins (synthetic data):")
        self.stdout.write(logins_table() + "\n")
        self.stdout.flush()

        worker = None
        if not options["no_worker"]:
            # The worker also keeps the demo's sensors reporting (monitoring.tasks.demo_sensors_task).
            worker = subprocess.Popen([sys.executable, "-m", "anjian", "worker", "--exit-with-parent"],
                                      env={**os.environ, "ANJIAN_DEMO_SENSOR_SIMULATOR": "1"})
            self.stdout.write(f"后台任务进程 / worker started (pid {worker.pid})")
        # Ctrl-C and SIGTERM both end the server (even when started where SIGINT was ignored).
        previous = {sig: signal.signal(sig, _raise_keyboard_interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if worker is not None:
                _stop(worker)
                self.stdout.write(f"后台任务进程已停止 / worker stopped (exit {worker.returncode})")


def _raise_keyboard_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ask the worker to finish (SIGINT: huey's graceful stop), then insist."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 15
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if process.poll() is None:
        process.kill()
    process.wait()
