"""The tabs of the enterprise detail page (一企一档). Later modules add their own tab:

>>> from anjian.enterprises.tabs import DetailTab, register_tab
>>> register_tab(DetailTab("hazards", _("隐患"), "hazards/enterprise_tab.html", "hazards.view", order=50,
...                        context=lambda request, enterprise: {"hazards": ...}))

A tab is shown to users holding its ``action``; its template is included inside the page with
``e`` (the enterprise), ``can_change`` and whatever ``context(request, enterprise)`` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from anjian.audit.selectors import history_for, timeline_for
from anjian.core.scoping import has_action
from anjian.enterprises.forms import LicenceForm, LicenceRenewForm
from anjian.enterprises.selectors import enterprise_routing


@dataclass(frozen=True)
class DetailTab:
    code: str
    label: Any
    template: str
    action: str = "enterprises.view"
    order: int = 100
    context: Callable[[Any, Any], dict[str, Any]] | None = None


DETAIL_TABS: list[DetailTab] = []


def register_tab(tab: DetailTab) -> DetailTab:
    """Add (or replace, by code) a tab; tabs are shown in ``order``."""
    DETAIL_TABS[:] = [t for t in DETAIL_TABS if t.code != tab.code]
    DETAIL_TABS.append(tab)
    DETAIL_TABS.sort(key=lambda t: t.order)
    return tab


def visible_tabs(user: Any) -> list[DetailTab]:
    return [t for t in DETAIL_TABS if has_action(user, t.action)]


def _licences(request: Any, enterprise: Any) -> dict[str, Any]:
    return {"licences": enterprise.licences.all(), "licence_form": LicenceForm(), "renew_form": LicenceRenewForm()}


def _timeline(request: Any, enterprise: Any) -> dict[str, Any]:
    return {"events": timeline_for(enterprise)}


def _history(request: Any, enterprise: Any) -> dict[str, Any]:
    return {"history": history_for(enterprise)}


def _basic(request: Any, enterprise: Any) -> dict[str, Any]:
    return {"routing": enterprise_routing(enterprise)}


register_tab(DetailTab("basic", _("基本信息"), "enterprises/tabs/basic.html", order=10, context=_basic))
register_tab(DetailTab("licences", _("证照"), "enterprises/tabs/licences.html", order=20, context=_licences))
register_tab(DetailTab("timeline", _("流程记录"), "enterprises/tabs/timeline.html", order=900, context=_timeline))
register_tab(DetailTab("history", _("变更记录"), "enterprises/tabs/history.html", order=910, context=_history))
