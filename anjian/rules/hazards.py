"""Accident hazards (事故隐患): levels, treatment plans, deadlines, escalation, repeat offenders.

Sources (see ``docs/rules/hazards.md`` and ``/work/shared/docs/regulations.md`` §2):

* 《安全生产事故隐患排查治理暂行规定》(原国家安监总局令第16号, "16号令") — levels (Art. 3),
  the six-part treatment plan (Art. 15), the on-site review after an application to resume.
  Full text not read; ☑️ V-secondary.
* 《中华人民共和国安全生产法》(2021) — Art. 41 (major hazards reported and supervised),
  Art. 70 (24 hours' notice before power is cut), Art. 102 (fines for not removing a hazard),
  Art. 113 (closure after repeated penalties). ✅
* 《安全生产违法行为行政处罚办法》(原安监总局令第15号, "15号令") — re-inspection (复查) within
  10 days, extension applications in the last 10 days before a deadline, reply within 5 days. ✅
* 挂牌督办 — provincial practice (Hubei, Fujian): on-site verification within 10 days. ☑️

Day counting follows the general rule for legal periods (民法典 Art. 201, 203): the day of the
triggering event is not counted, and a period of N days ends at 24:00 of the N-th following day.
None of the sources above says "working days", so all periods here are calendar days. The
date of an instant is taken in China time (UTC+8, no daylight saving since 1991), whatever the
time zone of the datetime passed in; every datetime must be time-zone aware.

Pure Python: no Django import. Values that the law does not fix are fields of
:class:`HazardDeadlinePolicy` with a documented local default.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from itertools import pairwise
from typing import Final

__all__ = [
    "ART_102_FINE_MAX_YUAN",
    "ART_102_REFUSAL_PERSON_FINE_YUAN",
    "CHINA_TZ",
    "DEFAULT_POLICY",
    "POWER_CUT_NOTICE",
    "TREATMENT_PLAN_PARTS",
    "EscalationStepError",
    "HazardDeadlinePolicy",
    "HazardLevel",
    "HazardRuleError",
    "InvalidPolicyError",
    "NaiveDatetimeError",
    "PenaltyDateError",
    "RepeatOffenceFinding",
    "RepeatOffenceRule",
    "UnknownHazardLevelError",
    "escalation_due",
    "escalation_step",
    "extension_reply_due",
    "extension_request_window",
    "is_repeat_offender",
    "listing_verification_due",
    "missing_plan_parts",
    "power_cut_not_before",
    "rectification_due",
    "reinspection_due",
    "reminder_at",
    "review_due",
]

CHINA_TZ: Final[tzinfo] = timezone(timedelta(hours=8), "CST")
"""China Standard Time, UTC+8. Used to decide which calendar day an instant falls on."""


# --------------------------------------------------------------------------- errors


class HazardRuleError(ValueError):
    """Base class for invalid input to the hazard rules; carries a Chinese and an English text."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class NaiveDatetimeError(HazardRuleError):
    """A datetime without a time zone was passed (the project never uses naive datetimes)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} 必须带时区", f"{name} must be time-zone aware")


class UnknownHazardLevelError(HazardRuleError):
    """The value is not a :class:`HazardLevel`."""

    def __init__(self, value: object) -> None:
        super().__init__(f"未知的隐患等级：{value!r}", f"unknown hazard level: {value!r}")


class InvalidPolicyError(HazardRuleError):
    """A :class:`HazardDeadlinePolicy` field has an impossible value."""


class EscalationStepError(HazardRuleError):
    """Escalation steps are numbered from 1."""

    def __init__(self, step: int) -> None:
        super().__init__(f"升级步骤必须从 1 开始：{step}", f"escalation step must be 1 or more: {step}")


class PenaltyDateError(HazardRuleError):
    """A penalty date is not a :class:`datetime.date`."""

    def __init__(self, value: object) -> None:
        super().__init__(f"处罚日期无效：{value!r}", f"invalid penalty date: {value!r}")


# --------------------------------------------------------------------------- levels


class HazardLevel(enum.Enum):
    """The two hazard levels of 16号令 Art. 3 (☑️).

    * 一般事故隐患 — low harm, easy to fix, can be removed as soon as it is found.
    * 重大事故隐患 — high harm or hard to fix: production must stop fully or partly for a time,
      or external factors stop the unit from removing it alone.

    Sector-specific 判定标准 (安全生产法 Art. 118(2)) decide whether a given condition is 重大.
    """

    GENERAL = "general"
    MAJOR = "major"

    @property
    def label(self) -> str:
        """Chinese name, e.g. ``重大事故隐患``."""
        return _LEVEL_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English name, e.g. ``major hazard``."""
        return _LEVEL_LABELS[self][1]


