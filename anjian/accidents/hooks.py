"""What other apps do when an accident is reported, its grade changes or it comes under supervision.

The accidents app sits below the apps that act on it (docs/architecture.md, "Layers as a
contract"), so it cannot call them: a higher app registers a callback here in its
``AppConfig.ready()`` and accidents imports nothing of it.

- :func:`on_accident_graded` (emergency: an accident at or above a grade opens an incident):
  receivers run inside the reporting transaction, after the accident is saved, with
  ``(accident, actor)``; one that must not undo the report catches its own refusals.
- :func:`register_supervision_hook` (responsibility: the 重点督办 / 挂牌督办 matter of
  ``rules.accidents``): hooks run after the accident's transaction commits, each in its own
  transaction, when a report or a counted supplement puts the accident at a higher supervision
  level than before; a failure there never loses the accident report (it is logged; the matter can
  still be opened by hand).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

Receiver = Callable[[Any, Any], None]
"""``receiver(accident, actor)``: called after a report (快报) and a grade-changing supplement."""

SupervisionHook = Callable[[int, Any], None]
"""``hook(accident_pk, actor)``: the accident now has ``supervision ≥ 1``."""

_GRADED: list[Receiver] = []
_HOOKS: list[SupervisionHook] = []


def on_accident_graded(receiver: Receiver) -> Receiver:
    """Register ``receiver(accident, actor)``: called after a report (快报) and after a supplement
    (续报) that changed the grade. Registering the same function twice keeps one."""
    if receiver not in _GRADED:
        _GRADED.append(receiver)
    return receiver


def accident_graded(accident: Any, actor: Any) -> None:
    for receiver in list(_GRADED):
        receiver(accident, actor)


def register_supervision_hook(hook: SupervisionHook) -> None:
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def supervision_raised(accident: Any, *, before: int, actor: Any) -> None:
    """Call the registered hooks after commit when ``accident.supervision`` rose above ``before``."""
    if int(accident.supervision or 0) <= int(before or 0) or getattr(accident, "is_imported", False):
        return
    pk = accident.pk

    def run() -> None:
        for hook in list(_HOOKS):
            try:
                with transaction.atomic():
                    hook(pk, actor)
            except Exception:  # a hook's failure must not undo or block the accident report
                log.exception("accident supervision hook %s failed for accident %s", hook, pk)

    transaction.on_commit(run)
