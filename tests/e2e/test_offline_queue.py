"""The inspector's app offline (issue 21), in a real Chromium at 390 px: the service worker
registers, the manifest is valid; with the network gone a patrol record and a hazard report
(each with a photo and the GPS accuracy) are kept on the phone and listed as 待发送; when the
network returns they are sent and each is stored exactly once — also when the phone resends them
after a reload (a lost answer)."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
import time_machine
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]


def _jpeg(colour: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, format="JPEG")
    return buf.getvalue()


def _wait_kept(page, path: str) -> None:
    """Wait until the service worker holds ``path`` for offline use."""
    for _ in range(100):
        if page.evaluate("async (p) => !!(await caches.match(p, {ignoreVary: true}))", path):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"{path} not kept by the service worker")


def _wait_controlled(page) -> None:
    """Wait until the service worker controls the page. offline.js registers it on every page, so
    an install cut short (the shell fetched while the test already navigates, on a busy machine) is
    retried by the next page load, as a user's next page would: reload once if it has not come."""
    check = "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
    try:
        page.wait_for_function(check, timeout=30000)
    except PlaywrightTimeout:  # try once more after a reload
        page.reload()
        page.wait_for_function(check, timeout=60000)


def _shot(page, name: str) -> None:
    if shots := os.environ.get("ANJIAN_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)


def test_two_forms_filled_offline_are_sent_once_when_the_network_returns(
        e2e_world, chromium_browser, live_server, tmp_path, settings):
    from django.contrib.contenttypes.models import ContentType

    from anjian.documents.models import Attachment
    from anjian.grids import services as gs
    from anjian.grids.models import PatrolRecord
    from anjian.hazards.models import Hazard
    from anjian.offline.models import Submission

    settings.MEDIA_ROOT = tmp_path / "media"
    world = e2e_world
    gs.grid_staff_set(actor=None, grid=world.grid_a, user=world.user("grid_inspector"))
    with time_machine.travel(dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        tasks = gs.patrol_plan_generate(actor=None, grid=world.grid_a, start=dt.date(2026, 1, 5),
                                        end=dt.date(2026, 1, 31))
    task = next(t for t in tasks if t.enterprise == world.ent_a)

    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", permissions=["geolocation"],
        geolocation={"latitude": 22.0501, "longitude": 114.0502, "accuracy": 8},
    )
    try:
        page = context.new_page()
        page.set_default_timeout(20000)
        log_in(page, live_server, "grid_inspector")
        # installable: the manifest is linked and valid, the service worker controls the page
        page.goto(f"{live_server.url}/grids/tasks/")
        _wait_controlled(page)
        manifest = page.evaluate("""async () => {
            const href = document.querySelector("link[rel=manifest]").href;
            const r = await fetch(href); return {type: r.headers.get("Content-Type"), body: await r.json()};
        }""")
        assert manifest["type"] == "application/manifest+json"
        assert manifest["body"]["display"] == "standalone" and manifest["body"]["short_name"] == "安监巡查"
        assert {i["sizes"] for i in manifest["body"]["icons"]} >= {"192x192", "512x512"}
        assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
        page.goto(f"{live_server.url}/hazards/new/")  # visited once on line: kept for offline use
        page.goto(f"{live_server.url}/grids/patrol/{task.pk}/")
        page.wait_for_function("() => document.querySelector('[name=accuracy_m]').value === '8'")
        _wait_kept(page, f"{live_server.url}/hazards/new/")
        assert "±8 米" in page.inner_text("[data-testid=patrol-form] [data-testid=gps-accuracy]")

        # --- the network is gone -----------------------------------------------------------
        context.set_offline(True)
        page.fill("#note", "消防通道畅通，灭火器在有效期内")
        page.set_input_files("#photos", files=[{"name": "巡查.jpg", "mimeType": "image/jpeg",
                                                "buffer": _jpeg("green")}])
        page.click("[data-testid=btn-submit-patrol]")
        page.wait_for_selector("[data-testid=offline-notice]")
        assert "已保存在本机" in page.inner_text("[data-testid=offline-notice]")
        page.goto(f"{live_server.url}/hazards/new/")  # offline: the service worker's copy
        page.wait_for_function("() => document.querySelector('#id_accuracy_m').value === '8'")
        page.fill("#id_enterprise", "甲区化工有限公司")
        page.fill("#id_category", "灭火器过期")
        page.fill("#id_description", "车间灭火器过期 3 具")
        page.set_input_files("[data-testid=photos]", files=[{"name": "现场.jpg", "mimeType": "image/jpeg",
                                                              "buffer": _jpeg("orange")}])
        page.click("[data-testid=report-form] button.btn-primary")
        page.wait_for_selector("[data-testid=offline-notice]")
        page.wait_for_function("() => document.querySelector('[data-testid=offline-count]').textContent === '2'")
        assert page.is_visible("[data-testid=offline-state]")  # 离线 in the top bar
        page.goto(f"{live_server.url}/offline/")
        page.wait_for_function("() => document.querySelectorAll('[data-testid=offline-item]').length === 2")
        listed = page.inner_text("[data-testid=offline-queue]")
        assert "待发送" in listed and "±8 米" in listed and "照片 1" in listed and "甲区化工有限公司" in listed
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        _shot(page, "offline-queue-390")
        assert (PatrolRecord.objects.count(), Hazard.objects.count()) == (0, 0)
        # keep what the phone holds, to resend it later as if the server's answer had been lost
        page.evaluate("window.anjianOffline.items().then(items => { window.__kept = items; })")
        page.wait_for_function("() => window.__kept && window.__kept.length === 2")

        # --- the network returns -----------------------------------------------------------
        context.set_offline(False)
        page.wait_for_function("() => document.querySelectorAll('[data-testid=offline-item]').length === 0", timeout=30000)
        assert page.inner_text("[data-testid=offline-count]") == "0"
        assert (PatrolRecord.objects.count(), Hazard.objects.count(), Submission.objects.count()) == (1, 1, 2)
        record, hazard = PatrolRecord.objects.get(), Hazard.objects.get()
        assert (record.accuracy_m, record.note, hazard.location_accuracy_m) == (8.0, "消防通道畅通，灭火器在有效期内", 8.0)
        def names(obj):
            return [a.original_name for a in Attachment.objects.filter(
                content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))]

        assert (names(record), names(hazard)) == (["巡查.jpg"], ["现场.jpg"])

        # the phone resends both (a lost answer), reloads: replayed, never stored twice
        page.evaluate("Promise.all(window.__kept.map(i => window.anjianOffline.keep(i)))")
        page.reload()
        page.wait_for_function("() => document.querySelectorAll('[data-testid=offline-item]').length === 0", timeout=30000)
        assert (PatrolRecord.objects.count(), Hazard.objects.count(), Submission.objects.count()) == (1, 1, 2)
        assert Attachment.objects.count() == 2
    finally:
        context.close()


