"""The classification rule set page (分类分级规则, 安全生产法 Art. 62(2)): the set in force as a table,
the editor (rows added, removed, reordered; sector chosen through the scoped look-up) saved
through ``services.rules_set`` with its note on the department's timeline; refusals in Chinese
and English change nothing; another unit's department is 404."""

from __future__ import annotations

import html
import re

import pytest

from anjian.audit.selectors import timeline_for
from anjian.enforcement import services
from anjian.enforcement.models import ClassificationRule

URL = "/enforcement/rules/"

ROWS = [
    {"order": 10, "label": "危险化学品企业·未达标", "klass": "D", "quota": 12, "flag": "hazardous_chemicals",
     "grades": ["none"]},
    {"order": 20, "label": "计算机制造·重大风险", "klass": "C", "quota": 6, "sector": "39", "risk_colours": ["red", "orange"]},
    {"order": 30, "label": "事故企业", "klass": "D", "quota": 8, "min_accidents_3y": 1, "credits": ["bad"]},
    {"order": 40, "label": "其余企业", "klass": "B", "quota": 2},
]


def _post(rows, note="按2027年计划调整", delete=(), extra=None, initial=None):
    """The page's POST: the rows shown (initial forms) and any added ones."""
    initial = len(rows) if initial is None else initial
    data = {"rules-TOTAL_FORMS": str(len(rows)), "rules-INITIAL_FORMS": str(initial), "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000", "note": note, "action": "save"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"rules-{i}-{key}"] = value
        if i in delete:
            data[f"rules-{i}-DELETE"] = "on"
    return data | (extra or {})


def _error(response):
    m = re.search(r'data-testid="rules-error">(.*?)</div>', response.content.decode(), re.S)
    assert m, "no error shown"
    return html.unescape(m.group(1))


def _stored(world):
    return list(ClassificationRule.objects.filter(department=world.ema).order_by("order")
                .values_list("label", "klass", "quota", "sector_code"))


@pytest.mark.django_db
def test_rule_set_shown_edited_and_audited(world, login):
    c = login("regulator")
    page = c.get(URL).content.decode()
    assert 'data-testid="rules-default"' in page and "危险化学品企业·一级" in page and 'data-testid="rules-form"' in page
    assert 'name="rules-0-sector"' in page and "/lookup/orgs.sectors/" in page  # the scoped sector look-up
    r = c.post(f"{URL}?department={world.ema.pk}", _post(ROWS))
    assert r.status_code == 302
    assert _stored(world) == [("危险化学品企业·未达标", "D", 12, ""), ("计算机制造·重大风险", "C", 6, "39"),
                              ("事故企业", "D", 8, ""), ("其余企业", "B", 2, "")]
    first, second, third = ClassificationRule.objects.filter(department=world.ema).order_by("order")[:3]
    assert first.grades == [""] and first.flag == "hazardous_chemicals"  # 未评级 is stored as ""
    assert second.risk_colours == ["red", "orange"] and third.credits == ["bad"] and third.min_accidents_3y == 1
    event = timeline_for(world.ema).filter(verb="enforcement.rules_set").get()
    assert event.note == "按2027年计划调整" and event.data["after"][1]["sector_code"] == "39"
    page = c.get(f"{URL}?department={world.ema.pk}").content.decode()
    assert "计算机制造·重大风险" in page and 'data-testid="rules-default"' not in page and "按2027年计划调整" in page
    # the plan page shows the set in force and links here
    assert 'data-testid="rules-link"' in c.get("/enforcement/plans/").content.decode()


