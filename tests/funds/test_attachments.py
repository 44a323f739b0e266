"""Vouchers on fund spending and evidence on custody visits: uploaded on the page and through the
API, stored by the attachments mechanism (EXIF stripped), downloaded only by those who may read
the owner (the ledger's keepers for vouchers; the contract's parties for visit evidence)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from anjian.accounts.services import token_create, user_create
from anjian.audit.models import Event
from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.documents.models import Attachment
from anjian.funds import services as fs
from anjian.funds.models import CustodyVisit, FundSpending

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (20, 120, 30))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif[0x8825] = {2: (22.0, 33.0, 0.0)}  # GPS
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def bearer(user) -> dict[str, str]:
    _t, raw = token_create(actor=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def ledger(world):
    admin = world.users["district_a"]
    line = fs.line_create(actor=admin, owner=world.district_a, year=2026, code="A1", name="宣传", amount=D(10_000))
    alloc = fs.allocation_create(actor=admin, line=line, jurisdiction=world.district_a, project="安全生产月", amount=D(5000))
    return line, alloc


def test_voucher_with_spending_on_the_page_strips_exif_and_is_scoped(world, login, ledger):
    line, alloc = ledger
    c = login("district_a")
    r = c.post(f"/funds/lines/{line.pk}/spend/", {
        "allocation": alloc.pk, "spent_on": "2026-03-01", "amount": "800", "voucher_no": "记-7", "purpose": "印刷宣传册",
        "files": [upload("凭证.jpg", jpeg_with_gps()), upload("发票.pdf", PDF)]})
    assert r.status_code == 302
    s = FundSpending.objects.get()
    atts = list(Attachment.objects.filter(object_id=str(s.pk), content_type__model="fundspending").order_by("id"))
    assert [a.role for a in atts] == ["voucher", "voucher"] and atts[1].mime == "application/pdf"
    with atts[0].file.open("rb") as fh, Image.open(fh) as img:
        assert dict(img.getexif()) == {}  # GPS and camera gone
    page = c.get(f"/funds/lines/{line.pk}/").content.decode()
    assert f"/documents/attachments/{atts[0].pk}/" in page and "凭证.jpg" in page
    assert c.get(f"/documents/attachments/{atts[1].pk}/").status_code == 200
    # the ledger's keepers only: district B, the regulator (funds.view but not funds.manage) and
    # the enterprise get a 404
    for persona in ("district_b", "regulator", "enterprise", "grid_inspector"):
        assert login(persona).get(f"/documents/attachments/{atts[0].pk}/").status_code == 404, persona
    assert login("city_admin").get(f"/documents/attachments/{atts[0].pk}/").status_code == 200


def test_voucher_added_later_page_and_api(world, login, ledger):
    line, alloc = ledger
    s = fs.spending_record(actor=world.users["district_a"], allocation=alloc, spent_on=dt.date(2026, 3, 1), amount=D(100),
                           voucher_no="记-1", purpose="p")
    c = login("district_b")
    r = c.post(f"/funds/lines/{line.pk}/voucher/", {"pk": s.pk, "files": [upload("v.pdf", PDF)]})
    assert r.status_code == 404 and not Attachment.objects.exists()
    c = login("district_a")
    r = c.post(f"/funds/lines/{line.pk}/voucher/", {"pk": s.pk, "files": [upload("v.pdf", PDF)]})
    assert r.status_code == 302 and Attachment.objects.filter(role="voucher").count() == 1
    assert Event.objects.filter(verb="fund_voucher_added").count() == 1
    api = Client()
    r = api.post(f"/api/v1/funds/spendings/{s.pk}/vouchers", {"files": [upload("scan.jpg", jpeg_with_gps())]},
                 **bearer(world.users["district_a"]))
    assert r.status_code == 201, r.content
    assert r.json()[0]["mime"] == "image/jpeg" and r.json()[0]["url"].startswith("/documents/attachments/")
    r = api.post(f"/api/v1/funds/spendings/{s.pk}/vouchers", {"files": [upload("scan.pdf", PDF)]},
                 **bearer(world.users["district_b"]))
    assert r.status_code == 404
    r = api.post(f"/api/v1/funds/spendings/{s.pk}/vouchers", {"files": [upload("x.exe", b"MZ\x90\x00" * 40)]},
                 **bearer(world.users["district_a"]))
    assert r.status_code == 400 and "not allowed" in r.json()["en"]
    assert Attachment.objects.filter(role="voucher").count() == 2  # the refused file stored nothing
    line_total = FundSpending.objects.get(pk=s.pk).amount
    assert line_total == D(100)  # attaching never touches the amounts


def test_refused_voucher_keeps_the_spending_out(world, ledger):
    _line, alloc = ledger
    with pytest.raises(DomainError):
        fs.spending_record(actor=world.users["district_a"], allocation=alloc, spent_on=dt.date(2026, 3, 1),
                           amount=D(100), voucher_no="记-9", purpose="p", files=[upload("a.txt", b"hello world")])
    assert not FundSpending.objects.exists()  # one transaction: no half-recorded payment


@pytest.fixture
def contract(world):
    staff = user_create(actor=None, username="tg_ev", password="Anjian-Test-2026!", display_name="托管员小李",
                        must_change_password=False)
    provider = fs.provider_save(actor=world.users["district_a"], jurisdiction=world.district_a, name="甲区托管公司",
                                qualification="乙级", staff_count=3, capacity=3, staff=[staff])
    now = timezone.now()
    c = fs.contract_register(actor=world.users["district_a"], provider=provider, enterprise=world.ent_a, number="TG-EV",
                             starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=90))
    return c, type(staff).objects.get(pk=staff.pk)


def test_visit_evidence_by_provider_staff_only_and_named_for_both(world, client, login, contract):
    c, staff = contract
    client.force_login(staff)
    r = client.post(f"/funds/custody/{c.pk}/visit/", {
        "visited_on": timezone.localdate().isoformat(), "content": "月度检查", "hazards_found": 2, "hazards_fixed": 1,
        "files": [upload("现场.jpg", jpeg_with_gps())]})
    assert r.status_code == 302
    v = CustodyVisit.objects.get()
    [att] = Attachment.objects.filter(content_type__model="custodyvisit", object_id=str(v.pk))
    assert att.role == "evidence" and att.uploaded_by == staff
    r = client.post(f"/funds/custody/{c.pk}/evidence/", {"visit": v.pk, "files": [upload("服务单.pdf", PDF)]})
    assert r.status_code == 302
    ev = Event.objects.get(verb="custody_evidence_added", object_id=str(c.pk), content_type__model="custodycontract")
    assert ev.actor == staff and ev.data["on_behalf_of"] == world.ent_a.pk and ev.data["provider"] == c.provider_id
    assert "甲区托管公司" in ev.summary and "托管员小李" in ev.summary and world.ent_a.name in ev.summary
    body = client.get(f"/funds/custody/{c.pk}/").content.decode()
    assert "现场.jpg" in body and "服务单.pdf" in body
    # the enterprise and its regulator read the evidence; district B does not
    assert login("enterprise").get(f"/documents/attachments/{att.pk}/").status_code == 200
    assert login("regulator").get(f"/documents/attachments/{att.pk}/").status_code == 200
    assert login("district_b").get(f"/documents/attachments/{att.pk}/").status_code == 404
    # the enterprise itself cannot add evidence on the provider's behalf
    with pytest.raises(NotAllowed):
        fs.visit_attach(actor=world.users["enterprise"], visit=v, files=[upload("x.pdf", PDF)])
    # API: the provider's staff upload with a token; after the contract is terminated, refused
    api = Client()
    headers = bearer(staff)
    r = api.post(f"/api/v1/funds/visits/{v.pk}/evidence", {"files": [upload("补充.pdf", PDF)]}, **headers)
    assert r.status_code == 201, r.content
    fs.contract_terminate(actor=world.users["district_a"], contract=c, reason="解除")
    n = Attachment.objects.count()
    r = api.post(f"/api/v1/funds/visits/{v.pk}/evidence", {"files": [upload("迟到.pdf", PDF)]}, **headers)
    assert r.status_code in (403, 404) and Attachment.objects.count() == n


def test_visit_attach_refuses_outsiders(world, contract):
    c, _staff = contract
    v = CustodyVisit.objects.create(contract=c, visited_on=timezone.localdate(), content="x")
    with pytest.raises((NotAllowed, NotFoundInScope)):
        fs.visit_attach(actor=world.users["district_b"], visit=v, files=[upload("x.pdf", PDF)])
    assert not Attachment.objects.exists()