_LEVEL_LABELS: Final[Mapping[HazardLevel, tuple[str, str]]] = {
    HazardLevel.GENERAL: ("一般事故隐患", "general hazard"),
    HazardLevel.MAJOR: ("重大事故隐患", "major hazard"),
}


# --------------------------------------------------------------------------- treatment plan

TREATMENT_PLAN_PARTS: Final[tuple[tuple[str, str, str], ...]] = (
    ("targets_tasks", "治理的目标和任务", "targets and tasks"),
    ("methods_measures", "采取的方法和措施", "methods and measures"),
    ("funds_materials", "经费和物资的落实", "funds and materials"),
    ("organisation_people", "负责治理的机构和人员", "responsible organisation and people"),
    ("deadline_requirements", "治理的时限和要求", "deadline and requirements"),
    ("safety_emergency", "安全措施和应急预案", "safety measures and emergency plan"),
)
"""The six parts a 重大事故隐患 treatment plan (治理方案) must contain: 16号令 Art. 15 (☑️).

Each item is ``(key, Chinese label, English label)``, in the order of the article.
"""


def missing_plan_parts(plan: Mapping[str, str]) -> list[str]:
    """Return the keys of the 16号令 Art. 15 plan parts that are absent or blank in ``plan``.

    A part counts as present when its key (see :data:`TREATMENT_PLAN_PARTS`) maps to text
    that is not empty after stripping white space (including the full-width space). Keys
    are returned in the order of the article; keys in ``plan`` that are not plan parts are
    ignored. An empty list means the plan is complete in form (not that it is adequate).
    """
    missing: list[str] = []
    for key, _zh, _en in TREATMENT_PLAN_PARTS:
        text = plan.get(key)
        if not isinstance(text, str) or not text.strip():
            missing.append(key)
    return missing


# --------------------------------------------------------------------------- policy


@dataclass(frozen=True, slots=True)
class HazardDeadlinePolicy:
    """Deadlines for hazard treatment; every field is in calendar days unless noted.

    National values carry their source; the others are **local defaults** of this project,
    to be set by each jurisdiction.

    * ``general_rectification_days`` — 0: 16号令 Art. 15 says a general hazard is fixed
      立即 (immediately), i.e. by the end of the day it is found (☑️).
    * ``major_rectification_days`` — 90: **local default**. No national number exists; the
      deadline is the 时限 in the unit's treatment plan or in the authority's order.
    * ``review_days`` — 10: on-site review after the unit's written application to resume
      production / write the hazard off (16号令; ☑️/⚠️ in the research notes).
    * ``reinspection_days`` — 10: re-inspection (复查) after the unit applies or the
      deadline passes (15号令 ✅).
    * ``listing_verification_days`` — 10: 挂牌督办 on-site verification (Hubei/Fujian
      practice ☑️; local).
    * ``extension_window_days`` — 10: an extension may be requested only within the last
      10 days before the deadline (15号令 "限期届满前10日内" ✅).
    * ``extension_reply_days`` — 5: the authority answers an extension request (15号令 ✅).
    * ``reminder_days_before`` / ``reminder_time`` — 3 days, 09:00: **local default**.
    * ``escalation_after_days`` — (1, 7, 30): **local default**. Step *k* escalates an
      overdue item ``escalation_after_days[k-1]`` days after its deadline: step 1 goes one
      level up the jurisdiction tree and to the sector department, step 2 two levels, …
      Must be strictly increasing and not negative.
    * ``timezone`` — the zone whose calendar days count (China, UTC+8).
    """

    general_rectification_days: int = 0
    major_rectification_days: int = 90
    review_days: int = 10
    reinspection_days: int = 10
    listing_verification_days: int = 10
    extension_window_days: int = 10
    extension_reply_days: int = 5
    reminder_days_before: int = 3
    reminder_time: time = time(9, 0)
    escalation_after_days: tuple[int, ...] = field(default=(1, 7, 30))
    timezone: tzinfo = CHINA_TZ

    def __post_init__(self) -> None:
        for name in (
            "general_rectification_days",
            "major_rectification_days",
            "review_days",
            "reinspection_days",
            "listing_verification_days",
            "extension_window_days",
            "extension_reply_days",
            "reminder_days_before",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidPolicyError(
                    f"{name} 必须是非负整数：{value!r}", f"{name} must be a non-negative integer: {value!r}"
                )
        steps = self.escalation_after_days
        if any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in steps):
            raise InvalidPolicyError(
                f"升级时间表必须是非负整数：{steps!r}",
                f"escalation_after_days must be non-negative integers: {steps!r}",
            )
        if any(b <= a for a, b in pairwise(steps)):
            raise InvalidPolicyError(
                f"升级时间表必须严格递增：{steps!r}",
                f"escalation_after_days must strictly increase: {steps!r}",
            )
        if self.reminder_time.tzinfo is not None:
            raise InvalidPolicyError("提醒时刻不应带时区", "reminder_time must not carry a time zone")


