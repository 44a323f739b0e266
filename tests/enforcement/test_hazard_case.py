"""From a hazard to its case file: the hazard page offers 立案查处 / 关联案件 (no hand-entered
penalty); a case opened from the hazard, or an open case it is attached to, records its decision
against the hazard (安全生产法 Art. 113 register); refusals and other units change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError, InvalidTransition, NotFoundInScope
from anjian.enforcement import services
from anjian.enforcement.models import Case
from anjian.hazards import services as hs
from anjian.hazards.models import HazardPenalty
from tests.enforcement.helpers import FINE, NOW

pytestmark = pytest.mark.django_db


def _hazard(world, ent=None):
    return hs.hazard_report(actor=world.users["city_admin"], source="inspection", enterprise=ent or world.ent_a,
                            category="储罐区防火堤破损", description="储罐区防火堤破损，裂缝长约2米", level="major",
                            found_at=dt.datetime(2026, 2, 20, tzinfo=dt.UTC))


def _decide(world, case):
    reg = world.users["regulator"]
    services.case_notify(actor=reg, case=case, facts="防火堤破损未修复", legal_basis="《安全生产法》第四十一条",
                         penalty_basis="《安全生产法》第一百零二条", penalty_kind="fine", proposed_fine=FINE)
    services.case_respond(actor=world.users["enterprise"], case=case, statement="已修复")
    services.case_decide(actor=reg, case=case, penalty_kind="fine", fine=FINE)


def test_case_opened_from_the_hazard_page_records_its_penalty(world, login):
    with time_machine.travel(NOW, tick=False):
        h = _hazard(world)
        c = login("regulator")
        page = c.get(f"/hazards/{h.pk}/").content.decode()
        assert 'data-testid="hazard-case"' in page and f"/enforcement/hazards/{h.pk}/case/" in page
        assert 'data-testid="act-penalty"' not in page
        form = c.get(f"/enforcement/hazards/{h.pk}/case/").content.decode()
        assert "储罐区防火堤破损" in form  # the cause and facts start from the hazard
        r = c.post(f"/enforcement/hazards/{h.pk}/case/", {"department": world.ema.pk, "cause": "防火堤破损未及时修复",
                                                           "facts": "储罐区防火堤破损", "legal_basis": "《安全生产法》第四十一条"})
        case = Case.objects.get()
        assert r.status_code == 302 and r["Location"] == f"/enforcement/cases/{case.pk}/"
        assert list(case.hazards.all()) == [h] and case.enterprise == world.ent_a and case.inspection is None
        assert "hazard.case_opened" in timeline_for(h).values_list("verb", flat=True)
        assert case.number in c.get(f"/hazards/{h.pk}/").content.decode()  # the case is linked from the hazard
        _decide(world, case)
    case.refresh_from_db()
    penalty = HazardPenalty.objects.get()
    assert (penalty.hazard, penalty.amount, penalty.note) == (h, FINE, f"案件 {case.code}")
    assert penalty.document_number == case.documents.get(kind="decision").number


def test_attach_to_an_open_case_of_the_party(world, login):
    with time_machine.travel(NOW, tick=False):
        reg = world.users["regulator"]
        h = _hazard(world)
        case = services.case_file(actor=reg, department=world.ema, enterprise=world.ent_a, cause="未落实隐患排查治理制度")
        c = login("regulator")
        page = c.get(f"/enforcement/hazards/{h.pk}/case/").content.decode()
        assert f'data-testid="attach-{case.pk}"' in page
        r = c.post(f"/enforcement/hazards/{h.pk}/case/{case.pk}/attach/", {"note": "同一违法行为"})
        assert r.status_code == 302
        assert list(case.hazards.all()) == [h]
        assert "case.hazard_attached" in timeline_for(case).values_list("verb", flat=True)
        with pytest.raises(DomainError):  # twice
            services.case_attach_hazard(actor=reg, case=case, hazard=h)
        _decide(world, case)
        assert HazardPenalty.objects.filter(hazard=h).count() == 1
        other = _hazard(world)
        with pytest.raises(InvalidTransition):  # decided: a new case for a new hazard
            services.case_attach_hazard(actor=reg, case=Case.objects.get(pk=case.pk), hazard=other)
    assert list(Case.objects.get(pk=case.pk).hazards.all()) == [h]


def test_refusals_and_other_units_change_nothing(world, login):
    with time_machine.travel(NOW, tick=False):
        reg = world.users["regulator"]
        h = _hazard(world)
        h_b = _hazard(world, ent=world.ent_b)
        case = services.case_file(actor=reg, department=world.ema, enterprise=world.ent_a, cause="未落实隐患排查治理制度")
        with pytest.raises(NotFoundInScope):  # a hazard the regulator does not see (住建 sector)
            services.case_attach_hazard(actor=reg, case=case, hazard=h_b)
        with pytest.raises(DomainError, match="不属于本案当事人"):  # another party's hazard
            services.case_attach_hazard(actor=None, case=case, hazard=h_b)
        with pytest.raises(DomainError, match="不属于本案当事人"):
            services.case_file(actor=None, department=world.ema, enterprise=world.ent_a, cause="x", hazards=[h_b])
        with pytest.raises(NotFoundInScope):
            services.case_attach_hazard(actor=world.users["district_b"], case=case, hazard=h)
        for persona in ("district_b", "enterprise", "grid_inspector"):
            cl = login(persona)
            assert cl.get(f"/enforcement/hazards/{h.pk}/case/").status_code in (403, 404)
            assert cl.post(f"/enforcement/hazards/{h.pk}/case/", {"department": world.ema.pk, "cause": "x"}).status_code in (403, 404)
            assert cl.post(f"/enforcement/hazards/{h.pk}/case/{case.pk}/attach/", {}).status_code in (403, 404)
        page = login("enterprise").get(f"/hazards/{h.pk}/").content.decode()
        assert 'data-testid="hazard-case"' not in page  # the party does not open cases
        r = login("regulator").post(f"/enforcement/hazards/{h.pk}/case/", {"department": world.ema.pk, "cause": ""})
        assert r.status_code == 400
    assert Case.objects.count() == 1 and not case.hazards.exists()


def test_through_the_api(world, client):
    from anjian.accounts.services import token_create

    def post(path, body, user):
        _t, raw = token_create(actor=user, name="t")
        return client.post(f"/api/v1/enforcement{path}", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")

    with time_machine.travel(NOW, tick=False):
        reg = world.users["regulator"]
        h, h2 = _hazard(world), _hazard(world)
        body = {"department_id": world.ema.pk, "hazard_id": h.pk, "cause": "防火堤破损未及时修复"}
        r = post("/hazard-cases", body, world.users["district_b"])  # the hazard is outside its scope
        assert r.status_code in (400, 403, 404) and not Case.objects.exists()
        r = post("/hazard-cases", body, reg)
        assert r.status_code == 201, r.content
        case = Case.objects.get(pk=r.json()["id"])
        assert list(case.hazards.all()) == [h]
        r = post(f"/cases/{case.pk}/hazards", {"hazard_id": h2.pk, "note": "同一违法行为"}, world.users["district_b"])
        assert r.status_code in (403, 404) and case.hazards.count() == 1
        r = post(f"/cases/{case.pk}/hazards", {"hazard_id": h2.pk, "note": "同一违法行为"}, reg)
        assert r.status_code == 200 and set(case.hazards.all()) == {h, h2}
        r = post(f"/cases/{case.pk}/hazards", {"hazard_id": h2.pk}, reg)  # twice: refused in both languages
        assert r.status_code == 400 and r.json()["zh"] and r.json()["en"]
