"""Writes for users, roles, memberships and API tokens; login throttling."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from anjian.accounts import delegation
from anjian.accounts.actions import ACTIONS, action_labels
from anjian.accounts.models import ApiToken, LoginCounter, Membership, PasswordLink, Role, User
from anjian.audit.display import Both
from anjian.audit.services import Msg, record_event
from anjian.core import authcache
from anjian.core.errors import DomainError, NotAllowed
from anjian.core.scoping import forget_grants, grants_of, has_action

log = logging.getLogger("anjian.security")

# --- system roles: the platform's personas -----------------------------------------------

SYSTEM_ROLES: list[dict[str, Any]] = [
    {"code": "city_admin", "name": "市安委办管理员", "name_en": "City administrator", "actions": ["*"]},
    {
        # Delegated administration of one district (or street): users, grants, departments and
        # boundaries inside it. It can grant only what its holder also holds there (delegation).
        "code": "district_admin", "name": "区系统管理员", "name_en": "District administrator",
        "actions": ["dashboard.view", "inbox.view", "jobs.view", "audit.view", "orgs.view", "orgs.change",
                    "accounts.view", "accounts.manage"],
    },
    {
        "code": "city_office", "name": "市安委办", "name_en": "City safety committee office",
        "actions": ["dashboard.view", "dashboard.cockpit", "inbox.view", "jobs.view", "audit.view", "orgs.view", "accounts.view",
                    "documents.*", "enterprises.*", "monitoring.*", "accidents.*",
                    "hazards.*", "public_reports.*", "grids.*", "checklists.*", "enforcement.*", "committee.*",
                    "responsibility.*", "emergency.*"],
    },
    {
        "code": "district_office", "name": "区安委办", "name_en": "District safety office",
        "actions": ["dashboard.view", "dashboard.cockpit", "inbox.view", "jobs.view", "orgs.view", "orgs.risk", "accounts.view", "documents.*",
                    "enterprises.*", "monitoring.*", "accidents.*",
                    "hazards.view", "hazards.report", "hazards.confirm", "hazards.verify", "hazards.reroute", "hazards.supervise", "hazards.penalty",
                    "public_reports.view", "public_reports.triage", "public_reports.handle", "public_reports.verify",
                    "public_reports.reward", "public_reports.identity", "grids.view", "grids.manage", "grids.plan",
                    "hazards.import", "checklists.view", "checklists.manage", "enforcement.view", "enforcement.plan",
                    "enforcement.approve", "enforcement.draw", "enforcement.inspect", "enforcement.handle",
                    "enforcement.decide", "enforcement.pay", "enforcement.standardize", "committee.*",
                    "responsibility.*", "emergency.*"],
    },
    {
        "code": "street_office", "name": "街道安办", "name_en": "Street safety office",
        "actions": ["dashboard.view", "dashboard.cockpit", "inbox.view", "jobs.view", "orgs.view", "enterprises.view",
                    "enterprises.add", "enterprises.change", "enterprises.export", "monitoring.view", "accidents.view", "accidents.report", "accidents.supplement",
                    "hazards.view", "hazards.report", "hazards.confirm", "hazards.verify", "hazards.rectify",
                    "public_reports.view", "public_reports.handle", "grids.view", "grids.manage", "grids.plan", "grids.patrol",
                    "hazards.import", "checklists.view", "enforcement.view", "committee.view", "committee.handle",
                    "responsibility.view", "responsibility.ack", "responsibility.manage", "responsibility.self",
                    "emergency.view", "emergency.plan", "emergency.drill", "emergency.resource", "emergency.command"],
    },
    {
        "code": "regulator", "name": "行业监管部门", "name_en": "Sector regulator",
        "actions": ["dashboard.view", "dashboard.cockpit", "inbox.view", "jobs.view", "orgs.view", "documents.*", "enterprises.*",
                    "monitoring.*", "accidents.view", "accidents.report", "accidents.supplement", "accidents.investigate",
                    "hazards.view", "hazards.report", "hazards.confirm", "hazards.verify", "hazards.reroute", "hazards.supervise", "hazards.penalty",
                    "public_reports.view", "public_reports.triage", "public_reports.handle", "public_reports.verify",
                    "hazards.import", "checklists.view", "checklists.manage", "enforcement.*", "committee.view",
                    "committee.handle", "responsibility.view", "responsibility.ack", "responsibility.self",
                    "emergency.view", "emergency.plan", "emergency.file", "emergency.resource", "emergency.drill",
                    "emergency.command", "emergency.alert"],
    },
    {
        "code": "grid_inspector", "name": "网格员", "name_en": "Grid inspector",
        "actions": ["dashboard.view", "inbox.view", "jobs.view", "enterprises.view", "monitoring.view", "accidents.view", "accidents.report",
                    "hazards.view", "hazards.report", "grids.view", "grids.patrol", "checklists.view", "emergency.view"],
    },
    {
        "code": "enterprise", "name": "企业用户", "name_en": "Enterprise user",
        "actions": ["dashboard.view", "inbox.view", "jobs.view", "enterprises.view", "enterprises.change",
                    "monitoring.view", "monitoring.change", "monitoring.ack", "accidents.view", "accidents.report", "accidents.supplement",
                    "hazards.view", "hazards.report", "hazards.rectify", "hazards.import", "checklists.view",
                    "enforcement.view", "enforcement.respond", "enforcement.pay", "enforcement.standardize",
                    "responsibility.view", "responsibility.ack", "emergency.view", "emergency.plan",
                    "emergency.drill", "emergency.resource"],
    },
    {
        "code": "custody", "name": "托管服务机构", "name_en": "Custody provider",
        "actions": ["dashboard.view", "inbox.view", "jobs.view", "enterprises.view", "enterprises.change",
                    "monitoring.view", "monitoring.change", "monitoring.ack",
                    "hazards.view", "hazards.report", "hazards.rectify", "checklists.view", "emergency.view"],
    },
    {
        "code": "hotline", "name": "热线坐席", "name_en": "Hotline operator",
        "actions": ["dashboard.view", "inbox.view", "jobs.view", "accidents.view", "accidents.report",
                    "public_reports.view", "public_reports.hotline"],
    },
    {
        "code": "hotline_supervisor", "name": "热线班长", "name_en": "Hotline supervisor",
        "actions": ["dashboard.view", "public_reports.lookup"],
    },
    {
        "code": "leader", "name": "领导", "name_en": "Leader (read-only)",
        "actions": ["dashboard.view", "dashboard.cockpit", "inbox.view", "orgs.view", "enterprises.view", "enterprises.export",
                    "monitoring.view", "accidents.view",
                    "hazards.view", "public_reports.view", "grids.view", "checklists.view", "enforcement.view",
                    "committee.view", "responsibility.view", "emergency.view"],
    },
]


# Safety investment, custody, technology (funds) and training/publicity (training).
_FUNDS_TRAINING_ACTIONS: dict[str, list[str]] = {
    "city_office": ["funds.*", "training.*"],
    "district_office": ["funds.view", "funds.manage", "funds.custody", "funds.campaign", "training.view",
                        "training.manage", "training.certify", "training.plan", "training.publicity"],
    "street_office": ["funds.view", "training.view", "training.manage", "training.publicity"],
    "regulator": ["funds.view", "funds.custody", "funds.campaign", "training.view", "training.manage",
                  "training.certify", "training.publicity"],
    "enterprise": ["funds.view", "funds.cost", "funds.tech", "training.view", "training.manage", "training.certify"],
    "custody": ["funds.view", "funds.visit", "funds.cost", "funds.tech", "training.view", "training.manage"],
    "leader": ["funds.view", "training.view"],
}
# 两客一危 vehicles (vehicles app): registering vehicles is the carrier's, geofences the government's.
_VEHICLE_ACTIONS: dict[str, list[str]] = {
    "city_office": ["vehicles.*"],
    "district_office": ["vehicles.*"],
    "regulator": ["vehicles.*"],
    "street_office": ["vehicles.view"],
    "grid_inspector": ["vehicles.view"],
    "enterprise": ["vehicles.view", "vehicles.change"],
    "leader": ["vehicles.view"],
}
for _spec in SYSTEM_ROLES:
    _spec["actions"] = _spec["actions"] + [a for a in _FUNDS_TRAINING_ACTIONS.get(_spec["code"], [])
                                           if a not in _spec["actions"]]
    _spec["actions"] = _spec["actions"] + [a for a in _VEHICLE_ACTIONS.get(_spec["code"], [])
                                           if a not in _spec["actions"]]


# Roles whose memberships are bound to no unit: their holders reach only the rows they entered
# (core.scoping: a grant without a unit reaches its own rows and files intake rows anywhere).
INTAKE_ROLES = frozenset({"hotline"})


@transaction.atomic
def roles_ensure_system() -> int:
    """Create the missing system roles and give existing ones the default actions added in a
    newer release. An action an administrator removed stays removed: only defaults never offered
    before (``offered_actions``) are added. Returns the number of roles created or changed."""
    changed = 0
    for spec in SYSTEM_ROLES:
        role, created = Role.objects.select_for_update().get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"], "name_en": spec["name_en"], "actions": spec["actions"],
                "offered_actions": spec["actions"], "is_system": True,
            },
        )
        if created:
            changed += 1
            continue
        new = [a for a in spec["actions"] if a not in role.offered_actions]
        if not new:
            continue
        role.actions = sorted(set(role.actions) | set(new))
        role.offered_actions = sorted(set(role.offered_actions) | set(spec["actions"]))
        role._change_reason = gettext_noop("升级补充新增的默认操作")  # type: ignore[attr-defined]
        role.save(update_fields=["actions", "offered_actions"])
        record_event(role, "defaults_added", actor=None, summary=Msg(gettext_noop("升级补充默认操作：{actions}"),
                                                                                       actions=action_labels(new)), data={"added": new})
        changed += 1
    return changed


def _require_manage(actor: Any) -> None:
    if actor is not None and not has_action(actor, "accounts.manage"):
        raise NotAllowed("您无权管理用户与角色", "You may not manage users and roles")


@transaction.atomic
def role_update(*, actor: Any, role: Role, actions: Iterable[str], name: str | None = None) -> Role:
    _require_manage(actor)
    wanted = sorted(set(actions))
    unknown = [a for a in wanted if a != "*" and not a.endswith(".*") and a not in ACTIONS]
    if unknown:
        raise DomainError(f"未知操作：{unknown}", f"Unknown actions: {unknown}", field="actions")
    role = Role.objects.select_for_update().get(pk=role.pk)
    before = sorted(role.actions)
    role.actions = wanted
    if name:
        role.name = name
    role._change_reason = "修改角色权限"  # type: ignore[attr-defined]
    role.save()
    record_event(
        role, "actions_changed", actor=actor, summary=Msg(gettext_noop("修改角色「{role}」的权限"), role=role.name),
        data={"added": sorted(set(wanted) - set(before)), "removed": sorted(set(before) - set(wanted))},
    )
    return role


@transaction.atomic
def user_create(
    *, actor: Any, username: str, password: str | None, display_name: str = "", phone: str = "",
    email: str = "", must_change_password: bool = True, unit_name: str = "",
) -> User:
    _require_manage(actor)
    username = username.strip()
    if not username:
        raise DomainError("用户名不能为空", "The username is required", field="username")
    if User.objects.filter(username=username).exists():
        raise DomainError("用户名已存在", "The username is taken", field="username")
    user = User(username=username, display_name=display_name, phone=phone, email=email,
                must_change_password=must_change_password, unit_name=unit_name.strip())
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError("；".join(exc.messages), "; ".join(exc.messages), field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    record_event(user, "created", actor=actor, summary=Msg(gettext_noop("新建用户 {name}"), name=username))
    return user


def _refuse(actor: Any, target: User | None, zh: str, en: str) -> NotAllowed:
    """An attempt beyond the actor's reach: audited (in its own transaction, so that it stays
    recorded whatever the caller does next) and refused."""
    log.warning("privilege escalation refused: %s → %s: %s", getattr(actor, "username", actor), target, en)
    with transaction.atomic():
        record_event(target if target is not None else actor, "escalation_refused", actor=actor,
                     summary=Msg(gettext_noop("越权操作被拒绝：{reason}"), reason=Both(zh, en)),
                     data={"reason": en})
    return NotAllowed(zh, en)


def _require_user_managed(actor: Any, user: User) -> None:
    _require_manage(actor)
    if actor is not None and not delegation.can_manage_user(actor, user):
        raise _refuse(actor, user, f"用户 {user.username} 的授权超出您的管理范围",
                      f"user {user.username} holds grants outside your administration")


def membership_grant(
    *, actor: Any, user: User, role: Role, jurisdiction: Any = None, department: Any = None, enterprise: Any = None,
    valid_from: dt.date | None = None, valid_until: dt.date | None = None,
    starts_at: dt.datetime | None = None, ends_at: dt.datetime | None = None,
) -> Membership:
    """Grant ``role`` to ``user`` in a scope. A delegated administrator may grant only inside the
    territory they manage and only roles made of actions they hold there (``delegation``)."""
    _require_manage(actor)
    if enterprise is not None and (jurisdiction is not None or department is not None):
        raise DomainError("企业授权不能同时绑定辖区或部门", "An enterprise grant cannot also bind a jurisdiction or department")
    if valid_from and valid_until and valid_from > valid_until:
        raise DomainError("生效日期不能晚于截止日期", "Start date after end date", field="valid_until")
    if role.code in INTAKE_ROLES and (jurisdiction is not None or department is not None or enterprise is not None):
        raise DomainError("热线坐席只能查看本人录入的记录，授权不绑定辖区、部门或企业",
                          "A hotline operator sees only what they entered: the grant binds no jurisdiction, "
                          "department or enterprise", field="jurisdiction")
    if actor is not None:
        _require_user_managed(actor, user)
        path = delegation.scope_path(jurisdiction=jurisdiction, department=department, enterprise=enterprise)
        if not delegation.reaches(actor, path):
            raise _refuse(actor, user, "授权范围超出您的管理辖区", "the grant's scope is outside the territory you manage")
        missing = delegation.missing_actions(actor, role, path)
        if missing:
            raise _refuse(actor, user, f"您本人不具备角色「{role.name}」的以下权限，不能授予：{'、'.join(missing)}",
                          f"you do not hold these actions of role {role.name!r} yourself: {', '.join(missing)}")
    return _membership_create(actor=actor, user=user, role=role, jurisdiction=jurisdiction, department=department,
                              enterprise=enterprise, valid_from=valid_from, valid_until=valid_until,
                              starts_at=starts_at, ends_at=ends_at)


@transaction.atomic
def _membership_create(*, actor: Any, user: User, role: Role, **scope: Any) -> Membership:
    m = Membership.objects.create(user=user, role=role, **scope)
    forget_grants(user)
    record_event(user, "membership_granted", actor=actor, summary=Msg(gettext_noop("授权：{m}"), m=str(m)))
    return m


def membership_revoke(*, actor: Any, membership: Membership) -> None:
    _require_manage(actor)
    if actor is not None:
        path = delegation.scope_path(jurisdiction=membership.jurisdiction, department=membership.department,
                                     enterprise=membership.enterprise)
        if not delegation.reaches(actor, path):
            raise _refuse(actor, membership.user, "该授权超出您的管理辖区", "the grant is outside the territory you manage")
    with transaction.atomic():
        m = Membership.objects.select_for_update().get(pk=membership.pk)
        m.is_active = False
        m.save(update_fields=["is_active"])
        forget_grants(m.user)
        record_event(m.user, "membership_revoked", actor=actor, summary=Msg(gettext_noop("撤销授权：{m}"), m=str(m)))


@transaction.atomic
def memberships_follow_unit(*, actor: Any, old: Any, new: Any, reason: str) -> list[Membership]:
    """A merger retired ``old`` and ``new`` absorbed it: the active grants scoped to ``old`` move
    to ``new``, its successor — same user, role and dates. The people who served the retired
    street serve the merged one (its territory now includes theirs); a grant left on a retired
    unit would see nothing, and ending it would lock them out on the day of the merger. Each move
    is a history row (with the reason) and an event on the user's timeline; revoked grants stay
    where they were (history). Called by ``grids.adjustments.merge_commit``, whose actor may
    change both units (``orgs.change``): the grant is not new, so the delegation checks of
    ``membership_grant`` do not apply."""
    moved = []
    for m in (Membership.objects.select_for_update().filter(jurisdiction=old, is_active=True)
              .select_related("user", "role").order_by("pk")):
        m.jurisdiction = new
        m._change_reason = f"合并：{reason}"[:100]  # type: ignore[attr-defined]
        m.save(update_fields=["jurisdiction"])
        forget_grants(m.user)
        record_event(m.user, "membership_moved", actor=actor, note=reason,
                     summary=Msg(gettext_noop("授权随区划合并转移：{role}，{old} → {new}"), role=m.role.name,
                                 old=old.name, new=new.name),
                     data={"membership": m.pk, "from": old.code, "to": new.code})
        moved.append(m)
    return moved


def user_update(*, actor: Any, user: User, display_name: str, phone: str, email: str = "") -> User:
    _require_user_managed(actor, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.display_name, user.phone, user.email = display_name.strip(), phone.strip(), email.strip()
        user._change_reason = gettext_noop("修改用户信息")  # type: ignore[attr-defined]
        user.save(update_fields=["display_name", "phone", "email"])
        record_event(user, "updated", actor=actor, summary=Msg(gettext_noop("修改用户 {user} 的信息"), user=user.username))
    return user


def user_set_active(*, actor: Any, user: User, active: bool, reason: str = "") -> User:
    """Deactivate (sessions end at their next request, API tokens are revoked at once) or reactivate."""
    _require_user_managed(actor, user)
    if actor is not None and user.pk == actor.pk and not active:
        raise DomainError("不能停用自己的账号", "You cannot deactivate your own account")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.is_active = active
        user._change_reason = reason or (gettext_noop("启用账号") if active else gettext_noop("停用账号"))  # type: ignore[attr-defined]
        user.save(update_fields=["is_active"])
        revoked = 0
        if not active:
            revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        record_event(user, "activated" if active else "deactivated", actor=actor, note=reason,
                     summary=(Msg(gettext_noop("启用用户 {user}"), user=user.username) if active
                              else Msg(gettext_noop("停用用户 {user}，吊销API令牌 {n} 个"), user=user.username, n=revoked)))
        forget_grants(user)
    return user


def initial_password() -> str:
    """A random initial password that passes the password rules (letters, a digit, a symbol)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    letters = [secrets.choice(alphabet[:24]), secrets.choice(alphabet[24:])]
    letters += [secrets.choice(alphabet + "23456789") for _ in range(10)]
    return "".join(letters) + secrets.choice("!@#%&*") + secrets.choice("23456789")


