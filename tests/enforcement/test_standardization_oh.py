"""Standardisation grades (validity, expiry to-do, feeding the classification), self-assessment
against the shared scoring table, and occupational-hazard declarations with their windows."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from anjian.checklists import services as cs
from anjian.core.errors import DomainError, NotAllowed
from anjian.enforcement import services
from anjian.enforcement.selectors import oh_statistics
from anjian.inbox.models import DueItem, DueState
from anjian.rules import occupational as oh
from anjian.rules import standardization as std
from tests.checklists.helpers import SCORING_CSV, shared_file
from tests.enforcement.helpers import NOW, TZ

D = dt.date


def test_rules():
    assert std.valid_until(D(2026, 3, 2)) == D(2029, 3, 1)
    assert std.valid_until(D(2024, 2, 29)) == D(2027, 2, 27)
    assert std.percent_score(1000, Decimal("85")) == Decimal("91.5")
    assert std.percent_score(1000, Decimal("85"), 100) == Decimal("90.6")
    assert [std.grade_for_score(Decimal(x)) for x in ("90", "89.9", "75", "60", "59.9")] == ["1", "2", "2", "3", ""]
    assert oh.declaration_due(oh.Kind.INITIAL, D(2026, 3, 2)) == D(2026, 4, 1)
    assert oh.declaration_due(oh.Kind.CHANGE, D(2026, 3, 2)) == D(2026, 3, 17)
    assert oh.annual_window(D(2026, 1, 31)) == (D(2026, 12, 31), D(2027, 2, 28))
    assert [c for c, _zh, _en in oh.CATEGORIES] == ["dust", "chemical", "physical", "radiation", "biological", "other"]


def _due(obj, kind):
    from django.contrib.contenttypes.models import ContentType

    return DueItem.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
                                  kind=kind, state=DueState.OPEN).first()


@pytest.mark.django_db
def test_grade_feeds_classification_and_expiry_reminds_the_enterprise(world):
    reg = world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        cert = services.std_cert_record(actor=reg, enterprise=world.ent_a, grade="2", number="AQBⅡ-2026-001",
                                        issuer="示范市应急管理局", issued_on=D(2026, 1, 10))
        assert cert.valid_until == D(2029, 1, 9)
        item = _due(cert, "enforcement.std_expiry")
        assert item.owner_enterprise == world.ent_a and item.due_at.astimezone(TZ).date() == D(2029, 1, 9)
        with pytest.raises(NotAllowed):
            services.std_cert_record(actor=world.users["enterprise"], enterprise=world.ent_a, grade="1",
                                     number="x", issuer="x", issued_on=D(2026, 1, 10))
        plan = services.plan_generate(actor=reg, department=world.ema, jurisdiction=world.city, year=2027)
        t = plan.targets.get()
        assert (t.klass, t.quota) == ("B", 4)  # hazardous chemicals, 二级
        services.std_cert_revoke(actor=reg, cert=cert, reason="发生死亡事故")
        assert services.standardization_grade(world.ent_a) == ""


@pytest.mark.django_db
def test_self_assessment_on_the_shared_scoring_table(world):
    path = shared_file(SCORING_CSV)
    with path.open(encoding="utf-8") as fh:
        items = [{"code": r["seq"], "section": r["category"], "subsection": r["project"], "text": r["content"],
                  "points": int(r["score"]), "scoring_method": r["scoring_method"]}
                 for r in csv.DictReader(fh)
                 if r["seq"].strip().isdigit() and r["score"].strip().isdigit() and r["content"].strip()]
    with time_machine.travel(NOW, tick=False):
        tpl = cs.template_create(actor=None, code="wl-std", name="仓储物流企业安全生产标准化评分标准",
                                 kind="standardization_scoring")
        v = cs.version_create_draft(actor=None, template=tpl, copy_items=False)
        cs.version_items_set(actor=None, version=v, items=items)
        v = cs.version_publish(actor=None, version=v)
        assert v.items.count() >= 160
        first = v.items.order_by("order").first()
        a = services.self_assess(actor=world.users["enterprise"], enterprise=world.ent_a, version=v,
                                 deductions={first.code: first.points})
        assert a.score == Decimal(100 * (v.total_points - first.points) / v.total_points).quantize(Decimal("0.1"))
        with pytest.raises(DomainError):
            services.self_assess(actor=world.users["enterprise"], enterprise=world.ent_a, version=v,
                                 deductions={first.code: first.points + 1})


@pytest.mark.django_db
def test_oh_declarations_windows_and_statistics(world):
    reg, ent_user = world.users["regulator"], world.users["enterprise"]
    with time_machine.travel(NOW, tick=False):
        services.oh_event(actor=reg, enterprise=world.ent_a, kind="initial", event_on=D(2026, 3, 1))
        item = _due(world.ent_a, "enforcement.oh_initial")
        assert item.owner_enterprise == world.ent_a and item.due_at.astimezone(TZ).date() == D(2026, 3, 31)
        with pytest.raises(DomainError):
            services.oh_declare(actor=ent_user, enterprise=world.ent_a, kind="initial",
                                factors={"noise": [{"name": "噪声", "exposed": 3}]})
        services.oh_declare(actor=ent_user, enterprise=world.ent_a, kind="initial", workers=120,
                            factors={"dust": [{"name": "矽尘", "exposed": 12}],
                                     "chemical": [{"name": "苯", "exposed": 5}]},
                            workplaces=["投料车间"], has_highly_toxic=True, health_checked=17)
        assert _due(world.ent_a, "enforcement.oh_initial") is None
        annual = _due(world.ent_a, "enforcement.oh_annual")
        assert annual.owner_enterprise == world.ent_a and annual.due_at.astimezone(TZ).date() == D(2027, 4, 2)
        with pytest.raises(NotAllowed):
            services.oh_declare(actor=world.users["district_b"], enterprise=world.ent_a, kind="annual", factors={})
    [row] = oh_statistics(user=world.users["city_admin"])
    assert (row["label"], row["enterprises"], row["dust"], row["toxic"]) == ("甲区", 1, 1, 1)
    assert oh_statistics(user=world.users["district_b"]) == []
