"""Risk configuration: sector inherent colours and per-hazard band policies (LEC / LS).

Both are **local configuration**, not national law: no national source fixes a sector's
inherent colour, and the LEC / LS colour thresholds vary between provinces and sectors
(``docs/rules/risk.md``). Writes go through the services below (audit event + row history).

Who may edit: the action ``orgs.risk``. Sector inherent colours and city-wide policies need a
city-wide grant (the city administrator); a district office edits the policies of its own
jurisdiction subtree. Outside the actor's scope a policy does not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy, gettext_noop

from anjian.audit.services import Both, Msg, record_event
from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.core.scoping import can, scope_allows
from anjian.orgs.models import INHERENT_RISK_CHOICES, Jurisdiction, RiskBandPolicy, RiskMethod, Sector
from anjian.rules import risk as rules

ACTION = "orgs.risk"

# The whole-city recompute of the enterprise risk colours: the enterprises app (above orgs) offers
# it here in EnterprisesConfig.ready; the risk settings page starts it through ``recompute_all_start``.
RECOMPUTE_ALL: list[Any] = []


def recompute_all_start(*, actor: Any) -> Any:
    """Start the whole-city recompute job (``enterprises.risk.recompute_all_start``)."""
    return RECOMPUTE_ALL[-1](actor=actor)

# Local defaults seeded into ``Sector.inherent_risk`` (data migration and ``sectors_load_gb4754``).
# The project's own table, not a national classification: sections set a floor for their
# divisions; a division overrides its section. Unlisted sectors inherit, finally blue.
DEFAULT_INHERENT_RISK: dict[str, str] = {
    "B": "orange",  # 采矿业
    "06": "red",  # 煤炭开采和洗选业
    "C": "yellow",  # 制造业
    "25": "orange",  # 石油、煤炭及其他燃料加工业 (危险化学品)
    "26": "orange",  # 化学原料和化学制品制造业 (危险化学品, 含烟花爆竹 2672)
    "31": "orange",  # 黑色金属冶炼和压延加工业
    "32": "orange",  # 有色金属冶炼和压延加工业
    "D": "yellow",  # 电力、热力、燃气及水生产和供应业
    "45": "orange",  # 燃气生产和供应业
    "E": "orange",  # 建筑业
    "G": "yellow",  # 交通运输、仓储和邮政业
}

_COLOURS = {c for c, _label in INHERENT_RISK_CHOICES}


# --- sector inherent colour -------------------------------------------------------------------


def sector_inherent(sector: Sector | None) -> tuple[rules.RiskColour, str]:
    """The sector's inherent colour and the sector code it comes from (``""``: the default)."""
    if sector is None:
        return rules.RiskColour.BLUE, ""
    colour, source = sector.resolved_inherent_risk()
    return rules.RiskColour(colour), source


def sector_inherent_map() -> dict[int, tuple[str, str]]:
    """``sector id → (colour, source code)`` for every sector (about two thousand rows; one query)."""
    rows = list(Sector.objects.values_list("id", "code", "parent_id", "inherent_risk"))
    by_id = {pk: (code, parent, colour) for pk, code, parent, colour in rows}
    out: dict[int, tuple[str, str]] = {}
    for pk in by_id:
        current: int | None = pk
        out[pk] = ("blue", "")
        while current is not None:  # up to the section: a class may inherit from its division or section
            code, parent, colour = by_id[current]
            if colour:
                out[pk] = (colour, code)
                break
            current = parent
    return out


def _colour_name(value: str) -> Any:
    """A stored colour as people read it, in both languages; "" → 沿用 (the sector's default)."""

    if not value:
        return gettext_lazy("沿用")
    colour = rules.RiskColour(value)
    return Both(f"{colour.colour_zh}（{colour.label}）", colour.label_en)


def _require_citywide(actor: Any) -> None:
    if actor is None:
        return
    root = Jurisdiction.objects.filter(parent__isnull=True).order_by("id").first()
    if root is None or not scope_allows(actor, ACTION, jurisdiction=root):
        raise NotAllowed("只有市级管理员可以修改全市风险设置", "Only the city administrator may change city-wide risk settings")


