"""Shared set-up for the enforcement tests: the 应急管理局's inspectors, a matter, and a case
built through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from anjian.enforcement import services
from anjian.enforcement.models import Disposition

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)  # a Monday


def inspectors(world):
    ema = world.ema
    a = services.inspector_add(actor=None, department=ema, name="张执法", cert_no="44000001", user=world.users["regulator"])
    b = services.inspector_add(actor=None, department=ema, name="李执法", cert_no="44000002")
    c = services.inspector_add(actor=None, department=ema, name="王执法", cert_no="44000003", avoid=[world.ent_a])
    return a, b, c


def inspection_with_findings(world, officers):
    actor = world.users["regulator"]
    insp = services.inspection_start(actor=actor, department=world.ema, enterprise=world.ent_a, inspectors=officers[:2])
    hz = services.finding_add(actor=actor, inspection=insp, description="储罐区可燃气体报警器未投用",
                              disposition=Disposition.HAZARD, is_major=True, lng=114.05, lat=22.05)
    vio = services.finding_add(actor=actor, inspection=insp, description="未按规定对安全设备进行经常性维护",
                               disposition=Disposition.VIOLATION, legal_basis="《安全生产法》第三十六条第二款")
    services.inspection_complete(actor=actor, inspection=insp, content="检查储罐区、生产车间安全设施",
                                 handling="责令限期整改，立案调查", accompanied_by="赵安全")
    return insp, hz, vio


def filed_case(world, officers):
    insp, _hz, _vio = inspection_with_findings(world, officers)
    case = services.case_file(actor=world.users["regulator"], department=world.ema, enterprise=world.ent_a,
                              cause="未对安全设备进行经常性维护", facts="储罐区可燃气体报警器未投用",
                              legal_basis="《安全生产法》第三十六条第二款", inspection=insp,
                              findings=list(insp.findings.all()))
    return case


FINE = Decimal("20000")
HEARING_FINE = Decimal("60000")  # a fine that carries the hearing right (行政处罚法 Art. 63; 15号令 Art. 33: 5万元以上)
