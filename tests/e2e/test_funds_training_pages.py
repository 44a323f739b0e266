"""The funds and training pages at a phone's width (390 px) and a desktop's (1366 px): they
render, nothing but the tables scrolls sideways, and the phone sign-in works on a phone."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal as D

import pytest
from django.utils import timezone

from anjian.funds import services as fs
from anjian.funds.models import TechKind
from anjian.training import services as ts
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("ANJIAN_SCREENSHOTS", "")


def _data(world):
    line = fs.line_create(actor=world.users["district_a"], owner=world.district_a, year=timezone.localdate().year, code="A1",
                          name="区级隐患治理", amount=D(1_000_000))
    alloc = fs.allocation_create(actor=world.users["district_a"], line=line, jurisdiction=world.district_a,
                                 project="燃气报警器安装补助", amount=D(600_000))
    fs.spending_record(actor=world.users["district_a"], allocation=alloc, spent_on=timezone.localdate(), amount=D(120_000),
                       voucher_no="记-0001", purpose="采购可燃气体报警器", payee="燃气安全设备公司")
    fs.cost_year_save(actor=world.users["enterprise"], enterprise=world.ent_a, year=timezone.localdate().year,
                      regime="hazardous_goods", category="", base=D(80_000_000), extracted=D(1_500_000))
    fs.installation_add(actor=world.users["enterprise"], enterprise=world.ent_a, kind=TechKind.GAS_ALARM,
                        installed_on=timezone.localdate())
    worker = ts.trainee_save(actor=world.users["enterprise"], name="李工", role="worker", group="worker",
                             enterprise=world.ent_a, phone="13800000002")
    now = timezone.now()
    s = ts.session_create(actor=world.users["district_a"], title="危险化学品企业从业人员安全培训", hours=D(8), place="区应急管理局",
                          starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=4),
                          jurisdiction=world.district_a)
    ts.session_enrol(actor=world.users["district_a"], session=s, trainees=[worker])
    return line, s


PAGES = ["/funds/", "/funds/lines/{line}/", "/funds/costs/", "/funds/custody/", "/funds/tech/", "/training/",
         "/training/sessions/{session}/", "/training/trainees/", "/training/certificates/", "/training/activities/"]


@pytest.mark.parametrize("width", [390, 1366])
def test_pages_fit_the_screen(e2e_world, new_page, live_server, width):
    line, session = _data(e2e_world)
    page = new_page(width=width)
    log_in(page, live_server, "district_a")
    for path in PAGES:
        url = path.format(line=line.pk, session=session.pk)
        resp = page.goto(f"{live_server.url}{url}")
        assert resp.status == 200, url
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{url} scrolls sideways by {overflow}px at {width}px"
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{width}{url.replace('/', '_')}.png", full_page=True)


def test_phone_sign_in(e2e_world, new_page, live_server):
    _line, session = _data(e2e_world)
    page = new_page(width=390, height=844)
    page.goto(f"{live_server.url}/training/sign/{session.sign_code}/")
    page.fill("#id_phone", "13800000002")
    page.click("[data-testid=btn-sign]")
    page.wait_for_selector("[data-testid=signed]")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/390_sign.png", full_page=True)
    assert session.attendances.get().signed_by_phone
