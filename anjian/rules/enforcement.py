"""Deadlines and limits of the administrative-penalty procedure (行政处罚法, 2021 revision).

Day counting: the day of the event is not counted (民法典 Art. 201). 行政处罚法 Art. 85: "二日"
"三日" "五日" "七日" in the Act are **working days** (工作日, statutory holidays excluded); longer
periods (15, 60, 90 days) are calendar days, and when such a period ends on a rest day it ends on
the next working day (民法典 Art. 203). Working days come from :mod:`anjian.rules.workdays`.

Also: the hearing right of Art. 63 (which penalties carry it), the on-the-spot (简易程序) limits of Art. 51, the late-payment surcharge of Art. 72, the
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
    "CREDIT_EARLY_REMOVAL_MONTHS",
    "CREDIT_LISTING_YEARS",
    "DECISION_DAYS",
    "DELIVERY_WORKING_DAYS",
    "HEARING_FINE_INDIVIDUAL",
    "HEARING_FINE_ORGANISATION",
    "HEARING_HOLD_DAYS",
    "HEARING_NOTICE_WORKING_DAYS",
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
    "credit_early_removal_from",
    "credit_listing_ends",
    "credit_status",
    "decision_due",
    "delivery_due",
    "draw",
    "hearing_earliest",
    "hearing_hold_due",
    "hearing_notice_in_time",
    "hearing_request_due",
    "hearing_right",
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
HEARING_NOTICE_WORKING_DAYS: Final = 7
"""行政处罚法 Art. 64(2): the party is told the time and place of the hearing 7 days before it
(working days, Art. 85)."""
HEARING_HOLD_DAYS: Final = 15
"""原安监总局令第15号: the hearing is held within 15 days of the request — kept as the internal target
(the 2021 行政处罚法 sets no period of its own; Art. 60's 90 days still run)."""
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
HEARING_FINE_INDIVIDUAL: Final = Decimal("20000")
HEARING_FINE_ORGANISATION: Final = Decimal("50000")
"""《安全生产违法行为行政处罚办法》(原安监总局令第15号, 2015 revision) Art. 33(2): "较大数额罚款" is the
amount set by the province's people's congress standing committee or government; where none is
set, 20,000 yuan or more for an individual and 50,000 yuan or more for a production unit
("以上" includes the amount itself, 民法典 Art. 1259). Confidence: medium — that order was replaced
on 2026-02-01 by 应急管理部令第18号 (a new 《安全生产违法行为行政处罚办法》); check its hearing
article before relying on these defaults, and pass the province's figures where it has set them."""

HEARING_GROUNDS: Final = {
    "large_fine": "行政处罚法第六十三条第一款第（一）项：较大数额罚款",
    "suspend": "行政处罚法第六十三条第一款第（四）项：责令停产停业",
}
"""The grounds of 行政处罚法 Art. 63(1) that the penalty kinds of a safety case can reach (item (1)
a large fine, item (4) an order to stop production or business; 15号令 Art. 33(1) lists the same)."""


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


def hearing_earliest(notice_on: dt.date) -> dt.date:
    """行政处罚法 Art. 64(2): the hearing notice is given "七日前" — 7 working days (Art. 85) — so a
    hearing noticed on ``notice_on`` is held on the 7th working day after it at the earliest
    (the day of the notice not counted)."""
    return add_working_days(_date(notice_on, "notice_on"), HEARING_NOTICE_WORKING_DAYS)


def hearing_notice_in_time(notice_on: dt.date, hearing_on: dt.date) -> bool:
    """Whether a notice given on ``notice_on`` is early enough for a hearing on ``hearing_on``
    (Art. 64(2), 85)."""
    return _date(hearing_on, "hearing_on") >= hearing_earliest(notice_on)


def hearing_hold_due(requested_on: dt.date) -> dt.date:
    """原安监总局令第15号 (internal target): the hearing within 15 (calendar) days of the request; a
    last day on a rest day moves to the next working day (民法典 Art. 203)."""
    return _calendar_period(_date(requested_on, "requested_on"), HEARING_HOLD_DAYS)


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


def hearing_right(
    penalty_kind: str,
    fine_yuan: Decimal | int | str | None,
    *,
    organisation: bool,
    large_fine_individual: Decimal = HEARING_FINE_INDIVIDUAL,
    large_fine_organisation: Decimal = HEARING_FINE_ORGANISATION,
) -> str:
    """行政处罚法 Art. 63(1): before deciding one of the listed heavier penalties the authority
    tells the party of its right to ask for a hearing, and holds one when asked. Returns the
    ground — ``"suspend"`` (item (4), 责令停产停业, whatever the fine) or ``"large_fine"`` (item
    (1), a fine of at least the "较大数额": 15号令 Art. 33(2) defaults, or the province's figures
    passed in) — or ``""`` when the penalty carries no hearing right (a warning, a smaller fine:
    the party states its case, Art. 45). ``penalty_kind`` is "warning", "fine" or "suspend"."""
    if penalty_kind not in ("warning", "fine", "suspend"):
        raise ValueError(f"unknown penalty kind {penalty_kind!r}")
    if penalty_kind == "suspend":
        return "suspend"
    fine = Decimal(fine_yuan or 0)
    if fine < 0:
        raise ValueError("fine_yuan cannot be negative")
    limit = large_fine_organisation if organisation else large_fine_individual
    return "large_fine" if penalty_kind == "fine" and fine >= limit else ""


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


# --------------------------------------------------------------------------- credit (信用)

CREDIT_LISTING_YEARS: Final = 3
"""《安全生产严重失信主体名单管理办法》(应急管理部令第11号, in force 2023-10-01): an entity stays
on the 严重失信主体名单 for three years from the listing decision, then is removed and its
publication ends. Confidence: medium (the period is stated in the provincial rules that implement
the order; check the order's own article before relying on it)."""
CREDIT_EARLY_REMOVAL_MONTHS: Final = 12
"""The same order: an entity listed for a full 12 months that has corrected its conduct may apply
for early removal (信用修复, 提前移出). Confidence: medium, as above."""


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has none: 31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover - every month has a 28th


def credit_listing_ends(listed_on: dt.date) -> dt.date:
    """The last day a 严重失信 listing is in force: three years from the listing, less a day."""
    day = _date(listed_on, "listed_on")
    return _add_months(day, CREDIT_LISTING_YEARS * 12) - dt.timedelta(days=1)


def credit_early_removal_from(listed_on: dt.date) -> dt.date:
    """The first day an early removal may be granted: after a full 12 months on the list."""
    return _add_months(_date(listed_on, "listed_on"), CREDIT_EARLY_REMOVAL_MONTHS)


def credit_status(listings: Iterable[tuple[str, dt.date, dt.date, dt.date | None]], on: dt.date) -> str:
    """The credit status on a day for the classification rule set: "bad" while a 严重失信 listing
    is in force, else "good" while a 守信 (trust) listing is, else "" (normal). ``listings`` are
    ``(kind, listed_on, ends_on, removed_on)`` with kind "bad" or "good"; a listing is in force from
    its day to its end, unless removed before (the day of removal no longer counts)."""
    day = _date(on, "on")
    kinds = {
        kind
        for kind, listed_on, ends_on, removed_on in listings
        if listed_on <= day <= ends_on and (removed_on is None or day < removed_on)
    }
    if "bad" in kinds:
        return "bad"
    return "good" if "good" in kinds else ""


# --------------------------------------------------------------------------- 双随机 draws


def draw(seed: str, population: Sequence[int], k: int) -> list[int]:
    """A reproducible random draw of ``k`` ids from ``population`` (国办发〔2015〕58号 双随机):
    the ids are sorted first, the generator is seeded from SHA-256 of ``seed``, so the same seed
    and population always give the same result — anyone can re-run it to audit a draw."""
    ids = sorted(set(population))
    k = max(0, min(k, len(ids)))
    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))
    return rng.sample(ids, k)