def user_reset_password(*, actor: Any, user: User) -> str:
    """A new initial password for the administrator to hand over (no e-mail server is assumed);
    the user must change it at the next login. Returned once, never stored in clear."""
    _require_user_managed(actor, user)
    raw = initial_password()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(raw)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        record_event(user, "password_reset", actor=actor, summary=Msg(gettext_noop("重置用户 {user} 的初始密码，吊销其API令牌"), user=user.username))
    return raw


def _link_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def password_link_create(*, actor: Any, user: User) -> str:
    """A one-time link key for ``user`` to set their own password, instead of an initial password
    the administrator reads out. The account's current password stops working at once (so that a
    password handed over earlier cannot be used alongside the link), earlier unused links are
    revoked, and API tokens are revoked as on a reset. Only the key's SHA-256 hash is stored; the
    key is returned once; the link works once and for ``PASSWORD_LINK_HOURS``."""
    _require_user_managed(actor, user)
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    hours = int(settings.PASSWORD_LINK_HOURS)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        PasswordLink.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
        PasswordLink.objects.create(user=user, key_hash=_link_hash(raw), created_at=now,
                                    expires_at=now + dt.timedelta(hours=hours),
                                    created_by=actor if getattr(actor, "pk", None) else None)
        user.set_unusable_password()
        user.must_change_password = True
        user._change_reason = gettext_noop("生成设置密码链接")  # type: ignore[attr-defined]
        user.save(update_fields=["password", "must_change_password"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        record_event(user, "password_link_created", actor=actor,
                     summary=Msg(gettext_noop("为用户 {user} 生成一次性设置密码链接（{hours} 小时内有效），原密码失效"),
                                 user=user.username, hours=hours))
    return raw


LINK_INVALID = ("链接无效、已使用或已过期，请联系管理员重新生成",
                "The link is invalid, already used or expired: ask your administrator for a new one")


def password_link_check(raw: str) -> PasswordLink:
    """The usable link of this key, or ``DomainError`` (one message for every reason, so that the
    page tells an outsider nothing)."""
    link = PasswordLink.objects.select_related("user").filter(key_hash=_link_hash(raw or "")).first()
    if (link is None or link.used_at or link.revoked_at or link.expires_at <= timezone.now()
            or not link.user.is_active):
        raise DomainError(*LINK_INVALID)
    return link


@transaction.atomic
def password_link_use(*, raw: str, new: str) -> User:
    """Set the password through a one-time link: checked, used up in the same transaction (a
    second use, even a concurrent one, is refused), audited as the user's own act."""
    link = password_link_check(raw)
    link = PasswordLink.objects.select_for_update().select_related("user").get(pk=link.pk)
    if link.used_at or link.revoked_at or link.expires_at <= timezone.now():
        raise DomainError(*LINK_INVALID)
    user = link.user
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), "; ".join(exc.messages), field="new_password") from exc
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    user.set_password(new)
    user.must_change_password = False
    user._change_reason = gettext_noop("通过一次性链接设置密码")  # type: ignore[attr-defined]
    user.save(update_fields=["password", "must_change_password"])
    record_event(user, "password_set_by_link", actor=user, summary=Msg(gettext_noop("通过一次性链接设置密码")),
                 data={"link": link.pk})
    return user


