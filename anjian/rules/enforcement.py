"""Deadlines and limits of the administrative-penalty procedure (行政处罚法, 2021 revision).

Day counting: the day of the event is not counted (民法典 Art. 201). 行政处罚法 Art. 85: "二日"
"三日" "五日" "七日" in the Act are **working days** (工作日, statutory holidays excluded); longer
periods (15, 60, 90 days) are calendar days, and when such a period ends on a rest day it ends on
the next working day (民法典 Art. 203). Working days come from :mod:`anjian.rules.workdays`.

Also: the on-the-spot (简易程序) limits of Art. 51, the late-payment surcharge of Art. 72, the
two-inspector rule of Art. 42, and the re-check of a rectification order (原安监总局令第15号: within
10 days of the application or of the deadline), and the enterprise classification rule set used
for graded supervision (安全生产法 Art. 62(2)).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from anjian.rules.workdays import add_working_days, next_working_day

__all__ = [
    "DECISION_DAYS",
    "DELIVERY_WORKING_DAYS",
    "HEARING_REQUEST_WORKING_DAYS",
    "MIN_INSPECTORS",
    "ON_THE_SPOT_LIMIT_INDIVIDUAL",
    "ON_THE_SPOT_LIMIT_ORGANISATION",
    "PAYMENT_DAYS",
    "RECHECK_DAYS",
    "SURCHARGE_RATE_PER_DAY",
    "ClassRule",
    "EnterpriseFacts",
    "classify",
    "decision_due",
    "delivery_due",
    "draw",
    "hearing_request_due",
    "late_payment_surcharge",
    "lawsuit_due",
    "on_the_spot_allowed",
    "payment_due",
    "recheck_due",
    "review_application_due",
]

DECISION_DAYS: Final = 90
"""行政处罚法 Art. 60: decide within 90 days of opening the case (立案)."""
HEARING_REQUEST_WORKING_DAYS: Final = 5
"""行政处罚法 Art. 64(1): the party asks for a hearing within 5 days of the notice (working days, Art. 85)."""
DELIVERY_WORKING_DAYS: Final = 7
"""行政处罚法 Art. 61: a decision not handed over on the spot is delivered within 7 days (working days, Art. 85)."""
PAYMENT_DAYS: Final = 15
"""行政处罚法 Art. 67(3): the party pays within 15 days of receiving the decision."""
RECHECK_DAYS: Final = 10
"""原安监总局令第15号: the re-check of a rectification order within 10 days."""
SURCHARGE_RATE_PER_DAY: Final = Decimal("0.03")
"""行政处罚法 Art. 72(1)1: 3 % of the fine per day late, at most the fine."""
ON_THE_SPOT_LIMIT_INDIVIDUAL: Final = Decimal("200")
ON_THE_SPOT_LIMIT_ORGANISATION: Final = Decimal("3000")
"""行政处罚法 Art. 51: 简易程序 for a fine up to 200 yuan (a citizen) / 3000 yuan (an organisation) or a warning."""
MIN_INSPECTORS: Final = 2
"""行政处罚法 Art. 42(1): at least two enforcement officers; 安全生产法 Art. 67: they show their IDs."""
REVIEW_APPLICATION_DAYS: Final = 60
"""行政复议法 (2023) Art. 20: apply for reconsideration within 60 days of learning of the decision."""
LAWSUIT_MONTHS: Final = 6
"""行政诉讼法 Art. 46: sue within six months of learning of the decision."""


def _date(value: dt.date, name: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a date")
    return value


def _calendar_period(start: dt.date, days: int) -> dt.date:
    return next_working_day(start + dt.timedelta(days=days))


def decision_due(filed_on: dt.date) -> dt.date:
    """行政处罚法 Art. 60: the decision is due within 90 (calendar) days of 立案; a last day on a
    rest day moves to the next working day (民法典 Art. 203)."""
    return _calendar_period(_date(filed_on, "filed_on"), DECISION_DAYS)


def hearing_request_due(notified_on: dt.date) -> dt.date:
    """行政处罚法 Art. 64(1): a hearing is requested within 5 days of the notice — working days
    (Art. 85). 15号令's 3 days yield to the higher law."""
    return add_working_days(_date(notified_on, "notified_on"), HEARING_REQUEST_WORKING_DAYS)


def delivery_due(decided_on: dt.date) -> dt.date:
    """行政处罚法 Art. 61: delivered within 7 days of the decision when the party is absent —
    working days (Art. 85)."""
    return add_working_days(_date(decided_on, "decided_on"), DELIVERY_WORKING_DAYS)


def payment_due(received_on: dt.date) -> dt.date:
    """行政处罚法 Art. 67(3): payment within 15 (calendar) days of receiving the decision; a last
    day on a rest day moves to the next working day (民法典 Art. 203)."""
    return _calendar_period(_date(received_on, "received_on"), PAYMENT_DAYS)


