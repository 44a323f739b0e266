"""Rewards for reports (举报奖励) under the 安全生产领域举报奖励办法 (2018).

Sources (see ``docs/rules/rewards.md`` and ``/work/shared/docs/regulations.md`` §5):

* 《安全生产领域举报奖励办法》(国家安监总局、财政部, 2018; document number ⚠️) — amounts ☑️
  (news about the 2018 revision and provinces that adopted the national figures):
  reports of a 重大事故隐患 or 违法生产经营建设: 15 % of the administrative fine, at least
  3,000元, at most 300,000元; reports of a concealed or falsely reported accident (瞒报/谎报):
  per confirmed death at the finally confirmed grade, 3万/4万/5万/6万元 for 一般/较大/重大/
  特别重大, at most 30万元.
* 安全生产法 (2021) Art. 73, 74, 76 (✅): reporting channels, the right to report, rewards.
* Only the first valid reporter of the same matter is rewarded (2012 text and local rules, ☑️).
* Claim period 60 days after notice (⚠️), handling 60 + 30 days and feedback 10 days
  (2012 version ☑️): configurable.

Pure Python: no Django import. Amounts are ``Decimal`` yuan, rounded to whole yuan
half-up (四舍五入).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final, TypeVar

__all__ = [
    "ACCIDENT_GRADES",
    "KIND_CONCEALED_ACCIDENT",
    "KIND_VIOLATION",
    "NATIONAL",
    "InvalidRewardInputError",
    "RewardPolicy",
    "RewardRuleError",
    "UnknownAccidentGradeError",
    "UnknownRewardKindError",
    "claim_deadline",
    "feedback_due",
    "first_valid_reporter",
    "handling_due",
    "report_reward",
]

KIND_VIOLATION: Final = "violation"
"""A report of a 重大事故隐患 or of 违法生产经营建设 (illegal production, operation, construction)."""

KIND_CONCEALED_ACCIDENT: Final = "concealed_accident"
"""A report of an accident that was concealed (瞒报) or falsely reported (谎报)."""

ACCIDENT_GRADES: Final[tuple[str, ...]] = ("一般", "较大", "重大", "特别重大")
"""Accident grades of 条例493 Art. 3, by their Chinese names, lowest first."""


# --------------------------------------------------------------------------- errors


class RewardRuleError(ValueError):
    """Base class for invalid input to the reward rules; carries a Chinese and an English text."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class UnknownRewardKindError(RewardRuleError):
    """``kind`` is neither ``"violation"`` nor ``"concealed_accident"``."""

    def __init__(self, kind: object) -> None:
        super().__init__(
            f"未知的举报奖励类别：{kind!r}（应为 violation 或 concealed_accident）",
            f"unknown reward kind: {kind!r} (expected 'violation' or 'concealed_accident')",
        )


class UnknownAccidentGradeError(RewardRuleError):
    """``grade`` is not one of 一般 / 较大 / 重大 / 特别重大 (optionally followed by 事故)."""

    def __init__(self, grade: object) -> None:
        super().__init__(
            f"未知的事故等级：{grade!r}（应为 一般、较大、重大 或 特别重大）",
            f"unknown accident grade: {grade!r} (expected 一般, 较大, 重大 or 特别重大)",
        )


class InvalidRewardInputError(RewardRuleError):
    """A missing, negative, or inapplicable argument."""


# --------------------------------------------------------------------------- policy


def _national_per_death() -> Mapping[str, Decimal]:
    return MappingProxyType(
        {
            "一般": Decimal(30_000),
            "较大": Decimal(40_000),
            "重大": Decimal(50_000),
            "特别重大": Decimal(60_000),
        }
    )


