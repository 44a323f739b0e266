"""The left menu, by the plan's sections, showing only what exists and what the user may use.

Apps add entries with ``register``; each entry names the action it needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anjian.core.scoping import has_action, has_action_over_territory


@dataclass(frozen=True)
class Entry:
    section: str | Promise
    label: str | Promise
    url_name: str
    action: str
    icon: str = "bi-circle"
    order: int = 100
    # Government work over a territory (statistics, control targets, monthly reports): shown only
    # to a user who holds the action through a jurisdiction or department grant, not to an
    # enterprise or its custody provider, whose scope is their own enterprise.
    territorial: bool = False


SECTIONS: list[str | Promise] = [
    _("工作台"),
    _("一、责任体系"),
    _("二、统筹协调"),
    _("三、隐患排查与监测"),
    _("四、执法检查"),
    _("五、投入与机制"),
    _("六、宣传培训"),
    _("七、事故管理"),
    _("八、应急管理"),
    _("基础数据"),
    _("设置"),
    _("系统管理"),
]

ENTRIES: list[Entry] = []


def register(entry: Entry) -> None:
    ENTRIES.append(entry)


def menu_for(user: Any, path: str) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for section in SECTIONS:
        items = []
        for e in sorted((e for e in ENTRIES if e.section == section), key=lambda e: e.order):
            if not has_action(user, e.action):
                continue
            if e.territorial and not has_action_over_territory(user, e.action):
                continue
            try:
                url = reverse(e.url_name)
            except NoReverseMatch:
                continue
            active = path == url or (url != "/" and path.startswith(url))
            items.append({"label": e.label, "url": url, "icon": e.icon, "active": active})
        if items:
            sections.append({"label": section, "items": items})
    # Only the most specific entry is highlighted: /grids/coverage/ is 「网格巡查覆盖」, not 「网格」.
    matches = [i for s in sections for i in s["items"] if i["active"]]
    longest = max((len(i["url"]) for i in matches), default=0)
    for item in matches:
        item["active"] = len(item["url"]) == longest
    return sections


for _entry in [
    Entry(_("工作台"), _("首页"), "dashboard:home", "dashboard.view", "bi-house", 1),
    Entry(_("工作台"), _("我的待办"), "dashboard:inbox", "inbox.view", "bi-list-check", 2),
    Entry(_("工作台"), _("后台任务"), "jobs:list", "jobs.view", "bi-hourglass-split", 3),
    Entry(_("基础数据"), _("企业档案"), "enterprises:list", "enterprises.view", "bi-building", 1),
    Entry(_("基础数据"), _("辖区"), "orgs:jurisdictions", "orgs.view", "bi-map", 2),
    Entry(_("基础数据"), _("部门与行业路由"), "orgs:departments", "orgs.view", "bi-diagram-3", 3),
    Entry(_("一、责任体系"), _("安全生产职责清单"), "orgs:duties", "orgs.view", "bi-journal-text", 1),
    Entry(_("一、责任体系"), _("监管覆盖"), "orgs:coverage", "orgs.view", "bi-grid-3x3", 2),
    Entry(_("基础数据"), _("文号登记"), "documents:numbers", "documents.view", "bi-file-earmark-text", 4),
    Entry(_("系统管理"), _("用户与授权"), "accounts:users", "accounts.view", "bi-people", 1),
    Entry(_("系统管理"), _("角色"), "accounts:roles", "accounts.manage", "bi-shield-lock", 2),
    Entry(_("系统管理"), _("审计检索"), "audit:search", "audit.view", "bi-search", 3),
    Entry(_("系统管理"), _("边界导入"), "orgs:boundary_imports", "orgs.change", "bi-upload", 4),
    Entry(_("设置"), _("文号序列"), "documents:series", "documents.series", "bi-123", 1),
    Entry(_("设置"), _("统计参考数据"), "accidents:figures", "accidents.targets", "bi-table", 3, territorial=True),
    Entry(_("设置"), _("网格人员与巡查计划"), "grids:staff", "grids.manage", "bi-person-badge", 4),
]:
    register(_entry)
