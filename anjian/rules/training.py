"""Safety training hours and certificate dates.

Sources (see ``docs/training.md`` and ``/work/shared/docs/regulations.md`` §11.3–11.4):

* 《生产经营单位安全培训规定》(原国家安监总局令第3号, amended 2013/2015) Art. 9, 10, 13 (☑️):
  主要负责人 and 安全生产管理人员 ≥ 32 h initial and ≥ 12 h annual refresher; in coal, non-coal
  mining, hazardous chemicals, fireworks and metal smelting ≥ 48 h and ≥ 16 h. New workers ≥ 24 h
  pre-job training; in those high-risk sectors ≥ 72 h and ≥ 20 h refresher every year. Ordinary
  workers' annual refresher is left to local rules: no national minimum (``None``).
* 《特种作业人员安全技术培训考核管理规定》(原总局令第30号) Art. 21–22 (✅ validity, ☑️ rest):
  the 特种作业操作证 is valid 6 years and re-examined (复审) every 3 years; after 10 years or more
  in the same job with a clean record the re-examination is every 6 years; apply 60 days before.
  At least 8 hours of training before a re-examination.
* 《安全生产培训管理办法》(原总局令第44号) Art. 25 (☑️): the assessment certificate of principals
  and safety managers is valid 3 years; apply 30 days before expiry.
* TSG Z6001 (☑️): the 特种设备作业人员证 is valid 4 years, renewed before expiry (the lead time
  here, 3 months, is the platform's reminder, not a legal term).

Pure Python: no Django import.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

__all__ = [
    "CERTIFICATES",
    "HIGH_RISK_SECTORS",
    "ROLES",
    "CertificateRule",
    "UnknownCertificateError",
    "UnknownRoleError",
    "add_years",
    "certificate_dates",
    "hours_shortfall",
    "renewal_opens",
    "required_hours",
    "review_dates",
]

ROLES: Final[tuple[str, ...]] = ("principal", "safety_manager", "worker")
"""主要负责人, 安全生产管理人员, 从业人员 (other workers)."""

HIGH_RISK_SECTORS: Final[tuple[str, ...]] = (
    "coal",
    "non_coal_mining",
    "hazardous_chemicals",
    "fireworks",
    "metal_smelting",
)
"""The sectors 3号令 sets higher hours for: coal, non-coal mining, hazardous chemicals,
fireworks and metal smelting."""


class UnknownRoleError(ValueError):
    """A role outside ``ROLES``."""


class UnknownCertificateError(ValueError):
    """A certificate kind outside ``CERTIFICATES``."""


# (initial, refresher) hours by (role group, high_risk); refresher None: no national minimum.
_HOURS: Final[dict[tuple[str, bool], tuple[int, int | None]]] = {
    ("manager", False): (32, 12),  # 3号令 Art. 9
    ("manager", True): (48, 16),  # 3号令 Art. 9
    ("worker", False): (24, None),  # 3号令 Art. 13: pre-job ≥ 24 h; refresher per local rules
    ("worker", True): (72, 20),  # 3号令 Art. 13
}


def required_hours(*, role: str, high_risk: bool, refresher: bool) -> int | None:
    """The minimum hours of safety training for ``role`` under 3号令 Art. 9 and 13.

    ``role`` is "principal", "safety_manager" or "worker"; ``high_risk`` for coal, non-coal
    mining, hazardous chemicals, fireworks and metal smelting; ``refresher`` asks for the annual
    re-training instead of the initial one. ``None`` where no national minimum exists (ordinary
    workers' annual refresher outside the high-risk sectors)."""
    if role not in ROLES:
        raise UnknownRoleError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    group = "worker" if role == "worker" else "manager"
    initial, again = _HOURS[(group, high_risk)]
    return again if refresher else initial


def hours_shortfall(*, required: int | None, attended: float) -> float:
    """Hours still missing (0 when the requirement is met or there is none)."""
    if required is None:
        return 0.0
    return max(0.0, float(required) - float(attended))


@dataclass(frozen=True)
class CertificateRule:
    """Validity, periodic review and renewal lead time of one certificate kind."""

    code: str
    validity_years: int
    lead_days: int
    review_every_years: int | None = None
    review_lead_days: int | None = None
    source: str = ""


CERTIFICATES: Final[dict[str, CertificateRule]] = {
    # 44号令 Art. 25: 3 years, apply 30 days before expiry.
    "principal_cert": CertificateRule(
        "principal_cert", 3, 30, source="安全生产培训管理办法（原总局令第44号）第二十五条"
    ),
    "manager_cert": CertificateRule(
        "manager_cert", 3, 30, source="安全生产培训管理办法（原总局令第44号）第二十五条"
    ),
    # 30号令 Art. 21–22: 6 years, 复审 every 3 years, apply 60 days before.
    "special_operation": CertificateRule(
        "special_operation",
        6,
        60,
        review_every_years=3,
        review_lead_days=60,
        source="特种作业人员安全技术培训考核管理规定（原总局令第30号）第二十一条、第二十二条",
    ),
    # TSG Z6001: 4 years; the 90-day reminder is the platform's choice.
    "special_equipment": CertificateRule(
        "special_equipment", 4, 90, source="TSG Z6001 特种设备作业人员考核规则"
    ),
}
"""Certificate kinds of regulations.md §11.3 a person holds (the codes of ``enterprises.LicenceKind``
where one exists)."""


def add_years(day: date, years: int) -> date:
    """``day`` plus ``years`` calendar years (29 February → 28 February in a common year)."""
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


def _rule(kind: str) -> CertificateRule:
    try:
        return CERTIFICATES[kind]
    except KeyError as exc:
        raise UnknownCertificateError(f"unknown certificate kind {kind!r}") from exc


def certificate_dates(*, kind: str, issued_on: date) -> tuple[date, date]:
    """(expiry, day the renewal application opens) of a certificate issued on ``issued_on``.

    The certificate is valid until the day before the same date ``validity_years`` later; the
    renewal window opens ``lead_days`` before that (44号令 Art. 25: 30 days; 30号令 Art. 22:
    60 days)."""
    rule = _rule(kind)
    expiry = add_years(issued_on, rule.validity_years) - timedelta(days=1)
    return expiry, expiry - timedelta(days=rule.lead_days)


def renewal_opens(*, kind: str, expires_on: date) -> date:
    """The day to apply for renewal of a certificate expiring on ``expires_on``."""
    return expires_on - timedelta(days=_rule(kind).lead_days)


def review_dates(
    *, kind: str, issued_on: date, years_in_job: int = 0, clean_record: bool = True
) -> list[date]:
    """The 复审 (re-examination) dates within the certificate's validity (30号令 Art. 21–22).

    Every ``review_every_years`` after issue, strictly before expiry; a holder with ten years or
    more in the same job and a clean record is re-examined every 6 years instead (none within a
    6-year certificate). Kinds without a periodic review give ``[]``."""
    rule = _rule(kind)
    if rule.review_every_years is None:
        return []
    every = 6 if years_in_job >= 10 and clean_record else rule.review_every_years
    expiry = add_years(issued_on, rule.validity_years) - timedelta(days=1)
    out: list[date] = []
    n = every
    while True:
        day = add_years(issued_on, n)
        if day > expiry:
            return out
        out.append(day)
        n += every
