"""Nothing internal on screen: change logs, timelines, the audit search, job results and role
pages show labels in the reader's language — never a raw field name, an enum value, an ``#id``
or an ISO / UTC timestamp — for every model that keeps history or events, in Chinese and English.

The scenario walks each module through its services (hazards, public reports, accidents,
monitoring, grids, enterprises, organisation, accounts), then the generic part renders every
object with history or events in both languages and runs ``internals()`` over the text.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from simple_history.models import registered_models

import anjian
from anjian.audit.display import discover
from anjian.audit.models import Event
from anjian.audit.selectors import history_for, timeline_for

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 1, 30, 15, 123456, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _default_language_after():
    """English requests leave the thread's language active: give the next test the default."""
    yield
    from django.conf import settings

    translation.activate(settings.LANGUAGE_CODE)
LANGS = ["zh-hans", "en"]

# --- the detector ------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}|\d{2}:\d{2}:\d{2}\.\d+|[+-]00:00\b|\bUTC\b")
HASH_ID = re.compile(r"#\s?\d+")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
DOTTED = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
RAW_CHANGE = re.compile(r"\b([a-z_]+)\s*:\s*\S+\s*→")
WORD = re.compile(r"[A-Za-z_]+")


def visible_text(html: str) -> str:
    """The text a person reads (tags and attributes removed, scripts and styles dropped)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = _TAG.sub(" ", html)
    return re.sub(r"\s+", " ", text.replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&"))


def _internal_words() -> tuple[set[str], set[str]]:
    """Field names, and stored enum values and event kinds, of every model of the project."""
    from anjian.audit.display import VERBS, discover

    discover()
    fields: set[str] = set()
    values: set[str] = {w for v in VERBS for w in v.split(".")}
    for model in apps.get_models():
        if not model.__module__.startswith("anjian."):
            continue
        for f in model._meta.get_fields():
            fields.add(f.name)
            fields.add(getattr(f, "attname", f.name))
            for value, _label in getattr(f, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]+", value):
                    values.add(value)
    return fields, values


def _people() -> list[str]:
    """Names people gave themselves (the test personas are called ``city_admin`` …): data, not internals."""
    from anjian.accounts.models import User

    names = {n for pair in User.objects.values_list("username", "display_name") for n in pair if n}
    return sorted(names, key=len, reverse=True)


def internals(html: str, *, lang: str, extra: set[str] = frozenset()) -> list[str]:
    """What on this page is an internal, each with the text around it: [] when it only shows labels."""
    from anjian.audit.models import Event

    text = visible_text(html)
    for name in _people():
        text = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w.])", "某人", text)
    fields, values = _internal_words()
    values |= set(Event.objects.values_list("verb", flat=True).distinct())
    patterns = [ISO_TIME, HASH_ID, SNAKE, DOTTED, RAW_CHANGE]
    words = (extra | fields | values) if lang == "zh-hans" else set(extra)
    if words:  # a Chinese page has no English identifiers at all
        patterns.append(re.compile(r"(?<![\w.%-])(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True))
                                   + r")(?![\w.-])"))
    if lang != "zh-hans":  # in English an enum value shows as its label, never lowercase beside an arrow
        patterns.append(re.compile(r"[:：] ?(" + "|".join(map(re.escape, sorted(values))) + r") →|→ ("
                                   + "|".join(map(re.escape, sorted(values))) + r")\b"))
    found = []
    for pattern in patterns:
        for m in pattern.finditer(text):
            if pattern is patterns[-1] and lang == "zh-hans" and len(m.group(0)) <= 2:
                continue
            found.append(f"{m.group(0)} «{text[max(0, m.start() - 30):m.end() + 30]}»")
    return found


def test_the_detector_fails_on_what_main_showed(db):
    cases = [
        "<td><code>status</code>: received → rejected</td>",
        "<div>department: 2 → 12</div>",
        "<div>截止时间：— → 2026-12-06 15:59:59.999999+00:00</div>",
        "<td>隐患 #20</td>",
        "<td>dashboard.view, inbox.view</td>",
        "<div>count: 1000；changed: 0</div>",
        "<td>escalated</td>",
    ]
    for html in cases:
        assert internals(html, lang="zh-hans"), html
    assert internals("<div>status: received → rejected</div>", lang="en")
    assert internals("<div>Status: — → 2026-03-02 09:30:15</div>", lang="en")
    assert internals("<div>状态：已受理 → 不予受理 · 2026-03-02 09:30</div>", lang="zh-hans") == []
    assert internals("<div>Status: Accepted → Rejected · 2026-03-02 09:30</div>", lang="en") == []


# --- the scenario ------------------------------------------------------------------------------


def _photo(name: str = "p.jpg") -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (16, 12), "red").save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _scenario(world: Any) -> None:
    """Every module's main records, made by its services, with several versions each."""
    from anjian.accidents.services import accident_report, accident_supplement, investigation_open
    from anjian.enterprises.services import enterprise_update, licence_add
    from anjian.grids.services import grid_staff_set, patrol_record_create
    from anjian.hazards import services as hs
    from anjian.hazards.models import HazardLevel, HazardSource
    from anjian.inbox.services import escalate_overdue
    from anjian.monitoring import services as ms
    from anjian.monitoring.ingest import RawReading, ingest
    from anjian.monitoring.services import SubstanceRow
    from anjian.public_reports import services as ps
    from anjian.public_reports.models import Channel, ReportType

    grid, district, regulator, city, ent_user = (world.user(p) for p in
                                                  ("grid_inspector", "district_a", "regulator", "city_admin", "enterprise"))
    with time_machine.travel(T0, tick=False):
        h = hs.hazard_report(actor=grid, source=HazardSource.PATROL, enterprise=world.ent_a, category="储罐区防火堤破损",
                             description="3号储罐防火堤有裂缝", level=HazardLevel.MAJOR, standard_item="第十二条",
                             lng=114.0502, lat=22.0501, accuracy_m=8.5, photos=[_photo()])
        hs.hazard_confirm(actor=regulator, hazard=h, responsible_person="李四", note="情况属实")
        g = hs.hazard_report(actor=grid, source=HazardSource.PATROL, enterprise=world.ent_a, category="消防通道堵塞",
                             description="通道堆放杂物", level=HazardLevel.GENERAL, lng=114.0502, lat=22.0501,
                             photos=[_photo()])
        report, _secret, _created = ps.report_submit(
            identity=None, idempotency_key=None, actor=None, channel=Channel.PUBLIC, report_type=ReportType.HAZARD,
            description="储罐区防火堤破损，夜间有工人违规动火作业", lng=114.05, lat=22.05, address="甲区化工路 1 号",
            enterprise=world.ent_a)
        ps.report_accept(actor=regulator, report=report, note="属安全生产违法行为")
        ps.report_dispatch(actor=district, report=report, note="请核查")
        acc = accident_report(actor=ent_user, data={
            "enterprise": world.ent_a, "occurred_at": T0 - dt.timedelta(hours=2), "known_at": T0 - dt.timedelta(hours=2),
            "reported_at": T0 - dt.timedelta(hours=1), "place": "一号车间", "description": "物料泄漏，一名工人中毒。",
            "category": "industrial_commercial", "type_code": "19", "deaths": 1, "serious_injuries": 0,
            "minor_injuries": 2, "direct_loss_yuan": 500000, "measures": "疏散人员", "reporter": "张三"})
        src = ms.hazard_source_create(actor=None, enterprise=world.ent_a, name="液氯储罐区", unit_kind="storage",
                                      boundary="罐区围堰以内", exposed_population=60,
                                      substances=[SubstanceRow("液氯", "7782-50-5", "10")])
        ms.hazard_source_change(actor=None, source=src, reason="扩建",
                                substances=[SubstanceRow("液氯", "7782-50-5", "30")])
        sensor = ms.sensor_create(actor=None, enterprise=world.ent_a, code="GAS-1", data={
            "name": "罐区可燃气体探测器", "kind": "combustible_gas", "unit": "%LEL", "high": 20.0, "high_high": 50.0,
            "deadband": 2.0, "min_duration_s": 0, "expected_interval_s": 10, "range_min": 0.0, "range_max": 100.0})
        ingest([RawReading("GAS-1", int(T0.timestamp() * 1000), 30.0)])
        enterprise_update(actor=city, enterprise=world.ent_a, reason="核对",
                          data={"employees": 130, "flags": ["hazardous_chemicals", "confined_space"],
                                "department": world.housing})
        licence_add(actor=city, enterprise=world.ent_a, data={"kind": "safety_production", "number": "（粤）WH安许证字[2026]001",
                                                              "valid_until": dt.date(2027, 3, 1)})
        grid_staff_set(actor=city, grid=world.grid_a, user=grid)
        patrol_record_create(actor=grid, enterprise=world.ent_a, lng=114.0502, lat=22.0501, accuracy_m=5, note="例行巡查")
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        hs.hazard_plan_set(actor=ent_user, hazard=h, plan={"targets_tasks": "消除缺陷", "methods_measures": "修补",
                                                          "funds_materials": "12 万元", "organisation_people": "设备部",
                                                          "deadline_requirements": "4 月底前",
                                                          "safety_emergency": "停用储罐"},
                           deadline=dt.datetime(2026, 4, 30, 15, 59, 59, tzinfo=dt.UTC))
        hs.hazard_start_rectification(actor=ent_user, hazard=h, note="已停用")
        accident_supplement(actor=ent_user, accident=acc, changed_on=dt.date(2026, 3, 2),
                            figures={"deaths": 3}, note="两人抢救无效")
        investigation_open(actor=city, accident=acc, team_leader="王五")
        ms.alarm_acknowledge(actor=ent_user, alarm=sensor.alarms.get(), note="已到现场")
    with time_machine.travel(T0 + dt.timedelta(days=60), tick=False):
        escalate_overdue(now=T0 + dt.timedelta(days=60))
        assert g.pk  # the general hazard's verification fell due: escalated above