@transaction.atomic
def sector_set_inherent_risk(*, actor: Any, sector: Sector, colour: str, reason: str = "") -> Sector:
    """Set (or clear, with ``""``) a sector's inherent colour. City-wide setting: city admin only."""
    _require_citywide(actor)
    if colour not in _COLOURS and colour != "":
        raise DomainError(f"未知的风险颜色：{colour!r}", f"Unknown risk colour: {colour!r}", field="inherent_risk")
    s = Sector.objects.select_for_update().get(pk=sector.pk)
    if s.inherent_risk == colour:
        return s
    old = s.inherent_risk
    s.inherent_risk = colour
    s._change_reason = reason or gettext_noop("修改行业固有风险")  # type: ignore[attr-defined]
    s.save(update_fields=["inherent_risk"])
    record_event(
        s, "inherent_risk_set", actor=actor,
        summary=Msg(gettext_noop("行业固有风险 {code} {name}：{old} → {new}"), code=s.code, name=s.name,
                    old=_colour_name(old), new=_colour_name(colour)),
        note=reason, data={"from": old, "to": colour},
    )
    return s


# --- band policies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedBands:
    """The bands that apply to a hazard, and which policy chose them (``None``: national default)."""

    method: str
    bands: rules.LecBands | rules.LsBands
    policy: RiskBandPolicy | None

    @property
    def label(self) -> str:
        if self.policy is None:
            return "国家默认阈值" if self.method == RiskMethod.LEC else "项目默认阈值（变体B）"
        return f"{self.policy.scope_label()}（#{self.policy.pk}）"

    @property
    def label_en(self) -> str:
        if self.policy is None:
            return "national default bands" if self.method == RiskMethod.LEC else "project default bands (variant B)"
        where = self.policy.jurisdiction.name_en or self.policy.jurisdiction.name if self.policy.jurisdiction_id else "city-wide"
        what = (self.policy.sector.name_en or self.policy.sector.name) if self.policy.sector_id else "all sectors"
        return f"{where} · {what} (#{self.policy.pk})"

    @property
    def thresholds(self) -> str:
        b = self.bands
        if isinstance(b, rules.LecBands):
            r, o, y = (format(v.normalize(), "f") for v in (b.red_above, b.orange_above, b.yellow_above))
            return f"D > {r} / > {o} / > {y}"
        return f"R ≥ {b.red_min} / ≥ {b.orange_min} / ≥ {b.yellow_min}"

    def as_record(self) -> dict[str, Any]:
        """What a hazard stores in ``risk_factors['policy']``."""
        return {
            "id": self.policy.pk if self.policy else None,
            "zh": self.label,
            "en": self.label_en,
            "thresholds": self.thresholds,
        }


def bands_of(method: str, red: Any, orange: Any, yellow: Any) -> rules.LecBands | rules.LsBands:
    """Build validated bands; raises ``DomainError`` with the rule's zh/en text."""
    try:
        r, o, y = (Decimal(str(v)) for v in (red, orange, yellow))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError("阈值必须是数字", "Thresholds must be numbers", field="red") from None
    if not all(v.is_finite() for v in (r, o, y)):
        raise DomainError("阈值必须是数字", "Thresholds must be numbers", field="red")
    try:
        if method == RiskMethod.LEC:
            return rules.LecBands(red_above=r, orange_above=o, yellow_above=y)
        if method == RiskMethod.LS:
            if any(v != v.to_integral_value() for v in (r, o, y)):
                raise DomainError("LS 阈值必须是整数", "LS thresholds must be integers", field="red")
            return rules.LsBands(red_min=int(r), orange_min=int(o), yellow_min=int(y))
    except rules.RiskRuleError as exc:
        raise DomainError(exc.zh, exc.en, field="red") from exc
    raise DomainError("评价方法须为 LEC 或 LS", "The method must be LEC or LS", field="method")


def policy_bands(policy: RiskBandPolicy) -> rules.LecBands | rules.LsBands:
    return bands_of(policy.method, policy.red, policy.orange, policy.yellow)


