"""Storing uploaded files: sniff the real type, check size, re-encode images, hash, record."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable
from typing import Any

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError
from anjian.documents.models import Attachment

ATTACHMENT_ROLES = {
    "before": gettext_lazy("整改前"),
    "after": gettext_lazy("整改后"),
    "evidence": gettext_lazy("证据材料"),
    "report": gettext_lazy("报告"),
    "patrol": gettext_lazy("巡查照片"),
    "reward_receipt": gettext_lazy("奖励领取凭证"),
    "voucher": gettext_lazy("支出凭证"),
    "publicity": gettext_lazy("活动照片与资料"),
}
"""What an attachment is for, as people read it (``Attachment.role`` stores the key)."""

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "video/mp4": "mp4",
}
ALLOWED = {**IMAGE_TYPES, **DOCUMENT_TYPES}


def sniff(head: bytes, name: str) -> str:
    """The file's real MIME type from its first bytes (never the client's claim)."""
    kind = filetype.guess(head)
    if kind is None:
        raise DomainError(f"无法识别文件类型：{name}", f"Unrecognised file type: {name}", field="files")
    mime = kind.mime
    if mime == "application/zip" and name.lower().endswith((".docx", ".xlsx")):
        mime = DOCUMENT_TYPES_BY_EXT[name.lower().rsplit(".", 1)[-1]]
    if mime not in ALLOWED:
        raise DomainError(
            f"不允许的文件类型（{mime}）：{name}", f"File type not allowed ({mime}): {name}", field="files"
        )
    return mime


DOCUMENT_TYPES_BY_EXT = {v: k for k, v in DOCUMENT_TYPES.items()}


def _reencode(data: bytes, mime: str, name: str) -> tuple[bytes, str, int, int]:
    """Decode and re-encode an image: drops metadata and anything hidden in the file, applies
    the EXIF orientation, limits the longest side."""
    try:
        with Image.open(io.BytesIO(data)) as img:  # reads the header only
            width, height = img.size
            if width * height > settings.IMAGE_MAX_DECODE_PIXELS:
                raise DomainError(
                    f"图片像素过多（{width}×{height}），请缩小后上传：{name}",
                    f"The image has too many pixels ({width}×{height}): scale it down and upload it again: {name}",
                    field="files",
                )
            img = ImageOps.exif_transpose(img)
            limit = settings.IMAGE_MAX_PIXELS
            if max(img.size) > limit:
                img.thumbnail((limit, limit))
            out = io.BytesIO()
            if mime == "image/png" and img.mode in ("RGBA", "LA", "P"):
                img.save(out, format="PNG", optimize=True)
                new_mime = "image/png"
            else:
                img.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
                new_mime = "image/jpeg"
            return out.getvalue(), new_mime, img.width, img.height
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise DomainError(f"图片已损坏：{name}", f"The image is damaged: {name}", field="files") from exc


def attachments_add(
    *, owner: models.Model, files: Iterable[Any], actor: Any, role: str = ""
) -> list[Attachment]:
    """Validate and store files for ``owner`` (call inside the owner's service transaction)."""
    created: list[Attachment] = []
    ct = ContentType.objects.get_for_model(owner, for_concrete_model=False)
    limit = settings.ATTACHMENT_MAX_BYTES
    for upload in files:
        name = getattr(upload, "name", "file") or "file"
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise DomainError(
                f"文件过大：{name}（上限 {limit // 1048576} MB）",
                f"File too large: {name} (limit {limit // 1048576} MB)",
                field="files",
            )
        data = upload.read()
        if len(data) > limit:
            raise DomainError(
                f"文件过大：{name}（上限 {limit // 1048576} MB）",
                f"File too large: {name} (limit {limit // 1048576} MB)",
                field="files",
            )
        if not data:
            raise DomainError(f"文件为空：{name}", f"Empty file: {name}", field="files")
        mime = sniff(data[:8192], name)
        width = height = None
        if mime in IMAGE_TYPES and mime != "image/heic":
            data, mime, width, height = _reencode(data, mime, name)
        ext = ALLOWED[mime]
        base = name.rsplit(".", 1)[0][:200]
        att = Attachment(
            content_type=ct,
            object_id=str(owner.pk),
            role=role,
            original_name=f"{base}.{ext}",
            mime=mime,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            width=width,
            height=height,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        att.file.save(f"{base}.{ext}", ContentFile(data), save=False)
        att.save()
        created.append(att)
    if created:
        record_event(
            owner,
            "attachments_added",
            actor=actor,
            summary=Msg(gettext_noop("上传附件 {n} 个（{role}）") if role else gettext_noop("上传附件 {n} 个"),
                        n=len(created), role=ATTACHMENT_ROLES.get(role, role)),
            data={"ids": [a.pk for a in created]},
        )
    return created


# --- pending uploads: files chosen on a form that came back with an error ------------------------

PENDING_DIR = "pending"
PENDING_SALT = "anjian.documents.pending-upload"
PENDING_MAX_AGE = 24 * 3600  # seconds a pending file is kept and its token accepted
PENDING_MAX_FILES = 10


def pending_keep(*, user: Any, files: Iterable[Any]) -> list[dict[str, str]]:
    """Keep the files of a form that failed validation, so that the user does not choose them
    again (a phone's camera photo cannot be chosen again at all): each is stored under
    ``pending/<user id>/`` and described by a signed token bound to the user, which the form
    sends back in a hidden field. Returns ``[{"token", "name"}]``. The type and size are checked
    when the files are finally added (``attachments_add``); here only the size limit applies.
    Files older than a day are removed as new ones are kept."""

    _pending_sweep(user)
    kept = []
    limit = settings.ATTACHMENT_MAX_BYTES
    for upload in list(files)[:PENDING_MAX_FILES]:
        data = upload.read()
        if not data or len(data) > limit:
            continue  # refused again, with its message, when the form is resubmitted without it
        name = (getattr(upload, "name", "") or "file").replace("/", "_")[-120:]
        stored = default_storage.save(f"{PENDING_DIR}/{user.pk}/{hashlib.sha256(data).hexdigest()[:24]}", ContentFile(data))
        token = signing.dumps({"u": user.pk, "p": stored, "n": name}, salt=PENDING_SALT, compress=True)
        kept.append({"token": token, "name": name})
    return kept


def pending_files(*, user: Any, tokens: Iterable[str]) -> list[Any]:
    """The files kept by ``pending_keep`` for these tokens, as uploads (``name``, ``size``,
    ``read()``). A token that is forged, expired, another user's or whose file is gone is
    ignored."""

    files = []
    for token in list(tokens)[:PENDING_MAX_FILES]:
        try:
            info = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
        except signing.BadSignature:
            continue
        path = str(info.get("p", ""))
        if info.get("u") != user.pk or not path.startswith(f"{PENDING_DIR}/{user.pk}/") or not default_storage.exists(path):
            continue
        with default_storage.open(path, "rb") as fh:
            upload = SimpleUploadedFile(str(info.get("n") or "file"), fh.read())
        upload.pending_path = path  # type: ignore[attr-defined]
        files.append(upload)
    return files


def pending_discard(files: Iterable[Any]) -> None:
    """Remove the stored copies of pending files once they have been attached."""

    for upload in files:
        path = getattr(upload, "pending_path", None)
        if path and default_storage.exists(path):
            default_storage.delete(path)


def _pending_sweep(user: Any) -> None:


    folder = f"{PENDING_DIR}/{user.pk}"
    try:
        _dirs, names = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - dt.timedelta(seconds=PENDING_MAX_AGE)
    for name in names:
        path = f"{folder}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