@transaction.atomic
def password_change(*, user: User, old: str, new: str) -> User:
    if not user.check_password(old):
        raise DomainError("原密码不正确", "The current password is wrong", field="old_password")
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), "; ".join(exc.messages), field="new_password") from exc
    user.set_password(new)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record_event(user, "password_changed", actor=user, summary=Msg(gettext_noop("修改密码")))
    tokens_revoke_all(user=user, actor=user, reason="修改密码")
    return user


def tokens_revoke_all(*, user: User, actor: Any, reason: str) -> int:
    """Revoke every usable API token of ``user`` (a password change ends them: a token made by
    someone who knew the old password must not outlive it). Returns how many were revoked."""
    now = timezone.now()
    tokens = list(ApiToken.objects.usable().select_for_update().filter(user=user))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
    if tokens:
        names = "、".join(f"「{t.name}」（{t.key_prefix}…）" for t in tokens)
        record_event(user, "tokens_revoked", actor=actor, summary=f"{reason}：吊销API令牌 {names}",
                     data={"count": len(tokens), "reason": reason})
    return len(tokens)


@transaction.atomic
def token_create(*, actor: User, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    """A new API token for ``actor``. The raw key is returned once and never stored."""
    if not name.strip():
        raise DomainError("请填写令牌用途", "Say what the token is for", field="name")
    raw, prefix, digest = ApiToken.new_key()
    expires = timezone.now() + dt.timedelta(days=days) if days else None
    token = ApiToken.objects.create(user=actor, name=name.strip()[:100], key_prefix=prefix, key_hash=digest,
                                    expires_at=expires)
    record_event(actor, "token_created", actor=actor, summary=Msg(gettext_noop("创建API令牌「{name}」（{prefix}…）"),
                                                                       name=token.name, prefix=prefix))
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk and not has_action(actor, "accounts.manage"):
        raise NotAllowed("无权吊销该令牌", "You may not revoke this token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(token.user, "token_revoked", actor=actor, summary=Msg(gettext_noop("吊销API令牌「{name}」（{prefix}…）"),
                                                                                  name=token.name, prefix=token.key_prefix))
    return token


