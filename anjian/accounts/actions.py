"""The catalogue of actions roles are made of. Each app registers its own here.

An action is ``<app>.<verb>``. A role holds a set of them; ``<app>.*`` grants every action of
an app and ``*`` every action at all (the city administrator).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.audit.display import register_value_display


@dataclass(frozen=True)
class Action:
    code: str
    label: str | Promise
    group: str | Promise


ACTIONS: dict[str, Action] = {}


def register(code: str, label: str | Promise, group: str | Promise) -> None:
    ACTIONS[code] = Action(code, label, group)


for _code, _label, _group in [
    ("dashboard.view", _("查看首页与统计"), _("平台")),
    ("dashboard.cockpit", _("查看领导驾驶舱"), _("平台")),
    ("inbox.view", _("查看待办"), _("平台")),
    ("jobs.view", _("查看后台任务"), _("平台")),
    ("audit.view", _("检索审计记录"), _("平台")),
    ("orgs.view", _("查看辖区与部门"), _("组织")),
    ("orgs.change", _("维护辖区、部门与行业路由"), _("组织")),
    ("orgs.risk", _("维护风险分级设置（行业固有风险、风险分级阈值）"), _("组织")),
    ("accounts.view", _("查看用户"), _("组织")),
    ("accounts.manage", _("管理用户、角色与授权"), _("组织")),
    ("documents.view", _("查看文号与附件"), _("文书")),
    ("documents.issue", _("取用与作废文号"), _("文书")),
    ("documents.series", _("设置文号序列"), _("文书")),
    ("enterprises.view", _("查看企业档案"), _("企业")),
    ("enterprises.add", _("新增企业"), _("企业")),
    ("enterprises.change", _("修改企业档案"), _("企业")),
    ("enterprises.import", _("导入企业"), _("企业")),
    ("enterprises.export", _("导出企业"), _("企业")),
]:
    register(_code, _label, _group)


def action_labels(codes: list[str]) -> list[str]:
    """What a role may do, as people read it: ``*`` → 全部操作, ``hazards.*`` → 隐患：全部操作."""

    groups = {code.split(".", 1)[0]: action.group for code, action in ACTIONS.items()}
    out: list[str] = []
    for code in codes:
        if code == "*":
            out.append(gettext("全部操作"))
        elif code.endswith(".*"):
            app = code[:-2]
            group = groups.get(app)
            out.append(gettext("{group}：全部操作").format(group=group) if group else code)
        elif code in ACTIONS:
            out.append(str(ACTIONS[code].label))
        else:
            out.append(code)
    return out


def _history_display(value: list[str]) -> str:
    return gettext("、").join(action_labels(list(value)))


def _register_history_display() -> None:
    register_value_display("accounts.role", "actions", _history_display)
    register_value_display("accounts.role", "offered_actions", _history_display)


_register_history_display()
