"""What other apps do when an alarm is raised or upgraded (e.g. to 高高报).

A higher app (emergency: a high-high alarm opens an incident) registers a receiver here in its
``AppConfig.ready()``; monitoring imports nothing of it (docs/architecture.md, "Layers as a
contract"). Receivers run inside the evaluator's transaction with the alarm as saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Receiver = Callable[[Any], None]

_RAISED: list[Receiver] = []


def on_alarm_level(receiver: Receiver) -> Receiver:
    """Register ``receiver(alarm)``: called when an alarm is raised and when its level rises.
    Registering the same function twice keeps one."""
    if receiver not in _RAISED:
        _RAISED.append(receiver)
    return receiver


def alarm_level(alarm: Any) -> None:
    for receiver in list(_RAISED):
        receiver(alarm)
