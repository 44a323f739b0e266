"""Duty rosters (值班表, 应急条例 Art. 14): shifts of an office or a department, no overlaps, the
phone page "who is on duty now", the export and the API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from anjian.core.errors import DomainError, NotAllowed
from anjian.emergency import services
from anjian.emergency.models import DutyShift
from anjian.emergency.selectors import on_duty_now

pytestmark = pytest.mark.django_db


def _at(hours: float) -> dt.datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=hours)


@pytest.fixture
def roster(world):
    a = services.duty_shift_create(actor=world.user("district_a"), jurisdiction=world.district_a, starts_at=_at(-2),
                                   ends_at=_at(10), leader="李副区长", leader_phone="13800000001", officer="王值班",
                                   officer_phone="0755-11111111")
    services.duty_shift_create(actor=world.user("district_a"), jurisdiction=world.district_a, starts_at=_at(10),
                               ends_at=_at(34), leader="赵副区长", officer="钱值班", officer_phone="0755-22222222")
    b = services.duty_shift_create(actor=world.user("district_b"), jurisdiction=world.district_b, starts_at=_at(-1),
                                   ends_at=_at(5), leader="乙区领导", officer="孙值班", officer_phone="0755-33333333")
    dept = services.duty_shift_create(actor=world.user("regulator"), jurisdiction=None, department=world.ema,
                                      starts_at=_at(-3), ends_at=_at(3), leader="局领导", officer="周值班",
                                      officer_phone="0755-44444444")
    return {"a": a, "b": b, "dept": dept}


def test_no_overlap_and_refusals(world, roster):
    n = DutyShift.objects.count()
    with pytest.raises(DomainError) as exc:
        services.duty_shift_create(actor=world.user("district_a"), jurisdiction=world.district_a, starts_at=_at(9),
                                   ends_at=_at(12), leader="x", officer="y", officer_phone="1")
    assert "重叠" in exc.value.zh
    with pytest.raises(DomainError):
        services.duty_shift_create(actor=world.user("district_a"), jurisdiction=world.district_a, starts_at=_at(50),
                                   ends_at=_at(49), leader="x", officer="y", officer_phone="1")
    with pytest.raises(NotAllowed):  # another district's roster
        services.duty_shift_create(actor=world.user("district_a"), jurisdiction=world.district_b, starts_at=_at(50),
                                   ends_at=_at(60), leader="x", officer="y", officer_phone="1")
    assert DutyShift.objects.count() == n
    # another unit may hold the same hours
    services.duty_shift_create(actor=world.user("city_admin"), jurisdiction=world.city, starts_at=_at(9),
                               ends_at=_at(12), leader="市领导", officer="吴值班", officer_phone="0755-55555555")


def test_who_is_on_duty_now(world, roster):
    now = timezone.now()
    assert [s.officer for s in on_duty_now(user=world.user("district_a"), at=now)] == ["王值班"]
    assert {s.officer for s in on_duty_now(user=world.user("city_admin"), at=now)} == {"王值班", "孙值班", "周值班"}
    assert [s.officer for s in on_duty_now(user=world.user("district_a"), at=_at(11))] == ["钱值班"]
    assert {s.officer for s in on_duty_now(user=world.user("regulator"), at=now)} >= {"周值班"}


def test_phone_page_export_and_api(world, login, roster):
    client = login("district_a")
    page = client.get("/emergency/duty/now/").content.decode()
    assert 'href="tel:0755-11111111"' in page and "李副区长" in page and "孙值班" not in page
    week = client.get("/emergency/duty/").content.decode()
    assert "钱值班" in week and "孙值班" not in week
    export = client.get("/emergency/duty/export.xlsx")
    assert export.status_code == 200
    import openpyxl  # heavy optional library: imported on use

    wb = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    cells = [[c.value for c in row] for row in wb.active.iter_rows()]
    assert cells[0][:4] == ["值班单位", "开始时间", "结束时间", "带班领导"]
    assert sorted(r[5] for r in cells[1:]) == ["王值班", "钱值班"]
    api = login("district_b").get("/api/v1/emergency/duty/now").json()
    assert [r["officer"] for r in api] == ["孙值班"]
    client = login("district_a")  # the login fixture re-uses one client: back to district A
    made = client.post("/api/v1/emergency/duty", {
        "jurisdiction_code": "990101", "starts_at": _at(40).isoformat(), "ends_at": _at(50).isoformat(),
        "leader": "甲区领导", "officer": "郑值班", "officer_phone": "0755-6"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["unit_name"] == "甲区"
    clash = client.post("/api/v1/emergency/duty", {
        "jurisdiction_code": "990101", "starts_at": _at(45).isoformat(), "ends_at": _at(55).isoformat(),
        "leader": "x", "officer": "y", "officer_phone": "1"}, content_type="application/json")
    assert clash.status_code == 400 and DutyShift.objects.filter(officer="y").count() == 0


def test_form_and_denials(world, login, roster):
    n = DutyShift.objects.count()
    assert login("grid_inspector").get("/emergency/duty/new/").status_code in (403, 404)
    assert login("grid_inspector").post(f"/emergency/duty/{roster['a'].pk}/delete/", {"reason": "x"}).status_code in (403, 404)
    assert login("district_b").post(f"/emergency/duty/{roster['a'].pk}/delete/", {"reason": "x"}).status_code == 404
    assert DutyShift.objects.count() == n
    client = login("district_a")
    start = timezone.localtime(_at(60))
    resp = client.post("/emergency/duty/new/", {"jurisdiction": world.district_a.pk, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                                                "ends_at": (start + dt.timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M"),
                                                "leader": "甲区领导", "officer": "冯值班", "officer_phone": "0755-7"})
    assert resp.status_code == 302 and DutyShift.objects.filter(officer="冯值班").exists()
    assert client.post(f"/emergency/duty/{roster['a'].pk}/delete/", {"reason": "调班"}).status_code == 302
    assert not DutyShift.objects.filter(pk=roster["a"].pk).exists()
