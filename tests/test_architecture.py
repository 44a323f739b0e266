"""The layers contract (``.importlinter``) is there, complete, and kept.

A contract or a tier removed from the file, an app left out of it, or a new function-local import of
the project makes this fail (see docs/architecture.md, "Layers as a contract").
"""

from __future__ import annotations

import ast
import configparser
import subprocess
import sys
from pathlib import Path

import pytest

from anjian.core.scoping import TERRITORIAL_DEPARTMENT_KINDS
from anjian.orgs.models import DepartmentKind

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"

PLATFORM = ["inbox", "accounts", "orgs", "documents", "jobs", "audit"]
DOMAINS = ["grids", "public_reports", "vehicles", "monitoring", "accidents", "hazards", "checklists"]


def contracts() -> dict[str, configparser.SectionProxy]:
    parser = configparser.ConfigParser(inline_comment_prefixes=None, comment_prefixes=(";", "#"))
    parser.read(CONFIG, encoding="utf-8")
    prefix = "importlinter:contract:"
    return {name[len(prefix) :]: parser[name] for name in parser.sections() if name.startswith(prefix)}


def listed(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def layers() -> list[list[str]]:
    """The tiers of the ``layers`` contract, top first, each a list of app names."""
    tiers = []
    for line in listed(contracts()["layers"]["layers"]):
        tiers.append([name.strip() for name in line.replace("|", ":").split(":")])
    return tiers


def tier_of(app: str) -> int:
    return next(i for i, tier in enumerate(layers()) if app in tier)


def test_the_three_contracts_exist_with_their_types():
    found = contracts()
    assert found["layers"]["type"] == "layers"
    assert found["layers"]["containers"].strip() == "anjian"
    assert found["layers"]["exhaustive"].strip() == "true"  # a new app must be placed
    assert found["domains"]["type"] == "independence"
    assert found["rules"]["type"] == "forbidden"
    assert listed(found["rules"]["source_modules"]) == ["anjian.rules"]
    assert listed(found["rules"]["forbidden_modules"]) == ["anjian.*"]


def test_the_tiers_run_top_to_bottom():
    tiers = layers()
    assert tiers[-1] == ["rules"] and tiers[-2] == ["core"]
    assert [tiers[tier_of(app)] for app in PLATFORM] == [[app] for app in PLATFORM]
    assert [tier_of(app) for app in PLATFORM] == sorted(tier_of(app) for app in PLATFORM)
    assert max(tier_of(app) for app in PLATFORM) < tier_of("core")
    # enterprises sits on the platform; every domain app above it; dashboard, demo, config on top
    assert tier_of("enterprises") < min(tier_of(app) for app in PLATFORM)
    assert all(tier_of(app) < tier_of("enterprises") for app in DOMAINS)
    assert all(tier_of(top) < min(tier_of(app) for app in DOMAINS) for top in ("dashboard", "demo", "config"))


def test_every_app_is_placed_and_every_domain_app_is_independent():
    apps = {p.parent.name for p in (ROOT / "anjian").glob("*/apps.py")}
    placed = {app for tier in layers() for app in tier}
    assert apps <= placed, f"apps missing from .importlinter layers: {sorted(apps - placed)}"
    independent = {m.removeprefix("anjian.") for m in listed(contracts()["domains"]["modules"])}
    domain_tiers = range(tier_of("dashboard") + 1, tier_of("enterprises"))
    domain_apps = {app for i in domain_tiers for app in layers()[i]}
    assert set(DOMAINS) <= domain_apps
    assert domain_apps == independent, "each domain app is one line in `layers` and one in `domains`"


def test_lint_imports_keeps_the_contracts():
    lint = Path(sys.executable).parent / "lint-imports"
    if not lint.exists():
        pytest.skip("import-linter is not installed in this environment")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def function_local_imports() -> list[str]:
    """``import`` statements inside a function body, outside ``apps.py`` (whose ``ready()`` runs once
    the app registry is loaded, the Django way) and without a comment on its line saying why."""
    found = []
    for path in sorted((ROOT / "anjian").rglob("*.py")):
        if "migrations" in path.parts or path.name == "apps.py":
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        seen: set[int] = set()
        for func in ast.walk(ast.parse(source)):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if not isinstance(node, ast.Import | ast.ImportFrom) or node.lineno in seen:
                    continue
                seen.add(node.lineno)
                line = lines[node.lineno - 1]
                if "#" not in line:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {line.strip()}")
    return found


def test_no_function_local_imports_without_a_reason():
    """An import inside a function hides a dependency from the reader and from the contract; a
    heavy optional library imported on use says so in a comment."""
    assert function_local_imports() == []


def test_core_names_the_territorial_department_kinds_of_orgs():
    """``core.scoping`` names the kinds whose members reach their whole territory by value (core
    imports no app): they must stay those of ``orgs.DepartmentKind``."""
    assert {DepartmentKind.COMMITTEE_OFFICE, DepartmentKind.STREET_OFFICE} == TERRITORIAL_DEPARTMENT_KINDS
