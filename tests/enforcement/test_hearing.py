"""The hearing (听证) sub-procedure: requested within the window (Art. 64(1)), noticed 7 working
days ahead (Art. 64(2), 85) by a presiding officer who did not investigate (Art. 64(4)), the
record (Art. 64(8)) and the report, then the decision — every step's to-do in exactly one unit's
inbox, every document numbered where the series says so and rendered in Word."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from docx import Document

from anjian.core.errors import DomainError, InvalidTransition, NotAllowed, NotFoundInScope
from anjian.enforcement import documents, services
from anjian.enforcement.models import Case, CaseStatus, DocKind
from anjian.inbox.models import DueItem, DueState
from tests.enforcement.helpers import FINE, HEARING_FINE, NOW, TZ, filed_case, inspectors

D = dt.date


def _open(obj, kind):
    return DueItem.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
                                  kind=kind, state=DueState.OPEN).first()


def _local(item):
    return item.due_at.astimezone(TZ).date()


def _text(doc):
    body = Document(io.BytesIO(documents.document_bytes(doc)))
    parts = [p.text for p in body.paragraphs]
    for table in body.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


def _notified_case(world):
    reg = world.users["regulator"]
    case = filed_case(world, inspectors(world))
    services.case_notify(actor=reg, case=case, facts="储罐区可燃气体报警器未投用", legal_basis="《安全生产法》第三十六条第二款",
                         penalty_basis="《安全生产法》第九十九条第（二）项", penalty_kind="fine", proposed_fine=HEARING_FINE)
    return case


@pytest.mark.django_db
def test_hearing_from_request_to_decision(world):
    reg, ent_user = world.users["regulator"], world.users["enterprise"]
    with time_machine.travel(NOW, tick=False):
        case = _notified_case(world)
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, tzinfo=TZ), tick=False):
        services.case_respond(actor=ent_user, case=case, statement="罚款过重，要求听证", hearing_requested=True)
        case.refresh_from_db()
        assert case.status == CaseStatus.HEARING and case.hearing_requested
        assert _open(case, "enforcement.respond") is None
        hold = _open(case, "enforcement.hearing")
        assert hold.owner_department == world.ema and hold.owner_enterprise is None
        assert _local(hold) == D(2026, 3, 18)  # 15号令: 15 days from the request (internal target)
        with pytest.raises(NotAllowed):  # the party does not organise its own hearing
            services.case_hearing_notice(actor=ent_user, case=case, hearing_at=dt.datetime(2026, 3, 12, 10, tzinfo=TZ),
                                         place="第一会议室", host="孙法制")
        with pytest.raises(DomainError, match="七个工作日"):  # notice 3 Mar: 12 Mar at the earliest
            services.case_hearing_notice(actor=reg, case=case, hearing_at=dt.datetime(2026, 3, 11, 10, tzinfo=TZ),
                                         place="第一会议室", host="孙法制")
        with pytest.raises(DomainError, match="非本案调查人员"):
            services.case_hearing_notice(actor=reg, case=case, hearing_at=dt.datetime(2026, 3, 12, 10, tzinfo=TZ),
                                         place="第一会议室", host="张执法")
        with pytest.raises(InvalidTransition):  # no record before the notice
            services.case_hearing_record(actor=reg, case=case, held_on=D(2026, 3, 3), attendees="", proceedings="x")
        assert not case.documents.filter(kind=DocKind.HEARING_NOTICE).exists()
        notice = services.case_hearing_notice(actor=reg, case=case, hearing_at=dt.datetime(2026, 3, 12, 10, tzinfo=TZ),
                                              place="示范区应急管理局第一会议室", host="孙法制")
        assert notice.number == "示应急听通〔2026〕1号"
        assert _local(_open(case, "enforcement.hearing")) == D(2026, 3, 12)  # moved to the hearing day
        attend = _open(notice, "enforcement.hearing_attend")
        assert attend.owner_enterprise == world.ent_a and attend.owner_department is None
        assert _local(attend) == D(2026, 3, 12)
        assert "2026年3月12日10时00分" in _text(notice) and "孙法制" in _text(notice)
        with pytest.raises(InvalidTransition):  # the report needs the record
            services.case_hearing_report(actor=reg, case=case, opinion="x", recommendation="y")
        with pytest.raises(DomainError):  # not before the noticed day
            services.case_hearing_record(actor=reg, case=case, held_on=D(2026, 3, 3), attendees="", proceedings="x")
    with time_machine.travel(dt.datetime(2026, 3, 12, 11, tzinfo=TZ), tick=False):
        record = services.case_hearing_record(
            actor=reg, case=case, held_on=D(2026, 3, 12), attendees="主持人孙法制，调查人员张执法、李执法，当事人委托代理人赵安全",
            proceedings="调查人员陈述违法事实、证据和处罚建议；当事人申辩已立即整改，请求从轻处罚；双方质证。")
        assert record.number == "" and _open(notice, "enforcement.hearing_attend") is None
        assert "审核" in _text(record)
        services.case_hearing_report(actor=reg, case=case, opinion="事实清楚，证据确凿；当事人已整改。",
                                     recommendation="建议维持拟作出的罚款")
        case.refresh_from_db()
        assert case.status == CaseStatus.HEARD
        assert _open(case, "enforcement.hearing") is None
        decide = _open(case, "enforcement.decide")
        assert decide.owner_department == world.ema and _local(decide) == D(2026, 6, 1)  # Art. 60 still runs
        report = case.documents.get(kind=DocKind.HEARING_REPORT)
        assert report.number == "示应急听报〔2026〕1号"
        services.case_decide(actor=reg, case=case, penalty_kind="fine", fine=FINE)
    decision = case.documents.get(kind=DocKind.DECISION)
    assert "组织了听证" in _text(decision)
    kinds = list(case.documents.values_list("kind", flat=True))
    assert kinds.count(DocKind.HEARING_NOTICE) == kinds.count(DocKind.HEARING_RECORD) == 1
    for doc in case.documents.all():
        assert documents.document_bytes(doc)[:2] == b"PK", doc.kind


@pytest.mark.django_db
def test_absent_party_waives_and_late_request_is_refused(world):
    reg, ent_user = world.users["regulator"], world.users["enterprise"]
    with time_machine.travel(NOW, tick=False):
        case = _notified_case(world)
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=TZ), tick=False):  # window ended 9 Mar
        with pytest.raises(DomainError, match="听证申请期限"):
            services.case_respond(actor=ent_user, case=case, statement="", hearing_requested=True)
        assert Case.objects.get(pk=case.pk).status == CaseStatus.NOTIFIED
    with time_machine.travel(NOW, tick=False):
        services.case_respond(actor=ent_user, case=case, statement="", hearing_requested=True)
        services.case_hearing_notice(actor=reg, case=case, hearing_at=dt.datetime(2026, 3, 11, 15, tzinfo=TZ),
                                     place="第二会议室", host="孙法制")
    with time_machine.travel(dt.datetime(2026, 3, 11, 16, tzinfo=TZ), tick=False):
        record = services.case_hearing_record(actor=reg, case=case, held_on=D(2026, 3, 11), attendees="主持人、调查人员",
                                              proceedings="当事人经通知未到场。", party_absent=True)
        assert "视为放弃听证权利" in _text(record)
        services.case_hearing_report(actor=reg, case=case, opinion="当事人未出席。", recommendation="按告知内容作出决定")
        services.case_decide(actor=reg, case=case, penalty_kind="fine", fine=FINE)
    case.refresh_from_db()
    assert case.hearing_waived and case.status == CaseStatus.DECIDED
    assert "视为放弃听证权利" in _text(case.documents.get(kind=DocKind.DECISION))


@pytest.mark.django_db
def test_hearing_out_of_scope_changes_nothing(world):
    reg, ent_user = world.users["regulator"], world.users["enterprise"]
    with time_machine.travel(NOW, tick=False):
        case = _notified_case(world)
        services.case_respond(actor=ent_user, case=case, statement="", hearing_requested=True)
        with pytest.raises(NotFoundInScope):
            services.case_hearing_notice(actor=world.users["district_b"], case=case,
                                         hearing_at=dt.datetime(2026, 3, 20, 10, tzinfo=TZ), place="x", host="y")
    case.refresh_from_db()
    assert case.hearing_at is None and not case.documents.filter(kind=DocKind.HEARING_NOTICE).exists()
    assert case.status == CaseStatus.HEARING and reg is not None


def _notify(world, reg, kind, fine):
    case = filed_case(world, inspectors(world))
    services.case_notify(actor=reg, case=case, facts="储罐区可燃气体报警器未投用", legal_basis="《安全生产法》第三十六条第二款",
                         penalty_basis="《安全生产法》第九十九条第（二）项", penalty_kind=kind, proposed_fine=fine)
    return Case.objects.get(pk=case.pk)


@pytest.mark.django_db
def test_art_63_a_smaller_fine_carries_no_hearing_right(world, login):
    """行政处罚法 Art. 63: a fine below the 较大数额 (15号令 Art. 33: 50,000 yuan for a unit) gives the
    party its statement and defence, not a hearing: the notice says so, a hearing request is refused
    and nothing changes; the case page and the API name the rule."""
    reg, ent_user = world.users["regulator"], world.users["enterprise"]
    with time_machine.travel(NOW, tick=False):
        case = _notify(world, reg, "fine", FINE)
        notice = _text(case.documents.get(kind=DocKind.NOTICE))
        assert "不属于该法第六十三条规定的听证范围" in notice and "有权要求举行听证" not in notice
        assert services.hearing_right(case) == ""
        with pytest.raises(DomainError, match="第六十三条") as exc:
            services.case_respond(actor=ent_user, case=case, statement="", hearing_requested=True)
        assert "Art. 63" in exc.value.en
        case.refresh_from_db()
        assert case.status == CaseStatus.NOTIFIED and not case.hearing_requested and case.responded_on is None
        assert not case.documents.filter(kind=DocKind.STATEMENT).exists()
        page = login("enterprise").get(f"/enforcement/cases/{case.pk}/").content.decode()
        assert "不属于听证范围" in page and 'name="hearing_requested"' not in page
        services.case_respond(actor=ent_user, case=case, statement="已整改，请求从轻处罚")  # the statement stays open
        case.refresh_from_db()
        assert case.status == CaseStatus.HEARD


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "fine", "ground"), [("fine", HEARING_FINE, "large_fine"), ("suspend", FINE, "suspend")])
def test_art_63_listed_penalties_carry_the_right(world, login, client, kind, fine, ground):
    reg = world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        case = _notify(world, reg, kind, fine)
        assert services.hearing_right(case) == ground
        assert "有权要求举行听证" in _text(case.documents.get(kind=DocKind.NOTICE))
        page = login("regulator").get(f"/enforcement/cases/{case.pk}/").content.decode()
        assert "第六十三条第一款" in page and 'data-testid="hearing-right"' in page
        page = login("enterprise").get(f"/enforcement/cases/{case.pk}/").content.decode()
        assert 'name="hearing_requested"' in page
        from anjian.accounts.services import token_create

        _token, raw = token_create(actor=reg, name="t")
        body = client.get(f"/api/v1/enforcement/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
        assert body["hearing_right"] == ground


@pytest.mark.django_db
def test_art_63_a_heavier_decision_than_notified_is_refused(world):
    """The notice told of no hearing right (a 20,000 yuan fine); a decision of 60,000 yuan would carry
    it (Art. 63) — refused, nothing stored; the notified penalty or a lighter one is decided."""
    reg, ent_user = world.users["regulator"], world.users["enterprise"]
    with time_machine.travel(NOW, tick=False):
        case = _notify(world, reg, "fine", FINE)
        services.case_respond(actor=ent_user, case=case, statement="请求从轻处罚")
        for kind, fine in (("fine", HEARING_FINE), ("suspend", FINE)):
            with pytest.raises(DomainError, match="听证范围"):
                services.case_decide(actor=reg, case=case, penalty_kind=kind, fine=fine)
        case.refresh_from_db()
        assert case.status == CaseStatus.HEARD and case.fine is None
        assert not case.documents.filter(kind=DocKind.DECISION).exists()
        services.case_decide(actor=reg, case=case, penalty_kind="fine", fine=FINE)
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
