"""Upload size limits, enforced while the request body streams in (never after a file is stored).

Every upload route has a *kind* (``UPLOAD_ROUTES``: the URL's name → kind; any other route is an
``attachment``), and each kind a per-file limit from settings (``UPLOAD_KINDS``). ``UploadLimit``
is the first of ``FILE_UPLOAD_HANDLERS``: it counts the bytes of each file as they arrive and stops
the upload as soon as one file passes its kind's limit, or all files of the request together
pass ``UPLOAD_MAX_REQUEST_BYTES`` — or, before reading anything, when the request announces a larger
body. The rest of the body is read in fixed-size chunks and dropped (``_drain``): nothing is kept
in memory or on disk, and the handlers that store files (memory, temporary file) never see the
bytes past the limit.

``UploadLimitMiddleware`` then answers: a route whose page shows the refusal under its file
field (``in_page``; the view calls ``refuse_oversize``) goes on to its view; any other route is
answered at once with 413 and the message in Chinese and English (JSON on the API, a page
otherwise). A non-multipart body sent to a route with a kind (the CAP API takes the XML as the
body) is refused from its announced length, before it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext

from anjian.core.errors import DomainError

_SLACK = 64 * 1024  # the form's other fields and the multipart boundaries


@dataclass(frozen=True)
class UploadKind:
    """What is uploaded, and the setting that holds how large one such file may be."""

    code: str
    setting: str
    zh: str
    en: str

    @property
    def max_bytes(self) -> int:
        return int(getattr(settings, self.setting))


UPLOAD_KINDS = {k.code: k for k in (
    UploadKind("import", "IMPORT_MAX_BYTES", "导入文件", "import file"),
    UploadKind("cap", "CAP_MAX_BYTES", "CAP 预警文件", "CAP alert file"),
    UploadKind("boundary", "BOUNDARY_MAX_BYTES", "边界文件", "boundary file"),
    UploadKind("checklist_json", "CHECKLIST_JSON_MAX_BYTES", "检查表 JSON 文件", "checklist JSON file"),
    UploadKind("attachment", "ATTACHMENT_MAX_BYTES", "附件", "attachment"),
)}
"""The kinds of upload and their limits (``docs/security.md`` lists the defaults)."""

DEFAULT_KIND = "attachment"


@dataclass(frozen=True)
class UploadRoute:
    kind: str
    in_page: bool = False  # the view shows the refusal under its file field (``refuse_oversize``)


UPLOAD_ROUTES: dict[str, UploadRoute] = {
    # the upload pages of the import mechanism (``documents.views.import_page``: ``import`` in each app)
    "import": UploadRoute("import", in_page=True),
    "user_import": UploadRoute("import", in_page=True),
    "emergency:alert_import": UploadRoute("cap", in_page=True),
    "api:emergency_alert_receive": UploadRoute("cap"),
    "orgs:boundary_imports": UploadRoute("boundary", in_page=True),
    "grids:adjust_split": UploadRoute("boundary", in_page=True),
    "checklists:load_json": UploadRoute("checklist_json", in_page=True),
}
"""URL name (namespaced, or the bare name shared by every app's page) → its kind of upload; a
route not listed takes attachments."""

IMPORT_URL_NAMES = frozenset(name for name, r in UPLOAD_ROUTES.items() if r.kind == "import")


def _mb(n: int) -> str:
    return f"{n / 1048576:.0f} MB" if n >= 1048576 else f"{max(n // 1024, 1)} KB"


class UploadTooLarge(DomainError):
    """An upload refused while it streamed in; nothing of it was stored."""

    status = 413

    def __init__(self, kind: UploadKind, limit: int, *, total: bool = False) -> None:
        self.kind = kind
        self.limit = limit
        if total:
            super().__init__(f"本次上传的文件合计太大（上限 {_mb(limit)}），未保存任何内容，请分几次上传",
                             f"The files of this upload are too large together ({_mb(limit)} at most); "
                             "nothing was stored: upload them in several parts", field="file")
        else:
            super().__init__(f"{kind.zh}太大（每个文件上限 {_mb(limit)}），未保存任何内容",
                             f"The {kind.en} is too large ({_mb(limit)} at most per file); nothing was stored",
                             field="file")


def upload_route(request: Any) -> UploadRoute:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name in (match.view_name, match.url_name):
            if name in UPLOAD_ROUTES:
                return UPLOAD_ROUTES[name]
    return UploadRoute(DEFAULT_KIND)


def _request_limit(kind: UploadKind) -> int:
    """All files of one request together: one file's limit for a single-file kind; attachments
    may come several at a time."""
    if kind.code == DEFAULT_KIND:
        return max(int(settings.UPLOAD_MAX_REQUEST_BYTES), kind.max_bytes)
    return kind.max_bytes


_DRAIN_CHUNK = 64 * 1024
_DRAIN_MAX = 256 * 1024 * 1024


def _drain(request: Any) -> None:
    """Read the rest of the body and drop it, in fixed-size chunks, so that the client reads our
    answer. Not Django's own ``exhaust``: it iterates the request by *lines*, and a body without
    a line break (crafted, or a long run of one byte) would then be held in memory whole. A body
    beyond ``_DRAIN_MAX`` is left unread: the server closes the connection instead."""
    stream = getattr(request, "_stream", None)
    left = _DRAIN_MAX
    while stream is not None and left > 0 and stream.read(min(_DRAIN_CHUNK, left)):
        left -= _DRAIN_CHUNK


def _refuse(request: Any, kind: UploadKind, limit: int, *, total: bool = False) -> None:
    request.upload_refused = UploadTooLarge(kind, limit, total=total)
    request._upload_too_large = True
    _drain(request)
    raise StopUpload(connection_reset=True)  # drained above: Django must not read it again


class UploadLimit(FileUploadHandler):
    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None) -> None:
        self.kind = UPLOAD_KINDS[upload_route(self.request).kind]
        self.file_limit = self.kind.max_bytes
        self.total_limit = _request_limit(self.kind)
        self.received = 0
        self.total = 0
        if content_length and content_length > self.total_limit + _SLACK:
            single = self.total_limit == self.file_limit
            _refuse(self.request, self.kind, self.file_limit if single else self.total_limit, total=not single)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        self.total += len(raw_data)
        if self.received > self.file_limit:
            _refuse(self.request, self.kind, self.file_limit)
        if self.total > self.total_limit:
            _refuse(self.request, self.kind, self.total_limit, total=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


ImportUploadLimit = UploadLimit  # the name this handler had when only imports were limited


def upload_refusal(request: Any) -> UploadTooLarge | None:
    """The refusal of this request's upload, if one was refused (parses the body if not yet done)."""
    if request.method == "POST" and request.content_type.startswith("multipart/"):
        request.FILES  # noqa: B018 - parse the body (the handler sets the refusal while it streams)
    return getattr(request, "upload_refused", None)


def upload_too_large(request: Any) -> bool:
    return upload_refusal(request) is not None


def refuse_oversize(request: Any, form: Any, field: str = "file") -> bool:
    """On a page that shows the refusal itself: put the message under ``field`` (instead of
    "required": the file never arrived), so that ``form.is_valid()`` is false."""
    refusal = upload_refusal(request)
    if refusal is None:
        return False
    message = too_large_message() if refusal.kind.code == "import" else refusal.message
    form.errors[field] = form.error_class([message])
    return True


def too_large_message() -> str:
    return gettext("文件太大（上限 %(size)s），请分成几个文件导入") % {"size": _mb(settings.IMPORT_MAX_BYTES)}


def refused_response(request: HttpRequest, refusal: UploadTooLarge) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": refusal.message, "zh": refusal.zh, "en": refusal.en, "field": refusal.field},
                            status=413)
    return render(request, "documents/upload_refused.html", {"message": refusal.message}, status=413)


class UploadLimitMiddleware:
    """Answers a refused upload before its view runs (unless the page shows it in its form)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        route = upload_route(request)
        if request.content_type.startswith("multipart/"):
            try:
                request.FILES  # noqa: B018 - streams the body through UploadLimit
            except MultiPartParserError:
                return None  # the view sees an empty form, as without this middleware
        elif route.kind != DEFAULT_KIND:
            kind = UPLOAD_KINDS[route.kind]
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > kind.max_bytes:
                request.upload_refused = UploadTooLarge(kind, kind.max_bytes)  # type: ignore[attr-defined]
                _drain(request)
        refusal = getattr(request, "upload_refused", None)
        if refusal is None or (route.in_page and request.content_type.startswith("multipart/")):
            return None
        return refused_response(request, refusal)
