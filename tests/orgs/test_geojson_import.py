"""Loading real boundaries: Shenzhen's 9 districts and 78 streets, and a national file with a
BOM and invalid polygons; then locating points in them."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely import from_geojson

from anjian.audit.models import Event
from anjian.orgs.models import Jurisdiction, JurisdictionLevel
from anjian.orgs.services import jurisdiction_create, jurisdiction_import_geojson, locate_jurisdiction

pytestmark = pytest.mark.django_db

GEO = Path(__file__).resolve().parents[3] / "shared" / "data" / "geo"
needs_geo = pytest.mark.skipif(not GEO.is_dir(), reason=f"shared boundary data not found at {GEO}")

DISTRICTS = {"440303": "罗湖区", "440304": "福田区", "440305": "南山区", "440306": "宝安区", "440307": "龙岗区",
             "440308": "盐田区", "440309": "龙华区", "440310": "坪山区", "440311": "光明区"}


def _street_code(props: dict) -> str:
    """The three units without a 2023 street code get a synthetic one under their district."""
    return f"{props['district_adcode']}X{int(props['src_seq']):02d}"


@pytest.fixture
def shenzhen(db):
    city = jurisdiction_create(actor=None, code="440300", name="深圳市", level=JurisdictionLevel.CITY, parent=None)
    districts = jurisdiction_import_geojson(
        actor=None, source=(GEO / "shenzhen_districts.geojson").read_bytes(), level=JurisdictionLevel.DISTRICT,
        parent=city, code_property=("adcode",),
    )
    streets = jurisdiction_import_geojson(
        actor=None, source=(GEO / "shenzhen_streets.geojson").read_bytes(), level=JurisdictionLevel.STREET,
        parent=city, code_property=("street_code_2023",), parent_property="district_adcode",
        code_fallback=_street_code,
    )
    return city, districts, streets


@needs_geo
def test_districts_and_streets_load_under_their_district(shenzhen):
    _city, districts, streets = shenzhen
    assert (districts.created, districts.updated, districts.errors, districts.problems) == (9, 0, [], [])
    assert (streets.created, streets.errors) == (78, [])
    assert len(streets.problems) == 3 and all("无代码" in p for p in streets.problems)
    assert dict(Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).values_list("code", "name")) == DISTRICTS
    street_rows = Jurisdiction.objects.filter(level=JurisdictionLevel.STREET).select_related("parent")
    assert street_rows.count() == 78
    for street in street_rows:
        assert street.parent.level == JurisdictionLevel.DISTRICT
        assert street.code.startswith(street.parent.code)  # 9-digit codes begin with the district's
        assert street.path == f"/440300/{street.parent.code}/{street.code}/"
        assert street.boundary and street.min_lng < street.center_lng < street.max_lng
    futian = Jurisdiction.objects.get(code="440304")
    assert futian.children.count() == 10
    assert Event.objects.filter(verb="created").count() == 1 + 9 + 78


@needs_geo
def test_locate_a_point_in_a_known_street(shenzhen):
    cuizhu = Jurisdiction.objects.get(name="翠竹街道")
    assert (cuizhu.code, cuizhu.parent.name) == ("440303004", "罗湖区")
    found = locate_jurisdiction(cuizhu.center_lng, cuizhu.center_lat)
    assert found == cuizhu
    shekou = Jurisdiction.objects.get(name="蛇口街道")
    assert locate_jurisdiction(shekou.center_lng, shekou.center_lat) == shekou
    assert locate_jurisdiction(116.39, 39.91) is None  # Beijing is outside Shenzhen


@needs_geo
def test_reimport_updates_boundaries_without_duplicates(shenzhen):
    city, _d, _s = shenzhen
    again = jurisdiction_import_geojson(
        actor=None, source=(GEO / "shenzhen_districts.geojson").read_bytes(), level=JurisdictionLevel.DISTRICT,
        parent=city, code_property=("adcode",),
    )
    assert (again.created, again.updated) == (0, 9)
    assert Jurisdiction.objects.count() == 1 + 9 + 78


@needs_geo
def test_bom_and_invalid_polygons_are_repaired_and_reported_nothing_lost(db):
    country = jurisdiction_create(actor=None, code="100000", name="中国", level=JurisdictionLevel.CITY, parent=None)
    raw = (GEO / "china_provinces_bom_invalid.geojson").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    report = jurisdiction_import_geojson(
        actor=None, source=raw, level=JurisdictionLevel.DISTRICT, parent=country, code_property=("adcode",),
        name_fallback=lambda props: f"未命名要素 {props.get('adcode')}",
    )
    assert report.errors == []
    assert report.created == 35
    repaired = [p for p in report.problems if "无名称" not in p]
    assert len(repaired) == 20
    assert report.problems[-1] == "第35个要素无名称，使用「未命名要素 100000_JD」 / feature 35 has no name: using '未命名要素 100000_JD'"
    provinces = Jurisdiction.objects.filter(parent=country)
    assert provinces.count() == 35
    for j in provinces:
        geom = from_geojson(j.boundary)
        assert geom.is_valid and not geom.is_empty and geom.area > 0
    guangdong = Jurisdiction.objects.get(code="440000")
    assert guangdong.name == "广东省"
    assert locate_jurisdiction(113.26, 23.13) == guangdong  # Guangzhou


def test_a_feature_without_code_or_name_rolls_everything_back(db):
    city = jurisdiction_create(actor=None, code="990100", name="示范市", level=JurisdictionLevel.CITY, parent=None)
    source = (
        '{"type":"FeatureCollection","features":['
        '{"type":"Feature","properties":{"code":"990101","name":"甲区"},'
        '"geometry":{"type":"Polygon","coordinates":[[[114,22],[114.1,22],[114.1,22.1],[114,22]]]}},'
        '{"type":"Feature","properties":{"code":"990102"},'
        '"geometry":{"type":"Polygon","coordinates":[[[115,22],[115.1,22],[115.1,22.1],[115,22]]]}}]}'
    )
    report = jurisdiction_import_geojson(actor=None, source=source, level=JurisdictionLevel.DISTRICT, parent=city)
    assert report.errors == ["第2个要素缺少代码或名称 / feature 2 lacks a code or name"]
    assert (report.created, report.updated) == (0, 0)
    assert list(Jurisdiction.objects.values_list("code", flat=True)) == ["990100"]