@pytest.fixture
def scenario(world):
    _scenario(world)
    return world


def _objects_with_history() -> dict[type[models.Model], list[models.Model]]:
    found: dict[type[models.Model], list[models.Model]] = {}
    for model in registered_models.values():
        if not model.__module__.startswith("anjian."):
            continue
        found[model] = list(model._base_manager.order_by("-pk")[:15])
    return found


def test_history_of_every_model_is_readable(scenario):
    problems: dict[str, list[str]] = defaultdict(list)
    exercised = 0
    for model, objects in _objects_with_history().items():
        for obj in objects:
            history = history_for(obj)
            exercised += sum(len(h["changes"]) for h in history)
            for lang in LANGS:
                with translation.override(lang):
                    html = render_to_string("partials/history.html", {"history": history})
                if bad := internals(html, lang=lang):
                    problems[f"{model._meta.label} {lang}"].extend(bad)
    assert exercised > 20  # the scenario changed fields, so diffs were rendered
    assert not problems, dict(problems)


def test_timeline_of_every_object_with_events_is_readable(scenario):
    discover()
    problems: dict[str, list[str]] = defaultdict(list)
    targets = Event.objects.values_list("content_type", "object_id").distinct()
    assert len(targets) > 10
    for ct_id, object_id in targets:
        model = ContentType.objects.get_for_id(ct_id).model_class()
        obj = model._base_manager.filter(pk=object_id).first()
        if obj is None:
            continue
        events = list(timeline_for(obj))
        for lang in LANGS:
            with translation.override(lang):
                html = render_to_string("partials/timeline.html", {"events": events})
            if bad := internals(html, lang=lang):
                problems[f"{model._meta.label} {lang}"].extend(bad)
    assert not problems, dict(problems)


