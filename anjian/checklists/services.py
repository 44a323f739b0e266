"""Writes for checklists: templates, versions (draft → published → retired) and their items.

Every write checks ``checklists.manage`` on the template's coordinates (its owner jurisdiction
and sector: a regulator manages the templates of its sectors, the city every template), runs in
one transaction, writes row history and a timeline event on the template. A published or
retired version never changes; publishing a draft retires the version published before it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from anjian.audit.services import Msg, record_event
from anjian.checklists.models import (
    ChecklistItem,
    ChecklistKind,
    ChecklistTemplate,
    ChecklistVersion,
    VersionStatus,
)
from anjian.core.errors import DomainError, InvalidTransition, NotAllowed, NotFoundInScope
from anjian.core.scoping import can, has_action, scope_allows
from anjian.orgs.models import Jurisdiction, Sector

MANAGE = "checklists.manage"
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
ITEM_FIELDS = ("code", "section", "subsection", "text", "legal_basis", "points", "scoring_method",
               "is_major_criterion", "standard_clause")


def _require_manage(actor: Any, template: ChecklistTemplate) -> None:
    if actor is None or can(actor, MANAGE, template):
        return
    if not has_action(actor, "checklists.view"):
        raise NotFoundInScope()
    raise NotAllowed("您无权维护该排查标准", "You may not manage this checklist")


def _lock_version(version: ChecklistVersion, actor: Any) -> ChecklistVersion:
    locked = ChecklistVersion.objects.select_for_update().select_related("template").get(pk=version.pk)
    _require_manage(actor, locked.template)
    return locked


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# --- templates ----------------------------------------------------------------------------


@transaction.atomic
def template_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str = ChecklistKind.HAZARD_INSPECTION,
    sector: Sector | None = None,
    owner: Jurisdiction | None = None,
    description: str = "",
) -> ChecklistTemplate:
    code, name = code.strip().upper(), " ".join(name.split())
    if not _CODE.match(code):
        raise DomainError("编码须为 1–40 位字母、数字、点、下划线或连字符",
                          "The code must be 1–40 letters, digits, dots, underscores or hyphens", field="code")
    if not name:
        raise DomainError("请填写名称", "The name is required", field="name")
    if kind not in ChecklistKind.values:
        raise DomainError(f"未知的类型：{kind}", f"Unknown kind: {kind}", field="kind")
    if actor is not None and not scope_allows(actor, MANAGE, jurisdiction=owner, sector=sector):
        raise NotAllowed("您无权为该行业/辖区制定排查标准", "You may not make checklists for this sector or area")
    if ChecklistTemplate.objects.filter(code=code).exists():
        raise DomainError(f"编码 {code} 已被使用", f"The code {code} is taken", field="code")
    template = ChecklistTemplate(code=code, name=name[:200], kind=kind, sector=sector, owner=owner,
                                 description=description.strip(), created_by=_user(actor))
    template._change_reason = "新建排查标准"  # type: ignore[attr-defined]
    template.save()
    record_event(template, "checklist.created", actor=actor, summary=Msg(gettext_noop("新建排查标准 {code} {name}"), code=code, name=name),
                 data={"kind": kind, "sector": sector.code if sector else None, "owner": owner.code if owner else None})
    return template


# --- versions -----------------------------------------------------------------------------


@transaction.atomic
def version_create_draft(
    *, actor: Any, template: ChecklistTemplate, note: str = "", source: str = "", copy_items: bool = True
) -> ChecklistVersion:
    """A new draft version (one draft per template at a time), by default holding a copy of the
    latest version's items to edit or replace."""
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    _require_manage(actor, template)
    if template.versions.filter(status=VersionStatus.DRAFT).exists():
        raise InvalidTransition("该排查标准已有草稿版本，请先发布或删除草稿",
                                "This checklist already has a draft version: publish or delete it first")
    latest = template.versions.order_by("-number").first()
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ChecklistVersion(template=template, number=number, note=note.strip()[:300], source=source.strip()[:300],
                               created_by=_user(actor))
    version._change_reason = "新建草稿版本"  # type: ignore[attr-defined]
    version.save()
    copied = 0
    if copy_items and latest is not None:
        items = [ChecklistItem(version=version, **{f: getattr(i, f) for f in ("order", *ITEM_FIELDS)})
                 for i in latest.items.all()]
        ChecklistItem.objects.bulk_create(items)
        copied = len(items)
    record_event(template, "checklist.draft_created", actor=actor, summary=Msg(gettext_noop("新建草稿 v{n}"), n=number),
                 data={"version": number, "copied_from": latest.number if latest and copy_items else None,
                       "items": copied})
    return version


