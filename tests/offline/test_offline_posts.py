"""The phone's form posts are stored once per key (issue 21): a replay answers the first result,
another user's same key is another submission, and a changed world answers a 409 conflict with
both messages and what to resend. Also the installable app: manifest, service worker, queue page."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.utils import timezone
from PIL import Image

from anjian.documents.models import Attachment
from anjian.enforcement import services as es
from anjian.enforcement.models import Finding, InspectionStatus
from anjian.enterprises.services import enterprise_update
from anjian.grids.models import PatrolRecord, PatrolTask
from anjian.grids.services import enterprise_version
from anjian.hazards.models import Hazard
from anjian.offline.models import Submission
from anjian.offline.services import MAX_AGE, captured_time, namespaced_key, submit_once
from anjian.offline.views import SHELL
from anjian.public_reports.services import submission_key
from tests.enforcement.helpers import inspectors

pytestmark = pytest.mark.django_db
Q = {"HTTP_X_ANJIAN_OFFLINE": "1"}  # the offline queue's header: JSON answers


def _photo(name: str = "现场.jpg") -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), "orange").save(buf, format="JPEG")
    buf.seek(0)
    buf.name = name
    return buf


def _hazard(key: str, **extra):
    return {"idempotency_key": key, "captured_at": "", "enterprise": "甲区化工有限公司", "source": "patrol",
            "level": "general", "category": "灭火器过期", "description": "车间灭火器过期 3 具",
            "lng": "114.0501", "lat": "22.0502", "accuracy_m": "12", "photos": _photo(), **extra}


# --- hazard report --------------------------------------------------------------------------


def test_the_same_users_replay_stores_one_hazard_and_answers_the_first(login, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login("grid_inspector")
    first = client.post("/hazards/new/", _hazard("k-1"), **Q)
    again = client.post("/hazards/new/", _hazard("k-1"), **Q)
    native = client.post("/hazards/new/", _hazard("k-1"))  # the page itself, without the queue's header
    h = Hazard.objects.get()
    assert first.status_code == 200 and first.json() == {"ok": True, "url": f"/hazards/{h.pk}/", "replayed": False}
    assert again.json() == {"ok": True, "url": f"/hazards/{h.pk}/", "replayed": True}
    assert native.status_code == 302 and native["Location"] == f"/hazards/{h.pk}/"
    assert (h.location_accuracy_m, Submission.objects.count()) == (12.0, 1)
    assert Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Hazard), object_id=str(h.pk)).count() == 1


def test_another_users_same_key_is_another_submission(login, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = login("grid_inspector").post("/hazards/new/", _hazard("shared-key"), **Q).json()
    b = login("district_a").post("/hazards/new/", _hazard("shared-key"), **Q).json()
    assert a["replayed"] is False and b["replayed"] is False and a["url"] != b["url"]
    rows = Hazard.objects.order_by("pk")
    assert [h.created_by.username for h in rows] == ["grid_inspector", "district_a"]
    # the stored key names neither user's text: a hash namespaced by form and user
    assert Submission.objects.filter(key__in=[namespaced_key("hazards.report", world.user(u), "shared-key")
                                              for u in ("grid_inspector", "district_a")]).count() == 2


def test_a_refused_hazard_answers_both_messages_and_stores_nothing(login, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login("grid_inspector")
    r = client.post("/hazards/new/", _hazard("k-2", enterprise="不存在的企业"), **Q)
    assert r.status_code == 422 and "所选项不存在或不在您的管辖范围内" in r.json()["error"]
    long_key = client.post("/hazards/new/", _hazard("k" * 129), **Q)
    assert long_key.status_code == 400 and long_key.json()["error_en"].startswith("The idempotency key is too long")
    assert (Hazard.objects.count(), Submission.objects.count()) == (0, 0)
    ok = client.post("/hazards/new/", _hazard("k-2"), **Q)  # the same key, corrected: stored now
    assert ok.json()["replayed"] is False and Hazard.objects.count() == 1


def test_the_captured_time_is_kept_but_never_in_the_future(login, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login("grid_inspector")
    earlier = timezone.now() - dt.timedelta(hours=3)
    client.post("/hazards/new/", _hazard("t-1", captured_at=earlier.isoformat()), **Q)
    client.post("/hazards/new/", _hazard("t-2", captured_at=(timezone.now() + dt.timedelta(days=2)).isoformat()), **Q)
    old = client.post("/hazards/new/", _hazard("t-3", captured_at=(timezone.now() - dt.timedelta(days=40)).isoformat()),
                      **Q)
    first, second = Hazard.objects.order_by("pk")
    assert abs((first.found_at - earlier).total_seconds()) < 1
    assert second.found_at <= timezone.now() and timezone.now() - second.found_at < dt.timedelta(minutes=1)
    assert old.status_code == 400 and "30 天" in old.json()["error"] and Hazard.objects.count() == 2


def test_captured_time_rules():
    now = dt.datetime(2026, 5, 1, 4, 0, tzinfo=dt.UTC)
    assert captured_time("2026-05-01T12:30:00+08:00", now=now) == now  # 04:30 UTC, after now: clamped
    assert captured_time("2026-05-01T11:00:00+08:00", now=now) == dt.datetime(2026, 5, 1, 3, 0, tzinfo=dt.UTC)
    assert captured_time("2026-05-01T11:00:00", now=now) is None  # no offset: the server's time
    assert captured_time("not a time", now=now) is None and captured_time("", now=now) is None
    assert captured_time((now - MAX_AGE + dt.timedelta(minutes=1)).isoformat(), now=now) is not None


def test_public_reports_keep_their_key_derivation(world):
    user = world.user("hotline")
    assert submission_key(channel="hotline", actor=user, idempotency_key="abc") == namespaced_key("hotline", user, "abc")
    assert submission_key(channel="web", actor=None, idempotency_key=" ") is None


# --- patrol ---------------------------------------------------------------------------------


def _patrol(task, key: str, **extra):
    page_inspector = str(task.inspector_id or "")
    from_page = {"task_inspector": page_inspector, "enterprise_stamp": _stamp(task)}
    return {"idempotency_key": key, "lng": "114.0502", "lat": "22.0501", "accuracy_m": "9", "q0": "ok",
            "note": "通道畅通", **from_page, **extra}


def _stamp(task):
    return enterprise_version(task.enterprise)


def test_a_patrol_replayed_after_its_task_closed_answers_the_first_record(login, task, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login("grid_inspector")
    data = _patrol(task, "p-1")
    first = client.post(f"/grids/patrol/{task.pk}/", {**data, "photos": _photo()}, **Q).json()
    again = client.post(f"/grids/patrol/{task.pk}/", {**data, "photos": _photo()}, **Q).json()
    record = PatrolRecord.objects.get()
    assert first == {"ok": True, "url": f"/grids/records/{record.pk}/", "replayed": False}
    assert again == {"ok": True, "url": f"/grids/records/{record.pk}/", "replayed": True}
    assert (record.accuracy_m, PatrolTask.objects.get(pk=task.pk).status) == (9.0, "done")
    # a second form (another key) for the closed task is a conflict, stored nowhere
    other = client.post(f"/grids/patrol/{task.pk}/", _patrol(task, "p-2"), **Q)
    assert other.status_code == 409 and other.json()["error"] == "该巡查任务已办结，本记录未保存"
    assert other.json()["error_en"].startswith("The patrol task is already closed")
    assert PatrolRecord.objects.count() == 1


def test_a_reassigned_task_is_a_conflict_until_the_user_confirms(login, world, task):
    client = login("grid_inspector")
    data = _patrol(task, "p-3")
    PatrolTask.objects.filter(pk=task.pk).update(inspector=world.user("city_admin"))  # reassigned meanwhile
    r = client.post(f"/grids/patrol/{task.pk}/", data, **Q)
    assert r.status_code == 409
    body = r.json()
    assert "已改派" in body["error"] and "reassigned" in body["error_en"]
    assert body["accept"] == {"task_inspector": str(world.user("city_admin").pk)}
    assert PatrolRecord.objects.count() == 0 and Submission.objects.count() == 0
    ok = client.post(f"/grids/patrol/{task.pk}/", {**data, **body["accept"]}, **Q)  # 核对后重新发送
    assert ok.status_code == 200 and ok.json()["replayed"] is False and PatrolRecord.objects.count() == 1


def test_a_changed_enterprise_is_a_conflict(login, world, task):
    client = login("grid_inspector")
    data = _patrol(task, "p-4")
    enterprise_update(actor=world.user("city_admin"), enterprise=world.ent_a, data={"address": "示范市甲区新址 1 号"},
                      reason="地址变更")
    r = client.post(f"/grids/patrol/{task.pk}/", data, **Q)
    assert r.status_code == 409 and "企业信息已于" in r.json()["error"] and "enterprise" in r.json()["error_en"]
    assert PatrolRecord.objects.count() == 0
    world.ent_a.refresh_from_db()
    assert r.json()["accept"] == {"enterprise_stamp": _stamp(PatrolTask.objects.get(pk=task.pk))}
    assert client.post(f"/grids/patrol/{task.pk}/", {**data, **r.json()["accept"]}, **Q).status_code == 200
    assert PatrolRecord.objects.count() == 1


def test_the_patrol_page_without_the_queue_still_redirects(login, task):
    r = login("grid_inspector").post(f"/grids/patrol/{task.pk}/", _patrol(task, "p-5"))
    assert r.status_code == 302 and r["Location"] == f"/grids/records/{PatrolRecord.objects.get().pk}/"


def test_another_user_cannot_replay_into_a_patrol(login, task):
    login("grid_inspector").post(f"/grids/patrol/{task.pk}/", _patrol(task, "p-6"), **Q)
    r = login("district_b").post(f"/grids/patrol/{task.pk}/", _patrol(task, "p-6"), **Q)
    assert r.status_code == 404 and PatrolRecord.objects.count() == 1  # out of scope: not the first result


# --- inspection finding ---------------------------------------------------------------------


@pytest.fixture
def insp(world):
    officers = inspectors(world)
    return es.inspection_start(actor=world.users["regulator"], department=world.ema, enterprise=world.ent_a,
                               inspectors=list(officers[:2]))


def _finding(key: str, **extra):
    return {"idempotency_key": key, "description": "配电箱前堆放杂物", "disposition": "violation", "lng": "114.05",
            "lat": "22.05", "accuracy": "15", **extra}


def test_a_finding_is_stored_once_with_its_accuracy_and_time(login, insp, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login("regulator")
    when = max(timezone.now() - dt.timedelta(minutes=20), insp.started_at)
    url = f"/enforcement/inspections/{insp.pk}/finding/"
    first = client.post(url, {**_finding("f-1", captured_at=when.isoformat()), "photos": _photo()}, **Q)
    again = client.post(url, {**_finding("f-1", captured_at=when.isoformat()), "photos": _photo()}, **Q)
    f = Finding.objects.get()
    assert first.json() == {"ok": True, "url": f"/enforcement/inspections/{insp.pk}/", "replayed": False}
    assert again.json()["replayed"] is True
    assert (f.accuracy_m, abs((f.created_at - when).total_seconds()) < 1) == (15.0, True)
    page = client.get(f"/enforcement/inspections/{insp.pk}/").content.decode()
    assert "±15 米" in page


def test_a_finding_for_a_finished_inspection_is_a_conflict(login, world, insp):
    es.inspection_complete(actor=world.users["regulator"], inspection=insp, content="检查完毕")
    r = login("regulator").post(f"/enforcement/inspections/{insp.pk}/finding/", _finding("f-2"), **Q)
    assert r.status_code == 409 and r.json()["error"] == "检查已结束" and r.json()["error_en"] == "The inspection is finished"
    assert Finding.objects.count() == 0 and insp.__class__.objects.get(pk=insp.pk).status == InspectionStatus.DONE


# --- the installable app --------------------------------------------------------------------


def test_the_service_worker_is_served_from_the_root(client):
    r = client.get("/sw.js")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/" and r["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in r["Content-Security-Policy"]
    body = r.content.decode()
    assert '"/static/offline/offline.js"' in body and '"/grids/patrol/"' in body
    for path in SHELL:  # the shell it caches on install exists (one missing file fails the install)
        assert finders.find(path), path
        assert f'"/static/{path}"' in body


def test_the_manifest_is_installable(client):
    r = client.get("/manifest.webmanifest")
    m = json.loads(r.content)
    assert r["Content-Type"] == "application/manifest+json"
    assert m["name"] and m["short_name"] == "安监巡查" and m["display"] == "standalone"
    assert m["start_url"].startswith("/") and m["scope"] == "/"
    sizes = {i["sizes"]: i for i in m["icons"] if i["type"] == "image/png" and i.get("purpose") == "any"}
    for size in ("192x192", "512x512"):
        path = finders.find(sizes[size]["src"].removeprefix("/static/"))
        with Image.open(path) as img:
            assert f"{img.width}x{img.height}" == size


QUEUE = {"grid_inspector": 200, "regulator": 200, "district_a": 200, "hotline": 404, "anonymous": 302}


@pytest.mark.parametrize("who", list(QUEUE))
def test_the_queue_page_matrix(login, who):
    client = login(who)
    r = client.get("/offline/")
    assert r.status_code == QUEUE[who]
    if r.status_code == 200:
        page = r.content.decode()
        assert 'data-testid="offline-queue"' in page and 'href="/offline/"' in page  # menu and top bar
        assert 'rel="manifest"' in page and "/static/offline/offline.js" in page


def test_a_finding_from_someone_who_may_not_inspect_changes_nothing(login, insp):
    url = f"/enforcement/inspections/{insp.pk}/finding/"
    assert login("district_b").post(url, _finding("f-3"), **Q).status_code == 404  # out of scope
    r = login("enterprise").post(url, _finding("f-3"), **Q)  # sees its inspection, may not record it
    assert r.status_code == 403 and r.json()["error"] == "您无权记录该检查"
    assert (Finding.objects.count(), Submission.objects.count()) == (0, 0)


def test_the_pages_own_submit_keeps_its_message_and_the_background_queue_does_not(login, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login("grid_inspector")
    direct = client.post("/hazards/new/", _hazard("m-1"), HTTP_X_ANJIAN_OFFLINE="direct").json()
    assert "隐患已上报" in client.get(direct["url"]).content.decode()
    queued = client.post("/hazards/new/", _hazard("m-2"), **Q).json()
    assert queued["replayed"] is False and "隐患已上报" not in client.get(queued["url"]).content.decode()


def test_a_concurrent_duplicate_rolls_back_its_write_and_answers_the_first(world, monkeypatch):
    """Two sends of one key at once: the second's first look misses (the first had not committed),
    its insert meets the unique key; its own write is rolled back and it answers the first."""
    user = world.user("grid_inspector")
    ct = ContentType.objects.get_for_model(Submission)
    first = Submission.objects.create(key=namespaced_key("test.form", user, "race"), form="test.form", user=user,
                                      content_type=ct, object_id="1", result_url="/first/")
    real_filter, looks = Submission.objects.filter, []

    def late_filter(*args, **kwargs):
        looks.append(1)
        qs = real_filter(*args, **kwargs)
        return qs.none() if len(looks) == 1 else qs

    monkeypatch.setattr(Submission.objects, "filter", late_filter)

    def run():  # the form's write, in the same transaction
        return Submission.objects.create(key="w" * 64, form="the write", user=user, content_type=ct, object_id="2",
                                         result_url="/write/")

    outcome = submit_once(actor=user, form="test.form", client_key="race", captured_at=None, run=run,
                          url=lambda obj: "/second/")
    assert (outcome.url, outcome.created, len(looks)) == ("/first/", False, 2)
    monkeypatch.undo()
    assert list(Submission.objects.values_list("pk", flat=True)) == [first.pk]  # the loser's write is gone
