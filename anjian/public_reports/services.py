"""Writes for reports. Every write: one transaction on a locked row, row history, timeline event;
status changes go through ``REPORT_WORKFLOW.apply`` (which also moves the inbox item).

Nothing here puts the reporter's name, phone or ID number into an event, a change reason, a
log line, a notification or an error message: identity is written to ``ReporterIdentity`` only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, gettext_noop

from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, InvalidTransition, NotAllowed, NotFoundInScope
from anjian.core.lookups import within_choice
from anjian.core.scoping import can, has_action
from anjian.documents.attachments import IMAGE_TYPES, attachments_add, sniff
from anjian.enterprises.models import Enterprise
from anjian.hazards import services as hazard_services  # a report becomes a hazard (named direction)
from anjian.inbox.services import due_close, due_open
from anjian.offline.services import MAX_CLIENT_KEY as MAX_CLIENT_KEY  # re-exported: services.MAX_CLIENT_KEY
from anjian.offline.services import namespaced_key
from anjian.orgs.models import Department, Jurisdiction
from anjian.orgs.services import locate_jurisdiction, route_department
from anjian.public_reports.models import (
    CODE_ALPHABET,
    Channel,
    ContactPreference,
    InternalNote,
    RejectReason,
    Report,
    ReporterIdentity,
    ReportStatus,
    ReportType,
    Verification,
)
from anjian.public_reports.selectors import policy_for  # also read as services.policy_for
from anjian.public_reports.workflow import DUE_TRIAGE, REPORT_WORKFLOW
from anjian.rules import rewards as rules

S = ReportStatus
PUBLIC_UPLOAD_TYPES = {*IMAGE_TYPES, "video/mp4"}
MAX_FILES = 6
PHONE_RE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")
ID_RE = re.compile(r"^\d{17}[\dXx]$")


# --- codes and secrets ---------------------------------------------------------------------


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def normalise_code(raw: str) -> str:
    """Upper-case, drop dashes and spaces (people copy ``ABCD-EFGH`` as they please)."""
    return re.sub(r"[^0-9A-Za-z]", "", raw or "").upper()


def _secret_from(seed: str | None) -> str:
    """The reporter's secret. For a portal submission it is derived from the form's idempotency
    key with the server key, so a retried submission shows the same secret again without the
    secret ever being stored; otherwise it is random."""
    if seed:
        digest = hmac.new(settings.SECRET_KEY.encode(), f"report-secret:{seed}".encode(), hashlib.sha256).digest()
        return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:10])
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def hash_secret(secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"report:{normalise_code(secret)}".encode(), hashlib.sha256).hexdigest()


# --- helpers -------------------------------------------------------------------------------


def _lock(report: Report, actor: Any) -> Report:
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if actor is not None and not can(actor, "public_reports.view", locked):
        raise NotFoundInScope()
    return locked


def _save(report: Report, reason: str, fields: Iterable[str]) -> None:
    report._change_reason = reason  # type: ignore[attr-defined]
    report.save(update_fields=list(fields))


def _apply(report: Report, target: str, *, actor: Any, note: str = "", data: dict[str, Any] | None = None) -> None:
    report._change_reason = f"状态：{ReportStatus(target).label}"  # type: ignore[attr-defined]
    REPORT_WORKFLOW.apply(report, target, actor=actor, note=note, data=data)


def _check_uploads(files: list[Any]) -> None:
    if len(files) > MAX_FILES:
        raise DomainError(f"最多上传 {MAX_FILES} 个文件", f"At most {MAX_FILES} files", field="files")
    for upload in files:
        name = getattr(upload, "name", "file") or "file"
        head = upload.read(8192)
        upload.seek(0)
        if not head:
            raise DomainError(f"文件为空：{name}", f"Empty file: {name}", field="files")
        mime = sniff(head, name)
        if mime not in PUBLIC_UPLOAD_TYPES:
            raise DomainError(
                f"只能上传照片或 MP4 视频：{name}", f"Only photos or MP4 videos may be uploaded: {name}", field="files"
            )


EVIDENCE_NAME = "举报附件"


def _anonymised(files: list[Any]) -> list[Any]:
    """Give the uploads generated names (举报附件1.jpg …): a reporter's file name often names
    them (``张三_139….jpg``) and would otherwise be shown to staff as link text and in the
    download's Content-Disposition. The original name is not kept anywhere."""
    for i, upload in enumerate(files, start=1):
        upload.name = f"{EVIDENCE_NAME}{i}.bin"  # the extension is set from the sniffed type
    return files