DEFAULT_POLICY: Final[HazardDeadlinePolicy] = HazardDeadlinePolicy()
"""National values where they exist, the project's local defaults elsewhere."""


# --------------------------------------------------------------------------- day counting


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(name)


def _end_of_day(day: date, tz: tzinfo) -> datetime:
    """The last representable instant of ``day`` (24:00 of that day, 民法典 Art. 203)."""
    return datetime.combine(day, time.max, tzinfo=tz)


def _period_end(start: datetime, days: int, tz: tzinfo) -> datetime:
    """End of a period of ``days`` days starting the day after ``start`` (民法典 Art. 201)."""
    return _end_of_day(start.astimezone(tz).date() + timedelta(days=days), tz)


# --------------------------------------------------------------------------- deadlines


def rectification_due(
    found_at: datetime, level: HazardLevel, *, policy: HazardDeadlinePolicy = DEFAULT_POLICY
) -> datetime:
    """Default rectification deadline for a hazard found at ``found_at``.

    * 一般: 16号令 Art. 15 — 立即 (``general_rectification_days``, default 0: the end of the
      day it was found).
    * 重大: the plan's 时限 (16号令 Art. 15(5)) or the authority's order governs; the default
      ``major_rectification_days`` is a local value, not national law.

    Use this only when no deadline was written in an order (责令限期整改指令书) or plan.
    Returns 24:00 (``23:59:59.999999``) of the last day, in ``policy.timezone``.
    """
    _require_aware(found_at, "found_at")
    if level is HazardLevel.GENERAL:
        days = policy.general_rectification_days
    elif level is HazardLevel.MAJOR:
        days = policy.major_rectification_days
    else:
        raise UnknownHazardLevelError(level)
    return _period_end(found_at, days, policy.timezone)


def review_due(applied_at: datetime, *, policy: HazardDeadlinePolicy = DEFAULT_POLICY) -> datetime:
    """Deadline of the authority's on-site review of a 重大 hazard after the unit's application.

    16号令: after treatment and evaluation, the unit applies in writing to resume production;
    the authority reviews on site **within 10 days** of receiving the application and, if it
    passes, writes the hazard off (核销). ☑️/⚠️ in the research notes (full text not read);
    also consistent with 15号令's 10-day re-inspection (✅). Calendar days.
    """
    _require_aware(applied_at, "applied_at")
    return _period_end(applied_at, policy.review_days, policy.timezone)


def reinspection_due(
    *,
    deadline: datetime,
    applied_at: datetime | None = None,
    policy: HazardDeadlinePolicy = DEFAULT_POLICY,
) -> datetime:
    """Deadline of the re-inspection (复查) of an order to rectify within a time limit.

    15号令 (✅): the authority re-inspects **within 10 days** after the unit applies for it
    or after the rectification deadline passes, whichever comes first; the result goes into
    a 整改复查意见书. An application made after the deadline does not move the date later.
    """
    _require_aware(deadline, "deadline")
    trigger = deadline
    if applied_at is not None:
        _require_aware(applied_at, "applied_at")
        trigger = min(applied_at, deadline)
    return _period_end(trigger, policy.reinspection_days, policy.timezone)


def listing_verification_due(
    *,
    deadline: datetime,
    applied_at: datetime | None = None,
    policy: HazardDeadlinePolicy = DEFAULT_POLICY,
) -> datetime:
    """Deadline of the on-site verification of a 挂牌督办 (posted-supervision) hazard.

    No national procedure exists (regulations.md §2.4, ☑️). The Hubei/Fujian pattern
    adopted as the default: the supervising department verifies on site **within 10 days** of
    the listed deadline or of the unit's re-check application, whichever comes first, then
    approves the write-off (核销) and announces it. ``listing_verification_days`` is local.
    """
    _require_aware(deadline, "deadline")
    trigger = deadline
    if applied_at is not None:
        _require_aware(applied_at, "applied_at")
        trigger = min(applied_at, deadline)
    return _period_end(trigger, policy.listing_verification_days, policy.timezone)


