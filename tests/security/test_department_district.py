"""Issue 13 item 10 (decided): a city department's member limited to one district does not
reach rows routed to the department in other districts; a member of the department without a
district limit does (routing named the department as the handler)."""

from __future__ import annotations

import pytest

from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, user_create
from anjian.core.scoping import can
from anjian.public_reports import services as ps
from anjian.public_reports.models import Channel, Report
from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


def test_district_limited_department_member_stays_in_its_district(world, client):
    posted = user_create(actor=None, username="ema_in_a", password=PASSWORD, display_name="应急局驻甲区",
                         must_change_password=False)
    membership_grant(actor=None, user=posted, role=Role.objects.get(code="regulator"), department=world.ema,
                     jurisdiction=world.district_a)
    # a report in district B without an enterprise, dispatched by the city to 应急管理局
    r, _s, _c = ps.report_submit(actor=None, channel=Channel.PUBLIC, report_type="other",
                                 description="乙区某处违规储存危险化学品", lng=114.25, lat=22.05)
    ps.report_accept(actor=world.user("city_admin"), report=r)
    ps.report_dispatch(actor=world.user("city_admin"), report=r, department=world.ema)
    r.refresh_from_db()
    assert r.department == world.ema and r.jurisdiction.path.startswith(world.district_b.path)
    assert can(world.user("regulator"), "public_reports.view", r)  # the bureau itself: yes
    assert not can(posted, "public_reports.view", r)  # its officer posted to district A: no
    assert not Report.objects.restrict(posted, "public_reports.view").filter(pk=r.pk).exists()
    client.login(username="ema_in_a", password=PASSWORD)
    assert client.get(f"/reports/{r.pk}/").status_code == 404
    # the same kind of row in district A is reached
    mine, _s2, _c2 = ps.report_submit(actor=None, channel=Channel.PUBLIC, report_type="other",
                                      description="甲区某处违规储存危险化学品", lng=114.05, lat=22.15)
    ps.report_accept(actor=world.user("city_admin"), report=mine)
    ps.report_dispatch(actor=world.user("city_admin"), report=mine, department=world.ema)
    assert can(posted, "public_reports.view", mine)
