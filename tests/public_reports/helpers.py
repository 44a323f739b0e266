"""Shared helpers for report tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anjian.audit.selectors import timeline_for
from anjian.public_reports import services as ps
from anjian.public_reports.models import Channel, Report, ReportType

PLANTED_NAME = "龚秘密鑫"
PLANTED_PHONE = "13912345678"
PLANTED_ID = "11010519491231002X"


def photo(name: str = "p.jpg", colour: str = "red") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def verbs(r: Report) -> list[str]:
    return list(timeline_for(r).order_by("id").values_list("verb", flat=True))


def file_report(world, *, identity=None, key=None, **kw) -> tuple[Report, str]:
    data = {
        "actor": None, "channel": Channel.PUBLIC, "report_type": ReportType.HAZARD,
        "description": "储罐区防火堤破损，夜间有工人违规动火作业", "lng": 114.05, "lat": 22.05,
        "address": "甲区化工路 1 号", "enterprise": world.ent_a,
    }
    data.update(kw)
    report, secret, created = ps.report_submit(identity=identity, idempotency_key=key, **data)
    assert created
    return report, secret


def real_name(consent: bool = True) -> dict:
    return {"name": PLANTED_NAME, "phone": PLANTED_PHONE, "id_number": PLANTED_ID, "reward_consent": consent}