def _clean_item(raw: Mapping[str, Any], n: int) -> dict[str, Any]:
    def text(key: str, limit: int | None = None) -> str:
        value = raw.get(key)
        s = "" if value is None else str(value).strip()
        if limit is not None and len(s) > limit:
            raise DomainError(f"第 {n} 条：{key} 超过 {limit} 个字符", f"Item {n}: {key} is longer than {limit}",
                              field=key)
        return s

    out: dict[str, Any] = {
        "code": text("code", 40) or str(n),
        "section": text("section", 200),
        "subsection": text("subsection", 200),
        "text": text("text"),
        "legal_basis": text("legal_basis"),
        "scoring_method": text("scoring_method"),
        "standard_clause": text("standard_clause", 300),
        "is_major_criterion": bool(raw.get("is_major_criterion")),
    }
    if not out["text"]:
        raise DomainError(f"第 {n} 条：检查内容不能为空", f"Item {n}: the text is required", field="text")
    points = raw.get("points")
    if points in (None, ""):
        out["points"] = None
    else:
        try:
            out["points"] = int(points)
        except (TypeError, ValueError) as exc:
            raise DomainError(f"第 {n} 条：分值须为整数", f"Item {n}: points must be a whole number",
                              field="points") from exc
        if out["points"] < 0:
            raise DomainError(f"第 {n} 条：分值不能为负", f"Item {n}: points cannot be negative", field="points")
    if out["is_major_criterion"] and not out["standard_clause"]:
        raise DomainError(f"第 {n} 条：重大隐患判定项须写明判定标准条款",
                          f"Item {n}: a major-hazard criterion needs its standard clause", field="standard_clause")
    return out


@transaction.atomic
def version_items_set(
    *, actor: Any, version: ChecklistVersion, items: Sequence[Mapping[str, Any]], note: str = ""
) -> int:
    """Replace every item of a draft version (the import path). All or nothing."""
    v = _lock_version(version, actor)
    if v.status != VersionStatus.DRAFT:
        raise InvalidTransition("已发布或已废止的版本不能修改", "A published or retired version cannot change")
    cleaned = [_clean_item(raw, n) for n, raw in enumerate(items, start=1)]
    seen: dict[str, int] = {}
    for n, item in enumerate(cleaned, start=1):
        if item["code"] in seen:
            raise DomainError(f"第 {n} 条与第 {seen[item['code']]} 条编码重复：{item['code']}",
                              f"Item {n} repeats the code of item {seen[item['code']]}: {item['code']}", field="code")
        seen[item["code"]] = n
    before = v.items.count()
    v.items.all().delete()
    ChecklistItem.objects.bulk_create([ChecklistItem(version=v, order=n, **item) for n, item in enumerate(cleaned, 1)])
    record_event(v.template, "checklist.items_set", actor=actor,
                 summary=Msg(gettext_noop("草稿 v{n} 条目更新：{before} → {after} 条（{note}）") if note
                             else gettext_noop("草稿 v{n} 条目更新：{before} → {after} 条"), n=v.number, before=before,
                             after=len(cleaned), note=note),
                 data={"version": v.number, "before": before, "after": len(cleaned)})
    return len(cleaned)


@transaction.atomic
def version_publish(
    *, actor: Any, version: ChecklistVersion, effective_date: dt.date | None = None, note: str = ""
) -> ChecklistVersion:
    """Publish a draft: it becomes immutable and the version published before is retired."""
    v = _lock_version(version, actor)
    if v.status != VersionStatus.DRAFT:
        raise InvalidTransition("只有草稿版本可以发布", "Only a draft version can be published")
    if not v.items.exists():
        raise InvalidTransition("没有检查条目的版本不能发布", "A version without items cannot be published")
    now = timezone.now()
    previous = (ChecklistVersion.objects.select_for_update()
                .filter(template=v.template, status=VersionStatus.PUBLISHED).first())
    if previous is not None:
        previous.status, previous.retired_at = VersionStatus.RETIRED, now
        previous._change_reason = gettext_noop("被新版本取代") + f"：v{v.number}"  # type: ignore[attr-defined]
        previous.save(update_fields=["status", "retired_at"])
    v.status, v.published_at = VersionStatus.PUBLISHED, now
    v.effective_date = effective_date or timezone.localdate()
    if note.strip():
        v.note = note.strip()[:300]
    v._change_reason = "发布"  # type: ignore[attr-defined]
    v.save(update_fields=["status", "published_at", "effective_date", "note"])
    record_event(v.template, "checklist.published", actor=actor,
                 summary=Msg(gettext_noop("发布 v{n}（{items} 条），废止 v{old}") if previous
                             else gettext_noop("发布 v{n}（{items} 条）"), n=v.number, items=v.items.count(),
                             old=previous.number if previous else ""),
                 data={"version": v.number, "retired": previous.number if previous else None,
                       "effective_date": v.effective_date.isoformat()})
    return v


