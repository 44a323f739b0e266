"""The import upload size limit, checked while the upload streams in (not after it is stored).

``ImportUploadLimit`` is the first of ``FILE_UPLOAD_HANDLERS``. On a request to an import page
(a URL named ``import`` in its app) it counts the bytes of each file as they arrive and
stops the upload as soon as one passes ``IMPORT_MAX_BYTES`` (or, before reading anything, when
the request announces a larger body): the rest of the body is read and dropped, nothing is kept
in memory or on disk, and the page says how large a file may be.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

_SLACK = 64 * 1024  # the form's other fields and the multipart boundaries


def _is_import(request: Any) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name == "import" and request.method == "POST")


class ImportUploadLimit(FileUploadHandler):
    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None) -> None:
        self.active = _is_import(self.request)
        self.received = 0
        if self.active and content_length and content_length > settings.IMPORT_MAX_BYTES + _SLACK:
            self.request._upload_too_large = True
            raise StopUpload(connection_reset=False)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if getattr(self, "active", False):
            self.received += len(raw_data)
            if self.received > settings.IMPORT_MAX_BYTES:
                self.request._upload_too_large = True
                raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_too_large(request: Any) -> bool:
    if request.method == "POST":
        request.FILES  # noqa: B018 - parse the body (the handler sets the flag while it streams)
    return bool(getattr(request, "_upload_too_large", False))


def too_large_message() -> str:
    return gettext("文件太大（上限 %(size)s），请分成几个文件导入") % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}