def clean_identity(identity: dict[str, Any] | None) -> dict[str, Any] | None:
    """Validate the real-name part. Messages never repeat what was typed."""
    if not identity:
        return None
    name = str(identity.get("name") or "").strip()
    phone = re.sub(r"[\s-]", "", str(identity.get("phone") or ""))
    id_number = str(identity.get("id_number") or "").strip().upper()
    if not name:
        raise DomainError("实名举报请填写姓名", "Give your name for a real-name report", field="name")
    if len(name) > 50:
        raise DomainError("姓名过长", "The name is too long", field="name")
    if not PHONE_RE.match(phone):
        raise DomainError("联系电话格式不正确", "The phone number is not valid", field="phone")
    if id_number and not ID_RE.match(id_number):
        raise DomainError("身份证号格式不正确", "The ID number is not valid", field="id_number")
    pref = identity.get("contact_preference") or ContactPreference.PHONE
    if pref not in ContactPreference.values:
        raise DomainError("联系方式偏好无效", "Invalid contact preference", field="contact_preference")
    return {
        "name": name, "phone": phone, "id_number": id_number, "contact_preference": pref,
        "reward_consent": bool(identity.get("reward_consent")),
    }


# --- idempotency ---------------------------------------------------------------------------



class IdempotencyConflict(DomainError):
    """The same submission key with a different content: refused, never aliased."""

    status = 409

    def __init__(self) -> None:
        super().__init__("该提交编号已用于另一份不同内容的举报，请刷新页面后重新提交",
                         "This submission key was already used for a report with different content; "
                         "reload the page and submit again", field="idempotency_key")


def submission_key(*, channel: str, actor: Any, idempotency_key: str | None) -> str | None:
    """The stored key of a submission: a SHA-256 of channel, principal and the client's key
    (``anjian.offline.services.namespaced_key``, the one derivation of the platform's
    idempotency keys; the inspector's offline forms use it with the form as namespace).

    The namespace comes from the server (the channel of the endpoint, the authenticated user or
    "anonymous"), never from the client's text, so a key sent anonymously to the portal cannot
    name a gateway's report. The whole key is hashed (no truncation: two long keys sharing a
    prefix stay different); a client key over ``MAX_CLIENT_KEY`` characters is refused."""
    return namespaced_key(channel, actor, idempotency_key)


def find_submission(*, channel: str, actor: Any, idempotency_key: str | None) -> Report | None:
    """The report already stored under this sender's key on this channel (a retry), or None."""
    key = submission_key(channel=channel, actor=actor, idempotency_key=idempotency_key)
    return Report.objects.filter(idempotency_key=key).first() if key else None


def _request_digest(
    *, channel: str, report_type: str, description: str, address: str, lng: float | None, lat: float | None,
    occurred_at: dt.datetime | None, enterprise: Enterprise | None, enterprise_name: str,
    identity: dict[str, Any] | None, files: list[Any],
) -> str:
    """HMAC of the normalised submission (what was validated, the files' contents): a replay
    must carry the same content. Keyed with SECRET_KEY so the stored value reveals nothing of
    the identity it covers."""
    file_digests = []
    for upload in files:
        h = hashlib.sha256()
        for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
            h.update(chunk)
        upload.seek(0)
        file_digests.append(h.hexdigest())
    body = {
        "channel": channel, "type": report_type, "description": description.strip(), "address": address.strip(),
        "lng": None if lng is None else repr(float(lng)), "lat": None if lat is None else repr(float(lat)),
        "occurred_at": occurred_at.astimezone(dt.UTC).isoformat() if occurred_at else None,
        "enterprise": enterprise.pk if enterprise is not None else None,
        "enterprise_name": "" if enterprise is not None else enterprise_name.strip(),
        "identity": identity, "files": file_digests,
    }
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(settings.SECRET_KEY.encode(), f"report-request:{canonical}".encode(), hashlib.sha256).hexdigest()


