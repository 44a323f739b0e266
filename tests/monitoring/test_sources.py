"""Major hazard sources: services (assessment, re-assessment, due item, enterprise flag),
the calculator page and the authorization matrix of the source pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.audit.models import Event
from anjian.core.errors import NotAllowed
from anjian.inbox.models import DueItem, DueState
from anjian.monitoring import services
from anjian.monitoring.models import HazardSource, HazardSubstance
from anjian.monitoring.services import SubstanceRow

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _create(world, actor=None, rows=None, pop=100, **kw):
    return services.hazard_source_create(
        actor=actor, enterprise=kw.pop("enterprise", world.ent_a), name=kw.pop("name", "液氯储罐区"), unit_kind="storage",
        boundary="罐区围堰以内", exposed_population=pop,
        substances=rows or [SubstanceRow("氯", "7782-50-5", "10")], **kw,
    )


@time_machine.travel(NOW, tick=False)
def test_create_stores_assessment_due_item_and_flag(world):
    src = _create(world, actor=world.user("enterprise"))
    assert (src.s, src.is_major, src.r, src.grade, src.grade_label) == (2.0, True, 16.0, 3, "三级")
    assert str(src.alpha) == "2.0"
    assert src.assessed_on == dt.date(2026, 11, 28)
    assert src.next_reassessment_due == dt.date(2029, 11, 28)
    assert [t["name"] for t in src.explanation] == ["氯"]
    assert src.explanation[0]["ratio"] == 2.0 and src.explanation[0]["beta"] == "4"
    assert list(HazardSubstance.objects.filter(source=src).values_list("name", "cas")) == [("氯", "7782-50-5")]
    due = DueItem.objects.get(kind="monitoring.reassessment", object_id=str(src.pk))
    assert (due.state, due.owner_enterprise_id) == (DueState.OPEN, world.ent_a.pk)
    assert due.due_at.date() == dt.date(2029, 11, 28)
    world.ent_a.refresh_from_db()
    assert world.ent_a.flags == ["hazardous_chemicals", "major_hazard_source"]
    assert Event.objects.filter(object_id=str(src.pk), verb="assessed").count() == 1


@time_machine.travel(NOW, tick=False)
def test_not_major_gets_no_grade_no_due_no_flag(world):
    src = _create(world, rows=[SubstanceRow("甲醇", "", "100")])
    assert (src.is_major, src.grade, src.r) == (False, None, None)
    assert not DueItem.objects.filter(kind="monitoring.reassessment").exists()
    world.ent_a.refresh_from_db()
    assert world.ent_a.flags == ["hazardous_chemicals"]


def test_change_reassesses_restarts_clock_and_clears_flag(world):
    with time_machine.travel(NOW, tick=False):
        src = _create(world)
    later = NOW + dt.timedelta(days=400)
    with time_machine.travel(later, tick=False):
        src = services.hazard_source_change(
            actor=world.user("regulator"), source=src, reason="液氯储量减少",
            substances=[SubstanceRow("氯", "", "2")],
        )
    assert (src.s, src.is_major, src.grade) == (0.4, False, None)
    assert src.assessed_on == dt.date(2028, 1, 2)
    assert DueItem.objects.get(kind="monitoring.reassessment", object_id=str(src.pk)).state == DueState.CANCELLED
    world.ent_a.refresh_from_db()
    assert world.ent_a.flags == ["hazardous_chemicals"]
    ev = Event.objects.get(object_id=str(src.pk), verb="reassessed")
    assert ev.note == "液氯储量减少" and ev.data["before"]["grade"] == 3


@time_machine.travel(NOW, tick=False)
def test_change_to_bigger_moves_due_date(world):
    src = _create(world)
    with time_machine.travel(NOW + dt.timedelta(days=10), tick=False):
        src = services.hazard_source_change(actor=None, source=src, reason="扩建", substances=[SubstanceRow("氯", "", "60")])
    assert (src.s, src.r, src.grade, src.grade_label) == (12.0, 96.0, 2, "二级")
    assert DueItem.objects.get(kind="monitoring.reassessment", object_id=str(src.pk)).due_at.date() == dt.date(2029, 12, 8)


def test_unknown_substance_refused_nothing_written(world):
    with pytest.raises(services.AssessmentRejected) as exc:
        _create(world, rows=[SubstanceRow("氯", "", "10"), SubstanceRow("不存在的物质", "", "5")])
    assert list(exc.value.errors.rows) == [1]
    assert "不存在的物质" in exc.value.errors.rows[1]
    assert HazardSource.objects.count() == 0


def test_missing_hazard_class_marks_the_row(world):
    with pytest.raises(services.AssessmentRejected) as exc:
        _create(world, rows=[SubstanceRow("氯", "", "1"), SubstanceRow("甲醇", "", "600")])
    assert list(exc.value.errors.rows) == [1]
    assert "W5.3" in exc.value.errors.rows[1]


def test_outsider_cannot_create(world):
    with pytest.raises(NotAllowed):
        _create(world, actor=world.user("district_b"))
    with pytest.raises(NotAllowed):
        _create(world, actor=world.user("grid_inspector"))
    assert HazardSource.objects.count() == 0


def test_attachments_are_stored(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("评估报告.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    src = _create(world, actor=world.user("enterprise"), files=[pdf])
    from anjian.documents.models import Attachment

    assert Attachment.objects.filter(object_id=str(src.pk)).count() == 1


# --- calculator ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["city_admin", "district_b", "regulator", "grid_inspector", "enterprise"])
def test_calculator_open_to_every_logged_in_user(login, persona):
    client = login(persona)
    resp = client.post("/monitoring/calculator/", {"name_0": "氯", "cas_0": "7782-50-5", "qty_0": "10", "exposed_population": "100"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'data-testid="s">2.0000<' in html
    assert 'data-testid="r">16.00<' in html
    assert "三级" in html


def test_calculator_anonymous_redirects(login):
    resp = login("anonymous").get("/monitoring/calculator/")
    assert resp.status_code == 302 and "/login" in resp["Location"]


def test_calculator_unknown_substance_error_beside_row_input_kept(login):
    resp = login("grid_inspector").post(
        "/monitoring/calculator/",
        {"name_0": "氯", "qty_0": "3", "name_1": "火星尘", "cas_1": "1-11-1", "qty_1": "2", "exposed_population": "5"},
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'data-testid="row-error-1"' in html and 'data-testid="row-error-0"' not in html
    assert 'value="火星尘"' in html and 'value="1-11-1"' in html and 'value="3"' in html
    assert 'data-testid="assessment"' not in html
    assert HazardSource.objects.count() == 0


def test_calculator_bad_quantity(login):
    html = login("enterprise").post("/monitoring/calculator/", {"name_0": "氯", "qty_0": "十吨", "exposed_population": "0"}).content.decode()
    assert 'data-testid="row-error-0"' in html and 'value="十吨"' in html


def test_calculator_hazard_class_item(login):
    html = login("enterprise").post("/monitoring/calculator/", {"name_0": "W2", "qty_0": "100", "exposed_population": "0"}).content.decode()
    assert 'data-testid="s">' in html and "构成重大危险源" in html


# --- pages: authorization matrix -----------------------------------------------------------

LIST_VISIBLE = {"city_admin": 1, "district_a": 1, "district_b": 0, "regulator": 1, "grid_inspector": 1, "enterprise": 1}


@pytest.mark.parametrize("persona", ["city_admin", "district_a", "district_b", "regulator", "grid_inspector", "enterprise", "anonymous"])
def test_detail_matrix(world, login, persona):
    src = _create(world)
    resp = login(persona).get(f"/monitoring/sources/{src.pk}/")
    if persona == "anonymous":
        assert resp.status_code == 302
    elif LIST_VISIBLE[persona]:
        assert resp.status_code == 200 and "液氯储罐区" in resp.content.decode()
    else:
        assert resp.status_code == 404


@pytest.mark.parametrize("persona", ["city_admin", "district_a", "district_b", "regulator", "grid_inspector", "enterprise", "anonymous"])
def test_list_matrix(world, login, persona):
    _create(world)
    resp = login(persona).get("/monitoring/sources/")
    if persona == "anonymous":
        assert resp.status_code == 302
        return
    assert resp.status_code == 200
    assert resp.content.decode().count("液氯储罐区") == LIST_VISIBLE[persona]


CHANGE_ALLOWED = {"city_admin", "district_a", "regulator", "enterprise"}


@pytest.mark.parametrize("persona", ["city_admin", "district_a", "district_b", "regulator", "grid_inspector", "enterprise", "anonymous"])
def test_change_matrix(world, login, persona):
    src = _create(world)
    resp = login(persona).post(
        f"/monitoring/sources/{src.pk}/change/",
        {"name": "液氯储罐区", "unit_kind": "storage", "exposed_population": "100", "reason": "减量",
         "name_0": "氯", "qty_0": "1"},
    )
    src.refresh_from_db()
    if persona in CHANGE_ALLOWED:
        assert resp.status_code == 302 and resp["Location"] == f"/monitoring/sources/{src.pk}/"
        assert (src.s, src.is_major) == (0.2, False)
    else:
        assert resp.status_code == (302 if persona == "anonymous" else 404)
        assert (src.s, src.is_major) == (2.0, True)
        assert not Event.objects.filter(object_id=str(src.pk), verb="reassessed").exists()


def test_create_page_keeps_input_on_error(world, login):
    client = login("enterprise")
    resp = client.post(
        "/monitoring/sources/new/",
        {"enterprise": world.ent_a.pk, "name": "罐区", "unit_kind": "storage", "exposed_population": "10",
         "name_0": "氯", "qty_0": "5", "name_1": "未知物", "qty_1": "1"},
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and 'data-testid="row-error-1"' in html and 'value="未知物"' in html
    assert HazardSource.objects.count() == 0
    resp = client.post(
        "/monitoring/sources/new/",
        {"enterprise": world.ent_a.pk, "name": "罐区", "unit_kind": "storage", "exposed_population": "10",
         "name_0": "氯", "qty_0": "5"},
    )
    src = HazardSource.objects.get()
    assert resp["Location"] == f"/monitoring/sources/{src.pk}/"
    assert (src.grade, src.created_by) == (4, world.user("enterprise"))


def test_create_page_other_enterprise_refused(world, login):
    resp = login("enterprise").post(
        "/monitoring/sources/new/",
        {"enterprise": world.ent_b.pk, "name": "罐区", "unit_kind": "storage", "exposed_population": "10", "name_0": "氯", "qty_0": "5"},
    )
    assert resp.status_code == 200 and 'data-testid="general-error"' in resp.content.decode()
    assert HazardSource.objects.count() == 0
