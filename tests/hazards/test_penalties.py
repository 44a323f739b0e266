"""安全生产法 Art. 113 through the service: penalties recorded with hazard_penalty_record flag the
enterprise for referral at the 180-day and one-year boundaries, and not one day past them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.hazards import services as hs
from anjian.hazards.models import HazardPenalty, RepeatOffenderFlag
from anjian.inbox.models import DueItem
from anjian.inbox.selectors import due_item_list

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 2, 1, 2, 0, tzinfo=dt.UTC)


def _hazard(world, level="major", ent=None):
    return hs.hazard_report(actor=world.user("city_admin"), source="inspection", enterprise=ent or world.ent_a,
                            category="储罐区防火堤破损", description="裂缝", level=level,
                            found_at=dt.datetime(2025, 12, 1, tzinfo=dt.UTC))


def _penalise(world, h, days, actor="regulator"):
    for i, day in enumerate(days):
        hs.hazard_penalty_record(actor=world.user(actor), hazard=h, decided_on=day, amount="30000",
                                 document_number=f"示应急罚〔{day.year}〕{h.pk}-{day:%m%d}-{i}号")


def _verbs(obj):
    return list(timeline_for(obj).order_by("id").values_list("verb", flat=True))


def _referrals():
    return list(DueItem.objects.filter(kind="hazards.referral").values_list("owner_jurisdiction__name", "state"))


D0 = dt.date(2026, 1, 1)


@pytest.mark.parametrize(("third", "flagged"), [(D0 + dt.timedelta(days=180), True),
                                                 (D0 + dt.timedelta(days=181), False)])
def test_three_within_180_days_boundary(world, third, flagged):
    assert D0 + dt.timedelta(days=180) == dt.date(2026, 6, 30)
    with time_machine.travel(NOW, tick=False):
        h = _hazard(world)
        _penalise(world, h, [D0, dt.date(2026, 3, 1)])
        assert RepeatOffenderFlag.objects.count() == 0
        _penalise(world, h, [third])
    flags = list(RepeatOffenderFlag.objects.values_list("enterprise", "rule", "window_start", "window_end",
                                                         "penalty_count", "district"))
    if flagged:
        assert flags == [(world.ent_a.pk, "three_in_180_days", D0, third, 3, world.district_a.pk)]
        assert _verbs(world.ent_a).count("hazard.repeat_offender") == 1
        assert _referrals() == [("甲区", "open")]
        item = DueItem.objects.get(kind="hazards.referral")
        assert item.due_at == NOW + dt.timedelta(days=hs.REFERRAL_DUE_DAYS)
        assert item.url == f"/enterprises/{world.ent_a.pk}/"
        assert [i.kind for i in due_item_list(user=world.user("district_a")) if i.kind == "hazards.referral"] == [
            "hazards.referral"]
        assert [i.kind for i in due_item_list(user=world.user("district_b")) if i.kind == "hazards.referral"] == []
    else:
        assert flags == []
        assert "hazard.repeat_offender" not in _verbs(world.ent_a)
        assert _referrals() == []
    assert _verbs(world.ent_a).count("hazard.penalised") == 3
    assert _verbs(h).count("hazard.penalised") == 3


@pytest.mark.parametrize(("fourth", "flagged"), [(dt.date(2027, 1, 10), True), (dt.date(2027, 1, 11), False)])
def test_four_within_one_year_boundary(world, fourth, flagged):
    days = [dt.date(2026, 1, 10), dt.date(2026, 5, 1), dt.date(2026, 9, 1)]  # no 3 of them within 180 days
    with time_machine.travel(NOW, tick=False):
        h = _hazard(world)
        _penalise(world, h, days)
        assert RepeatOffenderFlag.objects.count() == 0
        _penalise(world, h, [fourth])
        again = RepeatOffenderFlag.objects.count()
    flags = list(RepeatOffenderFlag.objects.values_list("rule", "window_start", "window_end", "penalty_count"))
    if flagged:
        assert flags == [("four_in_one_year", dt.date(2026, 1, 10), fourth, 4)]
        assert _referrals() == [("甲区", "open")]
    else:
        assert flags == [] and again == 0
        assert _referrals() == []


def test_flag_raised_once_and_general_hazard_penalties_do_not_count(world):
    with time_machine.travel(NOW, tick=False):
        general = _hazard(world, level="general")
        _penalise(world, general, [dt.date(2026, 2, 1), dt.date(2026, 2, 2), dt.date(2026, 2, 3)])
        assert RepeatOffenderFlag.objects.count() == 0
        major = _hazard(world)
        _penalise(world, major, [dt.date(2026, 2, 1), dt.date(2026, 2, 2), dt.date(2026, 2, 3)])
        hs.hazard_penalty_record(actor=world.user("regulator"), hazard=major, decided_on=dt.date(2026, 1, 5),
                                 amount=Decimal("1000"), document_number="示应急罚〔2026〕补-1号")
    # the later (earlier-dated) penalty does not move the cluster's end: still one flag, one inbox item
    assert RepeatOffenderFlag.objects.count() == 1
    assert _verbs(world.ent_a).count("hazard.repeat_offender") == 1
    assert len(_referrals()) == 1


def test_refusals_change_nothing(world):
    with time_machine.travel(NOW, tick=False):
        h = _hazard(world)
        before = (HazardPenalty.objects.count(), len(_verbs(h)))
        with pytest.raises(NotFoundInScope):
            _penalise(world, h, [dt.date(2026, 1, 1)], actor="district_b")
        with pytest.raises(NotAllowed):
            _penalise(world, h, [dt.date(2026, 1, 1)], actor="grid_inspector")
        with pytest.raises(DomainError):
            _penalise(world, h, [dt.date(2027, 2, 2)])  # in the future
        _penalise(world, h, [dt.date(2026, 1, 1)])
        with pytest.raises(DomainError):  # same decision twice
            hs.hazard_penalty_record(actor=world.user("regulator"), hazard=h, decided_on=dt.date(2026, 1, 1),
                                     amount="1", document_number=f"示应急罚〔2026〕{h.pk}-0101-0号")
    assert (HazardPenalty.objects.count(), len(_verbs(h))) == (before[0] + 1, before[1] + 1)


def test_flag_shown_on_hazard_and_enterprise_pages(world, login):
    with time_machine.travel(NOW, tick=False):
        h = _hazard(world)
        _penalise(world, h, [dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)])
        pages = {p: (login(p).get(f"/hazards/{h.pk}/"), login(p).get(f"/enterprises/{world.ent_a.pk}/?tab=hazards"))
                 for p in ("district_a", "regulator", "district_b")}
    for p in ("district_a", "regulator"):
        for response in pages[p]:
            html = response.content.decode()
            assert response.status_code == 200
            assert 'data-testid="repeat-offender"' in html
            assert "一百八十日内三次受到行政处罚" in html
    assert [r.status_code for r in pages["district_b"]] == [404, 404]


def test_no_hand_entered_penalty_and_stored_ones_stay_readable(world, login, client):
    """The hand-entered penalty form and its API are gone (a penalty is decided in the enforcement
    case file, which records it here); penalties already stored are still shown."""
    from anjian.accounts.services import token_create

    with time_machine.travel(NOW, tick=False):
        h = _hazard(world)
        _penalise(world, h, [dt.date(2026, 3, 1)])
        data = {"document_number": "示应急罚〔2027〕1号", "decided_on": "2027-01-20", "amount": "20000", "note": ""}
        assert login("district_a").post(f"/hazards/{h.pk}/penalties/", data).status_code == 404
        _token, raw = token_create(actor=world.user("district_a"), name="t")
        r = client.post(f"/api/v1/hazards/{h.pk}/penalties", {"decided_on": "2027-01-20", "amount": "1",
                        "document_number": "x"}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert r.status_code in (404, 405)
        page = login("district_a").get(f"/hazards/{h.pk}/").content.decode()
    assert HazardPenalty.objects.count() == 1
    assert 'data-testid="act-penalty"' not in page and f"示应急罚〔2026〕{h.pk}-0301-0号" in page


def test_referral_decision_closes_the_item_and_is_audited(world, login):
    with time_machine.travel(NOW, tick=False):
        h = _hazard(world)
        _penalise(world, h, [dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)])
        flag = RepeatOffenderFlag.objects.get()
        url = f"/hazards/referrals/{flag.pk}/decide/"
        page = login("district_a").get(f"/enterprises/{world.ent_a.pk}/?tab=hazards").content.decode()
        assert 'data-testid="referral-form"' in page
        # Denied: another district (404), a role without the action (404), no reasons (refused) — nothing changes.
        assert login("district_b").post(url, {"referred": "1", "note": "关闭"}).status_code == 404
        assert login("grid_inspector").post(url, {"referred": "1", "note": "关闭"}).status_code == 404
        login("district_a").post(url, {"referred": "1", "note": " "})
        flag.refresh_from_db()
        assert (flag.status, _referrals()) == ("pending", [("甲区", "open")])
        response = login("district_a").post(url, {"referred": "1", "note": "经研究提请区政府予以关闭"})
        assert response.status_code == 302 and response["Location"] == f"/enterprises/{world.ent_a.pk}/"
        flag.refresh_from_db()
        assert (flag.status, flag.decided_by, flag.decision_note) == (
            "referred", world.user("district_a"), "经研究提请区政府予以关闭")
        assert _referrals() == [("甲区", "done")]
        assert _verbs(world.ent_a)[-1] == "hazard.referral_decided"
        with pytest.raises(DomainError):  # decided once
            hs.repeat_offender_decide(actor=world.user("district_a"), flag=flag, referred=False, note="改变主意")
        page = login("regulator").get(f"/enterprises/{world.ent_a.pk}/?tab=hazards").content.decode()
        assert 'data-testid="referral-decision"' in page and "已提请关闭" in page