def token_authenticate(raw: str) -> User | None:
    """The user behind a bearer token (with their grants), or None. Updates last use at most once a
    minute. The answer is cached for up to ``authcache.TTL_S`` seconds and outdated at once by any
    change of the token, the user, their grants or the roles (``anjian.core.authcache``)."""
    if not raw.startswith(ApiToken.PREFIX):
        return None
    key_hash = ApiToken.hash(raw)
    cached = authcache.get(key_hash)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    gens = authcache.generations(key_hash)  # before the rows the entry is built from
    token = ApiToken.objects.usable().select_related("user").filter(key_hash=key_hash).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    grants_of(user)  # cached on the user object, and with it
    authcache.put(key_hash, gens, user, _token_cache_horizon(token, now))
    return user


def _token_cache_horizon(token: ApiToken, now: dt.datetime) -> float:
    """Seconds the token's entry may live: until the token expires, a timed grant of its user starts
    or ends, or the day (dated grants) ends — at most ``authcache.TTL_S``."""
    soon = now + dt.timedelta(seconds=authcache.TTL_S)
    edges = [soon]
    if token.expires_at is not None:
        edges.append(token.expires_at)
    local = timezone.localtime(now)
    midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    edges.append(midnight)
    edges += [t for pair in Membership.objects.filter(user_id=token.user_id, is_active=True)
              .filter(Q(starts_at__gt=now, starts_at__lte=soon) | Q(ends_at__gt=now, ends_at__lte=soon))
              .values_list("starts_at", "ends_at") for t in pair if t is not None and t > now]
    return (min(edges) - now).total_seconds()


