"""The ``anjian`` console script: every Django management command, under one name.

``anjian migrate``, ``anjian demo``, ``anjian worker``, ``anjian serve`` … are the
management commands of the project, run with the project's settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    from django.core.management import execute_from_command_line  # after the settings module is chosen

    execute_from_command_line(["anjian", *(sys.argv[1:] if argv is None else argv)])
