"""Work reaches the person who must do it: each workflow walked step by step through the real
services, asserting at every step whose 我的待办 holds the item — exactly the unit that must act
(the street office for a hazard in its grid, the district office for a new report or accident,
the enterprise for its own rectification) — and that nobody else's does. Each step's item links
to a page that offers its owner the action that completes it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client

import anjian
from anjian.accidents import services as acs
from anjian.accounts.actions import ACTIONS
from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, user_create
from anjian.core.errors import NotAllowed, NotFoundInScope
from anjian.hazards import services as hs
from anjian.hazards.models import HazardLevel, HazardSource
from anjian.inbox import registry
from anjian.inbox.models import DueItem, DueState
from anjian.inbox.selectors import due_item_list
from anjian.orgs.models import DepartmentKind
from anjian.orgs.services import department_create
from anjian.public_reports import services as ps
from anjian.public_reports.models import Channel, ReportType, Verification
from anjian.testing.world import PASSWORD

from ..accidents.factories import report as accident_report
from ..hazards.helpers import photo

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
FULL_PLAN = {
    "targets_tasks": "消除储罐区防火堤缺陷", "methods_measures": "修补防火堤", "funds_materials": "资金已落实",
    "organisation_people": "设备部 张三", "deadline_requirements": "4月底前完成", "safety_emergency": "停用储罐，现场监护",
}
EVERYONE = ("street_a", "street_b", "district_a", "district_b", "regulator", "grid_inspector", "enterprise", "city_admin")
SEEN: set[str] = set()  # kinds whose items the walks below met (see the last test)


@pytest.fixture
def people(world):
    """The world's personas plus the two street offices (街道安办, bound to their street)."""
    for name, street in (("street_a", world.street_a), ("street_b", world.street_b)):
        user = user_create(actor=None, username=name, password=PASSWORD, display_name=name, must_change_password=False)
        membership_grant(actor=None, user=user, role=Role.objects.get(code="street_office"), jurisdiction=street)
        world.users[name] = user
    return world


