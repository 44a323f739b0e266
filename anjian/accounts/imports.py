"""The user import (用户批量导入): one row per grant — name, mobile, unit, role, scope, validity.

Declared as an ``ImportSpec`` (kind ``users``) on the shared import mechanism
(``documents.imports``): every row is checked, and either every user and grant is created in one
transaction or nothing is. Rows with the same username are one person holding several grants.

Delegated administration applies row by row: a district administrator imports only into the
territory it manages and only roles made of actions it holds there (``accounts.delegation``);
an out-of-reach row is refused with the row named, nothing is imported, and the attempt is
audited (``escalation_refused``) on the administrator.

Each new user gets a random initial password, which they must change at the first login (no
e-mail server is assumed). The passwords are handed to the administrator once, in the job's
result workbook — a job and its files are visible only to the person who started it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import tempfile
from typing import Any

from django.apps import apps
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from anjian.accounts import delegation
from anjian.accounts.models import Membership, Role, User
from anjian.accounts.services import INTAKE_ROLES, initial_password, membership_grant, user_create
from anjian.audit.display import Both
from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, NotAllowed
from anjian.core.text import parse_date
from anjian.documents.exports import Column, write_xlsx
from anjian.documents.imports import (
    Context,
    ImportSpec,
    RowError,
    RowProblem,
    read_cell,
    read_text,
    register_import,
)
from anjian.jobs.models import Job
from anjian.jobs.services import Progress
from anjian.orgs.models import Department, Jurisdiction

HEADERS: dict[str, list[str]] = {
    "username": ["用户名", "账号", "登录名", "username", "login"],
    "name": ["姓名", "name", "full name"],
    "mobile": ["手机", "手机号", "手机号码", "mobile", "phone"],
    "unit": ["所在单位", "单位", "工作单位", "unit", "organisation", "organization"],
    "role": ["角色", "role"],
    "scope": ["授权范围", "范围", "辖区/部门/企业", "scope"],
    "valid_from": ["生效日期", "valid from", "from"],
    "valid_until": ["截止日期", "失效日期", "valid until", "until"],
}
LABEL = {key: labels[0] for key, labels in HEADERS.items()}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
USERNAME = re.compile(r"^[\w.@+-]{1,150}$")

TEMPLATE_COLUMNS = ["username", "name", "mobile", "unit", "role", "scope", "valid_from", "valid_until"]
TEMPLATE_EXAMPLE = ["", "张三", "13800000000", "福田区应急管理局", "区安委办", "440304", "", ""]


def _enterprise_model() -> Any:
    # accounts is a platform app below enterprises: the model is looked up by name, not imported
    return apps.get_model("enterprises", "Enterprise")


@register_import
class UserImport(ImportSpec):
    kind = "users"
    label = "用户批量导入"
    action = "accounts.manage"
    headers = HEADERS
    required = frozenset({"name", "role"})
    batch_size = 500

    def prepare(self, ctx: Context) -> None:
        roles: dict[str, Role] = {}
        for role in Role.objects.all():
            for key in (role.code, role.name, role.name_en):
                if key:
                    roles.setdefault(key.strip().lower(), role)
        ctx.cache["roles"] = roles
        places = list(Jurisdiction.objects.filter(is_active=True))
        ctx.cache["jur_by_code"] = {j.code: j for j in places}
        by_name: dict[str, list[Jurisdiction]] = {}
        for j in places:
            by_name.setdefault(j.name, []).append(j)
        ctx.cache["jur_by_name"] = by_name
        deps: dict[str, list[Department]] = {}
        for d in Department.objects.filter(is_active=True).select_related("jurisdiction"):
            for key in {d.name, d.short_name, f"{d.jurisdiction.code}/{d.name}", f"{d.jurisdiction.name}/{d.name}"}:
                if key:
                    deps.setdefault(key, []).append(d)
        ctx.cache["departments"] = deps
        ctx.cache["refused"] = []

    # --- per row ----------------------------------------------------------------------------

    def _scope(self, text: str, ctx: Context) -> dict[str, Any]:
        """The unit a grant is bound to: a 行政区划/网格 code or name, a department (its name, or
        ``辖区/部门``), or an enterprise's credit code."""
        column = LABEL["scope"]
        key = re.sub(r"\s*[/／·]\s*", "/", text)
        if USCC.match(key.upper()):
            ent = _enterprise_model().objects.filter(credit_code=key.upper()).select_related("jurisdiction").first()
            if ent is None:
                raise RowError(column, f"没有统一社会信用代码为 {key.upper()} 的企业",
                               f"no enterprise has the credit code {key.upper()}", text)
            return {"enterprise": ent}
        if key in ctx.cache["jur_by_code"]:
            return {"jurisdiction": ctx.cache["jur_by_code"][key]}
        places = ctx.cache["jur_by_name"].get(key, [])
        if len(places) == 1:
            return {"jurisdiction": places[0]}
        deps = ctx.cache["departments"].get(key, [])
        if len(deps) == 1:
            return {"department": deps[0]}
        if len(places) > 1 or len(deps) > 1:
            raise RowError(column, f"「{text}」对应多个单位，请填写行政区划代码，或写作“辖区/部门名称”",
                           f"{text!r} names several units: give the division code, or 'jurisdiction/department'", text)
        raise RowError(column, f"找不到单位「{text}」（应为辖区的行政区划代码或名称、部门名称或企业统一社会信用代码）",
                       f"no unit {text!r} (give a division code or name, a department name or a credit code)", text)

    def validate_row(self, row_no: int, raw: dict[str, Any], ctx: Context) -> dict[str, Any]:
        name = read_text(raw, "name", LABEL["name"], limit=50)
        if not name:
            raise RowError(LABEL["name"], "姓名不能为空", "the name is required", raw.get("name"))
        mobile = re.sub(r"[\s-]", "", read_text(raw, "mobile", LABEL["mobile"], limit=20))
        if mobile.startswith("+86"):
            mobile = mobile[3:]
        if mobile and not MOBILE.match(mobile):
            raise RowError(LABEL["mobile"], "手机号码应为11位数字（以1开头）", "a mobile number has 11 digits starting with 1",
                           raw.get("mobile"))
        username = read_text(raw, "username", LABEL["username"], limit=150) or mobile
        if not username:
            raise RowError(LABEL["username"], "请填写用户名或手机号码（未填用户名时以手机号码为用户名）",
                           "give a username or a mobile number (the mobile number is the username when none is given)", None)
        if not USERNAME.match(username):
            raise RowError(LABEL["username"], "用户名只能包含字母、数字和 @ . + - _", "a username may hold letters, digits and @ . + - _",
                           username)
        role_text = read_text(raw, "role", LABEL["role"], limit=80)
        role = ctx.cache["roles"].get(role_text.lower()) if role_text else None
        if role is None:
            raise RowError(LABEL["role"], f"未知的角色「{role_text}」", f"unknown role {role_text!r}", raw.get("role"))
        scope_text = read_text(raw, "scope", LABEL["scope"], limit=200)
        if role.code in INTAKE_ROLES:
            if scope_text:
                raise RowError(LABEL["scope"], "热线坐席只能查看本人录入的记录，授权范围应留空",
                               "a hotline operator's grant binds no unit: leave the scope empty", scope_text)
            scope: dict[str, Any] = {}
        elif not scope_text:
            raise RowError(LABEL["scope"], "请填写授权范围（辖区、部门或企业）", "give the grant's scope (a jurisdiction, department or enterprise)", None)
        else:
            scope = self._scope(scope_text, ctx)
        valid_from: dt.date | None = read_cell(raw, "valid_from", LABEL["valid_from"], parse_date)
        valid_until: dt.date | None = read_cell(raw, "valid_until", LABEL["valid_until"], parse_date)
        if valid_from and valid_until and valid_from > valid_until:
            raise RowError(LABEL["valid_until"], "截止日期早于生效日期", "the end date is before the start date", raw.get("valid_until"))
        actor = ctx.actor
        if actor is not None:
            path = delegation.scope_path(**scope)
            if not delegation.reaches(actor, path):
                ctx.cache["refused"].append(row_no)
                raise RowError(LABEL["scope"], "授权范围超出您的管理辖区", "the grant's scope is outside the territory you manage",
                               scope_text)
            missing = delegation.missing_actions(actor, role, path)
            if missing:
                ctx.cache["refused"].append(row_no)
                raise RowError(LABEL["role"], f"您本人不具备角色「{role.name}」的以下权限，不能授予：{'、'.join(missing)}",
                               f"you do not hold these actions of role {role.name!r} yourself: {', '.join(missing)}", role_text)
        return {"username": username, "name": name, "mobile": mobile,
                "unit": read_text(raw, "unit", LABEL["unit"], limit=200), "role": role, "scope": scope,
                "valid_from": valid_from, "valid_until": valid_until}

    def check_all(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> list[RowProblem]:
        problems: list[RowProblem] = []
        refused = ctx.cache.get("refused") or []
        if refused and ctx.actor is not None:
            shown = "、".join(str(n) for n in refused[:20]) + ("…" if len(refused) > 20 else "")
            record_event(ctx.actor, "escalation_refused", actor=ctx.actor,
                         summary=Msg(gettext_noop("越权操作被拒绝：{reason}"),
                                     reason=Both(f"用户导入第 {shown} 行的授权超出管理范围",
                                                 f"user import rows {shown} grant beyond the administrator's reach")),
                         data={"reason": "user import beyond reach", "rows": refused[:200]})
        first: dict[str, tuple[int, str]] = {}
        grants: dict[tuple[Any, ...], int] = {}
        for row_no, data in rows:
            username = data["username"]
            if username in first and first[username][1] != data["name"]:
                problems.append(RowProblem(row_no, LABEL["name"], data["name"],
                                           f"与第 {first[username][0]} 行用户名相同但姓名不同",
                                           f"same username as row {first[username][0]} but another name"))
                continue
            first.setdefault(username, (row_no, data["name"]))
            key = (username, data["role"].pk, *sorted((k, v.pk) for k, v in data["scope"].items()))
            if key in grants:
                problems.append(RowProblem(row_no, LABEL["role"], data["role"].name,
                                           f"与第 {grants[key]} 行的授权重复", f"the same grant as row {grants[key]}"))
            else:
                grants[key] = row_no
        names = list(first)
        for start in range(0, len(names), 500):
            chunk = names[start : start + 500]
            for existing in User.objects.filter(Q(username__in=chunk)).values_list("username", flat=True):
                problems.append(RowProblem(first[existing][0], LABEL["username"], existing, "该用户名已存在",
                                           "this username is taken"))
        return problems

    def group_of(self, data: dict[str, Any]) -> str:
        return str(data["username"])  # the grant rows of one person: stored in one chunk

    def commit(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context, progress: Progress) -> dict[str, Any]:
        base = ctx.cache.get("progress_base", 0)
        users: dict[str, tuple[User, str]] = {}
        grants = 0
        ids: list[int] = []
        for n, (_row_no, data) in enumerate(rows, start=1):
            username = data["username"]
            if username not in users:
                password = initial_password()
                user = user_create(actor=ctx.actor, username=username, password=password, display_name=data["name"],
                                   phone=data["mobile"], unit_name=data["unit"], must_change_password=True)
                users[username] = (user, password)
            membership_grant(actor=ctx.actor, user=users[username][0], role=data["role"], **data["scope"],
                             valid_from=data["valid_from"], valid_until=data["valid_until"])
            grants += 1
            ids.append(users[username][0].pk)
            progress.advance(base + n, f"已导入 {n} 行 / {n} rows imported")
        ctx.cache.setdefault("passwords", []).extend(users.values())
        return {"created": len(users), "grants": grants, "ids": ids}

    def finish(self, ctx: Context, progress: Progress) -> None:
        """The initial passwords of every chunk, once, as the job's result workbook."""
        job = getattr(progress, "job", None)  # the pages' job; the command has none (no workbook then)
        if ctx.cache.get("passwords") and job is not None:
            _save_passwords(job, ctx.cache["passwords"])

    # --- undo (documents.imports): stored in chunks, undone while the people are untouched ------
    # No update by key: a row is a grant, and which grant of a stored person a row would replace
    # is not written in a ledger; an existing username stays an error ("该用户名已存在").

    def stamps(self, ids: list[str]) -> dict[str, str]:
        return user_stamps([int(i) for i in ids])

    def undo(self, created: list[tuple[str, str]], updated: list[tuple[str, dict[str, Any], str]], ctx: Context) -> None:
        users_import_undo(actor=ctx.actor, created=created, note=f"导入文件 {ctx.params.get('filename', '')}")


def user_stamps(ids: list[int]) -> dict[str, str]:
    """A fingerprint of each imported person as the import left them: their account (password,
    last login, name, mobile, unit, active) and every grant they hold. Any later login, password
    change, edit or grant changes it, and the import is then not undone."""
    out: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        grants: dict[int, list[Any]] = {}
        for m in Membership.objects.filter(user_id__in=part).order_by("pk").values_list(
            "user_id", "pk", "role_id", "jurisdiction_id", "department_id", "enterprise_id", "valid_from", "valid_until",
            "is_active",
        ):
            grants.setdefault(m[0], []).append(m[1:])
        for u in User.objects.filter(pk__in=part).values_list(
            "pk", "password", "last_login", "display_name", "phone", "unit_name", "is_active"
        ):
            text = repr((u[1:], grants.get(u[0], [])))
            out[str(u[0])] = hashlib.sha256(text.encode()).hexdigest()[:40]
    return out


@transaction.atomic
def users_import_undo(*, actor: Any, created: list[tuple[str, str]], note: str = "") -> int:
    """Undo a user import: the people it created are deleted with their grants — only when none
    has logged in or been changed since (``user_stamps``) and the administrator still reaches
    every grant; otherwise nothing is undone. Audited on each person and on the administrator."""
    ids = [int(pk) for pk, _stamp in created]
    current = user_stamps(ids)
    objs = User.objects.select_for_update().in_bulk(ids)
    touched = [objs[int(pk)].username if int(pk) in objs else f"#{pk}" for pk, stamp in created
               if int(pk) not in objs or current.get(pk) != stamp or objs[int(pk)].last_login is not None]
    if touched:
        names = "、".join(touched[:5]) + ("等" if len(touched) > 5 else "")
        raise DomainError(f"{len(touched)} 个用户在导入后已登录或被修改（{names}），不能撤销",
                          f"{len(touched)} users logged in or changed after the import ({', '.join(touched[:5])}): "
                          "the import cannot be undone")
    if actor is not None:
        for m in Membership.objects.filter(user_id__in=ids).select_related("jurisdiction", "department", "enterprise"):
            path = delegation.scope_path(**{k: getattr(m, k) for k in ("jurisdiction", "department", "enterprise")
                                            if getattr(m, k) is not None})
            if not delegation.reaches(actor, path):
                raise NotAllowed("这些用户的授权超出您的管理范围，不能撤销",
                                 "These users hold grants beyond the territory you manage: cannot undo")
    for pk, _stamp in created:
        user = objs[int(pk)]
        record_event(user, "deleted", actor=actor, note=note,
                     summary=Msg(gettext_noop("撤销导入，删除用户：{name}"), name=user.username))
        user.delete()
    return len(created)


def _save_passwords(job: Job, created: list[tuple[User, str]]) -> None:
    """The initial passwords, once, as the job's result workbook (seen only by its creator)."""
    path = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False).name  # noqa: SIM115
    write_xlsx(created, [
        Column("用户名 Username", lambda r: r[0].username),
        Column("姓名 Name", lambda r: r[0].display_name),
        Column("手机 Mobile", lambda r: r[0].phone),
        Column("初始密码 Initial password", lambda r: r[1]),
    ], path, sheet="初始密码")
    with open(path, "rb") as fh:
        job.result_file.save(f"users-initial-passwords-{job.pk}.xlsx", File(fh), save=False)
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name)


