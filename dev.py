#!/usr/bin/env python3
"""anjian's two set-up commands, needing nothing but Python 3.11+.

    python3 dev.py demo    # venv, install, migrate SQLite, build the demo city, serve on :8000
    python3 dev.py test    # venv, install, lint, import contracts, checks, the whole suite (SQLite, and PostgreSQL
                           # when DATABASE_URL_PG is set or under CI; under CI, or with
                           # ANJIAN_TEST_CLOCK_SHIFT=1, once more on SQLite a year ahead)

Everything else is the ``anjian`` console script inside the virtual environment.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def run(*cmd: str | Path, env: dict[str, str] | None = None, check: bool = True) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env)
    if check and result.returncode != 0:
        sys.exit(result.returncode)
    return result.returncode


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("anjian needs Python 3.11 or newer / 需要 Python 3.11 或更高版本")
    if not PY.exists():
        run(sys.executable, "-m", "venv", VENV)
    stamp = VENV / ".anjian-installed"
    digest = hashlib.sha256(
        (ROOT / "constraints.txt").read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", ".[dev]")
    stamp.write_text(digest)


def demo_options(args: list[str]) -> tuple[str, list[str]]:
    """``--reset`` rebuilds the demo city (``anjian demo --reset``, refused when the database holds
    anything but synthetic data); every other argument goes to ``anjian rundemo`` (``--port``, …)."""
    rest = [a for a in args if a != "--reset"]
    return ("--reset" if len(rest) != len(args) else "--if-empty"), rest


def demo(args: list[str]) -> None:
    ensure_venv()
    env = {**os.environ, "ANJIAN_DEMO": "1", "ANJIAN_DATA_DIR": os.environ.get("ANJIAN_DATA_DIR", str(ROOT / "var" / "demo"))}
    anjian = str(BIN / "anjian")
    run(anjian, "migrate", "--noinput", "-v", "0", env=env)
    run(anjian, "sync_roles", env=env)
    build, args = demo_options(args)
    run(anjian, "demo", "--scale", os.environ.get("ANJIAN_DEMO_SCALE", "small"), build, env=env)
    # Ctrl-C reaches the whole process group: rundemo stops the server and the worker itself,
    # so this parent only waits for it instead of dying with a traceback.
    # The child is started first so that it keeps the default Ctrl-C handling.
    print("+", anjian, "rundemo", *args, flush=True)
    child = subprocess.Popen([anjian, "rundemo", *args], cwd=ROOT, env=env)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        child.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


def test(args: list[str]) -> None:
    ensure_venv()
    os.environ.setdefault("ANJIAN_DATA_DIR", str(ROOT / "var" / "test"))
    ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    env = {**os.environ, "ANJIAN_TESTING": "1"}
    env.pop("DATABASE_URL", None)
    run(PY, "-m", "ruff", "check", "anjian", "tests", "bench", "dev.py", env=env)
    run(PY, "-m", "ruff", "format", "--check", "anjian/rules", env=env)
    run(PY, "manage.py", "check", env=env)
    run(PY, "manage.py", "makemigrations", "--check", "--dry-run", env=env)
    run(PY, "-m", "mypy", "--config-file", "/dev/null", "--strict", "--ignore-missing-imports", "anjian/rules", env=env)
    run(PY, "-m", "mypy", "--follow-imports=silent", "anjian/core", env=env)
    run(BIN / "lint-imports", "--no-cache", env=env)  # the layers contract (.importlinter)
    if ci and shutil.which("chromium") is None and Path("/usr/bin/chromium").exists() is False:
        run("bash", "scripts/install-browser.sh")
    if ci and shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        run("bash", "scripts/install-office.sh")  # Word documents opened in LibreOffice, not skipped
    workers = os.environ.get("PYTEST_WORKERS", "auto")
    pytest = [PY, "-m", "pytest", "-n", workers, "-p", "no:cacheprovider", *args]
    failures = 0
    print("\n== test suite on SQLite ==", flush=True)
    failures += _pytest(pytest, env)
    if ci or os.environ.get("ANJIAN_TEST_CLOCK_SHIFT"):
        # No test may pass only on the day it was written: once more on SQLite with the clock a year
        # ahead (browser tests left out: Chromium keeps the real clock, so session cookies would expire).
        print("\n== test suite on SQLite, clock moved 365 days ahead ==", flush=True)
        failures += _pytest([*pytest, "-m", "not browser"], {**env, "ANJIAN_TEST_CLOCK_SHIFT_DAYS": "365"})
    pg = os.environ.get("DATABASE_URL_PG") or ("postgres://postgres@127.0.0.1:5432/anjian" if ci else "")
    if pg:
        print("\n== test suite on PostgreSQL ==", flush=True)
        if not _postgres_ready(pg):
            sys.exit(f"PostgreSQL is not reachable at {pg} / 无法连接 PostgreSQL")
        failures += _pytest(pytest, {**env, "DATABASE_URL": pg})
    else:
        print("\n(PostgreSQL run skipped: set DATABASE_URL_PG=postgres://… to include it)", flush=True)
    sys.exit(1 if failures else 0)


def _pytest(cmd: list, env: dict[str, str]) -> int:
    code = run(*cmd, env=env, check=False)
    if code == 5:
        print("pytest collected no tests: that is a failure here / 未收集到测试", flush=True)
        return 1
    return 1 if code else 0


def _postgres_ready(url: str) -> bool:
    code = subprocess.run(
        # the server's maintenance database, whatever the test database is called
        [str(PY), "-c", "import psycopg, sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); "
         "psycopg.connect(u.urlunsplit(p._replace(path='/postgres')), connect_timeout=5).close()", url],
        cwd=ROOT,
    ).returncode
    return code == 0


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test"):
        sys.exit(__doc__)
    {"demo": demo, "test": test}[sys.argv[1]](sys.argv[2:])