def test_a_conflict_is_shown_and_resolved_by_the_user(e2e_world, chromium_browser, live_server, tmp_path, settings):
    """Filled offline, the task is reassigned meanwhile: back on line the record is marked 冲突 with
    the server's message; the user edits it and sends it again (confirming), and it is stored once."""
    from anjian.grids import services as gs
    from anjian.grids.models import PatrolRecord, PatrolTask

    settings.MEDIA_ROOT = tmp_path / "media"
    world = e2e_world
    gs.grid_staff_set(actor=None, grid=world.grid_a, user=world.user("grid_inspector"))
    with time_machine.travel(dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        tasks = gs.patrol_plan_generate(actor=None, grid=world.grid_a, start=dt.date(2026, 1, 5),
                                        end=dt.date(2026, 1, 31))
    task = next(t for t in tasks if t.enterprise == world.ent_a)
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(20000)
        log_in(page, live_server, "grid_inspector")
        page.goto(f"{live_server.url}/offline/")
        _wait_controlled(page)
        page.goto(f"{live_server.url}/grids/patrol/{task.pk}/")
        _wait_kept(page, f"{live_server.url}/offline/")
        context.set_offline(True)
        page.fill("#note", "现场巡查")
        page.click("[data-testid=btn-submit-patrol]")
        page.wait_for_selector("[data-testid=offline-notice]")
        PatrolTask.objects.filter(pk=task.pk).update(inspector=world.user("city_admin"))  # reassigned meanwhile
        page.goto(f"{live_server.url}/offline/")
        page.wait_for_selector("[data-testid=offline-item][data-status=pending]")
        context.set_offline(False)
        page.wait_for_selector("[data-testid=offline-item][data-status=conflict]", timeout=30000)
        assert "该巡查任务已改派给其他网格员" in page.inner_text("[data-testid=offline-message]")
        assert PatrolRecord.objects.count() == 0
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        _shot(page, "offline-conflict-390")
        page.click("[data-testid=offline-item] button:has-text('修改')")
        page.fill("[data-testid=offline-item] textarea", "现场巡查（任务改派前已到场）")
        page.click("[data-testid=offline-resend]")
        page.wait_for_function("() => document.querySelectorAll('[data-testid=offline-item]').length === 0",
                               timeout=30000)
        record = PatrolRecord.objects.get()
        assert (record.note, record.inspector.username) == ("现场巡查（任务改派前已到场）", "grid_inspector")
        page.set_viewport_size({"width": 1366, "height": 900})
        _shot(page, "offline-queue-empty-1366")
    finally:
        context.close()
