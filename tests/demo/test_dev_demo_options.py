"""``python3 dev.py demo`` options: --reset rebuilds the demo city, the rest reaches rundemo."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("anjian_dev_py", Path(__file__).resolve().parents[2] / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("args", "build", "rest"),
    [
        ([], "--if-empty", []),
        (["--port", "8100"], "--if-empty", ["--port", "8100"]),
        (["--reset"], "--reset", []),
        (["--reset", "--port", "8100"], "--reset", ["--port", "8100"]),
    ],
)
def test_reset_is_for_the_build_and_the_rest_for_the_server(dev, args, build, rest):
    assert dev.demo_options(args) == (build, rest)