@dataclass(frozen=True, slots=True)
class RewardPolicy:
    """Reward amounts and time limits; :data:`NATIONAL` holds the 2018 national figures.

    * ``violation_rate`` 0.15, ``violation_min`` 3,000元, ``violation_max`` 300,000元 —
      2018 办法 (☑️). Local example: Henan uses a 1,000元 minimum for some listed items.
    * ``minimum_without_fine`` — True: a confirmed report whose case ends without a fine still
      earns ``violation_min``. The sources state the minimum without condition and say
      nothing about the no-fine case; this reading is **ours** (⚠️). Set False where local
      rules pay only when a fine was imposed (then the reward without a fine is 0).
    * ``concealed_per_death`` 3万/4万/5万/6万元 and ``concealed_cap`` 30万元 — 2018 办法 (☑️).
      Local example: Hebei keeps the per-death figures as maxima with a 100万 cap.
    * ``claim_period_days`` 60 — the reporter claims within 60 days of notice (⚠️, likely
      2018 text; treat as local default).
    * ``handling_days`` 60, ``handling_extension_days`` 30, ``feedback_days`` 10 — 2012
      version (☑️), probably kept in 2018 (⚠️).
    """

    violation_rate: Decimal = Decimal("0.15")
    violation_min: Decimal = Decimal(3_000)
    violation_max: Decimal = Decimal(300_000)
    minimum_without_fine: bool = True
    concealed_per_death: Mapping[str, Decimal] = field(default_factory=_national_per_death)
    concealed_cap: Decimal = Decimal(300_000)
    claim_period_days: int = 60
    handling_days: int = 60
    handling_extension_days: int = 30
    feedback_days: int = 10

    def __post_init__(self) -> None:
        if not (Decimal(0) <= self.violation_rate <= Decimal(1)):
            raise InvalidRewardInputError(
                f"奖励比例必须在 0 到 1 之间：{self.violation_rate}",
                f"violation_rate must be between 0 and 1: {self.violation_rate}",
            )
        if not (Decimal(0) <= self.violation_min <= self.violation_max):
            raise InvalidRewardInputError(
                "奖励下限必须非负且不高于上限",
                "violation_min must be non-negative and not above violation_max",
            )
        if self.concealed_cap < 0 or set(self.concealed_per_death) != set(ACCIDENT_GRADES):
            raise InvalidRewardInputError(
                "瞒报谎报奖励需为四个事故等级各设金额，且上限非负",
                "concealed_per_death needs all four grades and concealed_cap must be non-negative",
            )
        if any(v < 0 for v in self.concealed_per_death.values()):
            raise InvalidRewardInputError("每人奖励金额不能为负", "per-death amounts must not be negative")
        for name in ("claim_period_days", "handling_days", "handling_extension_days", "feedback_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidRewardInputError(
                    f"{name} 必须是非负整数：{value!r}", f"{name} must be a non-negative integer: {value!r}"
                )


NATIONAL: Final[RewardPolicy] = RewardPolicy()
"""The national figures of the 2018 办法 (see :class:`RewardPolicy` for confidence)."""


# --------------------------------------------------------------------------- amounts

_YUAN: Final = Decimal(1)


def _whole_yuan(amount: Decimal) -> Decimal:
    """Round to whole yuan, half up (四舍五入): 3000.50 → 3001, 3000.49 → 3000."""
    return amount.quantize(_YUAN, rounding=ROUND_HALF_UP)