def extension_request_window(
    due_at: datetime, *, policy: HazardDeadlinePolicy = DEFAULT_POLICY
) -> tuple[datetime, datetime]:
    """When a unit may apply to extend a rectification deadline (force majeure).

    15号令 (✅): the written application is made "限期届满前10日内" — within the last 10 days
    before the deadline. Returns ``(opens, closes)``: the start of the 10th day before the
    deadline's day, and the deadline itself.
    """
    _require_aware(due_at, "due_at")
    tz = policy.timezone
    first_day = due_at.astimezone(tz).date() - timedelta(days=policy.extension_window_days)
    return datetime.combine(first_day, time.min, tzinfo=tz), due_at


def extension_reply_due(applied_at: datetime, *, policy: HazardDeadlinePolicy = DEFAULT_POLICY) -> datetime:
    """Deadline for the authority's answer to an extension request: **within 5 days** (15号令 ✅)."""
    _require_aware(applied_at, "applied_at")
    return _period_end(applied_at, policy.extension_reply_days, policy.timezone)


def reminder_at(
    due_at: datetime,
    *,
    policy: HazardDeadlinePolicy = DEFAULT_POLICY,
    not_before: datetime | None = None,
) -> datetime:
    """When to remind the owner of an open item that its deadline is near.

    ``policy.reminder_days_before`` days before the deadline's day, at ``policy.reminder_time``
    (local default: 3 days, 09:00; no source fixes this). If ``not_before`` is given (e.g. the
    moment the hazard was found) the reminder is never earlier than it, so an item due
    immediately is reminded at once. Never later than ``due_at``.
    """
    _require_aware(due_at, "due_at")
    tz = policy.timezone
    day = due_at.astimezone(tz).date() - timedelta(days=policy.reminder_days_before)
    at = min(datetime.combine(day, policy.reminder_time, tzinfo=tz), due_at)
    if not_before is not None:
        _require_aware(not_before, "not_before")
        at = max(at, not_before)
    return at


def escalation_due(
    due_at: datetime, step: int, *, policy: HazardDeadlinePolicy = DEFAULT_POLICY
) -> datetime | None:
    """When an overdue item escalates to step ``step`` (1-based), or ``None`` past the schedule.

    Step 1 goes one level up the jurisdiction tree and to the sector department, step 2 two
    levels, and so on. Legal basis for supervising overdue major hazards: 安全生产法 Art. 41
    (重大事故隐患督办制度) and the 挂牌督办 practice; the schedule itself
    (``policy.escalation_after_days``) is a **local default**. The item escalates once the
    current time is strictly after the returned instant. ``None`` means no further automatic
    escalation is configured.
    """
    _require_aware(due_at, "due_at")
    if isinstance(step, bool) or not isinstance(step, int) or step < 1:
        raise EscalationStepError(step)
    schedule = policy.escalation_after_days
    if step > len(schedule):
        return None
    return due_at + timedelta(days=schedule[step - 1])


def escalation_step(due_at: datetime, now: datetime, *, policy: HazardDeadlinePolicy = DEFAULT_POLICY) -> int:
    """How many escalation steps an item due at ``due_at`` has reached at ``now`` (0 = none).

    Same schedule and strictness as :func:`escalation_due`; an item that is not yet overdue
    (``now <= due_at``) is at step 0.
    """
    _require_aware(due_at, "due_at")
    _require_aware(now, "now")
    if now <= due_at:
        return 0
    return sum(1 for days in policy.escalation_after_days if now > due_at + timedelta(days=days))


# --------------------------------------------------------------------------- Art. 70 and 102

POWER_CUT_NOTICE: Final[timedelta] = timedelta(hours=24)
"""安全生产法 Art. 70 (✅): except in an emergency, the unit gets 24 hours' written notice
before its power supply is cut to enforce a suspension order."""

ART_102_FINE_MAX_YUAN: Final[int] = 50_000
"""安全生产法 Art. 102 (✅): a unit that does not remove a hazard is fined up to 5万元."""

ART_102_REFUSAL_PERSON_FINE_YUAN: Final[tuple[int, int]] = (50_000, 100_000)
"""安全生产法 Art. 102 (✅): if the unit refuses, it is suspended for rectification and the
people directly responsible are fined 5万–10万元 (inclusive range)."""


def power_cut_not_before(notice_served_at: datetime, *, emergency: bool = False) -> datetime:
    """Earliest moment power may be cut after written notice (安全生产法 Art. 70 ✅).

    24 hours after the notice is served, unless it is an emergency (then immediately).
    """
    _require_aware(notice_served_at, "notice_served_at")
    return notice_served_at if emergency else notice_served_at + POWER_CUT_NOTICE


