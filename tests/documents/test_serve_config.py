"""The documented production command serves what it must (issue 22), beside the export test
(tests/documents/test_export_jobs.py): gthread workers with the 60 s timeout, the WSGI entry that
gives machine calls to /api/ their slim stack, and docs/deployment.md naming the same command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from anjian.config import wsgi
from anjian.core.apifast import TokenApiHandler
from anjian.core.management.commands.serve import DEFAULT_TIMEOUT_S, Command, gunicorn_argv

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _defaults() -> dict[str, str]:
    options = vars(Command().create_parser("anjian", "serve").parse_args([]))
    argv = gunicorn_argv(bind=options["bind"], workers=options["workers"], threads=options["threads"],
                         timeout=options["timeout"], worker_class=options["worker_class"])
    assert argv[3] == "anjian.config.wsgi:application"
    return dict(zip(argv[4::2], argv[5::2], strict=False))


def test_the_production_server_runs_threaded_workers_with_the_timeout_and_the_api_stack():
    flags = _defaults()
    assert flags["--worker-class"] == "gthread" and flags["--timeout"] == str(DEFAULT_TIMEOUT_S) == "60"
    assert int(flags["--workers"]) >= 2 and int(flags["--threads"]) >= 2
    assert int(flags["--keep-alive"]) >= 2  # API clients and the load test keep their connections
    assert int(flags["--graceful-timeout"]) < int(flags["--timeout"])
    # the served object dispatches: machine calls to the slim handler, the rest to Django's own
    assert isinstance(wsgi.token_api_application, TokenApiHandler)
    assert callable(wsgi.application) and wsgi.full_application is not wsgi.token_api_application


def test_the_deployment_guide_names_the_command_and_the_sizing():
    text = (DOCS / "deployment.md").read_text(encoding="utf-8")
    flags = _defaults()
    assert f"--worker-class {flags['--worker-class']}" in text and f"--timeout {flags['--timeout']}" in text
    for heading in ("## Sizing", "## Past one machine", "## Requests that could meet the worker timeout"):
        assert heading in text


def test_a_worker_loads_every_view_and_freezes_what_it_loaded():
    """In a fresh process, as a gunicorn worker loads it: the views are imported before the
    first request, and the startup objects are out of the cyclic collector's reach (a full
    collection over them paused requests for 150–180 ms)."""
    code = ("import gc, sys; import anjian.config.wsgi; "
            "print(gc.get_freeze_count(), 'anjian.hazards.views' in sys.modules, 'anjian.accidents.api' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "ANJIAN_TESTING": "1"}, cwd=DOCS.parent,
                         capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert int(out[0]) > 100_000 and out[1:] == ["True", "True"]
