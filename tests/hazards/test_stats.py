"""Statistics: page and API show the same figures, equal to ones computed by hand on a small set."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from anjian.hazards import services as hs
from anjian.hazards.models import Hazard

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC)


def _u(y, m, d, h=2, mi=0, s=0):
    return dt.datetime(y, m, d, h, mi, s, tzinfo=dt.UTC)


@pytest.fixture
def small_set(world):
    """A: 甲区/C/重大/销号; B: 甲区/C/一般/整改中 overdue; C: 乙区/E/一般/待整改 not overdue;
    D: 甲区/E/重大/整改中 overdue; E: rejected (not counted); F: 2025-12-31 23:59:59 Beijing (other
    year); G: 2026-01-01 00:00 Beijing, 乙区/E/一般/销号."""
    admin = world.user("city_admin")
    rows = [
        ("A", world.ent_a, "major", _u(2026, 3, 2), "written_off", None),
        ("B", world.ent_a, "general", _u(2026, 3, 10), "rectifying", _u(2026, 4, 1)),
        ("C", world.ent_b, "general", _u(2026, 4, 5), "confirmed", _u(2026, 7, 1)),
        ("D", world.ent_a2, "major", _u(2026, 4, 20), "rectifying", _u(2026, 5, 1)),
        ("E", world.ent_b, "general", _u(2026, 4, 22), "rejected", None),
        ("F", world.ent_a, "general", _u(2025, 12, 31, 15, 59, 59), "written_off", None),
        ("G", world.ent_b, "general", _u(2025, 12, 31, 16, 0, 0), "written_off", None),
    ]
    out = {}
    with time_machine.travel(NOW, tick=False):
        for name, ent, level, found, status, deadline in rows:
            h = hs.hazard_report(actor=admin, source="patrol", enterprise=ent, category=f"类别{name}",
                                 description=f"隐患{name}", level=level, found_at=found)
            Hazard.objects.filter(pk=h.pk).update(status=status, deadline=deadline)  # state set up directly
            out[name] = Hazard.objects.get(pk=h.pk)
    return out


def _r(found, rectified, overdue, rate):
    return {"found": found, "rectified": rectified, "overdue": overdue, "rate": rate}


EXPECTED = {
    "totals": _r(5, 2, 2, 40.0),
    "district": {"甲区": _r(3, 1, 2, 33.3), "乙区": _r(2, 1, 0, 50.0)},
    "sector": {"C 制造业": _r(2, 1, 1, 50.0), "E 建筑业": _r(3, 1, 1, 33.3)},
    "level": {"一般隐患": _r(3, 1, 1, 33.3), "重大隐患": _r(2, 1, 1, 50.0)},
    "month": {"2026-01": _r(1, 1, 0, 100.0), "2026-03": _r(2, 1, 1, 50.0), "2026-04": _r(2, 0, 1, 0.0)},
}


def _by(rows):
    return {r["label"]: {k: r[k] for k in ("found", "rectified", "overdue", "rate")} for r in rows}


def test_api_figures_equal_hand_computed(login, small_set, world):
    with time_machine.travel(NOW, tick=False):
        data = login("city_admin").get("/api/v1/hazards/statistics?year=2026").json()
    assert data["year"] == 2026
    assert {k: data["totals"][k] for k in ("found", "rectified", "overdue", "rate")} == EXPECTED["totals"]
    for dim in ("district", "sector", "level", "month"):
        assert _by(data["by"][dim]) == EXPECTED[dim], dim
    assert [r["code"] for r in data["major"]] == [small_set["D"].code, small_set["A"].code]
    assert [(r["status"], r["overdue"]) for r in data["major"]] == [("rectifying", True), ("written_off", False)]


def _table(html: str, testid: str) -> dict:
    body = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        found, rect, over, rate = cells[1:]
        rows[cells[0]] = _r(int(found), int(rect), int(over), float(rate.rstrip("%")) if rate != "—" else None)
    return rows


def test_page_figures_equal_hand_computed_and_api(login, small_set):
    client = login("city_admin")
    with time_machine.travel(NOW, tick=False):
        html = client.get("/hazards/statistics/?year=2026").content.decode()
        api = client.get("/api/v1/hazards/statistics?year=2026").json()
    for key, testid in (("found", "total-found"), ("rectified", "total-rectified"), ("overdue", "total-overdue")):
        value = re.search(rf'data-testid="{testid}">(\d+)<', html).group(1)
        assert int(value) == EXPECTED["totals"][key] == api["totals"][key]
    assert 'data-testid="total-rate">40.0%<' in html
    for dim in ("district", "sector", "level", "month"):
        assert _table(html, f"by-{dim}") == EXPECTED[dim] == _by(api["by"][dim]), dim
    major = html.split('data-testid="major-table"', 1)[1]
    assert major.index(small_set["D"].code) < major.index(small_set["A"].code)
    assert small_set["B"].code not in major
    assert "echarts.min.js" in html


def test_scope_district_sees_only_its_own(login, small_set):
    with time_machine.travel(NOW, tick=False):
        a = login("district_a").get("/api/v1/hazards/statistics?year=2026").json()
        b = login("district_b").get("/api/v1/hazards/statistics?year=2026").json()
    assert _by(a["by"]["district"]) == {"甲区": EXPECTED["district"]["甲区"]}
    assert _by(b["by"]["district"]) == {"乙区": EXPECTED["district"]["乙区"]}
    assert [r["code"] for r in b["major"]] == []


def test_filters_sector_and_other_year(login, small_set):
    client = login("city_admin")
    with time_machine.travel(NOW, tick=False):
        e = client.get("/api/v1/hazards/statistics?year=2026&sector_code=E").json()
        y2025 = client.get("/api/v1/hazards/statistics?year=2025").json()
        page = client.get("/hazards/statistics/?year=2025").content.decode()
    assert e["totals"]["found"] == 3
    assert (y2025["totals"]["found"], y2025["totals"]["rectified"]) == (1, 1)
    assert 'data-testid="total-found">1<' in page


STATUS = {"city_admin": 200, "district_a": 200, "district_b": 200, "regulator": 200, "grid_inspector": 200,
          "enterprise": 200, "anonymous": 302}


def test_statistics_matrix(login, persona, world):
    assert login(persona).get("/hazards/statistics/").status_code == STATUS[persona]
    api = login(persona).get("/api/v1/hazards/statistics")
    assert api.status_code == {**STATUS, "anonymous": 401}[persona]
