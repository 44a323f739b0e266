"""Same seed, same city (its own module: these tests build and rebuild the database)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import enterprise_create
from anjian.orgs.models import Jurisdiction
from anjian.orgs.services import invalidate_locator
from tests.demo.test_demo import build, signature


def _signature_of_build(seed: str) -> dict:
    """Build inside a savepoint, read the signature, roll the build back."""
    with transaction.atomic():
        call_command("demo", "--scale", "small", "--seed", seed, stdout=io.StringIO())
        result = signature()
        transaction.set_rollback(True)
    invalidate_locator()
    return result


@pytest.mark.django_db
def test_small_scale_is_deterministic_for_a_seed():
    first = _signature_of_build("7")
    assert first["levels"] == {1: 1, 2: 2, 3: 4, 4: 8, 5: 40}
    assert first["enterprises"] == 1000
    assert first["departments"] == 9 + 2 + 4
    staff = [f"gridlead{n:02d}" for n in range(1, 7)] + [f"gridstaff{n:02d}" for n in range(2, 7)]
    assert first["users"] == sorted(["admin", "city_office", "district1", "district2", "district1_admin", "street", "regulator", "grid",
                                     "enterprise", "custody", "hotline", "hotline_lead", "leader", *staff])
    assert first["activity"]["hazards"] and first["activity"]["reports"] and first["activity"]["accidents"]
    assert Enterprise.objects.count() == 0
    assert _signature_of_build("7") == first
    other = _signature_of_build("8")
    assert other["levels"] == first["levels"] and other["enterprises"] == 1000
    assert other["first"] != first["first"]
    assert other["activity"]["hazards"] != first["activity"]["hazards"]


@pytest.mark.django_db
def test_reset_rebuilds_the_same_city():
    if connection.vendor != "sqlite":
        pytest.skip("flush uses TRUNCATE, which PostgreSQL refuses inside the test's transaction")
    build()
    first = signature()
    build("--reset")
    assert signature() == first


@pytest.mark.django_db
def test_reset_refuses_to_erase_real_data():
    build()
    grid = Jurisdiction.objects.filter(level=5).order_by("code").first()
    enterprise_create(actor=None, data={"name": "某真实企业有限公司"}, jurisdiction=grid)
    before = signature()
    with pytest.raises(CommandError, match="非合成"):
        build("--reset")
    assert signature() == before
    assert Enterprise.objects.filter(is_synthetic=False).count() == 1
