"""Filing, tracking codes and secrets, idempotency, routing and the triage services."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anjian.core.errors import DomainError, InvalidTransition, NotAllowed, NotFoundInScope
from anjian.documents.models import Attachment
from anjian.inbox.models import DueItem
from anjian.public_reports import services as ps
from anjian.public_reports.models import (
    CODE_ALPHABET,
    Channel,
    RejectReason,
    Report,
    ReporterIdentity,
    ReportStatus,
)
from anjian.public_reports.selectors import claims_for, duplicate_candidates, identity_for

from .helpers import PLANTED_NAME, PLANTED_PHONE, file_report, photo, real_name, verbs

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_submit_routes_locates_and_opens_triage_item(world):
    with time_machine.travel(T0, tick=False):
        r, secret = file_report(world, files=[photo()])
    assert r.status == ReportStatus.RECEIVED
    assert r.jurisdiction == world.grid_a
    assert r.department == world.ema
    assert r.sector == world.ent_a.sector
    assert len(r.tracking_code) == 8 and set(r.tracking_code) <= set(CODE_ALPHABET)
    assert len(secret) == 10 and r.secret_hash != secret
    assert verbs(r) == ["public_report.received", "attachments_added"]
    assert Attachment.objects.filter(object_id=str(r.pk), role="evidence").count() == 1
    item = DueItem.objects.get(object_id=str(r.pk), content_type__model="report")
    assert (item.kind, item.state, item.due_at) == ("public_reports.triage", "open", T0 + dt.timedelta(days=5))
    assert not ReporterIdentity.objects.exists()


def test_track_needs_code_and_secret(world):
    r, secret = file_report(world)
    assert ps.report_track(r.tracking_code, secret) == r
    assert ps.report_track(r.display_code.lower(), secret.lower()) == r
    assert ps.report_track(r.tracking_code, "WRONG") is None
    assert ps.report_track("XXXXXXXX", secret) is None


def test_idempotency_key_stores_once_and_returns_same_code_and_secret(world):
    first, s1, c1 = ps.report_submit(actor=None, channel=Channel.PUBLIC, report_type="hazard",
                                     description="配电房积水漏电", address="乙区某路", idempotency_key="k-1")
    again, s2, c2 = ps.report_submit(actor=None, channel=Channel.PUBLIC, report_type="hazard",
                                     description="配电房积水漏电", address="乙区某路", idempotency_key="k-1")
    assert (c1, c2) == (True, False)
    assert again.pk == first.pk and s1 == s2
    assert Report.objects.count() == 1
    assert ps.report_track(first.tracking_code, s2) == first


def test_real_name_identity_is_stored_apart(world):
    r, _ = file_report(world, identity=real_name())
    ident = ReporterIdentity.objects.get(report=r)
    assert (ident.name, ident.phone, ident.reward_consent) == (PLANTED_NAME, PLANTED_PHONE, True)
    assert PLANTED_NAME not in str(ident) and PLANTED_NAME not in repr(ident)
    assert identity_for(user=world.user("regulator"), report=r) is None
    assert identity_for(user=world.user("district_a"), report=r) == ident
    assert identity_for(user=world.user("district_b"), report=r) is None


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"description": "短"}, "description"),
        ({"report_type": "nonsense"}, "report_type"),
        ({"lng": None, "lat": None, "address": "", "enterprise": None}, "address"),
        ({"identity": {"name": "", "phone": "13912345678"}}, "name"),
        ({"identity": {"name": "某某", "phone": "12345"}}, "phone"),
    ],
)
def test_bad_input_is_refused_without_echoing_it(world, kw, field):
    with pytest.raises(DomainError) as exc:
        file_report(world, **kw)
    assert exc.value.field == field
    assert "12345" not in exc.value.zh and "12345" not in exc.value.en
    assert Report.objects.count() == 0


def test_upload_must_be_photo_or_video(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n", content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        file_report(world, files=[pdf])
    assert exc.value.field == "files"
    assert Report.objects.count() == 0


def test_hotline_entry_needs_the_action(world):
    with pytest.raises(NotAllowed):
        file_report(world, actor=world.user("regulator"), channel=Channel.HOTLINE)
    assert Report.objects.count() == 0


def test_accept_sets_handling_due_60_days_and_extension_needs_another_approver(world):
    r, _ = file_report(world)
    with time_machine.travel(T0, tick=False):
        ps.report_accept(actor=world.user("regulator"), report=r)
    r.refresh_from_db()
    assert r.status == ReportStatus.ACCEPTED
    assert r.handling_due == dt.date(2026, 5, 1)  # 2 March (17:00 Shanghai) + 60 days
    ps.report_dispatch(actor=world.user("regulator"), report=r)
    ps.report_request_extension(actor=world.user("regulator"), report=r, note="需等待检测报告")
    with pytest.raises(NotAllowed):
        ps.report_approve_extension(actor=world.user("regulator"), report=r, approve=True)
    ps.report_approve_extension(actor=world.user("district_a"), report=r, approve=True)
    r.refresh_from_db()
    assert (r.extended, r.handling_due) == (True, dt.date(2026, 5, 31))
    open_items = DueItem.objects.filter(object_id=str(r.pk), content_type__model="report", state="open")
    assert [i.kind for i in open_items] == ["public_reports.handle"]
    assert open_items[0].due_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == dt.date(2026, 5, 31)


def test_reject_uses_configured_reason_and_sets_public_reply(world):
    r, _ = file_report(world)
    reason = RejectReason.objects.get(code="outside_remit")
    ps.report_reject(actor=world.user("district_a"), report=r, reason=reason, note="属信访事项")
    r.refresh_from_db()
    assert r.status == ReportStatus.REJECTED
    assert r.public_reply == reason.public_text
    with pytest.raises(InvalidTransition):
        ps.report_accept(actor=world.user("district_a"), report=r)


def test_out_of_scope_actor_cannot_touch(world):
    r, _ = file_report(world)
    with pytest.raises(NotFoundInScope):
        ps.report_accept(actor=world.user("district_b"), report=r)
    with pytest.raises(NotFoundInScope):
        ps.report_accept(actor=world.user("enterprise"), report=r)
    r.refresh_from_db()
    assert r.status == ReportStatus.RECEIVED


def test_duplicates_found_and_merge_keeps_claim_order(world):
    with time_machine.travel(T0, tick=False):
        first, _ = file_report(world, identity=real_name(consent=False))
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        second, _ = file_report(world, identity={"name": "乙", "phone": "13800000000", "reward_consent": True},
                                description="化工公司防火堤坏了还在动火")
    with time_machine.travel(T0 + dt.timedelta(days=60), tick=False):
        far, _ = file_report(world, enterprise=world.ent_b, lng=114.25, lat=22.05, description="工地脚手架无防护网")
    found = duplicate_candidates(user=world.user("district_a"), report=second)
    assert [(o.pk, reasons[0]) for o, reasons in found] == [(first.pk, "同一企业")]
    assert any(x.startswith("相距 0 米") for x in found[0][1])
    ps.report_merge(actor=world.user("district_a"), report=second, into=first)
    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == (ReportStatus.MERGED, first.pk)
    assert claims_for(first) == [(first.pk, T0, False), (second.pk, T0 + dt.timedelta(hours=2), True)]
    assert "public_report.merged_in" in verbs(first)
    assert far.status == ReportStatus.RECEIVED
