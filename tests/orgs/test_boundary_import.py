"""Boundary files as GIS offices hand them over: checked and previewed, imported as one batch, undone."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import shapefile
import shapely
from django.core.management import call_command

from anjian.accounts.models import Role, User
from anjian.accounts.services import membership_grant, user_create
from anjian.accounts.setup import city_setup
from anjian.core.errors import DomainError, NotAllowed
from anjian.core.geo import wgs84_to_gcj02
from anjian.orgs import services
from anjian.orgs.boundaries import area_km2
from anjian.orgs.models import BoundaryImport, Jurisdiction, JurisdictionLevel
from tests.conftest import SHARED

GEO = SHARED / "data" / "geo"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not GEO.is_dir(), reason="needs ../shared/data/geo"),
]


@pytest.fixture
def city():
    result = city_setup(name="深圳市", code="440300", admin_username="chief", admin_password="Chengshi-Anquan-2026")
    return result


def _districts() -> bytes:
    return (GEO / "shenzhen_districts.geojson").read_bytes()


def _preview(city, data: bytes, *, filename="districts.geojson", level=JurisdictionLevel.DISTRICT, parent=None, **kw):
    return services.boundary_import_preview(
        actor=city.admin, data=data, filename=filename, level=level, parent=parent or city.root,
        crs=kw.pop("crs", "wgs84"), code_column=kw.pop("code_column", "adcode"),
        name_column=kw.pop("name_column", "name"), parent_column=kw.pop("parent_column", ""),
    )


def test_districts_preview_then_commit_then_undo(city):
    batch = _preview(city, _districts())
    assert batch.error_count == 0 and len(batch.features) == 9
    assert not Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).exists()  # nothing stored yet
    nanshan = next(f for f in batch.features if f["code"] == "440305")
    assert nanshan["name"] == "南山区" and 150 < nanshan["area_km2"] < 220  # 南山区 is about 187 km²
    services.boundary_import_commit(actor=city.admin, batch=batch)
    assert Jurisdiction.objects.filter(parent=city.root, level=JurisdictionLevel.DISTRICT).count() == 9
    assert services.locate_jurisdiction(113.93, 22.52).code == "440305"  # a point in 南山
    batch.refresh_from_db()
    assert batch.status == "committed"
    with pytest.raises(DomainError, match="已经处理过"):
        services.boundary_import_commit(actor=city.admin, batch=batch)
    services.boundary_import_undo(actor=city.admin, batch=batch)
    assert not Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).exists()
    assert services.locate_jurisdiction(113.93, 22.52) is None


def test_streets_with_real_codes_report_the_units_that_have_none(city):
    services.boundary_import_commit(actor=city.admin, batch=_preview(city, _districts()))
    streets = (GEO / "shenzhen_streets.geojson").read_bytes()
    batch = _preview(city, streets, filename="streets.geojson", level=JurisdictionLevel.STREET,
                     code_column="street_code_2023", parent_column="district_adcode")
    errors = [f["zh"] for f in batch.findings if f["severity"] == "error"]
    # three units of the file (the bonded zones and 大工业区) have no official street code
    assert len([e for e in errors if "缺少代码或名称" in e]) == 3
    with pytest.raises(DomainError, match="处错误"):
        services.boundary_import_commit(actor=city.admin, batch=batch)
    assert not Jurisdiction.objects.filter(level=JurisdictionLevel.STREET).exists()
    # and one street whose polygon lies mostly in the neighbouring district's polygon
    assert "桂园街道（440303001）：有 54.7%（1.34 平方公里）超出上级 罗湖区" in errors
    assert len(errors) == 4
    # without those four the file imports: 74 streets under their districts
    fc = json.loads(streets.decode("utf-8-sig"))
    fc["features"] = [f for f in fc["features"] if f["properties"]["street_code_2023"] not in (None, "440303001")]
    batch = _preview(city, json.dumps(fc, ensure_ascii=False).encode(), filename="streets.geojson",
                     level=JurisdictionLevel.STREET, code_column="street_code_2023", parent_column="district_adcode")
    assert batch.error_count == 0, [f["zh"] for f in batch.findings if f["severity"] == "error"][:3]
    # the two files come from different sources: where a street crosses its district's line, the
    # preview says by how much (坂田街道 has about 18 % outside 龙岗区's polygon)
    bantian = next(f["zh"] for f in batch.findings if f["code"] == "440307013")
    assert bantian.startswith("坂田街道（440307013）：有 18.") and "超出上级 龙岗区" in bantian
    services.boundary_import_commit(actor=city.admin, batch=batch)
    assert Jurisdiction.objects.filter(level=JurisdictionLevel.STREET).count() == 74
    assert Jurisdiction.objects.get(code="440307013").parent.code == "440307"  # 坂田街道 in 龙岗区


def test_a_unit_outside_its_parent_overlaps_and_duplicates_are_named(city):
    services.boundary_import_commit(actor=city.admin, batch=_preview(city, _districts()))
    nanshan = Jurisdiction.objects.get(code="440305")
    box = shapely.geometry.box
    inside = box(113.92, 22.52, 113.94, 22.54)
    features = [
        {"type": "Feature", "properties": {"code": "440305001", "name": "甲街道"}, "geometry": shapely.geometry.mapping(inside)},
        {"type": "Feature", "properties": {"code": "440305002", "name": "乙街道"},
         "geometry": shapely.geometry.mapping(box(113.935, 22.52, 113.95, 22.54))},  # overlaps 甲 by ~1 km²
        {"type": "Feature", "properties": {"code": "440305003", "name": "丙街道"},
         "geometry": shapely.geometry.mapping(box(114.30, 22.60, 114.32, 22.62))},  # far outside 南山
        {"type": "Feature", "properties": {"code": "440305001", "name": "重复街道"}, "geometry": shapely.geometry.mapping(inside)},
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    batch = _preview(city, data, level=JurisdictionLevel.STREET, parent=nanshan, code_column="code")
    texts = " ".join(f["zh"] for f in batch.findings)
    assert "丙街道（440305003）：有 100.0%" in texts and "超出上级 南山区" in texts
    assert "甲街道（440305001）与 乙街道（440305002）重叠" in texts
    assert "代码 440305001 与第 #0 个要素重复" in texts
    assert "不属于任何下级单位" in texts  # most of 南山 is covered by none of the three
    assert batch.error_count == 2


def test_shapefile_in_gbk_with_gcj02_coordinates(city):
    fc = json.loads(_districts().decode("utf-8-sig"))
    buf = {ext: io.BytesIO() for ext in ("shp", "shx", "dbf")}
    with shapefile.Writer(shp=buf["shp"], shx=buf["shx"], dbf=buf["dbf"], shapeType=shapefile.POLYGON, encoding="gbk") as w:
        w.field("XZQHDM", "C", 12)
        w.field("XZQHMC", "C", 40)
        for f in fc["features"]:
            geom = shapely.geometry.shape(f["geometry"])
            gcj = shapely.transform(geom, lambda xy: [list(wgs84_to_gcj02(x, y)) for x, y in xy])
            w.shape(shapely.geometry.mapping(gcj))
            w.record(str(f["properties"]["adcode"]), f["properties"]["name"])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for ext, b in buf.items():
            z.writestr(f"深圳区界/districts.{ext}", b.getvalue())
        z.writestr("深圳区界/districts.cpg", "GBK")
        z.writestr("深圳区界/districts.prj", 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]')
    batch = _preview(city, archive.getvalue(), filename="区界.zip", crs="gcj02", code_column="XZQHDM", name_column="XZQHMC")
    assert batch.error_count == 0 and {f["name"] for f in batch.features} >= {"南山区", "福田区"}
    # back in WGS-84: the same place as the GeoJSON file, well within the ~500 m GCJ-02 offset
    direct = shapely.geometry.shape(next(f["geometry"] for f in fc["features"] if f["properties"]["adcode"] == 440305))
    imported = shapely.geometry.shape(next(f["geometry"] for f in batch.features if f["code"] == "440305"))
    assert area_km2(direct.symmetric_difference(imported)) < 0.02 * area_km2(direct)


def test_projected_shapefile_and_bad_archives_are_refused(city):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.shp", b"x")
        z.writestr("a.shx", b"x")
        z.writestr("a.dbf", b"x")
        z.writestr("a.prj", 'PROJCS["CGCS2000_3_Degree_GK_CM_114E"]')
    with pytest.raises(DomainError, match="投影坐标"):
        _preview(city, archive.getvalue(), filename="a.zip")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.shp", b"x")
    with pytest.raises(DomainError, match=r"\.shx"):
        _preview(city, archive.getvalue(), filename="a.zip")
    with pytest.raises(DomainError, match="没有「代号」列"):
        _preview(city, _districts(), code_column="代号")
    assert not BoundaryImport.objects.exists()


def test_china_provinces_with_bom_and_invalid_rings(city):
    """The provinces file starts with a BOM and has self-intersecting rings and a line feature."""
    root = Jurisdiction.objects.create(code="100000", name="全国", level=JurisdictionLevel.CITY, path="/100000/")
    batch = _preview(city, (GEO / "china_provinces_bom_invalid.geojson").read_bytes(), parent=root)
    repaired = [f for f in batch.findings if f["severity"] == "warning" and "#" in f["zh"]]
    assert len(repaired) >= 10 and all(f["code"] or "#" in f["zh"] for f in repaired)
    errors = [f["zh"] for f in batch.findings if f["severity"] == "error"]
    assert errors and all(e.startswith("#") for e in errors)  # each names its feature
    assert any(f["name"] == "广东省" for f in batch.features)


def test_a_district_office_cannot_import_outside_its_district(city):
    services.boundary_import_commit(actor=city.admin, batch=_preview(city, _districts()))
    officer = user_create(actor=None, username="ns", password="Chengshi-Anquan-2026")
    membership_grant(actor=None, user=officer, role=Role.objects.get(code="city_admin"),
                     jurisdiction=Jurisdiction.objects.get(code="440305"))
    with pytest.raises(NotAllowed):
        services.boundary_import_preview(
            actor=User.objects.get(username="ns"), data=_districts(), filename="d.geojson",
            level=JurisdictionLevel.DISTRICT, parent=city.root, crs="wgs84", code_column="adcode", name_column="name")
    assert BoundaryImport.objects.count() == 1


def test_undo_is_refused_once_a_unit_is_used(city):
    batch = services.boundary_import_commit(actor=city.admin, batch=_preview(city, _districts()))
    nanshan = Jurisdiction.objects.get(code="440305")
    services.jurisdiction_create(actor=None, code="440305001", name="南头街道", level=JurisdictionLevel.STREET,
                                 parent=nanshan)
    with pytest.raises(DomainError, match="南山区"):
        services.boundary_import_undo(actor=city.admin, batch=batch)
    assert Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).count() == 9


def test_pages(client, city):
    client.force_login(city.admin)
    page = client.get("/orgs/boundary-imports/")
    assert page.status_code == 200 and "检查并预览" in page.content.decode()
    upload = io.BytesIO(_districts())
    upload.name = "深圳区界.geojson"
    r = client.post("/orgs/boundary-imports/", {"file": upload, "level": 2, "parent": city.root.pk, "crs": "wgs84"})
    assert r.status_code == 302  # the code and name columns were guessed (adcode, name)
    batch = BoundaryImport.objects.get()
    detail = client.get(r.url).content.decode()
    assert batch.error_count == 0, batch.findings
    assert "南山区" in detail and "确认导入" in detail and "adcode" in detail
    geo = client.get(f"/orgs/boundary-imports/{batch.pk}/geojson/").json()
    assert len(geo["features"]) == 9
    assert client.post(f"/orgs/boundary-imports/{batch.pk}/commit/").status_code == 302
    assert Jurisdiction.objects.filter(level=2).count() == 9
    assert "撤销本批导入" in client.get(f"/orgs/boundary-imports/{batch.pk}/").content.decode()
    client.post(f"/orgs/boundary-imports/{batch.pk}/undo/")
    assert not Jurisdiction.objects.filter(level=2).exists()
    bad = io.BytesIO(b"not json")
    bad.name = "x.geojson"
    r = client.post("/orgs/boundary-imports/", {"file": bad, "level": 2, "parent": city.root.pk, "crs": "wgs84"})
    assert r.status_code == 400 and 'data-testid="error-file"' in r.content.decode()
    assert BoundaryImport.objects.count() == 1


def test_command(city, tmp_path, capsys):
    path = tmp_path / "districts.geojson"
    path.write_bytes(_districts())
    call_command("import-boundaries", str(path), "--as", "chief", "--level", "district", "--parent", "440300",
                 "--dry-run")
    out = capsys.readouterr().out.strip().splitlines()
    assert json.loads(out[-1])["created"] == 0 and not Jurisdiction.objects.filter(level=2).exists()
    call_command("import-boundaries", str(path), "--as", "chief", "--level", "district", "--parent", "440300")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (summary["created"], summary["errors"], summary["mapping"]["code_column"]) == (9, 0, "adcode")
    assert Jurisdiction.objects.filter(level=2).count() == 9
    bad = tmp_path / "streets.geojson"
    bad.write_bytes((GEO / "shenzhen_streets.geojson").read_bytes())
    with pytest.raises(SystemExit) as exit_:
        call_command("import-boundaries", str(bad), "--as", "chief", "--level", "street", "--parent", "440300",
                     "--code-column", "street_code_2023", "--parent-column", "district_adcode")
    assert exit_.value.code == 1 and not Jurisdiction.objects.filter(level=3).exists()
    assert "错误 error: #" in capsys.readouterr().out