@transaction.atomic
def version_retire(*, actor: Any, version: ChecklistVersion, note: str = "") -> ChecklistVersion:
    """Retire a published version without a successor (the template then has none in force)."""
    v = _lock_version(version, actor)
    if v.status != VersionStatus.PUBLISHED:
        raise InvalidTransition("只有已发布的版本可以废止", "Only a published version can be retired")
    v.status, v.retired_at = VersionStatus.RETIRED, timezone.now()
    v._change_reason = "废止"  # type: ignore[attr-defined]
    v.save(update_fields=["status", "retired_at"])
    record_event(v.template, "checklist.retired", actor=actor, summary=Msg(gettext_noop("废止 v{n}"), n=v.number),
                 data={"version": v.number, "note": note.strip()})
    return v


@transaction.atomic
def version_delete_draft(*, actor: Any, version: ChecklistVersion) -> None:
    v = _lock_version(version, actor)
    if v.status != VersionStatus.DRAFT:
        raise InvalidTransition("只有草稿版本可以删除", "Only a draft version can be deleted")
    number, template = v.number, v.template
    v._change_reason = "删除草稿"  # type: ignore[attr-defined]
    v.delete()
    record_event(template, "checklist.draft_deleted", actor=actor, summary=Msg(gettext_noop("删除草稿 v{n}"), n=number),
                 data={"version": number})


# --- the 浙里办 JSON shape ------------------------------------------------------------------


def zlb_checklists(data: Any) -> list[dict[str, Any]]:
    """Check the shape ``{"checklists": [{"code", "title", "items": [{"key", "content"}]}]}`` and
    return its lists; a wrong shape is a ``DomainError`` naming what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("checklists"), list) or not data["checklists"]:
        raise DomainError("JSON 须含非空的 checklists 列表", "The JSON needs a non-empty \"checklists\" list")
    out = []
    for n, cl in enumerate(data["checklists"], start=1):
        if not isinstance(cl, dict) or not str(cl.get("code") or "").strip() or not str(cl.get("title") or "").strip():
            raise DomainError(f"第 {n} 个检查表缺少 code 或 title", f"Checklist {n} lacks a code or a title")
        items = cl.get("items")
        if not isinstance(items, list) or not items:
            raise DomainError(f"检查表 {cl['code']} 没有检查项", f"Checklist {cl['code']} has no items")
        rows = []
        for i, item in enumerate(items, start=1):
            if not isinstance(item, dict) or not str(item.get("content") or "").strip():
                raise DomainError(f"检查表 {cl['code']} 第 {i} 项缺少 content",
                                  f"Checklist {cl['code']} item {i} lacks its content")
            rows.append({"code": str(item.get("key") or i), "text": str(item["content"]).strip(),
                         "legal_basis": str(item.get("basis") or "").strip()})
        out.append({"code": str(cl["code"]).strip(), "title": str(cl["title"]).strip(), "items": rows})
    return out


@transaction.atomic
def checklists_load_zlb(
    *,
    actor: Any,
    data: Any,
    prefix: str = "ZLB",
    sector: Sector | None = None,
    owner: Jurisdiction | None = None,
    publish: bool = False,
    source: str = "",
) -> list[ChecklistVersion]:
    """Load every list of a 浙里办-shaped JSON as a template (code ``<prefix>-<code>``, created
    when missing) with a new draft version holding its items; ``publish`` publishes them at
    once. All or nothing."""
    lists = zlb_checklists(data)
    source = source or str(data.get("source") or "")[:300]
    versions = []
    for cl in lists:
        code = f"{prefix}-{cl['code']}".upper().replace("_", "-")[:40]
        template = ChecklistTemplate.objects.filter(code=code).first()
        if template is None:
            template = template_create(actor=actor, code=code, name=cl["title"], sector=sector, owner=owner,
                                       kind=ChecklistKind.HAZARD_INSPECTION)
        version = version_create_draft(actor=actor, template=template, note="导入", source=source, copy_items=False)
        version_items_set(actor=actor, version=version, items=cl["items"], note="JSON 导入")
        if publish:
            version = version_publish(actor=actor, version=version)
        versions.append(version)
    return versions


def published_items(versions: Iterable[ChecklistVersion]) -> list[ChecklistItem]:
    return [i for v in versions for i in v.items.all()]
