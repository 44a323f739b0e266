"""Load run of the public report portal: concurrent submissions, each retried with the same
idempotency key, against a live server on 127.0.0.1.

Starts gunicorn (threads) on a free port with a fresh data directory, migrates, then posts
``--submissions`` distinct reports; each is sent ``1 + --retries`` times, all attempts shuffled
and fired from ``--concurrency`` client threads (so retries race the first attempt). Checks that
the stored count equals the number of distinct submissions and that every attempt for a key got
the same tracking code. Prints requests/s and latency percentiles. Bounded by ``--timeout``.

Rate limits are raised for the run (one client IP sends everything) through a settings module
written into the temporary directory.

Run: ``.venv/bin/python bench/bench_public_reports.py [--submissions 200] [--retries 2]
[--concurrency 16] [--workers 2] [--timeout 300]``. Prints only; the database is
SQLite unless ``DATABASE_URL`` is set.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--submissions", type=int, default=200)
    ap.add_argument("--retries", type=int, default=2)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=300.0)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="aj-bench-pr-"))
    (tmp / "bench_pr_settings.py").write_text(
        "from anjian.config.settings import *  # noqa: F401,F403\n"
        "PUBLIC_REPORT_RATE_IP = 0\nPUBLIC_REPORT_RATE_DEVICE = 0\n"
    )
    env = {**os.environ, "ANJIAN_DATA_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": "bench_pr_settings",
           "PYTHONPATH": f"{tmp}{os.pathsep}{ROOT}", "SECRET_KEY": "bench-" + os.urandom(16).hex(), "DEBUG": "0",
           "SECURE_COOKIES": "0"}  # plain http on 127.0.0.1
    env.pop("ANJIAN_TESTING", None)
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "anjian.config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "-k", "gthread", "--threads", "8", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/public/", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server did not start")
            time.sleep(0.3)
        return run(base, args, tmp, env)
    finally:
        server.terminate()
        server.wait(timeout=20)


def run(base: str, args: argparse.Namespace, tmp: Path, env: dict[str, str]) -> int:
    local = threading.local()

    def session() -> tuple[urllib.request.OpenerDirector, str]:
        if not hasattr(local, "opener"):
            jar = CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            opener.open(f"{base}/public/", timeout=30).read()
            local.opener = opener
            local.csrf = next(c.value for c in jar if c.name == "csrftoken")
        return local.opener, local.csrf

    def post(key: str, n: int) -> tuple[str, float, int, str]:
        opener, csrf = session()
        data = {"csrfmiddlewaretoken": csrf, "idempotency_key": key, "report_type": "hazard",
                "description": f"压测举报 {n}：仓库堆放液化气瓶无人看管", "address": f"压测路 {n} 号",
                "real_name": "0", "consent": "on"}
        req = urllib.request.Request(f"{base}/public/", data=urllib.parse.urlencode(data).encode(),
                                     headers={"Referer": f"{base}/public/"})
        t0 = time.perf_counter()
        try:
            with opener.open(req, timeout=30) as resp:
                status, text = resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        elapsed = time.perf_counter() - t0
        m = re.search(r'data-testid="code">([^<]+)<', text)
        return key, elapsed, status, m.group(1) if m else ""

    keys = [f"bench-{i}-{os.urandom(6).hex()}" for i in range(args.submissions)]
    attempts = [(k, i) for i, k in enumerate(keys) for _ in range(1 + args.retries)]
    random.Random(7).shuffle(attempts)
    results: list[tuple[str, float, int, str]] = []
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        futures = [pool.submit(post, k, i) for k, i in attempts]
        for f in as_completed(futures, timeout=args.timeout):
            results.append(f.result())
    wall = time.perf_counter() - start

    codes: dict[str, set[str]] = {}
    for key, _t, status, code in results:
        codes.setdefault(key, set()).add(code if status == 200 else f"HTTP {status}")
    inconsistent = [k for k, c in codes.items() if len(c) != 1 or next(iter(c)).startswith("HTTP")]
    if inconsistent:
        print("e.g.", inconsistent[0], sorted(codes[inconsistent[0]]))
    stored = subprocess.run(
        [PY, "manage.py", "shell", "--no-imports", "-c",
         "from anjian.public_reports.models import Report; print(Report.objects.filter(channel='public').count())"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.strip()
    times = sorted(t for _k, t, _s, _c in results)
    p50 = statistics.median(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"requests: {len(results)} ({args.submissions} distinct × {1 + args.retries} attempts), "
          f"concurrency {args.concurrency}, gunicorn {args.workers} workers × 8 threads, "
          f"db {'PostgreSQL' if os.environ.get('DATABASE_URL', '').startswith('postgres') else 'SQLite'}")
    print(f"wall {wall:.1f} s · {len(results) / wall:.1f} requests/s · p50 {p50 * 1000:.0f} ms · "
          f"p95 {p95 * 1000:.0f} ms · max {times[-1] * 1000:.0f} ms")
    print(f"stored {stored} · distinct submissions {args.submissions} · keys with differing/failed answers "
          f"{len(inconsistent)}")
    ok = stored == str(args.submissions) and not inconsistent
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
