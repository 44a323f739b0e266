"""Secrets out of the logs: API keys and passwords in query strings (Open311 sends
``api_key=`` in the URL, as its specification says) and bearer tokens are replaced by
``[redacted]`` in the access log (``anjian serve``'s gunicorn logger), in ``runserver``'s
request lines and in every record of the application's log handler."""

from __future__ import annotations

import logging
import re
from typing import Any

SECRET_PARAMS = ("api_key", "apikey", "access_token", "token", "secret", "password", "key")
_QUERY = re.compile(r"(?i)((?:^|[?&;])(?:" + "|".join(SECRET_PARAMS) + r")=)[^&;\s\"']*")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"',]+")
_TOKEN = re.compile(r"\baj_[A-Za-z0-9_-]{16,}")
_SET_LINK = re.compile(r"(/accounts/password/set/)[A-Za-z0-9_-]+")  # a one-time password link's key
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """``text`` with secret query parameters, bearer credentials and anjian tokens masked."""
    if not text:
        return text
    text = _QUERY.sub(lambda m: m.group(1) + REDACTED, text)
    text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    text = _SET_LINK.sub(lambda m: m.group(1) + REDACTED, text)
    return _TOKEN.sub(REDACTED, text)


def _redact_value(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactSecretsFilter(logging.Filter):
    """A logging filter: masks secrets in the message and its string arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_value(v) for k, v in record.args.items()}
        return True


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only needed by ``anjian serve``
    _GunicornLogger = object


class RedactingGunicornLogger(_GunicornLogger):  # type: ignore[misc]
    """gunicorn's logger with the request line, query string, referer and the request's
    Authorization header masked in the access log."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for name in ("r", "q", "f", "{authorization}i", "{referer}i", "{raw_uri}e", "{query_string}e",
                     "{http_authorization}e", "{http_referer}e"):
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        return atoms