# --------------------------------------------------------------------------- Art. 113


class RepeatOffenceRule(enum.Enum):
    """The two counts of 安全生产法 Art. 113(1) (✅): a unit with a major hazard that is
    penalised under the Act 3 times within 180 days, or 4 times within one year, is referred
    to the local government for closure; its principal is barred for 5 years."""

    THREE_IN_180_DAYS = "three_in_180_days"
    FOUR_IN_ONE_YEAR = "four_in_one_year"

    @property
    def count(self) -> int:
        """Number of penalties the rule needs."""
        return 3 if self is RepeatOffenceRule.THREE_IN_180_DAYS else 4

    @property
    def label(self) -> str:
        """Chinese wording of the rule."""
        if self is RepeatOffenceRule.THREE_IN_180_DAYS:
            return "一百八十日内三次受到行政处罚"
        return "一年内四次受到行政处罚"

    @property
    def label_en(self) -> str:
        """English wording of the rule."""
        if self is RepeatOffenceRule.THREE_IN_180_DAYS:
            return "penalised 3 times within 180 days"
        return "penalised 4 times within one year"


@dataclass(frozen=True, slots=True)
class RepeatOffenceFinding:
    """Which Art. 113(1) count matched, and the penalty dates that make it up.

    ``dates`` are all penalties from ``window_start`` (the earliest penalty that still lies
    within the period ending at ``window_end``) to ``window_end`` (the latest penalty of the
    cluster), sorted; there are at least ``rule.count`` of them.
    """

    rule: RepeatOffenceRule
    dates: tuple[date, ...]
    window_start: date
    window_end: date


def _add_one_year(day: date) -> date:
    """Same month and day next year; 29 February → 28 February (民法典 Art. 202: no
    corresponding day → the last day of that month)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _within(rule: RepeatOffenceRule, first: date, last: date) -> bool:
    if rule is RepeatOffenceRule.THREE_IN_180_DAYS:
        return (last - first).days <= 180
    return last <= _add_one_year(first)


def _latest_cluster(rule: RepeatOffenceRule, ordered: list[date]) -> RepeatOffenceFinding | None:
    for end_index in range(len(ordered) - 1, rule.count - 2, -1):
        end = ordered[end_index]
        members = [d for d in ordered[: end_index + 1] if _within(rule, d, end)]
        if len(members) >= rule.count:
            return RepeatOffenceFinding(
                rule=rule, dates=tuple(members), window_start=members[0], window_end=end
            )
    return None


def is_repeat_offender(penalty_dates: Iterable[date], on: date) -> RepeatOffenceFinding | None:
    """Check 安全生产法 Art. 113(1) (✅): "存在重大事故隐患，一百八十日内三次或者一年内四次受到
    本法规定的行政处罚".

    ``penalty_dates`` are the dates of the penalty decisions (行政处罚决定书) under the Act
    against one unit while it had a major hazard; the caller selects them, this function does
    not check the hazard condition. Each item is one decision: two decisions on the same day
    count twice. Dates after ``on`` are ignored.

    Window semantics (our reading, documented in ``docs/rules/hazards.md``): counting as for
    legal periods (民法典 Art. 201–203), the day of the first penalty is not counted, so

    * "180日内": the last penalty is at most 180 days after the first
      (first + 180 days is inside, first + 181 days is outside);
    * "一年内": the last penalty is on or before the first penalty's anniversary
      (365 days later in a normal year, 366 days if a 29 February falls in between; a first
      penalty on 29 February has its anniversary on 28 February).

    Art. 113 sets no expiry, so a qualifying cluster anywhere up to ``on`` is reported. When
    several clusters qualify, the one ending latest is returned; if both rules end on the
    same day, the 180-day rule (listed first in the Act) is returned. ``None`` if neither
    count is reached.
    """
    if isinstance(on, datetime) or not isinstance(on, date):
        raise PenaltyDateError(on)
    ordered: list[date] = []
    for value in penalty_dates:
        if isinstance(value, datetime) or not isinstance(value, date):
            raise PenaltyDateError(value)
        if value <= on:
            ordered.append(value)
    ordered.sort()
    findings = [
        finding
        for finding in (
            _latest_cluster(RepeatOffenceRule.THREE_IN_180_DAYS, ordered),
            _latest_cluster(RepeatOffenceRule.FOUR_IN_ONE_YEAR, ordered),
        )
        if finding is not None
    ]
    if not findings:
        return None
    # max() keeps the first of equal keys, so the 180-day rule wins ties.
    return max(findings, key=lambda f: f.window_end)