def recheck_due(deadline: dt.date, applied_on: dt.date | None = None) -> dt.date:
    """原安监总局令第15号: the authority re-checks within 10 days of the unit's application, or of
    the rectification deadline, whichever is earlier."""
    trigger = _date(deadline, "deadline")
    if applied_on is not None:
        trigger = min(trigger, _date(applied_on, "applied_on"))
    return _calendar_period(trigger, RECHECK_DAYS)


def review_application_due(received_on: dt.date) -> dt.date:
    """行政复议法 (2023) Art. 20: within 60 days of knowing of the decision."""
    return _calendar_period(_date(received_on, "received_on"), REVIEW_APPLICATION_DAYS)


def lawsuit_due(received_on: dt.date) -> dt.date:
    """行政诉讼法 Art. 46: within six months of knowing of the decision (the same day six months
    later; the month's last day when that day does not exist)."""
    d = _date(received_on, "received_on")
    month = d.month - 1 + LAWSUIT_MONTHS
    year, month = d.year + month // 12, month % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def late_payment_surcharge(fine_yuan: Decimal, payment_due: dt.date, paid_on: dt.date) -> Decimal:
    """行政处罚法 Art. 72(1)1: for each day after ``payment_due`` the party owes 3 % of the fine
    more, never more than the fine itself. Rounded to the fen."""
    fine = Decimal(fine_yuan)
    if fine < 0:
        raise ValueError("fine_yuan cannot be negative")
    late = (_date(paid_on, "paid_on") - _date(payment_due, "payment_due")).days
    if late <= 0:
        return Decimal("0.00")
    amount = min(fine, fine * SURCHARGE_RATE_PER_DAY * late)
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def on_the_spot_allowed(fine_yuan: Decimal, *, organisation: bool) -> bool:
    """行政处罚法 Art. 51: a warning (fine 0) or a fine up to 200 yuan for a citizen, 3000 yuan for
    an organisation, may be decided on the spot (简易程序) when the facts are clear and the basis
    is legal."""
    fine = Decimal(fine_yuan)
    if fine < 0:
        return False
    return fine <= (ON_THE_SPOT_LIMIT_ORGANISATION if organisation else ON_THE_SPOT_LIMIT_INDIVIDUAL)


# --------------------------------------------------------------------------- classification


@dataclass(frozen=True)
class EnterpriseFacts:
    """What the classification rule set looks at (regulations.md §10.2)."""

    sector_code: str = ""
    sector_ancestors: tuple[str, ...] = ()
    risk_colour: str = ""
    standardization_grade: str = ""  # "1", "2", "3" or "" (not graded)
    credit: str = ""  # "good", "" (normal), "bad" (失信)
    accidents_3y: int = 0
    penalties_1y: int = 0
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClassRule:
    """One row of the rule set: every condition given must hold; the first matching row (by
    ``order``) decides the class and its annual inspection quota."""

    order: int
    klass: str
    quota: int
    sector_prefix: str = ""
    risk_colours: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()
    min_accidents_3y: int | None = None
    min_penalties_1y: int | None = None
    flag: str = ""
    label: str = ""

    def matches(self, f: EnterpriseFacts) -> bool:
        if (
            self.sector_prefix
            and self.sector_prefix != f.sector_code
            and self.sector_prefix not in f.sector_ancestors
        ):
            return False
        if self.risk_colours and f.risk_colour not in self.risk_colours:
            return False
        if self.grades and f.standardization_grade not in self.grades:
            return False
        if self.credits and f.credit not in self.credits:
            return False
        if self.min_accidents_3y is not None and f.accidents_3y < self.min_accidents_3y:
            return False
        if self.min_penalties_1y is not None and f.penalties_1y < self.min_penalties_1y:
            return False
        return not (self.flag and self.flag not in f.flags)


def classify(facts: EnterpriseFacts, rules: Iterable[ClassRule]) -> ClassRule | None:
    """The first rule (lowest ``order``) that matches, or None. 安全生产法 Art. 62(2): the annual
    inspection plan follows graded and classified supervision; the rule set is local practice
    (e.g. 山西省应急管理厅 2025: by sector and standardisation grade)."""
    for rule in sorted(rules, key=lambda r: r.order):
        if rule.matches(facts):
            return rule
    return None


# --------------------------------------------------------------------------- 双随机 draws


def draw(seed: str, population: Sequence[int], k: int) -> list[int]:
    """A reproducible random draw of ``k`` ids from ``population`` (国办发〔2015〕58号 双随机):
    the ids are sorted first, the generator is seeded from SHA-256 of ``seed``, so the same seed
    and population always give the same result — anyone can re-run it to audit a draw."""
    ids = sorted(set(population))
    k = max(0, min(k, len(ids)))
    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))
    return rng.sample(ids, k)
