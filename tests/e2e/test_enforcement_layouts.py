"""Enforcement pages in Chromium on a phone (390 px, an inspector on site) and a desktop (1366 px):
nothing scrolls sideways, the main controls are on screen."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]


def _rows(world):
    from anjian.enforcement import services
    from anjian.enforcement.models import Disposition

    reg = world.users["regulator"]
    a = services.inspector_add(actor=None, department=world.ema, name="张执法", cert_no="E2E-1", user=reg)
    b = services.inspector_add(actor=None, department=world.ema, name="李执法", cert_no="E2E-2")
    insp = services.inspection_start(actor=reg, department=world.ema, enterprise=world.ent_a, inspectors=[a, b])
    services.finding_add(actor=reg, inspection=insp, description="未按规定对安全设备进行经常性维护、保养",
                         disposition=Disposition.VIOLATION, legal_basis="《安全生产法》第三十六条第二款")
    case = services.case_file(actor=reg, department=world.ema, enterprise=world.ent_a,
                              cause="未对安全设备进行经常性维护", facts="储罐区可燃气体报警器未投用",
                              inspection=insp, findings=list(insp.findings.all()))
    open_insp = services.inspection_start(actor=reg, department=world.ema, enterprise=world.ent_a, inspectors=[a, b])
    plan = services.plan_generate(actor=reg, department=world.ema, jurisdiction=world.city, year=2027)
    matter = services.matter_add(actor=reg, department=world.ema, name="危险化学品企业安全生产条件", basis="安全生产法第六十二条")
    draw = services.draw_run(actor=reg, department=world.ema, jurisdiction=world.city, matter=matter, ratio_percent=100)
    services.draw_publish(actor=reg, draw=draw)
    services.credit_list(actor=reg, enterprise=world.ent_a, kind="bad", decision_number="示应急失信〔2026〕1号",
                         authority="示范市应急管理局", reason="发生较大生产安全责任事故，受到行政处罚",
                         listed_on=dt.date.today() - dt.timedelta(days=30))
    rows = {"credit": "/enforcement/credit/", "public_draws": "/public/draws/", "start_pick": f"/enforcement/inspections/new/?draw_pick={draw.picks.first().pk}"}
    import contextlib

    from django.utils import timezone

    from anjian.core.errors import DomainError
    from anjian.rules import enforcement as rules
    from anjian.rules.workdays import HolidayDataMissing

    # the hearing needs this year's holiday data (the suite also runs with the clock a year ahead)
    with contextlib.suppress(HolidayDataMissing, DomainError):
        hearing = services.case_file(actor=reg, department=world.ema, enterprise=world.ent_a, cause="未如实记录安全生产教育和培训情况")
        services.case_notify(actor=reg, case=hearing, facts="未如实记录安全生产教育和培训情况", legal_basis="《安全生产法》第二十八条",
                             penalty_basis="《安全生产法》第九十七条第（四）项", penalty_kind="fine", proposed_fine=60000)
        services.case_respond(actor=world.users["enterprise"], case=hearing, statement="", hearing_requested=True)
        day = rules.hearing_earliest(timezone.localdate())
        services.case_hearing_notice(actor=reg, case=hearing, place="示范区应急管理局第一会议室", host="孙法制",
                                     hearing_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30))))
        rows["hearing"] = f"/enforcement/cases/{hearing.pk}/"
    return rows | {
        "case": f"/enforcement/cases/{case.pk}/", "cases": "/enforcement/cases/",
        "inspection": f"/enforcement/inspections/{open_insp.pk}/", "inspections": "/enforcement/inspections/",
        "start": "/enforcement/inspections/new/", "plan": f"/enforcement/plans/{plan.pk}/",
        "plans": "/enforcement/plans/", "draw": f"/enforcement/draws/{draw.pk}/", "draws": "/enforcement/draws/",
        "settings": "/enforcement/settings/",
    }


@pytest.mark.parametrize("width", [390, 1366])
def test_enforcement_pages_fit(e2e_world, new_page, live_server, width):
    rows = _rows(e2e_world)
    page = new_page(width=width, height=844 if width == 390 else 900)
    log_in(page, live_server, "regulator")
    shots = os.environ.get("ANJIAN_SCREENSHOTS")
    for name, url in rows.items():
        page.goto(f"{live_server.url}{url}")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), \
            f"{name} scrolls sideways at {width}px"
        if shots:
            page.screenshot(path=f"{shots}/enforcement-{name}-{width}.png", full_page=True)
    page.goto(f"{live_server.url}{rows['inspection']}")
    assert page.locator("[data-testid=add-finding]").is_visible()
    page.goto(f"{live_server.url}{rows['case']}")
    assert page.locator("[data-testid=step-notify]").is_visible()
    if "hearing" in rows:
        page.goto(f"{live_server.url}{rows['hearing']}")
        assert page.locator("[data-testid=step-hearing_record]").count() == 1


@pytest.mark.parametrize("width", [390, 1366])
def test_rule_set_editor_on_a_phone_and_a_desktop(e2e_world, new_page, live_server, width):
    """The 分类分级规则 editor fits both widths; with JavaScript a row is added, moved up and saved,
    another removed — the stored order is the one on screen."""
    from anjian.enforcement.models import ClassificationRule
    from anjian.enforcement.services import DEFAULT_RULES

    page = new_page(width=width, height=844 if width == 390 else 900)
    log_in(page, live_server, "regulator")
    page.goto(f"{live_server.url}/enforcement/rules/")
    assert page.locator("[data-testid=rule-row]").count() == len(DEFAULT_RULES) + 1  # one blank row
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), \
        f"the rule editor scrolls sideways at {width}px"
    shots = os.environ.get("ANJIAN_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/enforcement-rules-{width}.png", full_page=True)
    page.locator("[data-testid=rule-add]").click()
    rows = page.locator("[data-testid=rule-row]")
    rows.nth(rows.count() - 1).evaluate("el => { el.dataset.mark = 'new'; }")
    new = page.locator("[data-mark=new]")  # a stable handle while the row moves
    new.locator("input[name$='-label']").fill("重点企业·新增")
    new.locator("select[name$='-klass']").select_option("C")
    new.locator("input[name$='-quota']").fill("5")
    new.locator("input[name$='-risk_colours'][value=red]").check()
    for _ in range(rows.count() - 1):  # to the top
        new.locator("[data-rule-up]").click()
    rows.nth(1).locator("input[name$='-DELETE']").check()  # the first default row, now second, goes
    page.fill("textarea[name=note]", "新增重点企业规则")
    page.locator("[data-testid=rules-save]").click()
    page.wait_for_url("**/enforcement/rules/?department=*")
    stored = list(ClassificationRule.objects.order_by("order").values_list("label", flat=True))
    assert stored[0] == "重点企业·新增" and DEFAULT_RULES[0]["label"] not in stored
    assert stored[1:] == [r["label"] for r in DEFAULT_RULES[1:]]


@pytest.mark.parametrize("width", [390, 1366])
def test_enforcement_settings_saved_in_the_browser(e2e_world, new_page, live_server, width):
    """执法设置 on a phone and a desktop: the city office enters its province's 较大数额 and the
    document they come from; the page shows them, in yuan, with the change on the timeline."""
    from anjian.enforcement.models import Policy

    page = new_page(width=width, height=844 if width == 390 else 900)
    log_in(page, live_server, "city_admin")
    page.goto(f"{live_server.url}/enforcement/settings/")
    assert page.locator("[data-testid=policy-defaults]").is_visible()
    page.fill("input[name=hearing_fine_individual]", "10000")
    page.fill("input[name=hearing_fine_organisation]", "30000")
    page.fill("input[name=hearing_fine_basis]", "本省行政处罚听证较大数额标准第二条")
    page.locator("[data-testid=policy-form] button.btn-primary").click()
    page.wait_for_url("**/enforcement/settings/")
    assert page.locator(".alert-success, .alert-info").first.is_visible()
    assert page.locator("[data-testid=policy-defaults]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shots = os.environ.get("ANJIAN_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/enforcement-settings-saved-{width}.png", full_page=True)
    row = Policy.objects.get()
    assert (row.hearing_fine_individual, row.hearing_fine_organisation) == (10000, 30000)
    assert "修改" in page.content()
