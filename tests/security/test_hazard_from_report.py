"""Issue 13 item 5: a hazard registered from a public report tells the enterprise nothing of
the report — not its words, not 群众举报, not the minute it came in."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from anjian.core.errors import DomainError
from anjian.public_reports import services as ps
from anjian.public_reports.models import Report

from ..public_reports.helpers import file_report

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 3, 7, 41, 23, tzinfo=dt.UTC)
TELLING = "举报人自述在厂内工作，夜班时看到储罐区有人违规动火"


def _ready(world) -> Report:
    with time_machine.travel(T0, tick=False):
        r, _secret = file_report(world, description=TELLING, lng=114.06, lat=22.06)
    district = world.user("district_a")
    ps.report_accept(actor=district, report=r)
    ps.report_dispatch(actor=district, report=r)
    return r


def test_handler_must_rewrite_and_confirm(world):
    r = _ready(world)
    regulator = world.user("regulator")
    for kw, field in (({}, "hazard_description"),
                      ({"hazard_description": TELLING, "hazard_description_confirmed": True}, "hazard_description"),
                      ({"hazard_description": "  " + TELLING + "，请查处"}, "hazard_description"),
                      ({"hazard_description": "储罐区存在未办理许可的动火作业"}, "hazard_description_confirmed")):
        with pytest.raises(DomainError) as exc:
            ps.report_handle(actor=regulator, report=r, note="属实", create_hazard=True, **kw)
        assert exc.value.field == field
    r.refresh_from_db()
    assert r.status == "dispatched" and r.link_id == ""


def test_enterprise_sees_a_generic_hazard(world, login):
    r = _ready(world)
    ps.report_handle(actor=world.user("regulator"), report=r, note="属实", create_hazard=True,
                     hazard_description="储罐区存在未办理动火作业许可的动火作业", hazard_description_confirmed=True)
    r.refresh_from_db()
    hazard = r.linked
    assert hazard.source == "regulator" and hazard.get_source_display() == "监管发现"
    assert hazard.description == "储罐区存在未办理动火作业许可的动火作业"
    assert timezone.localtime(hazard.found_at).time() == dt.time(0, 0)
    assert timezone.localdate(hazard.found_at) == timezone.localdate(T0)
    assert (hazard.lng, hazard.lat) == (world.ent_a.lng, world.ent_a.lat)  # the enterprise's place, not the phone's
    page = login("enterprise").get(f"/hazards/{hazard.pk}/").content.decode()
    assert "监管发现" in page
    for leak in ("群众举报", "举报人", "厂内工作", "15:41", "07:41"):
        assert leak not in page


def test_the_page_offers_the_report_as_a_draft_and_refuses_it_unchanged(world, login):
    r = _ready(world)
    client = login("regulator")
    page = client.get(f"/reports/{r.pk}/").content.decode()
    draft = page.split('data-testid="hazard-draft"', 1)[1].split("</fieldset>", 1)[0]
    assert f'name="hazard_description" id="hd" rows="4">{TELLING}</textarea>' in draft
    assert 'name="hazard_description_confirmed"' in draft and "监管发现" in draft
    refused = client.post(f"/reports/{r.pk}/handle/", {"note": "属实", "create_hazard": "1", "hazard_category": "动火作业",
                                                       "hazard_description": TELLING,
                                                       "hazard_description_confirmed": "1"}, follow=True)
    assert "隐患描述不能照抄举报内容" in refused.content.decode()
    r.refresh_from_db()
    assert r.status == "dispatched" and r.link_id == ""
