#!/usr/bin/env python3
"""Print the app-level import graph of ``anjian`` (built with grimp, which import-linter brings).

    .venv/bin/python scripts/import-graph.py              # this checkout
    .venv/bin/python scripts/import-graph.py /other/tree  # another checkout (e.g. before a change)

One line per app: the apps it imports (with the number of module-to-module imports), then the
cycles between apps, then the count of function-local imports of the project (``import`` inside a
function body), which hide dependencies from readers; the output is pasted into
``docs/architecture.md``.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

import grimp


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def local_imports(root: Path) -> Counter[str]:
    """Function-local imports of project modules, per app."""
    counts: Counter[str] = Counter()
    seen: set[int] = set()  # an import in a nested function counts once
    for path in (root / "anjian").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                project = (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("anjian")) or (
                    isinstance(node, ast.Import) and any(a.name.startswith("anjian") for a in node.names)
                )
                if project and id(node) not in seen:
                    seen.add(id(node))
                    app = path.relative_to(root).parts[1]
                    counts[f"{app} (apps.py)" if path.name == "apps.py" else app] += 1
    return counts


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent).resolve()
    sys.path.insert(0, str(root))
    graph = grimp.build_graph("anjian", cache_dir=None, exclude_type_checking_imports=True)
    edges: Counter[tuple[str, str]] = Counter()
    for module in graph.modules:
        if ".migrations" in module:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            a, b = app_of(module), app_of(imported)
            if a != b and ".migrations" not in imported:
                edges[(a, b)] += 1
    apps = sorted({a for a, _ in edges} | {b for _, b in edges})
    print("app-level imports (importer -> imported ×count)")
    for app in apps:
        targets = sorted((b, n) for (a, b), n in edges.items() if a == app)
        print(f"  {app:15} -> " + (", ".join(f"{b}×{n}" for b, n in targets) or "—"))
    cycles = sorted(f"{a} <-> {b}" for (a, b) in edges if a < b and (b, a) in edges)
    print(f"\ncycles between two apps: {len(cycles)}")
    for cycle in cycles:
        print(f"  {cycle}")
    local = local_imports(root)
    ready = Counter({app: n for app, n in local.items() if app.endswith("(apps.py)")})
    elsewhere = local - ready
    print(f"\nfunction-local imports of anjian modules: {sum(elsewhere.values())}")
    print("  " + (", ".join(f"{app} {n}" for app, n in elsewhere.most_common()) or "—"))
    print(
        f"  (and {sum(ready.values())} in AppConfig.ready(), where apps register into the shared registries)"
    )


if __name__ == "__main__":
    main()