# --- login throttling --------------------------------------------------------------------
#
# A password is checked only after an attempt has been *reserved* on two counters — one for the
# account, one for the client address — each an atomic increment of a database row. So 40
# parallel wrong passwords make at most LOGIN_THROTTLE_ATTEMPTS password checks (the 6th request
# already sees 6 and is refused without checking), and one address trying many accounts is
# stopped at LOGIN_THROTTLE_IP_ATTEMPTS. A successful login clears the account's counter and
# gives the address its attempt back (an office behind one NAT address is not locked out by
# its own colleagues' logins).


def counter_key(kind: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"login:{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:64]}"


def counter_bump(key: str, window: int) -> int:
    """Add one to the counter ``key`` (a new window when absent or expired); the new count."""
    now = timezone.now()
    expires = now + dt.timedelta(seconds=window)
    with transaction.atomic():
        for _attempt in range(3):
            if LoginCounter.objects.filter(key=key, expires_at__gt=now).update(count=F("count") + 1):
                break
            if LoginCounter.objects.filter(key=key, expires_at__lte=now).update(count=1, expires_at=expires):
                break
            try:
                with transaction.atomic():
                    LoginCounter.objects.create(key=key, count=1, expires_at=expires)
                break
            except IntegrityError:  # another request created it first: count on that row
                continue
        # the row stays locked (PostgreSQL) or the database (SQLite) until this block ends
        return LoginCounter.objects.filter(key=key).values_list("count", flat=True).first() or 0


def login_attempt_begin(username: str, ip: str) -> bool:
    """Reserve one login attempt for this account and this address. False: too many, refuse
    without checking the password."""
    LoginCounter.objects.filter(expires_at__lte=timezone.now() - dt.timedelta(seconds=60)).delete()
    window = settings.LOGIN_THROTTLE_WINDOW
    account = counter_bump(counter_key("acct", username.strip().lower()), window)
    address = counter_bump(counter_key("ip", ip or "unknown"), window)
    return account <= settings.LOGIN_THROTTLE_ATTEMPTS and address <= settings.LOGIN_THROTTLE_IP_ATTEMPTS


def login_succeeded(username: str, ip: str) -> None:
    LoginCounter.objects.filter(key=counter_key("acct", username.strip().lower())).delete()
    LoginCounter.objects.filter(key=counter_key("ip", ip or "unknown"), count__gt=0).update(count=F("count") - 1)