def _in(client: Any, lang: str) -> Any:
    client.cookies["django_language"] = lang
    return client


def test_audit_search_of_every_object_type_is_readable(scenario, login):
    client = login("city_admin")
    problems: dict[str, list[str]] = defaultdict(list)
    verbs = set(Event.objects.values_list("verb", flat=True))
    for ct_id in set(Event.objects.values_list("content_type", flat=True)):
        for lang in LANGS:
            response = _in(client, lang).get(f"/audit/?model={ct_id}")
            assert response.status_code == 200
            # in English a verb such as "created" is also an English word: there the label test below decides
            if bad := internals(response.content.decode(), lang=lang, extra=verbs if lang == "zh-hans" else set()):
                problems[f"{ContentType.objects.get_for_id(ct_id).model} {lang}"].extend(bad)
    assert not problems, dict(problems)


def test_job_results_are_readable(world, login, django_capture_on_commit_callbacks):
    from anjian.enterprises.risk import recompute_all_start

    city = world.user("city_admin")
    with django_capture_on_commit_callbacks(execute=True):
        job = recompute_all_start(actor=city)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    client = login("city_admin")
    for lang in LANGS:
        html = _in(client, lang).get(f"/jobs/{job.pk}/").content.decode()
        assert 'data-testid="job-result"' in html
        assert ("Recompute the risk colours" in html) == (lang == "en")
        assert internals(html, lang=lang, extra=set(job.result) if lang == "zh-hans" else set()) == [], lang
        # a raw key, not a word inside a label such as "Colour changed:"
        assert not re.search(r"(?<![A-Za-z] )(?<![A-Za-z])(count|changed|raised|lowered)\s*:", visible_text(html))
        listing = client.get("/jobs/").content.decode()
        assert internals(listing, lang=lang) == [], lang


