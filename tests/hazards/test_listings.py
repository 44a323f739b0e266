"""挂牌督办: listing a 重大 hazard takes a number from the office's series, the Word notice opens
with python-docx and names the number and the hazard, progress shows on the page, and the listing
is taken off when the hazard is written off."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
import time_machine
from django.utils import timezone

from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.documents.models import DocumentSeries, IssuedNumber
from anjian.hazards import services as hs
from anjian.hazards.models import HazardListing
from anjian.inbox.models import DueItem

from .helpers import photo, verbs

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
PLAN = {"targets_tasks": "修复", "methods_measures": "修补", "funds_materials": "10万", "organisation_people": "张三",
        "deadline_requirements": "4月底", "safety_emergency": "停用监护"}


@pytest.fixture
def series(world):
    return DocumentSeries.objects.create(code="jia-duban", prefix="甲安办督", name="甲区挂牌督办",
                                         jurisdiction=world.district_a)


@pytest.fixture
def major(world):
    with time_machine.travel(T0, tick=False):
        h = hs.hazard_report(actor=world.user("grid_inspector"), source="patrol", enterprise=world.ent_a,
                             category="储罐区防火堤破损", description="3号储罐防火堤有2米长裂缝", level="major",
                             standard_item="化工判定标准 第十二条")
        hs.hazard_confirm(actor=world.user("regulator"), hazard=h, responsible_person="李四", note="属实")
    return h


def _list(world, h, series, actor="district_a", level="district"):
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        return hs.hazard_listing_create(actor=world.user(actor), hazard=h, level=level, series=series,
                                        issuer="甲区安全生产委员会办公室", deadline=dt.date(2026, 4, 30),
                                        requirements="每周报送进展")


def test_list_and_notice_docx(world, major, series, login):
    listing = _list(world, major, series)
    assert (listing.number, listing.supervisor, listing.status, listing.issued_on) == (
        "甲安办督〔2026〕1号", world.district_a, "listed", dt.date(2026, 3, 3))
    issued = IssuedNumber.objects.get()
    assert (issued.text, issued.object_id, issued.content_type.model) == ("甲安办督〔2026〕1号", str(listing.pk),
                                                                           "hazardlisting")
    assert verbs(major)[-1] == "hazard.listed"
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        response = login("enterprise").get(f"/hazards/{major.pk}/listings/{listing.pk}/notice.docx")
        page = login("district_a").get(f"/hazards/{major.pk}/").content.decode()
    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "甲安办督〔2026〕1号" in text
    assert "甲区化工有限公司" in text and "储罐区防火堤破损" in text
    assert "2026年4月30日" in text and "甲区安全生产委员会办公室" in text and "2026年3月3日" in text
    assert f'data-testid="listing-{listing.pk}"' in page and "甲安办督〔2026〕1号" in page and "督办中" in page


def test_city_level_and_refusals(world, major, series):
    with pytest.raises(NotFoundInScope):
        _list(world, major, series, actor="district_b")
    with pytest.raises(NotAllowed):
        _list(world, major, series, actor="grid_inspector")
    assert HazardListing.objects.count() == 0 and IssuedNumber.objects.count() == 0
    listing = _list(world, major, series, actor="city_admin", level="city")
    assert listing.supervisor == world.city
    with pytest.raises(DomainError):  # one active listing
        _list(world, major, series)
    assert IssuedNumber.objects.count() == 1


def test_general_hazard_cannot_be_listed(world, series):
    with time_machine.travel(T0, tick=False):
        h = hs.hazard_report(actor=world.user("grid_inspector"), source="patrol", enterprise=world.ent_a,
                             category="灭火器过期", description="2具", level="general")
    with pytest.raises(DomainError):
        _list(world, h, series)
    assert HazardListing.objects.count() == 0


def test_written_off_with_the_hazard(world, major, series, login):
    listing = _list(world, major, series)
    item = DueItem.objects.get(kind="hazards.listing", object_id=str(listing.pk))
    # The supervising district verifies on site within 10 days of the listed deadline (30 April)…
    assert (item.state, item.owner_jurisdiction, timezone.localtime(item.due_at).date()) == (
        "open", world.district_a, dt.date(2026, 5, 10))
    assert "甲安办督〔2026〕1号" in item.title
    ent, reg = world.user("enterprise"), world.user("regulator")
    with time_machine.travel(T0 + dt.timedelta(days=3), tick=False):
        hs.hazard_plan_set(actor=ent, hazard=major, plan=PLAN)
        hs.hazard_start_rectification(actor=ent, hazard=major)
        hs.hazard_apply_writeoff(actor=ent, hazard=major, note="已完成", photos=[photo()])
        item.refresh_from_db()  # …or of the unit's write-off application, whichever comes first
        assert timezone.localtime(item.due_at).date() == dt.date(2026, 3, 15)
        hs.hazard_review(actor=reg, hazard=major, passed=True, note="核查合格")
        hs.hazard_write_off(actor=reg, hazard=major, note="销号")
        page = login("district_a").get(f"/hazards/{major.pk}/").content.decode()
    listing.refresh_from_db()
    assert (listing.status, listing.written_off_at) == ("written_off", T0 + dt.timedelta(days=3))
    assert verbs(major)[-1] == "hazard.listing_written_off"
    assert "已摘牌" in page
    item.refresh_from_db()
    assert item.state == "done"


def test_listing_form_post(world, major, series, login):
    data = {"level": "district", "series": series.pk, "issuer": "甲区安委办", "deadline": "2026-04-30",
            "requirements": ""}
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        assert login("district_b").post(f"/hazards/{major.pk}/listings/", data).status_code == 404
        assert login("grid_inspector").post(f"/hazards/{major.pk}/listings/", data).status_code == 404
        assert HazardListing.objects.count() == 0
        assert login("district_a").post(f"/hazards/{major.pk}/listings/", data).status_code == 302
    assert list(HazardListing.objects.values_list("number", flat=True)) == ["甲安办督〔2026〕1号"]


def test_api_listing(world, major, series, login):
    payload = {"level": "district", "series_id": series.pk, "issuer": "甲区安委办", "deadline": "2026-04-30"}
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        denied = login("district_b").post(f"/api/v1/hazards/{major.pk}/listings", payload, content_type="application/json")
        assert denied.status_code == 404 and HazardListing.objects.count() == 0
        created = login("district_a").post(f"/api/v1/hazards/{major.pk}/listings", payload,
                                           content_type="application/json")
        listed = login("regulator").get(f"/api/v1/hazards/{major.pk}/listings").json()
    assert created.status_code == 201
    assert created.json()["number"] == "甲安办督〔2026〕1号"
    assert [(x["number"], x["status"], x["is_overdue"]) for x in listed] == [("甲安办督〔2026〕1号", "listed", False)]
