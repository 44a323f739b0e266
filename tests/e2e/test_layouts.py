"""Layouts in a real Chromium: on a 390 px phone the home page and 我的待办 fit the screen (no
horizontal overflow, one card per to-do, list filters folded under 筛选) for every role; at
1366 px the main lists keep their number, subject, status and deadline columns in the viewport."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]

LONG_NAME = "甲区恒昌精细化工科技股份有限公司第二生产基地（危险化学品储存分公司）"


@pytest.fixture
def busy_world(e2e_world):
    """The standing world, the remaining demo roles, and rows with long names in every main list."""
    from anjian.accidents.services import accident_report
    from anjian.accounts.models import Role
    from anjian.accounts.services import membership_grant, user_create
    from anjian.enterprises.services import enterprise_create, licence_add
    from anjian.hazards import services as hs
    from anjian.orgs.models import Sector
    from anjian.public_reports import services as ps
    from anjian.public_reports.models import Channel, ReportType
    from anjian.rules.accidents import accident_types_for
    from anjian.testing.world import PASSWORD

    w = e2e_world
    roles = {r.code: r for r in Role.objects.all()}
    # the standing world already has the hotline and hotline_lead logins (i13-privacy)
    for name, role, unit, scope in [
        ("street", "street_office", "", {"jurisdiction": w.street_a}),
        ("leader", "leader", "", {"jurisdiction": w.city}),
        ("custody", "custody", "示范安全技术服务有限公司", {"enterprise": w.ent_a}),
    ]:
        user = user_create(actor=None, username=name, password=PASSWORD, display_name=name,
                           must_change_password=False, unit_name=unit)
        membership_grant(actor=None, user=user, role=roles[role], **scope)
        w.users[name] = user
    membership_grant(actor=None, user=w.users["custody"], role=roles["custody"], enterprise=w.ent_a2)

    long_ent = enterprise_create(actor=None, data={"name": LONG_NAME, "sector": Sector.objects.get(code="26"),
                                                   "lng": 114.06, "lat": 22.06, "employees": 40})
    now = timezone.now()
    for i, ent in enumerate([long_ent, w.ent_a, w.ent_a2, long_ent]):
        h = hs.hazard_report(actor=w.user("district_a"), source="patrol", enterprise=ent,
                             category=f"储罐区可燃气体检测报警装置失效且未按规定定期检验标定{i}",
                             description="可燃气体探测器多处故障，报警信号未接入控制室", lng=114.06, lat=22.06)
        if i % 2:
            hs.hazard_confirm(actor=w.user("district_a"), hazard=h, level="major",
                              deadline=now + dt.timedelta(days=10))
    licence_add(actor=None, enterprise=w.ent_a, data={"kind": "safety_production", "number": "(甲)WH安许证字[2024]0001号",
                                                     "valid_until": timezone.localdate() + dt.timedelta(days=20)})
    for _ in range(2):
        ps.report_submit(actor=None, identity=None, idempotency_key=None, channel=Channel.PUBLIC,
                         report_type=ReportType.HAZARD, description="储罐区防火堤破损，夜间有工人违规动火作业",
                         lng=114.06, lat=22.06, address="甲区化工路 1 号 恒昌精细化工第二生产基地北门仓库",
                         enterprise=long_ent)
    accident_report(actor=None, data={
        "enterprise": long_ent, "occurred_at": now - dt.timedelta(days=2), "known_at": now - dt.timedelta(days=2),
        "reported_at": now - dt.timedelta(days=2) + dt.timedelta(minutes=30), "place": "二号罐区",
        "description": "检修作业时发生物料泄漏，一名工人中毒。", "category": "industrial_commercial",
        "type_code": accident_types_for(timezone.localdate()).types[0].code, "deaths": 1, "serious_injuries": 0, "minor_injuries": 2, "direct_loss_yuan": 500000,
        "measures": "疏散人员，关闭阀门", "reporter": "张三"})
    return w


def _overflow(page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")


def _outside(page, selector: str) -> list[str]:
    """The visible elements matching ``selector`` that reach past the viewport's right edge (a row
    of state chips, ``.aj-chips``, scrolls sideways on purpose)."""
    return page.evaluate("""(sel) => [...document.querySelectorAll(sel)]
        .filter(e => e.offsetParent !== null && !e.closest('.aj-chips')
                     && e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map(e => e.innerText.trim().slice(0, 30))""", selector)


PHONE_PERSONAS = ["city_admin", "district_a", "street", "regulator", "grid_inspector", "enterprise", "custody",
                  "hotline", "leader"]


def test_phone_home_and_inbox_fit_the_screen_for_every_role(busy_world, new_page, live_server):
    problems = []
    for persona in PHONE_PERSONAS:
        page = new_page(width=390, height=844)
        log_in(page, live_server, persona)
        for url in ("/", "/inbox/?bucket=scope"):
            page.goto(f"{live_server.url}{url}")
            scroll, client = _overflow(page)
            if scroll > client:
                problems.append(f"{persona} {url}: page is {scroll}px wide on a {client}px screen")
            cut = _outside(page, "[data-testid=inbox] tr, [data-testid=inbox] a, .aj-card, .badge")
            if cut:
                problems.append(f"{persona} {url}: clipped {cut}")
            # a to-do reads as a card: its title takes the row's width, not a two-character column
            for width in page.evaluate("""() => [...document.querySelectorAll('[data-testid=inbox-item] td:first-child')]
                    .map(td => td.getBoundingClientRect().width)"""):
                if width < 250:
                    problems.append(f"{persona} {url}: a to-do title column is only {width:.0f}px wide")
        page.context.close()
    assert problems == []


def test_the_roles_see_their_items_on_the_phone(busy_world, new_page, live_server):
    page = new_page(width=390, height=844)
    log_in(page, live_server, "district_a")
    page.goto(f"{live_server.url}/inbox/?bucket=scope")
    items = page.locator("[data-testid=inbox-item]")
    assert items.count() >= 1
    first = items.first.bounding_box()
    assert first["width"] > 300  # one full-width card per item
    page = new_page(width=390, height=844)
    log_in(page, live_server, "enterprise")
    page.goto(f"{live_server.url}/")
    card = page.locator("[data-testid=own-enterprise]")
    assert card.count() == 1 and "甲区化工有限公司" in card.inner_text()
    assert page.locator("[data-testid=fig-licences-expiring]").inner_text() == "1"
    assert "辖区内企业" not in page.content()


def test_phone_list_filters_fold_under_a_button(busy_world, new_page, live_server):
    page = new_page(width=390, height=844)
    log_in(page, live_server, "city_admin")
    for url in ("/hazards/", "/reports/", "/enterprises/", "/accidents/"):
        page.goto(f"{live_server.url}{url}")
        form = page.locator("form.aj-query")
        toggle = page.locator("[data-testid=filter-toggle]")
        assert not form.is_visible() and toggle.is_visible(), url
        assert _overflow(page)[0] <= 390, url
        toggle.click()
        assert form.is_visible() and toggle.get_attribute("aria-expanded") == "true", url
    # a filter in use is counted on the folded button
    page.goto(f"{live_server.url}/hazards/?level=major")
    assert page.locator("[data-testid=filter-toggle] .badge").inner_text() == "1"
    # on a desktop the form is simply there
    desk = new_page()
    log_in(desk, live_server, "city_admin")
    desk.goto(f"{live_server.url}/hazards/")
    assert desk.locator("form.aj-query").is_visible() and not desk.locator("[data-testid=filter-toggle]").is_visible()


# list → (table, the header texts that must stay inside the viewport)
LISTS = {
    "/hazards/": ("[data-testid=hazard-table]", ["编号", "企业/场所", "隐患", "等级", "整改期限", "状态"]),
    "/reports/": ("#pr-table table", ["查询码", "被举报单位/地点", "状态", "办理期限"]),
    "/enterprises/": ("[data-testid=enterprise-table]", ["单位名称", "风险等级"]),
    "/accidents/": ("[data-testid=accident-table]", ["发生时间", "事故单位", "等级", "死亡", "报告"]),
}


@pytest.mark.parametrize("width", [1366, 1280])
def test_main_lists_keep_their_key_columns_in_the_viewport(busy_world, new_page, live_server, width):
    page = new_page(width=width, height=900)
    log_in(page, live_server, "city_admin")
    problems = []
    for url, (table, keys) in LISTS.items():
        page.goto(f"{live_server.url}{url}")
        assert page.locator(f"{table} tbody tr").count() >= 1, url
        boxes = page.evaluate("""(t) => [...document.querySelectorAll(`${t} thead th`)]
            .filter(th => th.offsetParent !== null)
            .map(th => [th.innerText.trim(), th.getBoundingClientRect().left, th.getBoundingClientRect().right])""", table)
        shown = {text: (left, right) for text, left, right in boxes}
        for key in keys:
            if key not in shown:
                problems.append(f"{url}: {key} is hidden")
            elif shown[key][1] > width or shown[key][0] < 0:
                problems.append(f"{url}: {key} is outside the {width}px viewport at {shown[key]}")
        cut = _outside(page, f"{table} tbody td")
        if cut:
            problems.append(f"{url}: cells past the right edge {cut[:3]}")
        if _overflow(page)[0] > width:
            problems.append(f"{url}: the page scrolls sideways")
    assert problems == []


def test_main_lists_in_english_keep_status_and_deadline_in_view(busy_world, new_page, live_server):
    """English labels are longer: the status and deadline columns (``th[data-col]``) still fit."""
    page = new_page(width=1366, height=900)
    log_in(page, live_server, "city_admin")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    problems = []
    for url, (table, _keys) in LISTS.items():
        page.goto(f"{live_server.url}{url}")
        assert page.locator("html").get_attribute("lang") == "en"
        rights = page.evaluate("""(t) => [...document.querySelectorAll(`${t} thead th:first-child, ${t} thead th[data-col]`)]
            .map(th => [th.innerText.trim(), th.offsetParent !== null, th.getBoundingClientRect().right])""", table)
        assert len(rights) >= 2, url
        problems += [f"{url}: {text} ({'shown' if shown else 'hidden'}, right edge {right:.0f})"
                     for text, shown, right in rights if not shown or right > 1366]
    page = new_page(width=390, height=844)
    log_in(page, live_server, "city_admin")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    for url in ("/", "/inbox/?bucket=scope", *LISTS):
        page.goto(f"{live_server.url}{url}")
        scroll, client = _overflow(page)
        cut = _outside(page, "table tr, .aj-card, .badge")
        if scroll > client or cut:
            problems.append(f"phone {url}: {scroll}px on {client}px, clipped {cut[:3]}")
    assert problems == []