def _money(name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise InvalidRewardInputError(
            f"{name} 必须是整数或 Decimal（元）：{value!r}",
            f"{name} must be an int or Decimal (yuan): {value!r}",
        )
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise InvalidRewardInputError(
            f"{name} 不能为负：{value!r}", f"{name} must not be negative: {value!r}"
        )
    return amount


def _normalise_grade(grade: object) -> str:
    if not isinstance(grade, str):
        raise UnknownAccidentGradeError(grade)
    name = grade.strip()
    if name.endswith("事故"):
        name = name[: -len("事故")]
    if name not in ACCIDENT_GRADES:
        raise UnknownAccidentGradeError(grade)
    return name


def report_reward(
    *,
    kind: str,
    fine_yuan: int | Decimal | None = None,
    deaths: int | None = None,
    grade: str | None = None,
    policy: RewardPolicy = NATIONAL,
) -> Decimal:
    """Reward in whole yuan for a verified report (安全生产领域举报奖励办法 2018, ☑️;
    安全生产法 Art. 76 ✅).

    ``kind="violation"`` — a 重大事故隐患 or 违法生产经营建设 report: ``fine_yuan`` × 15 %,
    rounded half up to whole yuan, then kept within 3,000–300,000元. Without a fine
    (``None`` or 0) the reward is the minimum if ``policy.minimum_without_fine`` (the
    default, our reading), else 0. ``deaths`` and ``grade`` must not be given.

    ``kind="concealed_accident"`` — a 瞒报/谎报 report: ``deaths`` (confirmed concealed or
    falsely reported deaths) × the amount for the finally confirmed ``grade`` (一般 3万,
    较大 4万, 重大 5万, 特别重大 6万元; "一般事故" etc. also accepted), at most 30万元. Zero
    deaths give 0. ``fine_yuan`` must not be given.
    """
    if kind == KIND_VIOLATION:
        if deaths is not None or grade is not None:
            raise InvalidRewardInputError(
                "举报违法行为奖励不使用死亡人数或事故等级",
                "deaths and grade do not apply to a violation report",
            )
        fine = Decimal(0) if fine_yuan is None else _money("fine_yuan", fine_yuan)
        if fine == 0:
            return policy.violation_min if policy.minimum_without_fine else Decimal(0)
        raw = _whole_yuan(fine * policy.violation_rate)
        return min(max(raw, policy.violation_min), policy.violation_max)
    if kind == KIND_CONCEALED_ACCIDENT:
        if fine_yuan is not None:
            raise InvalidRewardInputError(
                "举报瞒报谎报事故奖励不按罚款计算", "fine_yuan does not apply to a concealed-accident report"
            )
        if deaths is None or grade is None:
            raise InvalidRewardInputError(
                "举报瞒报谎报事故奖励需要死亡人数和最终确认的事故等级",
                "a concealed-accident reward needs deaths and the finally confirmed grade",
            )
        if isinstance(deaths, bool) or not isinstance(deaths, int) or deaths < 0:
            raise InvalidRewardInputError(
                f"死亡人数必须是非负整数：{deaths!r}", f"deaths must be a non-negative integer: {deaths!r}"
            )
        per_death = policy.concealed_per_death[_normalise_grade(grade)]
        return _whole_yuan(min(per_death * deaths, policy.concealed_cap))
    raise UnknownRewardKindError(kind)


# --------------------------------------------------------------------------- reporters and dates

K = TypeVar("K")


def first_valid_reporter(claims: Iterable[tuple[K, datetime, bool]]) -> tuple[K, datetime, bool] | None:
    """The claim that earns the reward when several people report the same matter.

    2012 办法 and local rules (☑️): only the first valid report is rewarded. ``claims`` are
    ``(reporter_key, received_at, valid)``; the result is the valid claim with the earliest
    ``received_at``, and among equal times the one that comes first in ``claims`` (order of
    registration). ``None`` if no claim is valid. ``received_at`` must be time-zone aware.
    A joint report is one claim; its first signatory collects (not modelled here).
    """
    best: tuple[K, datetime, bool] | None = None
    for claim in claims:
        _key, received_at, valid = claim
        if not isinstance(received_at, datetime) or received_at.utcoffset() is None:
            raise InvalidRewardInputError(
                f"受理时间必须是带时区的 datetime：{received_at!r}",
                f"received_at must be a time-zone aware datetime: {received_at!r}",
            )
        if valid is True and (best is None or received_at < best[1]):
            best = claim
    return best


def _check_date(name: str, value: object) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidRewardInputError(f"{name} 必须是日期：{value!r}", f"{name} must be a date: {value!r}")
    return value


def claim_deadline(notified_on: date, *, policy: RewardPolicy = NATIONAL) -> date:
    """Last day on which a notified reporter may collect the reward; later the right lapses.

    60 days after the day of notice (the notice day not counted), per the probable 2018 text
    (⚠️); ``policy.claim_period_days`` is a configurable default.
    """
    return _check_date("notified_on", notified_on) + timedelta(days=policy.claim_period_days)


def handling_due(accepted_on: date, *, extended: bool = False, policy: RewardPolicy = NATIONAL) -> date:
    """Last day to finish checking a report: 60 days after acceptance, or 90 with the
    next-level authority's approved 30-day extension (2012 办法 ☑️; 2018 probably the same ⚠️)."""
    days = policy.handling_days + (policy.handling_extension_days if extended else 0)
    return _check_date("accepted_on", accepted_on) + timedelta(days=days)


def feedback_due(checked_on: date, *, policy: RewardPolicy = NATIONAL) -> date:
    """Last day to tell the reporter the result: 10 days after the check ends (2012 办法 ☑️)."""
    return _check_date("checked_on", checked_on) + timedelta(days=policy.feedback_days)
