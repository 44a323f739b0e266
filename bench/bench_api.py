"""Benchmark the hazards API against a bare Django view, both served by ``anjian serve`` (issue 22).

Builds, in the scratch PostgreSQL database named by ``DATABASE_URL`` (dropped and recreated):
the demo city ``--scale small`` plus ``--hazards`` hazards (bench_hazards' ``COPY`` loader), and an
API token for the persona ``--persona`` (default ``admin``, the city administrator). Then starts
``manage.py serve`` (gunicorn, gthread, the production command; ``--workers``/``--threads`` as
given, Redis cache, DEBUG off) once, with a bench-only URLconf (``bench/_apiref_urls.py``) that
adds the reference: a bare Django view answering the same rows from one raw SQL query with
``json.dumps`` (no authentication, no ORM, no schema) — the same server, settings and middleware.

Measured with ``--connections`` keep-alive connections (closed loop, bench/_httpload.py) for
``--seconds`` per run, project and reference alternating (the order flips every round),
``--rounds`` rounds, for:

- list: ``GET /api/v1/hazards/?limit=50`` with ``Authorization: Bearer`` vs ``/bench/ref/hazards/?limit=50``
- detail: ``GET /api/v1/hazards/<newest id>`` vs ``/bench/ref/hazards/<same id>``

Prints requests/s, p50 and p95 per run, the medians and the ratio project / reference, and the
load average. ``--code DIR`` serves another checkout (e.g. a worktree of main, for "before"); the
database is built by this checkout (same migrations).

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench_api .venv/bin/python
bench/bench_api.py [--hazards 100000] [--seconds 10] [--rounds 3] [--code /path/to/checkout]
[--reuse] [--keep]``. Prints only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from _httpload import Request, free_port, run_load, start_server, stop_server  # noqa: E402


def build(args: argparse.Namespace) -> dict[str, Any]:
    """Child process (Django set up): database, hazards, token."""
    import django

    django.setup()
    from bench_hazards import build as build_hazards
    from django.core.management import call_command

    from anjian.accounts.models import User
    from anjian.accounts.services import token_create
    from anjian.hazards.models import Hazard

    out: dict[str, Any] = {}
    if not args.reuse or not Hazard.objects.exists():
        call_command("migrate", verbosity=0, interactive=False)
        call_command("demo", "--scale", "small", "--seed", str(args.seed), stdout=sys.stderr)
        out["build"] = build_hazards(args.hazards, args.seed, demo=False)
    user = User.objects.get(username=args.persona)
    _token, raw = token_create(actor=user, name="bench_api")
    out["token"] = raw
    out["detail_id"] = Hazard.objects.order_by("-id").values_list("id", flat=True).first()
    out["hazards"] = Hazard.objects.count()
    return out


def measure(port: int, token: str, detail_id: int, args: argparse.Namespace) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    kinds = {
        "list": (Request("GET", "/api/v1/hazards/?limit=50", auth), Request("GET", "/bench/ref/hazards/?limit=50")),
        "detail": (Request("GET", f"/api/v1/hazards/{detail_id}", auth), Request("GET", f"/bench/ref/hazards/{detail_id}")),
    }
    # Same rows? (ids of the list, the detail's id)
    import urllib.request

    def get(req: Request) -> Any:
        r = urllib.request.Request(f"http://127.0.0.1:{port}{req.path}", headers=req.headers)
        with urllib.request.urlopen(r, timeout=30) as resp:
            return json.loads(resp.read())

    api_list, ref_list = get(kinds["list"][0]), get(kinds["list"][1])
    if [x["id"] for x in api_list] != [x["id"] for x in ref_list]:
        raise SystemExit("the API and the reference answer different rows")
    if get(kinds["detail"][0])["id"] != get(kinds["detail"][1])["id"]:
        raise SystemExit("the API and the reference answer different hazards")
    for proj, ref in kinds.values():  # warm every worker and connection
        run_load(port, proj, connections=args.connections, seconds=3)
        run_load(port, ref, connections=args.connections, seconds=3)
    out: dict[str, Any] = {}
    for kind, (proj, ref) in kinds.items():
        runs: dict[str, list[dict[str, float]]] = {"project": [], "reference": []}
        for rnd in range(args.rounds):
            order = [("project", proj), ("reference", ref)]
            if rnd % 2:
                order.reverse()
            for who, req in order:
                r = run_load(port, req, connections=args.connections, seconds=args.seconds)
                bad = sum(n for s, n in r.status.items() if s != 200) + r.errors
                rec = {"rps": r.rps, "p50": r.pctl(0.5) * 1000, "p95": r.pctl(0.95) * 1000, "bad": bad,
                       "load1": os.getloadavg()[0]}
                runs[who].append(rec)
                print(f"  {kind:6s} round {rnd + 1} {who:9s} {rec['rps']:8.1f} req/s  p50 {rec['p50']:7.1f} ms  "
                      f"p95 {rec['p95']:7.1f} ms  non-200 {bad}  load1 {rec['load1']:.2f}", flush=True)
        out[kind] = runs
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--persona", default="admin")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--code", default=str(ROOT), help="the checkout whose anjian is served (default: this one)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(build(args), default=str))
        return
    from _bulkload import recreate_postgres

    pg = os.environ.get("DATABASE_URL", "")
    if not pg.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://…/anjian_bench_api (a scratch database: it is dropped)")
    code = Path(args.code).resolve()
    print(f"bench_api: hazards={args.hazards:,} persona={args.persona} connections={args.connections} "
          f"seconds={args.seconds} rounds={args.rounds}; anjian serve --workers {args.workers} --threads {args.threads}")
    rev = subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=code, capture_output=True, text=True).stdout.strip()
    print(f"served code: {code} ({rev[:90]})")
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    recreate_postgres(pg, keep=args.reuse)
    with tempfile.TemporaryDirectory(prefix="anjian-bench-api-") as tmp:
        env = {**os.environ, "ANJIAN_DATA_DIR": tmp, "LOG_LEVEL": "WARNING", "SECRET_KEY": "bench-api-" + "x" * 40,
               "DEBUG": "0", "REDIS_URL": args.redis}
        env.pop("ANJIAN_TESTING", None)
        child_env = {**env, "ANJIAN_TESTING": "1", "ANJIAN_DEMO": "1", "DJANGO_SETTINGS_MODULE": "anjian.config.settings"}
        cmd = [sys.executable, __file__, "--child", "--hazards", str(args.hazards), "--seed", str(args.seed),
               "--persona", args.persona] + (["--reuse"] if args.reuse else [])
        built = json.loads(subprocess.run(cmd, env=child_env, cwd=ROOT, check=True, stdout=subprocess.PIPE,
                                          text=True).stdout.strip().splitlines()[-1])
        if "build" in built:
            b = built["build"]
            print(f"build: demo small + COPY {b['rows']:,} hazards {b['copy_s']} s; {built['hazards']:,} hazards")
        port = free_port()
        log = Path(tmp) / "serve.log"
        server = start_server(code_dir=code, env={**env, "DJANGO_SETTINGS_MODULE": "_apiref_settings"}, port=port,
                              workers=args.workers, threads=args.threads, log=log, extra_pythonpath=[str(BENCH)],
                              ready_path="/bench/ref/hazards/?limit=1")
        try:
            res = measure(port, built["token"], int(built["detail_id"]), args)
        finally:
            stop_server(server)
            if not args.keep:
                recreate_postgres(pg, drop_only=True)
        errors = [line for line in log.read_text(errors="replace").splitlines() if "Traceback" in line or "[ERROR]" in line]
    print(f"\n{'kind':8s} {'who':10s} {'req/s (median)':>15s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for kind, runs in res.items():
        med = {who: {k: statistics.median(r[k] for r in rs) for k in ("rps", "p50", "p95")} for who, rs in runs.items()}
        for who in ("project", "reference"):
            m = med[who]
            print(f"{kind:8s} {who:10s} {m['rps']:15.1f} {m['p50']:8.1f} {m['p95']:8.1f}")
        ratios = [p["rps"] / r["rps"] for p, r in zip(runs["project"], runs["reference"], strict=True)]
        print(f"{kind:8s} ratio project/reference: {med['project']['rps'] / med['reference']['rps']:.2f}× "
              f"(per round {', '.join(f'{x:.2f}' for x in ratios)})")
    print(f"server log errors: {len(errors)}")
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
