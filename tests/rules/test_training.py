"""Case tables for anjian.rules.training (3号令 hours; 30号令 / 44号令 certificate dates)."""

from datetime import date

import pytest

from anjian.rules.training import (
    UnknownCertificateError,
    UnknownRoleError,
    add_years,
    certificate_dates,
    hours_shortfall,
    renewal_opens,
    required_hours,
    review_dates,
)


@pytest.mark.parametrize(("role", "high_risk", "refresher", "hours"), [
    ("principal", False, False, 32),
    ("principal", False, True, 12),
    ("principal", True, False, 48),
    ("principal", True, True, 16),
    ("safety_manager", False, False, 32),
    ("safety_manager", False, True, 12),
    ("safety_manager", True, False, 48),
    ("safety_manager", True, True, 16),
    ("worker", False, False, 24),
    ("worker", False, True, None),
    ("worker", True, False, 72),
    ("worker", True, True, 20),
])
def test_required_hours(role, high_risk, refresher, hours):
    assert required_hours(role=role, high_risk=high_risk, refresher=refresher) == hours


def test_unknown_role():
    with pytest.raises(UnknownRoleError):
        required_hours(role="intern", high_risk=False, refresher=False)


@pytest.mark.parametrize(("required", "attended", "short"), [(32, 10, 22), (32, 40, 0), (None, 0, 0), (12, 12, 0)])
def test_shortfall(required, attended, short):
    assert hours_shortfall(required=required, attended=attended) == short


@pytest.mark.parametrize(("kind", "issued", "expiry", "opens"), [
    ("principal_cert", date(2024, 3, 1), date(2027, 2, 28), date(2027, 1, 29)),
    ("manager_cert", date(2025, 1, 1), date(2027, 12, 31), date(2027, 12, 1)),
    ("special_operation", date(2020, 6, 15), date(2026, 6, 14), date(2026, 4, 15)),
    ("special_equipment", date(2024, 2, 29), date(2028, 2, 28), date(2027, 11, 30)),
])
def test_certificate_dates(kind, issued, expiry, opens):
    assert certificate_dates(kind=kind, issued_on=issued) == (expiry, opens)
    assert renewal_opens(kind=kind, expires_on=expiry) == opens


@pytest.mark.parametrize(("kind", "issued", "years", "clean", "reviews"), [
    ("special_operation", date(2020, 6, 15), 0, True, [date(2023, 6, 15)]),
    ("special_operation", date(2020, 6, 15), 12, True, []),
    ("special_operation", date(2020, 6, 15), 12, False, [date(2023, 6, 15)]),
    ("principal_cert", date(2020, 6, 15), 0, True, []),
])
def test_review_dates(kind, issued, years, clean, reviews):
    assert review_dates(kind=kind, issued_on=issued, years_in_job=years, clean_record=clean) == reviews


def test_leap_day_and_unknown_kind():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    with pytest.raises(UnknownCertificateError):
        certificate_dates(kind="driving_licence", issued_on=date(2024, 1, 1))