def resolve_bands(method: str, *, jurisdiction: Jurisdiction | None, sector: Sector | None) -> ResolvedBands:
    """The most specific policy: nearer jurisdiction first (a city-wide policy last), then the
    division before its section before no sector; none → the national defaults of ``rules.risk``."""
    if method not in RiskMethod.values:
        raise DomainError("评价方法须为 LEC 或 LS", "The method must be LEC or LS", field="method")
    codes = [c for c in (jurisdiction.path.strip("/").split("/") if jurisdiction else []) if c]
    chain = sector.chain() if sector is not None else []
    sector_ids = [s.pk for s in chain]
    candidates = list(
        RiskBandPolicy.objects.filter(method=method)
        .filter(Q(jurisdiction__isnull=True) | Q(jurisdiction__code__in=codes))
        .filter(Q(sector__isnull=True) | Q(sector_id__in=sector_ids))
        .select_related("jurisdiction", "sector")
    )
    default = rules.NATIONAL_LEC_BANDS if method == RiskMethod.LEC else rules.DEFAULT_LS_BANDS
    if not candidates:
        return ResolvedBands(method, default, None)

    def rank(p: RiskBandPolicy) -> tuple[int, int]:
        depth = codes.index(p.jurisdiction.code) if p.jurisdiction_id else -1
        sector_rank = sector_ids.index(p.sector_id) if p.sector_id in sector_ids else len(sector_ids)
        return (-depth, sector_rank)

    best = min(candidates, key=rank)
    return ResolvedBands(method, policy_bands(best), best)


def _check_policy_scope(actor: Any, jurisdiction: Jurisdiction | None) -> None:
    if actor is None:
        return
    if jurisdiction is None:
        _require_citywide(actor)
    elif not scope_allows(actor, ACTION, jurisdiction=jurisdiction):
        raise NotAllowed("您无权为该辖区设置风险分级阈值", "You may not set risk bands for that jurisdiction")


@transaction.atomic
def risk_policy_save(
    *,
    actor: Any,
    method: str,
    red: Any,
    orange: Any,
    yellow: Any,
    jurisdiction: Jurisdiction | None = None,
    sector: Sector | None = None,
    note: str = "",
    policy: RiskBandPolicy | None = None,
) -> RiskBandPolicy:
    """Create a policy, or change ``policy``'s thresholds and note (its place is fixed)."""
    if policy is not None:
        if actor is not None and not can(actor, ACTION, policy):
            raise NotFoundInScope()
        p = RiskBandPolicy.objects.select_for_update(of=("self",)).select_related("jurisdiction", "sector").get(pk=policy.pk)
        _check_policy_scope(actor, p.jurisdiction)
        method = p.method
    else:
        _check_policy_scope(actor, jurisdiction)
        if method not in RiskMethod.values:
            raise DomainError("评价方法须为 LEC 或 LS", "The method must be LEC or LS", field="method")
        p = RiskBandPolicy(jurisdiction=jurisdiction, sector=sector, method=method)
    bands = bands_of(method, red, orange, yellow)
    if isinstance(bands, rules.LecBands):
        values = (bands.red_above, bands.orange_above, bands.yellow_above)
    else:
        values = (Decimal(bands.red_min), Decimal(bands.orange_min), Decimal(bands.yellow_min))
    if any(v >= Decimal("1000000") for v in values):
        raise DomainError("阈值过大", "Threshold too large", field="red")
    before = None if p.pk is None else p.thresholds_label()
    p.red, p.orange, p.yellow = values
    p.note = (note or "").strip()[:200]
    p._change_reason = gettext_noop("新建风险分级阈值") if p.pk is None else gettext_noop("修改风险分级阈值")  # type: ignore[attr-defined]
    created = p.pk is None
    try:
        with transaction.atomic():
            p.save()
    except IntegrityError:
        raise DomainError(
            "该辖区、行业和方法已有分级阈值，请修改原有设置",
            "A policy for this jurisdiction, sector and method exists: edit it instead",
            field="sector",
        ) from None
    record_event(
        p, "created" if created else "updated", actor=actor,
        summary=f"风险分级阈值 {p}：{before + ' → ' if before else ''}{p.thresholds_label()}",
        note=p.note,
    )
    return p


@transaction.atomic
def risk_policy_delete(*, actor: Any, policy: RiskBandPolicy, reason: str = "") -> None:
    if actor is not None and not can(actor, ACTION, policy):
        raise NotFoundInScope()
    p = RiskBandPolicy.objects.select_for_update(of=("self",)).select_related("jurisdiction", "sector").get(pk=policy.pk)
    _check_policy_scope(actor, p.jurisdiction)
    record_event(p, "deleted", actor=actor, summary=f"删除风险分级阈值 {p}（{p.thresholds_label()}）", note=reason)
    p._change_reason = reason or gettext_noop("删除风险分级阈值")  # type: ignore[attr-defined]
    p.delete()
