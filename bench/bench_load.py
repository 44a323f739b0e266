"""Load test: the public portal and the API together, on PostgreSQL, served by ``anjian serve``
(issue 22).

Builds the scratch database named by ``DATABASE_URL`` as bench/bench_api.py does (demo city
``--scale small`` plus ``--hazards`` hazards, an API token for the city administrator), starts
``manage.py serve`` (the documented production command: gunicorn, gthread, the default timeout;
``--workers``/``--threads`` as given) and for ``--minutes`` minutes runs, at the same time:

- ``--citizens`` citizens, each in a loop: open the report form (``GET /public/``), submit it
  (``POST /public/`` with the form's CSRF token and cookie, a new idempotency key), open the
  tracking page and look the report up with the code and secret the confirmation page gave
  (``POST /public/track/``);
- ``--machines`` API clients with a bearer token, each in a loop: the list
  (``GET /api/v1/hazards/?limit=50``), one hazard of it (detail), the next keyset page
  (``after_id``).

The portal's rate limits (per IP and device; every citizen here comes from 127.0.0.1) are
switched off through ``bench/_load_settings.py``; everything else is the product's settings.
Prints, per request kind: count, errors (5xx, connection errors, time-outs, a flow step that did not
find what it needed), p50, p95, p99 and max; the reports stored versus confirmed; and any worker
time-out or error the server logged.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench_load .venv/bin/python
bench/bench_load.py [--minutes 10] [--citizens 16] [--machines 48] [--hazards 100000]``. Prints only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from _httpload import Request, Session, free_port, start_server, stop_server  # noqa: E402

_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_CODE = re.compile(rb'data-testid="code">([^<]+)<')
_SECRET = re.compile(rb'data-testid="secret">([^<]+)<')


class Stats:
    def __init__(self) -> None:
        self.lat: dict[str, list[float]] = {}
        self.err: dict[str, int] = {}
        self.status: dict[str, dict[int, int]] = {}
        self.confirmed = 0

    def ok(self, kind: str, status: int, seconds: float) -> None:
        self.status.setdefault(kind, {}).setdefault(status, 0)
        self.status[kind][status] += 1
        if status >= 500:
            self.err[kind] = self.err.get(kind, 0) + 1
        self.lat.setdefault(kind, []).append(seconds)

    def fail(self, kind: str) -> None:
        self.err[kind] = self.err.get(kind, 0) + 1


async def citizen(port: int, stop_at: float, st: Stats, n: int) -> None:
    rng = random.Random(n)
    s = Session(port)
    k = 0
    while time.perf_counter() < stop_at:
        k += 1
        try:
            status, _h, body, t = await s.request(Request("GET", "/public/"))
            st.ok("portal: form GET", status, t)
            m = _CSRF.search(body)
            if status != 200 or m is None:
                st.fail("portal: form GET")
                continue
            form = {"csrfmiddlewaretoken": m.group(1).decode(), "idempotency_key": f"load-{n}-{k}-{os.urandom(4).hex()}",
                    "report_type": "hazard", "description": f"压测举报 {n}-{k}：仓库堆放液化气瓶无人看管",
                    "address": f"压测路 {rng.randint(1, 999)} 号", "real_name": "0", "consent": "on"}
            status, _h, body, t = await s.request(Request(
                "POST", "/public/", {"Content-Type": "application/x-www-form-urlencoded",
                                     "Referer": f"http://127.0.0.1:{port}/public/"},
                urllib.parse.urlencode(form).encode()))
            st.ok("portal: report POST", status, t)
            code, secret = _CODE.search(body), _SECRET.search(body)
            if status != 200 or code is None or secret is None:
                st.fail("portal: report POST")
                continue
            st.confirmed += 1
            status, _h, body, t = await s.request(Request("GET", "/public/track/"))
            st.ok("portal: track GET", status, t)
            m = _CSRF.search(body)
            if m is None:
                st.fail("portal: track GET")
                continue
            form = {"csrfmiddlewaretoken": m.group(1).decode(), "code": code.group(1).decode().strip(),
                    "secret": secret.group(1).decode().strip()}
            status, _h, body, t = await s.request(Request(
                "POST", "/public/track/", {"Content-Type": "application/x-www-form-urlencoded",
                                           "Referer": f"http://127.0.0.1:{port}/public/track/"},
                urllib.parse.urlencode(form).encode()))
            st.ok("portal: track POST", status, t)
            if status != 200 or b'data-testid="track-result"' not in body:
                st.fail("portal: track POST")
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            st.fail("portal: connection")
            await asyncio.sleep(0.1)
    s.close()


async def machine(port: int, token: str, stop_at: float, st: Stats, n: int) -> None:
    rng = random.Random(10_000 + n)
    s = Session(port)
    auth = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    while time.perf_counter() < stop_at:
        try:
            status, _h, body, t = await s.request(Request("GET", "/api/v1/hazards/?limit=50", auth))
            st.ok("api: list", status, t)
            rows = json.loads(body) if status == 200 else []
            if not rows:
                st.fail("api: list")
                continue
            pick = rng.choice(rows)["id"]
            status, _h, body, t = await s.request(Request("GET", f"/api/v1/hazards/{pick}", auth))
            st.ok("api: detail", status, t)
            if status != 200:
                st.fail("api: detail")
            status, _h, body, t = await s.request(
                Request("GET", f"/api/v1/hazards/?limit=50&after_id={rows[-1]['id']}", auth))
            st.ok("api: next page", status, t)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            st.fail("api: connection")
            await asyncio.sleep(0.1)
    s.close()


def run(port: int, token: str, args: argparse.Namespace) -> tuple[Stats, float]:
    st = Stats()

    async def main() -> None:
        stop_at = time.perf_counter() + args.minutes * 60
        await asyncio.gather(*[citizen(port, stop_at, st, i) for i in range(args.citizens)],
                             *[machine(port, token, stop_at, st, i) for i in range(args.machines)])

    t0 = time.perf_counter()
    asyncio.run(main())
    return st, time.perf_counter() - t0


def pctl(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))] if s else float("nan")


def stored_reports(env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         "from anjian.public_reports.models import Report; print(Report.objects.filter(channel='public').count())"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--citizens", type=int, default=16)
    parser.add_argument("--machines", type=int, default=48)
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    from _bulkload import recreate_postgres

    pg = os.environ.get("DATABASE_URL", "")
    if not pg.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://…/anjian_bench_load (a scratch database: it is dropped)")
    rev = subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=ROOT, capture_output=True, text=True).stdout
    print(f"bench_load: {args.minutes:g} min; {args.citizens} citizens (portal) + {args.machines} API clients; "
          f"anjian serve --workers {args.workers} --threads {args.threads}; hazards={args.hazards:,}")
    print(f"code: {rev.strip()[:100]}")
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    recreate_postgres(pg, keep=args.reuse)
    with tempfile.TemporaryDirectory(prefix="anjian-bench-load-") as tmp:
        env = {**os.environ, "ANJIAN_DATA_DIR": tmp, "LOG_LEVEL": "WARNING", "SECRET_KEY": "bench-load-" + "x" * 40,
               "DEBUG": "0", "REDIS_URL": args.redis}
        env.pop("ANJIAN_TESTING", None)
        child_env = {**env, "ANJIAN_TESTING": "1", "ANJIAN_DEMO": "1", "DJANGO_SETTINGS_MODULE": "anjian.config.settings"}
        cmd = [sys.executable, str(BENCH / "bench_api.py"), "--child", "--hazards", str(args.hazards),
               "--seed", str(args.seed), "--persona", "admin"] + (["--reuse"] if args.reuse else [])
        built = json.loads(subprocess.run(cmd, env=child_env, cwd=ROOT, check=True, stdout=subprocess.PIPE,
                                          text=True).stdout.strip().splitlines()[-1])
        port = free_port()
        log = Path(tmp) / "serve.log"
        server_env = {**env, "DJANGO_SETTINGS_MODULE": "_load_settings"}
        # pages need the static files' manifest, as in production (`manage.py collectstatic`)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT,
                       env={**server_env, "PYTHONPATH": str(BENCH)}, check=True)
        server = start_server(code_dir=ROOT, env=server_env, port=port, workers=args.workers, threads=args.threads,
                              log=log, extra_pythonpath=[str(BENCH)], ready_path="/public/")
        try:
            before = int(stored_reports({**server_env, "PYTHONPATH": str(BENCH)}))
            st, wall = run(port, built["token"], args)
            stored = int(stored_reports({**server_env, "PYTHONPATH": str(BENCH)})) - before
        finally:
            stop_server(server)
            if not args.keep:
                recreate_postgres(pg, drop_only=True)
        text = log.read_text(errors="replace")
    timeouts = text.count("WORKER TIMEOUT")
    errors = [line for line in text.splitlines() if "[ERROR]" in line or "Traceback" in line]
    total = sum(len(v) for v in st.lat.values())
    print(f"\nwall {wall:.0f} s; {total:,} requests, {total / wall:.1f} req/s")
    print(f"{'request':22s} {'n':>8s} {'req/s':>7s} {'errors':>7s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} "
          f"{'max ms':>8s}  statuses")
    for kind in sorted(set(st.lat) | set(st.err)):
        v = st.lat.get(kind, [])
        print(f"{kind:22s} {len(v):8d} {len(v) / wall:7.1f} {st.err.get(kind, 0):7d} {pctl(v, .5) * 1000:8.0f} "
              f"{pctl(v, .95) * 1000:8.0f} {pctl(v, .99) * 1000:8.0f} {max(v, default=float('nan')) * 1000:8.0f}  "
              f"{dict(sorted(st.status.get(kind, {}).items()))}")
    print(f"reports confirmed to citizens {st.confirmed:,}; stored {stored:,}")
    print(f"server log: worker time-outs {timeouts}; error lines {len(errors)}")
    for line in errors[:10]:
        print("  " + line[:200])
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
