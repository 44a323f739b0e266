"""Job handlers by kind. A handler is ``handler(job, progress)``; it returns a result dict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[..., dict[str, Any] | None]
HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def decorate(func: Handler) -> Handler:
        HANDLERS[kind] = func
        return func

    return decorate
