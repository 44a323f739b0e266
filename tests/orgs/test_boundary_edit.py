"""行政区划调整 of one unit: its boundary edited on the map with the import's checks, its renaming;
audited; out of scope refused with nothing changed."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import box

from anjian.audit.models import Event
from anjian.core.errors import DomainError, NotAllowed
from anjian.orgs.adjust import jurisdiction_boundary_edit, jurisdiction_rename, parse_geometry
from anjian.orgs.models import Jurisdiction

pytestmark = pytest.mark.django_db


def test_a_street_grows_inside_its_district_and_the_change_is_audited(world):
    admin = world.user("city_admin")
    bigger = box(114.0, 22.0, 114.2, 22.25)  # 甲一街道 reaches further north, still inside 甲区
    warnings = jurisdiction_boundary_edit(actor=admin, jurisdiction=world.street_a, geometry=bigger, reason="区划调整批复")
    street = Jurisdiction.objects.get(pk=world.street_a.pk)
    assert shapely.from_geojson(street.boundary).equals(bigger) and street.max_lat == pytest.approx(22.25)
    assert not any("重叠" in w.zh or "超出" in w.zh for w in warnings)  # only the world's gap is reported
    assert Event.objects.filter(verb="boundary_changed", object_id=str(street.pk)).exists()
    assert street.history.count() >= 2


def test_outside_the_parent_is_refused_and_nothing_changes(world):
    before = Jurisdiction.objects.get(pk=world.street_a.pk).boundary
    with pytest.raises(DomainError, match="超出上级"):
        jurisdiction_boundary_edit(actor=world.user("city_admin"), jurisdiction=world.street_a,
                                   geometry=box(114.0, 22.0, 114.4, 22.2), reason="x")  # half of it in 乙区
    assert Jurisdiction.objects.get(pk=world.street_a.pk).boundary == before


def test_an_overlap_with_a_sibling_is_reported_with_its_area(world):
    from anjian.orgs.services import jurisdiction_create

    jurisdiction_create(actor=None, code="990101002", name="甲二街道", level=3, parent=world.district_a,
                        geometry=box(114.0, 22.2, 114.2, 22.4), is_synthetic=True)
    warnings = jurisdiction_boundary_edit(actor=world.user("city_admin"), jurisdiction=world.street_a,
                                          geometry=box(114.0, 22.0, 114.2, 22.25), reason="测绘更新")
    assert any("甲二街道" in w.zh and "平方公里" in w.zh for w in warnings)


def test_a_self_crossing_ring_is_repaired_or_refused():
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    assert parse_geometry(json.dumps(bowtie)).is_valid
    with pytest.raises(DomainError):
        parse_geometry(json.dumps({"type": "Point", "coordinates": [0, 0]}))


def test_out_of_scope_and_renaming(world):
    with pytest.raises(NotAllowed):
        jurisdiction_boundary_edit(actor=world.user("district_a"), jurisdiction=world.street_a,
                                   geometry=box(114.0, 22.0, 114.2, 22.25), reason="x")  # no orgs.change
    jurisdiction_rename(actor=world.user("city_admin"), jurisdiction=world.street_a, name="甲新街道", reason="民政批复")
    assert Jurisdiction.objects.get(pk=world.street_a.pk).name == "甲新街道"
    assert Event.objects.get(verb="renamed").data == {"old": "甲一街道", "new": "甲新街道"}


def test_pages(login, world):
    client = login("city_admin")
    assert "btn-adjust" in client.get(f"/orgs/jurisdictions/{world.street_a.pk}/").content.decode()
    assert client.get(f"/orgs/jurisdictions/{world.street_a.pk}/adjust/").status_code == 200
    fc = client.get(f"/orgs/jurisdictions/{world.street_a.pk}/adjust/geojson/").json()
    assert {f["properties"]["role"] for f in fc["features"]} == {"unit", "parent"}
    geometry = json.dumps(box(114.0, 22.0, 114.2, 22.25).__geo_interface__)
    response = client.post(f"/orgs/jurisdictions/{world.street_a.pk}/adjust/", {"geometry": geometry, "reason": "批复"})
    assert response.status_code == 302
    bad = json.dumps(box(114.0, 22.0, 114.4, 22.2).__geo_interface__)
    response = client.post(f"/orgs/jurisdictions/{world.street_a.pk}/adjust/", {"geometry": bad, "reason": "批复"})
    assert response.status_code == 400 and "超出上级" in response.content.decode()
    response = client.post(f"/orgs/jurisdictions/{world.street_a.pk}/rename/", {"name": "甲新街道", "reason": "批复"})
    assert response.status_code == 302 and Jurisdiction.objects.get(pk=world.street_a.pk).name == "甲新街道"
    assert client.get(f"/orgs/jurisdictions/{world.city.pk}/adjust/").status_code == 404  # the root: by import
    district = login("district_a")
    before = Jurisdiction.objects.get(pk=world.street_a.pk).boundary
    assert district.post(f"/orgs/jurisdictions/{world.street_a.pk}/adjust/", {"geometry": bad, "reason": "x"}).status_code == 404
    assert Jurisdiction.objects.get(pk=world.street_a.pk).boundary == before
