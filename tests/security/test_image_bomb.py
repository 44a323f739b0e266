"""A photo whose header declares a huge size (a few hundred KB that decode to 144 MB) is refused
before it is decoded: on the anonymous public portal too, with a clear message, nothing stored."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.documents.models import Attachment
from anjian.public_reports.models import Report

pytestmark = pytest.mark.django_db


def _png_bomb(side: int) -> bytes:
    """A valid greyscale PNG of side × side black pixels, compressed row by row."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj(9)
    row = b"\x00" * (side + 1)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_public_photo_declaring_a_huge_size_is_refused_before_decoding(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    bomb = _png_bomb(12_000)  # 144 M pixels: under Pillow's own bomb error (178 M), so it used to be decoded
    assert len(bomb) < 1_000_000
    resp = client.post("/public/", {
        "idempotency_key": "k-bomb", "report_type": "hazard", "description": "仓库里堆放大量液化气瓶，无人看管",
        "address": "甲区化工路 9 号", "real_name": "0", "consent": "on",
        "files": [SimpleUploadedFile("现场.png", bomb, content_type="image/png")],
    })
    assert resp.status_code in (400, 422), resp.status_code
    assert "图片像素过多（12000×12000）" in resp.content.decode()
    assert not Report.objects.exists() and not Attachment.objects.exists()
    cache.clear()
