"""The issue's must-show walk-through and the confidentiality test.

One report filed anonymously and one real-name (plus a later real-name duplicate), triage,
merge of the duplicates keeping claim order, dual-routed dispatch, handling that creates and
links a hazard through the hazards app, verification, the reward for the *first valid*
reporter with the amount from ``anjian.rules.rewards``, approval, notice and payment, the
public reply — and the reporters see only public information on the tracking page.
Then: the planted name and phone appear nowhere except the identity view for the reward role.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.core.cache import cache
from openpyxl import load_workbook
from simple_history.models import registered_models

from anjian.audit.models import Event
from anjian.core.errors import NotAllowed
from anjian.documents.models import Attachment
from anjian.inbox.models import DueItem, Notification
from anjian.inbox.services import escalate_overdue, remind_due
from anjian.public_reports import rewards as rw
from anjian.public_reports import services as ps
from anjian.public_reports.models import Report, ReportStatus, Reward, RewardStatus
from anjian.public_reports.selectors import duplicate_candidates
from anjian.rules.rewards import report_reward
from anjian.testing.world import PASSWORD

from .helpers import PLANTED_ID, PLANTED_NAME, PLANTED_PHONE, photo, verbs

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
PLANTED = (PLANTED_NAME, PLANTED_PHONE, PLANTED_ID)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _portal_submit(client, **extra) -> tuple[str, str]:
    html = client.get("/public/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    data = {"idempotency_key": key, "report_type": "hazard", "real_name": "0", "consent": "on",
            "description": "甲区化工有限公司储罐区防火堤破损，工人在罐区违规动火", "address": "甲区化工路 1 号",
            "lng": "114.0501", "lat": "22.0502", "enterprise_name": "甲区化工有限公司"}
    data.update(extra)
    resp = client.post("/public/", data)
    assert resp.status_code == 200, resp.content.decode()[:2000]
    body = resp.content.decode()
    code = re.search(r'data-testid="code">([^<]+)<', body).group(1)
    secret = re.search(r'data-testid="secret">([^<]+)<', body).group(1)
    return code, secret


def _track(client, code, secret) -> str:
    resp = client.post("/public/track/", {"code": code, "secret": secret})
    assert resp.status_code == 200
    return resp.content.decode()


def _walk(client, world):
    """File, triage, merge, dispatch, handle, verify, reward, reply. Returns the reports."""
    with time_machine.travel(T0, tick=False):
        anon = _portal_submit(client, files=[photo()])
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        client.cookies.clear()
        named = _portal_submit(client, real_name="1", name=PLANTED_NAME, phone=PLANTED_PHONE, id_number=PLANTED_ID,
                               reward_consent="on", description="化工公司罐区动火作业，防火堤有裂缝，请查处")
    with time_machine.travel(T0 + dt.timedelta(hours=5), tick=False):
        client.cookies.clear()
        later = _portal_submit(client, real_name="1", name="后来者", phone="13600000000", reward_consent="on",
                               description="化工公司罐区有人动火")
    a, b, c = (Report.objects.get(tracking_code=ps.normalise_code(x[0])) for x in (anon, named, later))
    district, regulator, city = world.user("district_a"), world.user("regulator"), world.user("city_admin")
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        found = {o.pk for o, _why in duplicate_candidates(user=regulator, report=b)}
        assert found == {a.pk, c.pk}
        ps.report_accept(actor=regulator, report=a, note="属安全生产违法行为")
        ps.report_merge(actor=regulator, report=b, into=a)
        ps.report_merge(actor=regulator, report=c, into=a)
        ps.report_add_note(actor=regulator, report=a, text="内部：该企业去年曾被处罚")
        ps.report_dispatch(actor=district, report=a, note="请应急管理局会同甲一街道核查")
    with time_machine.travel(T0 + dt.timedelta(days=10), tick=False):
        ps.report_handle(actor=regulator, report=a, note="现场检查属实，已责令停止动火", create_hazard=True,
                         hazard_category="动火作业管理", hazard_level="major",
                         hazard_description="罐区防火堤破损，存在未办理动火作业许可的动火作业",
                         hazard_description_confirmed=True)
    with time_machine.travel(T0 + dt.timedelta(days=20), tick=False):
        ps.report_verify(actor=regulator, report=a, result="substantiated", fine_yuan=Decimal(100000),
                         note="行政处罚 10 万元")
        reward = rw.reward_propose(actor=district, report=a)
        with pytest.raises(NotAllowed):
            rw.reward_approve(actor=district, reward=reward, approve=True)
        rw.reward_approve(actor=city, reward=reward, approve=True, note="同意")
        rw.reward_notify(actor=district, reward=reward)
        ps.report_reply(actor=district, report=a, text="经核查，您举报的问题属实，已依法处理。")
    with time_machine.travel(T0 + dt.timedelta(days=30), tick=False):
        rw.reward_pay(actor=district, reward=reward, paid_on=dt.date(2026, 4, 1), method="银行转账",
                      payment_ref="ZF-2026-001", receipt=[photo("receipt.jpg", "blue")])
        ps.report_close(actor=district, report=a)
    for x in (a, b, c):
        x.refresh_from_db()
    return a, b, c, anon, named, later


def test_walkthrough(client, world):
    a, b, c, anon, named, later = _walk(client, world)
    assert (a.channel, a.jurisdiction, a.department) == ("public", world.grid_a, world.ema)
    assert (a.status, b.status, c.status) == (ReportStatus.CLOSED, ReportStatus.MERGED, ReportStatus.MERGED)
    assert a.handling_due == dt.date(2026, 5, 2)  # accepted 3 March + 60 days
    hazard = a.linked
    assert hazard is not None and hazard._meta.label == "hazards.Hazard"
    assert (hazard.source, hazard.enterprise, hazard.level) == ("regulator", world.ent_a, "major")
    reward = Reward.objects.get(report=a)
    assert reward.claimant == b  # the anonymous first report cannot claim; b was before c
    assert reward.amount == report_reward(kind="violation", fine_yuan=Decimal(100000)) == Decimal(15000)
    assert (reward.status, reward.claim_deadline, reward.paid_on) == (RewardStatus.PAID, dt.date(2026, 5, 21),
                                                                       dt.date(2026, 4, 1))
    assert Attachment.objects.filter(object_id=str(a.pk), role="reward_receipt").count() == 1
    assert verbs(a) == [
        "public_report.received", "attachments_added", "public_report.accepted", "public_report.merged_in",
        "public_report.merged_in", "public_report.note", "public_report.dispatched", "public_report.handled",
        "public_report.verified", "public_report.reward_proposed", "public_report.reward_approved",
        "public_report.reward_notified", "public_report.replied", "attachments_added",
        "public_report.reward_paid", "public_report.closed",
    ]
    assert list(reward.history.order_by("history_id").values_list("history_change_reason", flat=True)) == [
        "拟定奖励", "批准奖励", "通知领取", "发放奖励"]
    assert not DueItem.objects.filter(object_id=str(a.pk), content_type__model="report", state="open").exists()
    for code, secret in (anon, named, later):
        page = _track(client, code, secret)
        assert "经核查，您举报的问题属实，已依法处理。" in page
        for hidden in ("内部：该企业", "行政处罚 10 万元", "应急管理局", "15000", PLANTED_NAME, PLANTED_PHONE):
            assert hidden not in page
    assert "已办结" in _track(client, *anon)


def _all_text_of(model) -> str:
    fields = [f.attname for f in model._meta.concrete_fields]
    return "\n".join(repr(row) for row in model.objects.values_list(*fields))


def test_confidentiality(client, world, caplog):
    caplog.set_level(logging.DEBUG)
    a, b, _c, _anon, _named, _later = _walk(client, world)
    # bad input with the planted values: the error text never repeats them
    html = client.get("/public/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    bad = client.post("/public/", {"idempotency_key": key, "report_type": "hazard", "description": "再次举报同一问题",
                                   "address": "x", "real_name": "1", "name": PLANTED_NAME, "phone": PLANTED_PHONE + "9",
                                   "consent": "on"})
    errors = re.findall(r'class="invalid-feedback[^"]*"[^>]*>([^<]*)<', bad.content.decode())
    assert errors == ["联系电话格式不正确"]
    # notifications: remind and escalate everything that could be due
    with time_machine.travel(T0 + dt.timedelta(days=200), tick=False):
        remind_due()
        escalate_overdue()
    found: dict[str, str] = {}

    def grab(label: str, text: str) -> None:
        found[label] = text

    for persona in ("regulator", "district_b", "grid_inspector", "enterprise", "city_admin", "district_a"):
        cl = client
        cl.logout()
        cl.login(username=persona, password=PASSWORD)
        for url in ("/", "/dashboard/inbox/", "/dashboard/messages/", "/reports/", "/reports/stats/",
                    f"/reports/{a.pk}/", f"/reports/{b.pk}/", "/api/v1/reports/", f"/api/v1/reports/{b.pk}",
                    "/api/v1/hazards/", "/reports/policies/"):
            resp = cl.get(url)
            grab(f"{persona} {url} {resp.status_code}", resp.content.decode(errors="replace") if hasattr(resp, "content") else "")
        if persona not in ("city_admin", "district_a"):
            resp = cl.get(f"/api/v1/reports/{b.pk}/identity")
            assert resp.status_code == 404
            grab(f"{persona} api identity", resp.content.decode())
            assert cl.get(f"/reports/{b.pk}/identity/").status_code == 404
    # exports, even for a role that may see identities
    client.logout()
    client.login(username="city_admin", password=PASSWORD)
    csv = b"".join(client.get("/reports/export.csv").streaming_content).decode("utf-8-sig")
    assert b.display_code in csv
    grab("csv", csv)
    xlsx = client.get("/reports/export.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content))
    cells = "\n".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row)
    assert b.display_code in cells
    grab("xlsx", cells)
    grab("logs", caplog.text + "\n".join(str(r.args) for r in caplog.records))
    grab("events", _all_text_of(Event))
    grab("notifications", _all_text_of(Notification))
    assert Notification.objects.count() > 0
    grab("due items", _all_text_of(DueItem))
    historical = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    assert len(historical) >= len(registered_models)
    for model in historical:
        grab(f"history {model._meta.db_table}", _all_text_of(model))
    assert b.display_code.replace("-", "") in found["history public_reports_historicalreport"]
    hazard_model = apps.get_model("hazards", "Hazard")
    grab("hazards", _all_text_of(hazard_model))
    leaks = sorted({label for label, text in found.items() for p in PLANTED if p in text})
    assert leaks == []
    # the positive control: the reward role's identity view shows it
    client.logout()
    client.login(username="district_a", password=PASSWORD)
    page = client.get(f"/reports/{b.pk}/identity/").content.decode()
    assert PLANTED_NAME in page and PLANTED_PHONE in page and PLANTED_ID in page
    assert Event.objects.filter(verb="public_report.identity_viewed", object_id=str(b.pk)).count() == 1