def test_roles_show_action_labels(world, login):
    client = login("city_admin")
    for lang in LANGS:
        html = _in(client, lang).get("/accounts/roles/").content.decode()
        assert internals(html, lang=lang) == [], lang
    assert "查看首页与统计" in _in(client, "zh-hans").get("/accounts/roles/").content.decode()


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_english_history_and_timeline_are_english(scenario):
    """In English the labels, workflow steps and message templates are English; only data
    people typed (names, categories, notes) stays as written."""
    from anjian.hazards.models import Hazard

    h = Hazard.objects.get(category="储罐区防火堤破损")
    with translation.override("en"):
        history = visible_text(render_to_string("partials/history.html", {"history": history_for(h)}))
        timeline = visible_text(render_to_string("partials/timeline.html", {"events": list(timeline_for(h))}))
    assert "Status : To be confirmed → To be corrected" in history
    assert "Correction deadline : — → 2026-05-31 23:59" in history
    assert "Status: Being corrected" in history and "状态：" not in history  # the change reason the workflow wrote  # local time, to the minute
    assert "2026-03-02 09:30" in timeline  # 01:30 UTC is 09:30 in Shanghai
    assert "Hazard reported (Grid patrol, Major hazard): 甲区化工有限公司 储罐区防火堤破损" in timeline
    assert "Start correction: To be corrected → Being corrected" in timeline
    assert "1 attachment(s) uploaded (Before correction)" in timeline


def test_every_event_kind_and_message_has_english(scenario):
    """Each event kind has a label and each stored message template a translation, so an English
    reader never meets a Chinese sentence the platform wrote."""
    from anjian.audit.display import VERBS, verb_label

    discover()
    with translation.override("en"):
        used = set(Event.objects.values_list("verb", flat=True))
        # workflows defined by test modules (``tests_*``) register their verbs in the same
        # process when a worker also ran them; they are not the platform's
        platform = {verb for verb in set(VERBS) | used if not verb.startswith("tests_")}
        untranslated = sorted({verb for verb in platform if verb not in VERBS or CJK.search(verb_label(verb))})
        templates = {e.message["t"] for e in Event.objects.exclude(message={})}
        raw = sorted(t for t in templates if CJK.search(translation.gettext(t)))
    assert untranslated == [] and raw == []
    assert len(templates) > 15


def test_major_hazard_source_explains_its_grading_in_words(scenario, login):
    """"Table 1 No. 12 (name '液氯')" is the rule module's trail; people read a sentence."""
    from anjian.monitoring.models import HazardSource

    src = HazardSource.objects.get(name="液氯储罐区")
    assert src.explanation[0]["rule"].startswith("Table 1 No. 12")
    client = login("city_admin")
    pages = {lang: visible_text(_in(client, lang).get(f"/monitoring/sources/{src.pk}/").content.decode())
             for lang in LANGS}
    assert "GB 18218-2018 表1 第12项（按名称“液氯”）；表3 氯" in pages["zh-hans"]
    assert "GB 18218-2018 Table 1 item 12 (by the name “液氯”); Table 3 氯" in pages["en"]
    for text in pages.values():
        assert "No. 12" not in text and "name '" not in text


def test_statistics_title_is_in_the_readers_language(world, login):
    client = login("city_admin")
    from django.utils import timezone

    year = timezone.localdate().year
    zh = visible_text(_in(client, "zh-hans").get(f"/accidents/statistics/?year={year}").content.decode())
    en = visible_text(_in(client, "en").get(f"/accidents/statistics/?year={year}").content.decode())
    assert f"事故统计 · {year}年" in zh
    assert f"Accident statistics · {year} " in en + " " and f"{year}年" not in en


