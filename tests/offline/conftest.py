"""Fixtures of the offline-queue tests: the grid inspector's patrol task (as in tests/grids)."""

from __future__ import annotations

from tests.grids.conftest import task  # noqa: F401 - the patrol task fixture, shared