def _replay(existing: Report, key: str, digest: str) -> tuple[Report, str, bool]:
    if not existing.request_hash or not hmac.compare_digest(existing.request_hash, digest):
        raise IdempotencyConflict()
    return existing, _secret_from(key), False


# --- submit --------------------------------------------------------------------------------


def report_submit(
    *,
    actor: Any,
    channel: str,
    report_type: str,
    description: str,
    address: str = "",
    lng: float | None = None,
    lat: float | None = None,
    occurred_at: dt.datetime | None = None,
    enterprise: Enterprise | None = None,
    enterprise_name: str = "",
    identity: dict[str, Any] | None = None,
    files: Iterable[Any] = (),
    idempotency_key: str | None = None,
) -> tuple[Report, str, bool]:
    """File a report. Returns ``(report, secret, created)``.

    With an ``idempotency_key`` a retried submission (same key, same content) is stored exactly
    once and returns the same report and the same secret (``created`` False). The key is the
    client's; the service namespaces it by channel and principal (``submission_key``), so a key
    sent on one channel or by one sender never reaches another's report, and stores only a hash
    of the whole namespaced key. The same key with different content is refused
    (``IdempotencyConflict``, 409), never answered with the earlier report."""
    key = submission_key(channel=channel, actor=actor, idempotency_key=idempotency_key)
    if channel not in Channel.values:
        raise DomainError(f"未知渠道：{channel}", f"Unknown channel: {channel}", field="channel")
    if channel == Channel.HOTLINE and not has_action(actor, "public_reports.hotline"):
        raise NotAllowed("您无权录入热线举报", "You may not enter hotline reports")
    if report_type not in ReportType.values:
        raise DomainError("请选择举报类型", "Choose the type of report", field="report_type")
    description = (description or "").strip()
    if len(description) < 5:
        raise DomainError("请描述举报的具体情况（至少 5 个字）", "Describe what you report (at least 5 characters)",
                          field="description")
    if len(description) > 5000:
        raise DomainError("举报内容过长（最多 5000 字）", "The description is too long (5,000 characters at most)",
                          field="description")
    if (lng is None) != (lat is None):
        raise DomainError("经纬度须同时填写", "Give both longitude and latitude", field="lng")
    if lng is not None and lat is not None and not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise DomainError("位置超出范围", "The location is out of range", field="lng")
    if lng is None and not address.strip() and enterprise is None:
        raise DomainError("请在地图上标出位置或填写地址", "Pin the place on the map or give an address", field="address")
    now = timezone.now()
    if occurred_at is not None:
        if timezone.is_naive(occurred_at):
            occurred_at = timezone.make_aware(occurred_at)
        if occurred_at > now + dt.timedelta(minutes=5):
            raise DomainError("发生时间不能晚于当前时间", "The time cannot be in the future", field="occurred_at")
    ident = clean_identity(identity)
    files = list(files)
    _check_uploads(files)
    digest = None
    if key is not None:
        digest = _request_digest(
            channel=channel, report_type=report_type, description=description, address=address, lng=lng, lat=lat,
            occurred_at=occurred_at, enterprise=enterprise, enterprise_name=enterprise_name, identity=ident,
            files=files,
        )
        existing = Report.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _replay(existing, key, digest)

    place = locate_jurisdiction(lng, lat) if lng is not None and lat is not None else None
    if place is None and enterprise is not None:
        place = enterprise.jurisdiction
    sector = enterprise.sector if enterprise is not None else None
    department, rule = route_department(sector, place)
    secret = _secret_from(key)
    report = Report(
        idempotency_key=key,
        request_hash=digest or "",
        secret_hash=hash_secret(secret),
        channel=channel,
        report_type=report_type,
        description=description,
        address=address.strip()[:300],
        lng=lng,
        lat=lat,
        jurisdiction=place,
        occurred_at=occurred_at,
        enterprise=enterprise,
        enterprise_name=(enterprise.name if enterprise is not None else enterprise_name.strip())[:200],
        sector=sector,
        department=department,
        routing_rule=rule[:300],
        received_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            for _attempt in range(5):
                report.tracking_code = new_tracking_code()
                if not Report.objects.filter(tracking_code=report.tracking_code).exists():
                    break
            report._change_reason = "收到举报"  # type: ignore[attr-defined]
            report.save()
            if ident is not None:
                ReporterIdentity.objects.create(report=report, **ident)
            record_event(
                report, "public_report.received", actor=actor,
                summary=Msg(gettext_noop("收到举报（{channel}，{type}，{named}）"), channel=Channel(channel).label,
                            type=ReportType(report_type).label,
                            named=gettext_lazy("实名") if ident else gettext_lazy("匿名")),
                data={"channel": channel, "type": report_type, "real_name": ident is not None,
                      "jurisdiction": place.code if place else None,
                      "department": department.name if department else None},
            )
            if files:
                attachments_add(owner=report, files=_anonymised(files), actor=actor, role="evidence")
            state = REPORT_WORKFLOW.states[S.RECEIVED]
            owner = state.owner(report)  # type: ignore[misc]
            due_open(
                report, DUE_TRIAGE, title=f"{state.label}：{REPORT_WORKFLOW.title(report)}",
                due_at=state.deadline(report),  # type: ignore[misc]
                url=REPORT_WORKFLOW.url(report), owner_jurisdiction=owner.jurisdiction,
                owner_department=owner.department, sector=owner.sector,
            )
    except IntegrityError:
        if key is None:
            raise
        existing = Report.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _replay(existing, key, digest or "")
    return report, secret, True


def report_track(code: str, secret: str) -> Report | None:
    """The report for a tracking code and secret, or None (never says which one was wrong)."""
    report = Report.objects.filter(tracking_code=normalise_code(code)).first()
    expected = report.secret_hash if report is not None else "0" * 64
    ok = hmac.compare_digest(expected, hash_secret(secret))
    return report if ok and report is not None else None


# --- triage --------------------------------------------------------------------------------


@transaction.atomic
def report_accept(*, actor: Any, report: Report, note: str = "") -> Report:
    r = _lock(report, actor)
    r.accepted_at = timezone.now()
    r.handling_due = rules.handling_due(timezone.localdate(r.accepted_at), policy=policy_for(r.jurisdiction))
    _save(r, "受理", ["accepted_at", "handling_due"])
    _apply(r, S.ACCEPTED, actor=actor, note=note, data={"handling_due": r.handling_due.isoformat()})
    return r


@transaction.atomic
def report_reject(*, actor: Any, report: Report, reason: RejectReason, note: str = "") -> Report:
    r = _lock(report, actor)
    if not reason.is_active:
        raise DomainError("该理由已停用", "This reason is no longer in use", field="reason")
    r.reject_reason = reason
    r.public_reply = reason.public_text or f"经审查，您的举报不予受理（{reason.label}）。"
    r.replied_at = timezone.now()
    _save(r, f"不予受理：{reason.label}", ["reject_reason", "public_reply", "replied_at"])
    _apply(r, S.REJECTED, actor=actor, note=note, data={"reason": reason.code})
    return r


@transaction.atomic
def report_merge(*, actor: Any, report: Report, into: Report, note: str = "") -> Report:
    """Merge a duplicate into an earlier report. Each report keeps its own received time, so
    every reporter keeps their place in the claim order (first valid reporter rule)."""
    r = _lock(report, actor)
    target = _lock(into, actor)
    if target.pk == r.pk:
        raise DomainError("不能合并到自身", "A report cannot be merged into itself", field="into")
    while target.merged_into_id is not None:
        target = _lock(target.merged_into, actor)  # type: ignore[arg-type]
    if target.status in (S.REJECTED, S.MERGED):
        raise InvalidTransition("目标举报已不予受理或已合并", "The target report is rejected or merged", field="into")
    r.merged_into = target
    _save(r, gettext_noop("合并至") + f"：{target.display_code}", ["merged_into"])
    _apply(r, S.MERGED, actor=actor, note=note, data={"into": target.pk})
    record_event(target, "public_report.merged_in", actor=actor, summary=Msg(gettext_noop("合并重复举报 {code}"), code=r.display_code),
                 data={"report": r.pk})
    return r


@transaction.atomic
def report_dispatch(
    *, actor: Any, report: Report, department: Department | None = None, jurisdiction: Jurisdiction | None = None,
    note: str = "",
) -> Report:
    """Send to the handling unit: the territory and the sector department (dual routing). The
    department and the place must be ones the actor may hand work to (``orgs.departments`` /
    ``orgs.jurisdictions`` within ``public_reports.triage``)."""
    r = _lock(report, actor)
    if actor is not None:
        if not within_choice(actor, "orgs.departments@public_reports.triage", department):
            raise NotAllowed("所选承办部门不在您的管辖范围内", "The chosen department is outside your scope",
                             field="department")
        if not within_choice(actor, "orgs.jurisdictions@public_reports.triage", jurisdiction):
            raise NotAllowed("所选辖区不在您的管辖范围内", "The chosen jurisdiction is outside your scope",
                             field="jurisdiction")
    fields = ["dispatched_at"]
    if department is not None:
        r.department = department
        r.routing_rule = f"人工交办 → {department.name}"
        fields += ["department", "routing_rule"]
    if jurisdiction is not None:
        r.jurisdiction = jurisdiction
        fields.append("jurisdiction")
    r.dispatched_at = timezone.now()
    _save(r, "交办", fields)
    _apply(r, S.DISPATCHED, actor=actor, note=note, data={
        "department": r.department.name if r.department_id else None,
        "jurisdiction": r.jurisdiction.code if r.jurisdiction_id else None,
    })
    return r


def _reopen_handling_due(r: Report) -> None:
    state = REPORT_WORKFLOW.state_of(r)
    if state.due_kind is None or state.deadline is None:
        return
    due_close(r, state.due_kind, state="cancelled")
    owner = state.owner(r) if state.owner else None
    due_open(
        r, state.due_kind, title=f"{state.label}：{REPORT_WORKFLOW.title(r)}", due_at=state.deadline(r),  # type: ignore[arg-type]
        url=REPORT_WORKFLOW.url(r), owner_jurisdiction=owner.jurisdiction if owner else None,
        owner_department=owner.department if owner else None, sector=owner.sector if owner else None,
    )


@transaction.atomic
def report_request_extension(*, actor: Any, report: Report, note: str) -> Report:
    r = _lock(report, actor)
    if actor is not None and not can(actor, "public_reports.handle", r):
        raise NotAllowed("您无权申请延期", "You may not request an extension")
    if r.status not in (S.ACCEPTED, S.DISPATCHED) or r.extended or r.extension_requested_at:
        raise InvalidTransition("当前不能申请延期", "An extension cannot be requested now")
    if not note.strip():
        raise InvalidTransition("请说明延期理由", "Give the reason for the extension", field="note")
    r.extension_requested_at = timezone.now()
    r.extension_requested_by = actor if getattr(actor, "pk", None) else None
    _save(r, "申请延期", ["extension_requested_at", "extension_requested_by"])
    record_event(r, "public_report.extension_requested", actor=actor, summary=Msg(gettext_noop("申请延期办理")), note=note)
    return r


@transaction.atomic
def report_approve_extension(*, actor: Any, report: Report, approve: bool, note: str = "") -> Report:
    """Approve (or refuse) the 30-day extension; the approver is not the requester."""
    r = _lock(report, actor)
    if actor is not None and not can(actor, "public_reports.triage", r):
        raise NotAllowed("您无权审批延期", "You may not approve extensions")
    if r.extension_requested_at is None or r.extended:
        raise InvalidTransition("没有待审批的延期申请", "No extension is pending")
    if actor is not None and r.extension_requested_by_id == getattr(actor, "pk", None):
        raise NotAllowed("延期申请须由他人审批", "Someone else must approve the extension")
    if approve:
        r.extended = True
        r.handling_due = rules.handling_due(
            timezone.localdate(r.accepted_at), extended=True, policy=policy_for(r.jurisdiction)  # type: ignore[arg-type]
        )
        _save(r, "批准延期", ["extended", "handling_due"])
        _reopen_handling_due(r)
        record_event(r, "public_report.extension_approved", actor=actor, summary=Msg(gettext_noop("批准延期至 {due}"), due=r.handling_due),
                     note=note, data={"handling_due": r.handling_due.isoformat()})
    else:
        r.extension_requested_at = None
        r.extension_requested_by = None
        _save(r, "不批准延期", ["extension_requested_at", "extension_requested_by"])
        record_event(r, "public_report.extension_refused", actor=actor, summary=Msg(gettext_noop("不批准延期")), note=note)
    return r


# --- handling ------------------------------------------------------------------------------


def _link(r: Report, obj: models.Model) -> None:
    r.link_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    r.link_id = str(obj.pk)


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


@transaction.atomic
def report_handle(
    *, actor: Any, report: Report, note: str, link: models.Model | None = None, create_hazard: bool = False,
    hazard_category: str = "", hazard_level: str = "general", hazard_description: str = "",
    hazard_description_confirmed: bool = False,
) -> Report:
    """Finish handling: link the record created from the report (a hazard, inspection or
    accident) — an existing one, or a hazard created here through the hazards app's service.

    A hazard is read by the enterprise, so it carries nothing of the report as such: the
    handler writes its description (the form offers the report's text as a draft to rewrite;
    the very same text is refused, and the handler confirms it holds nothing that points to
    the reporter), its source is the generic 监管发现, its time is the day the report came in
    (not the minute), and an enterprise's hazard takes the enterprise's place, not the point
    the reporter's phone sent."""
    r = _lock(report, actor)
    if create_hazard:
        text = (hazard_description or "").strip()
        if not text:
            raise DomainError("请填写隐患描述（企业可见）", "Write the hazard's description (the enterprise reads it)",
                              field="hazard_description")
        original = _plain(r.description)
        if _plain(text) == original or (len(original) >= 10 and original in _plain(text)):
            raise DomainError("隐患描述不能照抄举报内容，请改写为核查认定的隐患事实",
                              "Do not copy the report's text: describe the hazard as found",
                              field="hazard_description")
        if not hazard_description_confirmed:
            raise DomainError("请确认隐患描述中没有可能识别举报人的内容",
                              "Confirm that the description holds nothing that could identify the reporter",
                              field="hazard_description_confirmed")
        found_day = timezone.localdate(r.received_at)
        on_enterprise = r.enterprise_id is not None
        link = hazard_services.hazard_report(
            actor=actor, source="regulator", category=hazard_category.strip() or r.get_report_type_display(),
            description=text, level=hazard_level, enterprise=r.enterprise,
            place_name="" if on_enterprise else (r.enterprise_name or r.address or "举报地点"),
            address="" if on_enterprise else r.address, lng=None if on_enterprise else r.lng,
            lat=None if on_enterprise else r.lat, jurisdiction=r.jurisdiction, sector=r.sector,
            found_at=timezone.make_aware(dt.datetime.combine(found_day, dt.time.min)),
        )
    fields = ["handled_at"]
    if link is not None:
        _link(r, link)
        fields += ["link_type", "link_id"]
    r.handled_at = timezone.now()
    _save(r, "办理完成", fields)
    data: dict[str, Any] = {}
    if link is not None:
        data = {"link": f"{link._meta.label_lower}:{link.pk}"}
    _apply(r, S.HANDLED, actor=actor, note=note, data=data)
    return r


@transaction.atomic
def report_verify(
    *, actor: Any, report: Report, result: str, note: str = "", fine_yuan: Decimal | None = None,
    deaths: int | None = None, accident_grade: str = "",
) -> Report:
    r = _lock(report, actor)
    if result not in Verification.values:
        raise DomainError("请选择核查结论", "Choose the verification result", field="verification")
    if fine_yuan is not None and fine_yuan < 0:
        raise DomainError("罚款金额不能为负", "The fine cannot be negative", field="fine_yuan")
    r.verification = result
    r.verified_at = timezone.now()
    r.fine_yuan = fine_yuan
    r.deaths = deaths
    r.accident_grade = accident_grade.strip()[:8]
    _save(r, f"核实：{Verification(result).label}", ["verification", "verified_at", "fine_yuan", "deaths", "accident_grade"])
    _apply(r, S.VERIFIED, actor=actor, note=note, data={"verification": result})
    return r


@transaction.atomic
def report_reply(*, actor: Any, report: Report, text: str) -> Report:
    """The public reply, shown on the tracking page of this report and of those merged into it."""
    r = _lock(report, actor)
    r.public_reply = text.strip()
    r.replied_at = timezone.now()
    _save(r, "答复举报人", ["public_reply", "replied_at"])
    _apply(r, S.REPLIED, actor=actor, note=r.public_reply)
    for child in Report.objects.select_for_update().filter(merged_into=r):
        child.public_reply = r.public_reply
        child.replied_at = r.replied_at
        _save(child, gettext_noop("答复（合并举报）"), ["public_reply", "replied_at"])
        record_event(child, "public_report.replied", actor=actor, summary=Msg(gettext_noop("随 {code} 一并答复"), code=r.display_code))
    return r


@transaction.atomic
def report_close(*, actor: Any, report: Report, note: str = "") -> Report:
    r = _lock(report, actor)
    r.closed_at = timezone.now()
    _save(r, "办结", ["closed_at"])
    _apply(r, S.CLOSED, actor=actor, note=note)
    return r


@transaction.atomic
def report_add_note(*, actor: Any, report: Report, text: str) -> InternalNote:
    r = _lock(report, actor)
    text = text.strip()
    if not text:
        raise DomainError("请填写内部意见", "The note is empty", field="text")
    note = InternalNote(report=r, author=actor if getattr(actor, "pk", None) else None, text=text)
    note._change_reason = "内部意见"  # type: ignore[attr-defined]
    note.save()
    record_event(r, "public_report.note", actor=actor, summary=Msg(gettext_noop("添加内部意见")))
    return note


def enterprise_by_name(name: str) -> Enterprise | None:
    """The enterprise a member of the public named, when the name matches a record exactly."""
    name = (name or "").strip()
    return Enterprise.objects.filter(name=name).first() if name else None


PUBLIC_STATUS = {
    S.RECEIVED: ("已收到，等待受理", "Received, awaiting acceptance"),
    S.ACCEPTED: ("已受理，正在核查办理", "Accepted, being checked"),
    S.DISPATCHED: ("已受理，正在核查办理", "Accepted, being checked"),
    S.HANDLED: ("已受理，正在核查办理", "Accepted, being checked"),
    S.VERIFIED: ("核查完毕，即将答复", "Checked, reply coming"),
    S.REPLIED: ("已答复", "Replied"),
    S.CLOSED: ("已办结", "Closed"),
    S.REJECTED: ("不予受理", "Not accepted"),
    S.MERGED: ("已与同一事项的其他举报合并办理", "Handled together with another report of the same matter"),
}


def public_view(report: Report) -> dict[str, Any]:
    """Everything the reporter may see of their report — and nothing else."""

    en = (get_language() or "").startswith("en")
    zh_label, en_label = PUBLIC_STATUS[ReportStatus(report.status)]
    return {
        "code": report.display_code,
        "type": report.get_report_type_display(),
        "received_at": report.received_at,
        "status": en_label if en else zh_label,
        "closed": report.status in (S.REPLIED, S.CLOSED, S.REJECTED),
        "reply": report.public_reply,
        "replied_at": report.replied_at,
    }


@transaction.atomic
def identity_viewed(*, actor: Any, report: Report) -> None:
    """Record that someone opened the reporter's identity (the event holds no identity)."""
    record_event(report, "public_report.identity_viewed", actor=actor, summary=Msg(gettext_noop("查看举报人身份信息")))


@transaction.atomic
def report_lookup(*, actor: Any, code: str, reason: str) -> Report:
    """A hotline supervisor reads a report beyond what they entered: by its tracking code, after
    giving a reason, which is recorded on the report's timeline (``public_report.looked_up``).
    The report must be within the reach of the actor's ``public_reports.lookup`` grants."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError("请说明调阅理由（至少 5 个字）", "Give the reason for looking (at least 5 characters)",
                          field="reason")
    if len(reason) > 500:
        raise DomainError("调阅理由过长（最多 500 字）", "The reason is too long (500 characters at most)", field="reason")
    report = (Report.objects.restrict(actor, "public_reports.lookup")
              .filter(tracking_code=normalise_code(code)).first())
    if report is None:
        raise NotFoundInScope()
    record_event(report, "public_report.looked_up", actor=actor, summary=Msg(gettext_noop("说明理由后调阅举报")), note=reason,
                 data={"reason": reason})
    return report