def holders(world, obj) -> dict[str, str]:
    """persona → kind of the object's open item in that persona's 我的待办."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    found = {}
    for name in EVERYONE:
        for item in due_item_list(user=world.user(name)).filter(content_type=ct, object_id=str(obj.pk)):
            found[name] = item.kind
    return found


def expect(world, obj, kind: str | None, *owners: str) -> None:
    """Exactly ``owners`` hold ``kind`` for ``obj``; the item's page offers each owner the action
    that completes it (the kind's ``closed_by`` label, in a form that posts)."""
    assert holders(world, obj) == (dict.fromkeys(owners, kind) if kind else {}), kind
    if not kind:
        return
    SEEN.add(kind)
    spec = registry.get(kind)
    item = DueItem.objects.get(content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
                               object_id=str(obj.pk), kind=kind, state=DueState.OPEN)
    client = Client()
    for owner in owners:
        assert client.login(username=owner, password=PASSWORD)
        page = client.get(item.url)
        assert page.status_code == 200, (owner, item.url)
        html = page.content.decode()
        assert 'method="post"' in html, (owner, item.url)
        assert any(label in html for label in str(spec.closed_by).split("、")), (owner, kind, spec.closed_by)


def test_general_hazard_confirm_rectify_verify(people):
    w = people
    with time_machine.travel(T0, tick=False):
        h = hs.hazard_report(actor=w.user("grid_inspector"), source=HazardSource.PATROL, enterprise=w.ent_a,
                             category="消防通道堵塞", description="二号仓库消防通道堆放货物", lng=114.05, lat=22.05,
                             photos=[photo("before.jpg")])
        # The street office of the grid and the sector regulator confirm; not the grid, not the district.
        expect(w, h, "hazards.confirm", "street_a", "regulator")
        hs.hazard_confirm(actor=w.user("street_a"), hazard=h, responsible_person="李四",
                          deadline=T0 + dt.timedelta(days=5))
        expect(w, h, "hazards.rectify", "enterprise")
        hs.hazard_start_rectification(actor=w.user("enterprise"), hazard=h)
        expect(w, h, "hazards.rectify", "enterprise")
        hs.hazard_submit(actor=w.user("enterprise"), hazard=h, note="已清理", photos=[photo("after.jpg")])
        # "A hazard waiting for the street office's verification" is in the street office's 我的待办.
        expect(w, h, "hazards.verify", "street_a", "regulator")
        hs.hazard_send_back(actor=w.user("street_a"), hazard=h, note="仍有杂物")
        expect(w, h, "hazards.rectify", "enterprise")
        hs.hazard_submit(actor=w.user("enterprise"), hazard=h, note="已全部清理", photos=[photo("after2.jpg")])
        hs.hazard_write_off(actor=w.user("street_a"), hazard=h, note="验收合格")
        expect(w, h, None)


def test_major_hazard_plan_application_review(people):
    w = people
    with time_machine.travel(T0, tick=False):
        h = hs.hazard_report(actor=w.user("enterprise"), source=HazardSource.SELF_INSPECTION, enterprise=w.ent_a,
                             category="储罐区防火堤破损", description="3号储罐防火堤有裂缝", level=HazardLevel.MAJOR,
                             lng=114.05, lat=22.05)
        expect(w, h, "hazards.confirm", "street_a", "regulator")
        hs.hazard_confirm(actor=w.user("regulator"), hazard=h, responsible_person="李四")
        expect(w, h, "hazards.rectify", "enterprise")
        hs.hazard_plan_set(actor=w.user("enterprise"), hazard=h, plan=FULL_PLAN)
        hs.hazard_start_rectification(actor=w.user("enterprise"), hazard=h)
        hs.hazard_apply_writeoff(actor=w.user("enterprise"), hazard=h, note="已修复", photos=[photo("after.jpg")])
        # A 重大 hazard's on-site review is the district office's, with the sector regulator.
        expect(w, h, "hazards.review", "district_a", "regulator")
        hs.hazard_review(actor=w.user("district_a"), hazard=h, passed=True, note="现场核查通过")
        expect(w, h, "hazards.review", "district_a", "regulator")
        hs.hazard_write_off(actor=w.user("district_a"), hazard=h, note="批准销号")
        expect(w, h, None)


def test_public_report_triage_dispatch_to_street_office_handle_verify_reply(people):
    w = people
    street_office = department_create(actor=None, name="甲一街道安办", kind=DepartmentKind.STREET_OFFICE,
                                      jurisdiction=w.street_a)
    with time_machine.travel(T0, tick=False):
        r, _secret, _ = ps.report_submit(actor=None, channel=Channel.PUBLIC, report_type=ReportType.HAZARD,
                                         description="储罐区防火堤破损，夜间有工人违规动火作业", lng=114.05, lat=22.05,
                                         address="甲区化工路 1 号", enterprise=w.ent_a)
        # A new public report: the district office (and the sector regulator) receive it.
        expect(w, r, "public_reports.triage", "district_a", "regulator")
        ps.report_accept(actor=w.user("district_a"), report=r)
        expect(w, r, "public_reports.dispatch", "district_a", "regulator")
        ps.report_dispatch(actor=w.user("district_a"), report=r, department=street_office)
        # Dispatched to the street office: its 我的待办, nobody else's.
        expect(w, r, "public_reports.handle", "street_a")
        ps.report_handle(actor=w.user("street_a"), report=r, note="现场核查，责令停止动火")
        expect(w, r, "public_reports.verify", "district_a")
        ps.report_verify(actor=w.user("district_a"), report=r, result=Verification.SUBSTANTIATED, note="属实")
        expect(w, r, "public_reports.reply", "district_a")
        ps.report_reply(actor=w.user("district_a"), report=r, text="经核查属实，已责令整改")
        expect(w, r, None)


def test_fatal_accident_verify_then_raised_grade_then_investigation(people):
    w = people
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        acc = accident_report(w, actor=w.user("enterprise"))
        # A fatal accident reported by the unit: the district office must 核报 within 2 hours.
        expect(w, acc, "accidents.verify", "district_a")
        item = DueItem.objects.get(kind="accidents.verify")
        assert item.due_at == dt.datetime(2026, 3, 10, 4, 0, tzinfo=dt.UTC)
        acs.accident_verify(actor=w.user("district_a"), accident=acc, note="已核实并报市应急管理局")
        expect(w, acc, None)
        # The district recording an accident itself has nothing to 核报.
        own = accident_report(w, actor=w.user("district_a"), unit_name="甲区另一单位")
        expect(w, own, None)
    with time_machine.travel(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        acs.accident_supplement(actor=w.user("enterprise"), accident=acc, changed_on=dt.date(2026, 3, 20),
                                figures={"deaths": 3}, note="两名重伤人员经抢救无效死亡")
        # 一般 → 较大: the city must 核报 the raised grade.
        expect(w, acc, "accidents.grade_raised", "city_admin")
        acs.accident_verify(actor=w.user("city_admin"), accident=acc)
        expect(w, acc, None)
        inv = acs.investigation_open(actor=w.user("city_admin"), accident=acc, team_leader="王五")
        expect(w, inv, "accidents.investigation_report", "city_admin")


def test_verify_is_denied_to_others_and_changes_nothing(people):
    w = people
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        acc = accident_report(w, actor=w.user("grid_inspector"))
        for outsider in ("district_b", "street_a", "enterprise"):
            with pytest.raises((NotFoundInScope, NotAllowed)):  # 404 for district B, 403 for the others
                acs.accident_verify(actor=w.user(outsider), accident=acc)
        expect(w, acc, "accidents.verify", "district_a")


def test_verify_from_the_page_and_the_api(people):
    w = people
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        acc = accident_report(w, actor=w.user("enterprise"))
        client = Client()
        assert client.login(username="district_a", password=PASSWORD)
        page = client.get(f"/accidents/{acc.pk}/")
        assert 'data-testid="verify-button"' in page.content.decode()
        response = client.post(f"/accidents/{acc.pk}/verify/", {"note": "已核实"})
        assert response.status_code == 302
        assert holders(w, acc) == {}
        assert 'data-testid="verify-button"' not in client.get(f"/accidents/{acc.pk}/").content.decode()
        # The API: a second accident, 核报 by POST /api/v1/accidents/{id}/verify.
        other = accident_report(w, actor=w.user("enterprise"), unit_name="甲区第二单位")
        assert holders(w, other) == {"district_a": "accidents.verify"}
        answer = client.post(f"/api/v1/accidents/{other.pk}/verify", {"note": "已核实"}, content_type="application/json")
        assert answer.status_code == 200, answer.content
        assert holders(w, other) == {}
        again = client.post(f"/api/v1/accidents/{other.pk}/verify", {}, content_type="application/json")
        assert again.status_code >= 400


def test_sensor_alarm_is_the_enterprise_s_until_it_escalates_to_the_street(people):
    from anjian.inbox.services import escalate_overdue
    from anjian.monitoring import services as ms
    from anjian.monitoring.ingest import RawReading, ingest
    from anjian.monitoring.models import Alarm

    from ..monitoring.factories import make_sensor

    w = people
    make_sensor(w)
    with time_machine.travel(T0, tick=False):
        ingest([RawReading("GAS-1", int(T0.timestamp() * 1000), 30.0)])
        alarm = Alarm.objects.get()
        expect(w, alarm, "monitoring.alarm_ack", "enterprise")
    escalate_overdue(now=T0 + dt.timedelta(minutes=16))
    # Escalated past the grid (no office there) to the street office, copied to the sector regulator.
    assert holders(w, alarm) == dict.fromkeys(("enterprise", "street_a", "regulator"), "monitoring.alarm_ack")
    with time_machine.travel(T0 + dt.timedelta(minutes=17), tick=False):
        ms.alarm_acknowledge(actor=w.user("enterprise"), alarm=alarm, note="已到现场")
        expect(w, alarm, "monitoring.alarm_handle", "enterprise")
        ms.alarm_close(actor=w.user("enterprise"), alarm=alarm, note="处置完毕")
        expect(w, alarm, None)


def _ui_strings() -> str:
    """Every template and every translatable label of the application, as one text."""
    root = Path(anjian.__file__).parent
    parts = [p.read_text(encoding="utf-8") for p in root.glob("*/templates/**/*.html")]
    parts += [p.read_text(encoding="utf-8") for p in root.glob("*/workflow.py")]
    parts += [p.read_text(encoding="utf-8") for p in root.glob("*/services.py")]
    return "\n".join(parts)


def test_every_kind_names_the_action_that_completes_it():
    """Each to-do kind names a registered action that completes it and the label of that action
    on the item's page (a button or form of the application); the walks above check the label on
    the item's own page for every kind they meet."""
    import anjian.accidents.targets
    import anjian.enterprises.services
    import anjian.grids.services
    import anjian.monitoring.services  # noqa: F401 - each registers its kinds on import

    ui = _ui_strings()
    kinds = {code: k for code, k in registry.KINDS.items() if not code.startswith("tests.")}
    assert set(kinds) >= {
        "hazards.confirm", "hazards.rectify", "hazards.verify", "hazards.review", "hazards.referral", "hazards.listing",
        "public_reports.triage", "public_reports.dispatch", "public_reports.handle", "public_reports.verify",
        "public_reports.reply", "accidents.verify", "accidents.grade_raised", "accidents.investigation_report",
        "accidents.reply", "accidents.rectification", "accidents.target_warning", "monitoring.reassessment",
        "monitoring.alarm_ack", "monitoring.alarm_handle", "grids.patrol", "enterprises.licence_expiry",
    }
    unknown_action = {code for code, k in kinds.items() if k.action not in ACTIONS}
    assert unknown_action == set()
    no_button = {code for code, k in kinds.items()
                 if not str(k.closed_by).strip()
                 or not all(f"'{label}'" in ui or f'"{label}"' in ui for label in str(k.closed_by).split("、"))}
    assert no_button == set()


def test_migration_lifts_open_items_opened_before_office_levels(people):
    """Items opened by an older release (a hazard's confirmation owned by its grid) reach the
    street office after the upgrade; an enterprise's item keeps its grid (escalation start)."""
    import importlib

    from django.apps import apps

    w = people
    with time_machine.travel(T0, tick=False):
        h = hs.hazard_report(actor=w.user("grid_inspector"), source=HazardSource.PATROL, enterprise=w.ent_a,
                             category="消防通道堵塞", description="二号仓库消防通道堆放货物", lng=114.05, lat=22.05)
    DueItem.objects.filter(kind="hazards.confirm").update(owner_jurisdiction=w.grid_a)  # as an older release left it
    # the old fault: the grid inspector (who may not confirm) held it, the street office did not
    assert holders(w, h) == dict.fromkeys(("grid_inspector", "regulator"), "hazards.confirm")
    migration = importlib.import_module("anjian.inbox.migrations.0002_lift_open_items_to_office_units")
    migration.lift(apps, None)
    assert holders(w, h) == dict.fromkeys(("street_a", "regulator"), "hazards.confirm")