def test_todo_titles_the_workflow_wrote_are_in_the_readers_language(scenario, login):
    from anjian.hazards.models import Hazard
    from anjian.inbox.models import DueItem

    h = Hazard.objects.get(category="储罐区防火堤破损")
    item = DueItem.objects.get(object_id=str(h.pk), content_type__model="hazard", state="open")
    assert item.title.startswith("整改中：")  # stored in Chinese whatever the actor's language
    with translation.override("en"):
        assert item.title_display.startswith("Being corrected: ")
    with translation.override("zh-hans"):
        assert item.title_display == item.title
    html = _in(login("city_admin"), "en").get("/inbox/").content.decode()
    assert "Being corrected: " in html or "整改中：" not in html


# The apps other engineers are building at the same time keep their own reasons (see their issues).
_REASON_APPS_ELSEWHERE = {"responsibility", "committee", "enforcement", "emergency", "funds", "training"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _change_reasons() -> list[tuple[str, ast.expr]]:
    """Every change reason the platform's code writes (``obj._change_reason = …`` and the hazard
    service's ``_save(h, reason, …)``), with where it is written."""
    root = Path(anjian.__file__).parent
    found = []
    for path in sorted(root.glob("*/**/*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] in _REASON_APPS_ELSEWHERE or "migrations" in rel.parts or rel.parts[0] == "testing":
            continue
        source = path.read_text(encoding="utf-8")
        if "_change_reason" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "_change_reason"
                                                    for t in node.targets):
                found.append((f"{rel}:{node.lineno}", node.value))
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_save" and len(node.args) >= 2:
                found.append((f"{rel}:{node.lineno}", node.args[1]))
    return found


def test_every_change_reason_the_platform_writes_has_english():
    """The change log's 原因 column in English: "销号" and "确认" stayed Chinese in the English
    change log. Every reason the code writes is a catalogue phrase (``reason_text`` translates it)
    or "phrase：value" where the value is data (a date, a number, a label, what a person typed)."""
    from anjian.audit.display import reason_text

    reasons = _change_reasons()
    assert len(reasons) > 30
    problems = []
    with translation.override("en"):
        for where, expr in reasons:
            for node in ast.walk(expr):
                if isinstance(node, ast.JoinedStr):
                    for part in node.values:
                        if not isinstance(part, ast.Constant):
                            continue
                        text = part.value
                        # only "phrase：" before a value (or "：" alone) is allowed around a value
                        head = text[:-1] if text.endswith("：") else None
                        if CJK.search(text) and (head is None or CJK.search(reason_text(head))):
                            problems.append(f"{where}: {text!r} around a value")
                elif isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value):
                    if any(node is p for j in ast.walk(expr) if isinstance(j, ast.JoinedStr) for p in j.values):
                        continue
                    if CJK.search(reason_text(node.value.strip("："))):
                        problems.append(f"{where}: {node.value!r} has no English")
    assert problems == []


def test_the_routing_basis_reads_as_a_sentence_not_the_stored_trail(world, login):
    """The hazard page showed "行业 C 制造业 @ 全市默认 → 示范市应急管理局" in a code font, in Chinese
    in English too; now a sentence in the reader's language (the trail stays in the record)."""
    from anjian.hazards import services as hs

    h = hs.hazard_report(actor=world.user("grid_inspector"), source="patrol", enterprise=world.ent_a,
                         category="消防通道堵塞", description="仓库北侧消防通道堆放货物", lng=114.05, lat=22.05)
    assert " @ " in h.routing_rule
    client = login("city_admin")
    pages = {lang: _in(client, lang).get(f"/hazards/{h.pk}/").content.decode() for lang in LANGS}
    shown = {lang: visible_text(re.search(r'data-testid="routing-basis">(.*?)</dd>', html, re.S).group(1))
             for lang, html in pages.items()}
    for lang, text in shown.items():
        assert "@" not in text and "<code>" not in pages[lang].split('data-testid="routing-basis"')[0][-80:], (lang, text)
    assert "全市默认" in shown["zh-hans"] and h.department.name in shown["zh-hans"]
    assert shown["en"].startswith("By the city-wide default route for sector") and "全市默认" not in shown["en"]
    with translation.override("en"):
        from anjian.orgs.templatetags.routing_display import routing_text

        assert routing_text("未指定行业，未路由 / no sector, not routed") == "no sector, not routed"
        assert routing_text("人工改派 → 示范市住房和建设局：实为建筑施工").startswith("Re-routed by hand to 示范市住房和建设局")
