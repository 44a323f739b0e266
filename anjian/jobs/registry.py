"""Job handlers by kind. A handler is ``handler(job, progress)``; it returns a result dict.

``job_handler(kind, results={"count": _("企业数"), ...})`` names the result figures people see on
the job page; a result key without a name (an id, say) is kept in the row but never shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Handler = Callable[..., dict[str, Any] | None]
HANDLERS: dict[str, Handler] = {}
# How a job id reaches the worker: ``jobs.tasks.run_job_task``, registered when that module loads
# (JobsConfig.ready), so that the services do not import the tasks that call them.
ENQUEUE: list[Callable[[int], Any]] = []
RESULT_LABELS: dict[str, dict[str, str | Promise]] = {}
# Kinds whose jobs (and files) only the person who started them reaches, whatever anyone else's
# rank (exports: a file of what that person may see).
PRIVATE_KINDS: set[str] = set()

# Figures many handlers report (imports): named once here.
COMMON_RESULT_LABELS: dict[str, str | Promise] = {
    "rows": _("数据行数"),
    "errors": _("错误数"),
    "created": _("新增"),
    "updated": _("更新"),
    "skipped": _("跳过"),
    "deaths": _("死亡人数"),
    "open": _("未销号"),
    "written_off": _("已销号"),
    "version": _("版本号"),
    "grants": _("授权数"),
}


# What a finished job made, as a link on its page: ``link(result) -> (label, url)`` or None.
ResultLink = Callable[[Mapping[str, Any]], tuple[str | Promise, str] | None]
RESULT_LINKS: dict[str, ResultLink] = {}


def job_handler(
    kind: str, *, results: Mapping[str, str | Promise] | None = None, private: bool = False,
    link: ResultLink | None = None,
) -> Callable[[Handler], Handler]:
    def decorate(func: Handler) -> Handler:
        HANDLERS[kind] = func
        RESULT_LABELS[kind] = dict(results or {})
        if link is not None:
            RESULT_LINKS[kind] = link
        if private:
            PRIVATE_KINDS.add(kind)
        return func

    return decorate


def result_items(kind: str, result: Mapping[str, Any] | None) -> list[tuple[str, Any]]:
    """(label, value) of the result figures that have a name, in the handler's order."""
    labels = {**COMMON_RESULT_LABELS, **RESULT_LABELS.get(kind, {})}
    return [(str(labels[k]), v) for k, v in (result or {}).items() if k in labels and not isinstance(v, dict | list)]


def result_link(kind: str, result: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """The (label, url) of what a succeeded job made, when its kind names one."""
    link = RESULT_LINKS.get(kind)
    made = link(result or {}) if link is not None else None
    return (str(made[0]), made[1]) if made else None
