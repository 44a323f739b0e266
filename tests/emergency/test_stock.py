"""The append-only stock ledger: a balance is always the sum of its movements, never negative,
also under parallel issues (PostgreSQL)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum
from shapely.geometry import box

from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.emergency import services
from anjian.emergency.models import Stock, StockMovement, Warehouse
from anjian.orgs.models import JurisdictionLevel
from anjian.orgs.services import jurisdiction_create


def _consistent() -> None:
    for stock in Stock.objects.all():
        total = StockMovement.objects.filter(stock=stock).aggregate(s=Sum("quantity"))["s"] or Decimal(0)
        assert stock.balance == total >= 0


@pytest.mark.django_db
def test_ledger_movements_and_scope(world):
    district = world.user("district_a")
    wh1 = services.warehouse_create(actor=district, name="甲区物资库", jurisdiction=world.district_a, lng=114.1, lat=22.1)
    wh2 = services.warehouse_create(actor=district, name="甲一街道物资点", jurisdiction=world.street_a)
    services.stock_receive(actor=district, warehouse=wh1, material="吸附棉", quantity=10, unit="包", minimum=5)
    services.stock_issue(actor=district, warehouse=wh1, material="吸附棉", quantity=3)
    services.stock_transfer(actor=district, source=wh1, destination=wh2, material="吸附棉", quantity=2)
    services.stock_count(actor=district, warehouse=wh1, material="吸附棉", counted=4)
    s1 = Stock.objects.get(warehouse=wh1)
    assert s1.balance == 4 and s1.below_minimum
    assert list(StockMovement.objects.filter(stock=s1).order_by("id").values_list("kind", "quantity")) == [
        ("receipt", 10), ("issue", -3), ("transfer_out", -2), ("count", -1)]
    assert Stock.objects.get(warehouse=wh2).balance == 2
    _consistent()
    with pytest.raises(DomainError):
        services.stock_issue(actor=district, warehouse=wh1, material="吸附棉", quantity=5)
    assert Stock.objects.get(pk=s1.pk).balance == 4
    # another district's warehouse is absent; moving stock into it is refused
    wh_b = services.warehouse_create(actor=world.user("district_b"), name="乙区物资库", jurisdiction=world.district_b)
    with pytest.raises(NotFoundInScope):
        services.stock_issue(actor=district, warehouse=wh_b, material="吸附棉", quantity=1)
    with pytest.raises(NotAllowed):
        services.stock_transfer(actor=district, source=wh1, destination=wh_b, material="吸附棉", quantity=1)
    # an enterprise sees its own warehouse only
    with pytest.raises(NotFoundInScope):
        services.stock_receive(actor=world.user("enterprise"), warehouse=wh1, material="吸附棉", quantity=1)
    assert Stock.objects.get(pk=s1.pk).balance == 4
    assert not Stock.objects.filter(warehouse=wh_b).exists()
    _consistent()


@pytest.mark.django_db(transaction=True)
def test_parallel_issues_never_overdraw_or_lose_a_movement():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is exercised on PostgreSQL (SQLite serialises writers)")
    city = jurisdiction_create(actor=None, code="980100", name="并发市", level=JurisdictionLevel.CITY, parent=None,
                               geometry=box(100, 20, 101, 21), is_synthetic=True)
    wh = Warehouse.objects.create(name="并发库", jurisdiction=city)
    services.stock_receive(actor=None, warehouse=wh, material="防毒面具", quantity=30, unit="个")
    ok: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(6):
                try:
                    services.stock_issue(actor=None, warehouse=wh, material="防毒面具", quantity=1)
                    ok.append(1)
                except DomainError:
                    refused.append(1)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(ok) == 30 and len(refused) == 18
    stock = Stock.objects.get(warehouse=wh)
    assert stock.balance == 0
    assert StockMovement.objects.filter(stock=stock).count() == 31
    _consistent()