def template_workbook() -> bytes:
    """The blank template: required headers marked ``*``, one example row, and a sheet of notes."""
    from openpyxl import Workbook  # heavy library, only for the template (reading is documents.tabular)
    from openpyxl.styles import Font, PatternFill  # heavy optional library, as above

    wb = Workbook()
    ws = wb.active
    ws.title = "用户"
    ws.append([LABEL[k] + ("*" if k in UserImport.required else "") for k in TEMPLATE_COLUMNS])
    ws.append(TEMPLATE_EXAMPLE)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7F0FF")
        ws.column_dimensions[cell.column_letter].width = 16
    notes = wb.create_sheet("填写说明")
    for line in [
        "一行一项授权；同一人有多项授权时写多行，用户名相同。",
        "用户名可空：留空时以手机号码为用户名。",
        "角色：填角色名称（如 区安委办、街道安办、网格员）或代码。",
        "授权范围：辖区的行政区划代码或名称（如 440304、福田区），部门名称（或“辖区/部门名称”），或企业统一社会信用代码；热线坐席留空。",
        "生效日期、截止日期可空，格式如 2026-01-01。",
        "整批校验：任何一行有错都不会导入。导入成功后请下载初始密码表交给本人，首次登录须修改密码。",
    ]:
        notes.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