@pytest.mark.django_db
def test_reorder_and_remove_rows(world, login):
    c = login("regulator")
    c.post(f"{URL}?department={world.ema.pk}", _post(ROWS))
    moved = [dict(ROWS[0], order=20), dict(ROWS[1], order=10), ROWS[2], ROWS[3]]  # rows 1 and 2 swapped
    r = c.post(f"{URL}?department={world.ema.pk}", _post(moved, delete=(2,)))  # and the accident row removed
    assert r.status_code == 302
    assert [row[0] for row in _stored(world)] == ["计算机制造·重大风险", "危险化学品企业·未达标", "其余企业"]
    # a blank added row is not stored
    r = c.post(f"{URL}?department={world.ema.pk}", _post([*ROWS, {"order": "50", "label": "", "klass": "A"}], initial=4))
    assert r.status_code == 302 and len(_stored(world)) == 4
    # an added row with its label is a rule like the others (and validated like them)
    r = c.post(f"{URL}?department={world.ema.pk}", _post([*ROWS, {"order": "5", "label": "新增", "klass": "A", "quota": "99"}],
                                                         initial=4))
    assert r.status_code == 400 and len(_stored(world)) == 4
    r = c.post(f"{URL}?department={world.ema.pk}", _post([*ROWS, {"order": "5", "label": "新增", "klass": "A", "quota": "1"}],
                                                         initial=4))
    assert r.status_code == 302 and _stored(world)[0] == ("新增", "A", 1, "")


@pytest.mark.django_db
@pytest.mark.parametrize(("bad", "zh", "en"), [
    ({"rules-1-quota": "60"}, "第 2 行 年度检查次数", "row 2"),
    ({"rules-1-klass": "E"}, "第 2 行 分类", "row 2"),
    ({"rules-1-sector": "ZZ99"}, "第 2 行 行业（含下级）所选项不存在或不在您的管辖范围内", "row 2"),
    ({"rules-1-label": ""}, "第 2 行 规则说明", "row 2"),
    ({"note": ""}, "修改说明", "required"),
])
def test_refusals_in_both_languages_change_nothing(world, login, bad, zh, en):
    c = login("regulator")
    c.post(f"{URL}?department={world.ema.pk}", _post(ROWS))
    before, events = _stored(world), timeline_for(world.ema).count()
    r = c.post(f"{URL}?department={world.ema.pk}", _post(ROWS, extra=bad))
    assert r.status_code == 400 and zh in _error(r)
    r = c.post(f"{URL}?department={world.ema.pk}", _post(ROWS, extra=bad), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and en in _error(r) and not re.search(r"[请须]", _error(r))
    assert _stored(world) == before and timeline_for(world.ema).count() == events


@pytest.mark.django_db
def test_an_empty_set_is_refused_by_the_service(world, login):
    c = login("regulator")
    r = c.post(f"{URL}?department={world.ema.pk}", _post(ROWS, delete=(0, 1, 2, 3)))
    assert r.status_code == 400 and "规则须有 1–100 条" in r.content.decode()
    assert not ClassificationRule.objects.exists()


@pytest.mark.django_db
def test_reset_to_default(world, login):
    c = login("regulator")
    c.post(f"{URL}?department={world.ema.pk}", _post(ROWS))
    r = c.post(f"{URL}?department={world.ema.pk}", {"action": "reset", "note": "恢复"})
    assert r.status_code == 302
    assert [row[0] for row in _stored(world)] == [spec["label"] for spec in services.DEFAULT_RULES]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["district_b", "grid_inspector", "enterprise"])
def test_other_units_get_404_and_change_nothing(world, login, persona):
    c = login(persona)
    assert c.get(f"{URL}?department={world.ema.pk}").status_code in (403, 404)
    r = c.post(f"{URL}?department={world.ema.pk}", _post(ROWS))
    assert r.status_code in (403, 404)
    assert not ClassificationRule.objects.exists()
    assert not timeline_for(world.ema).filter(verb="enforcement.rules_set").exists()


@pytest.mark.django_db
def test_housing_regulator_cannot_reach_ema_rules(world, login):
    """A department the user may not plan for is not offered and answers 404."""
    c = login("regulator")
    assert c.get(f"{URL}?department={world.housing.pk}").status_code == 404
    assert c.get(f"{URL}?department=999999").status_code == 404
