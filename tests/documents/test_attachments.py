"""Attachments: the real type is sniffed, sizes are limited, images are re-encoded without EXIF,
and a file is readable only by whoever may view its owner."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError
from anjian.documents.attachments import attachments_add
from anjian.documents.models import Attachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x0131] = "secret-software"  # Software
    exif[0x8825] = {2: (22.0, 33.0, 0.0)}  # a GPS IFD
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif()[0x010F] == "TestCam"
    return data


def test_pdf_bytes_named_jpg_are_stored_as_pdf(world):
    [att] = attachments_add(owner=world.ent_a, files=[SimpleUploadedFile("现场.jpg", PDF)], actor=world.user("district_a"),
                            role="报告")
    assert (att.mime, att.original_name, att.size) == ("application/pdf", "现场.pdf", len(PDF))
    assert att.sha256 == hashlib.sha256(PDF).hexdigest()
    assert att.file.name.endswith(".pdf")
    assert att.file.read() == PDF
    assert att.uploaded_by == world.user("district_a")
    [event] = timeline_for(world.ent_a).filter(verb="attachments_added")
    assert (event.summary, event.data) == ("上传附件 1 个（报告）", {"ids": [att.pk]})


@pytest.mark.parametrize(
    ("name", "data", "zh", "en"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
         "不允许的文件类型（application/x-msdownload）：setup.exe",
         "File type not allowed (application/x-msdownload): setup.exe"),
        ("说明.txt", "这是一段文字".encode(), "无法识别文件类型：说明.txt", "Unrecognised file type: 说明.txt"),
        ("空.pdf", b"", "文件为空：空.pdf", "Empty file: 空.pdf"),
    ],
)
def test_refused_files_have_bilingual_messages_and_store_nothing(world, name, data, zh, en):
    with pytest.raises(DomainError) as exc:
        attachments_add(owner=world.ent_a, files=[SimpleUploadedFile(name, data)], actor=None)
    assert (exc.value.zh, exc.value.en, exc.value.field) == (zh, en, "files")
    assert not Attachment.objects.exists()


def test_size_limit(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(DomainError) as exc:
        attachments_add(owner=world.ent_a, files=[SimpleUploadedFile("大.pdf", big)], actor=None)
    assert exc.value.zh == "文件过大：大.pdf（上限 1 MB）"
    assert exc.value.en == "File too large: 大.pdf (limit 1 MB)"
    assert not Attachment.objects.exists()


def test_images_are_reencoded_without_exif(world):
    raw = _jpeg_with_exif()
    [att] = attachments_add(owner=world.ent_a, files=[SimpleUploadedFile("隐患.jpeg", raw)], actor=None)
    stored = att.file.read()
    assert (att.mime, att.original_name, att.width, att.height) == ("image/jpeg", "隐患.jpg", 64, 48)
    assert stored != raw
    assert att.sha256 == hashlib.sha256(stored).hexdigest()
    with Image.open(io.BytesIO(stored)) as img:
        assert dict(img.getexif()) == {}
        assert "exif" not in img.info
        assert img.size == (64, 48)


def test_large_images_are_scaled_down(world, settings):
    settings.IMAGE_MAX_PIXELS = 100
    out = io.BytesIO()
    Image.new("RGB", (400, 200), (0, 0, 255)).save(out, format="PNG")
    [att] = attachments_add(owner=world.ent_a, files=[SimpleUploadedFile("图.png", out.getvalue())], actor=None)
    assert (att.mime, att.width, att.height) == ("image/jpeg", 100, 50)  # RGB PNG becomes JPEG


def test_damaged_image_is_refused(world):
    broken = _jpeg_with_exif()[:200]
    with pytest.raises(DomainError) as exc:
        attachments_add(owner=world.ent_a, files=[SimpleUploadedFile("坏.jpg", broken)], actor=None)
    assert exc.value.zh == "图片已损坏：坏.jpg"
    assert not Attachment.objects.exists()


DOWNLOAD = {
    "city_admin": 200,
    "district_a": 200,
    "district_b": 404,
    "regulator": 200,  # 应急管理局 supervises ent_a's sector
    "grid_inspector": 200,
    "enterprise": 200,
    "anonymous": 404,
}


@pytest.mark.parametrize("persona", list(DOWNLOAD))
def test_download_follows_the_owner_scope(world, login, persona):
    [pdf] = attachments_add(owner=world.ent_a, files=[SimpleUploadedFile("r.pdf", PDF)], actor=None)
    [img] = attachments_add(owner=world.ent_a, files=[SimpleUploadedFile("p.jpg", _jpeg_with_exif())], actor=None)
    client = login(persona)
    response = client.get(f"/documents/attachments/{pdf.pk}/")
    assert response.status_code == DOWNLOAD[persona]
    if DOWNLOAD[persona] == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        shown = client.get(f"/documents/attachments/{img.pk}/")
        assert shown["Content-Type"] == "image/jpeg"
        assert shown["Content-Disposition"].startswith("inline;")
    assert client.get("/documents/attachments/999999/").status_code == 404
