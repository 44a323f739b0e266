"""Idempotent form posts of the inspector's phone (the offline queue, docs/mechanisms/offline.md).

A form filled on the phone carries a key made there (``idempotency_key``) and the time it was
filled (``captured_at``). ``submit_once`` runs the form's service once per (form, user, key): a
replay — the phone resending after a lost answer, two tabs syncing the same queue — gets the first
result and stores nothing. The key is namespaced on the server by form and user
(``namespaced_key``, the same derivation the public reports use for their channels), so a key
replayed by another user is another key: it never reaches the first user's record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from anjian.core.errors import DomainError
from anjian.offline.models import Submission

MAX_CLIENT_KEY = 128
# a queue kept on a phone longer than this is not sent as "filled then": the time is refused
MAX_AGE = dt.timedelta(days=30)


class Conflict(DomainError):
    """The world changed while the form waited on the phone (the task was reassigned or closed,
    the enterprise was changed): answered 409 with both messages. ``accept`` names the form
    fields that, resent with these values, say the user has seen the change and still sends."""

    status = 409

    def __init__(self, zh: str, en: str, *, accept: Mapping[str, str] | None = None, field: str | None = None) -> None:
        super().__init__(zh, en, field=field)
        self.accept = dict(accept or {})


def namespaced_key(namespace: str, actor: Any, raw: str | None) -> str | None:
    """SHA-256 of the namespace (a form, a channel), the principal and the client's key; None
    without a key. The namespace and principal come from the server, never the client's text.
    A key over ``MAX_CLIENT_KEY`` characters is refused."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if len(raw) > MAX_CLIENT_KEY:
        raise DomainError(f"提交编号过长（最多 {MAX_CLIENT_KEY} 个字符）",
                          f"The idempotency key is too long ({MAX_CLIENT_KEY} characters at most)",
                          field="idempotency_key")
    principal = f"user:{actor.pk}" if getattr(actor, "pk", None) else "anonymous"
    return hashlib.sha256(f"{namespace}\x1f{principal}\x1f{raw}".encode()).hexdigest()


def captured_time(raw: str | None, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """The time the phone says the form was filled (ISO 8601 with its offset). A time in the
    future is never trusted: it becomes now (the phone's clock is ahead). A time without an
    offset or not a time is ignored (None: the server's time is used); one older than
    ``MAX_AGE`` is refused."""
    now = now or timezone.now()
    try:
        value = parse_datetime((raw or "").strip()) if raw else None
    except ValueError:
        value = None
    if value is None or timezone.is_naive(value):
        return None
    if value > now:
        return now
    if value < now - MAX_AGE:
        raise DomainError("现场填写时间过早（超过 30 天），请核对手机时间后重新填写",
                          "The time the form was filled is more than 30 days ago; check the phone's clock "
                          "and fill the form again", field="captured_at")
    return value


@dataclass
class Outcome:
    url: str
    created: bool
    obj: models.Model | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def replay(*, actor: Any, form: str, client_key: str | None) -> Outcome | None:
    """The first result of this user's post of ``form`` under ``client_key``, or None."""
    key = namespaced_key(form, actor, client_key)
    if key is None:
        return None
    first = Submission.objects.filter(key=key).first()
    return Outcome(url=first.result_url, created=False) if first is not None else None


def submit_once(
    *,
    actor: Any,
    form: str,
    client_key: str | None,
    captured_at: dt.datetime | None,
    run: Callable[[], models.Model],
    url: Callable[[models.Model], str],
) -> Outcome:
    """Run ``run()`` (the form's service call) once for this user, form and key, in one
    transaction with the ``Submission`` row; a replay (also a concurrent one, which the unique
    key turns into an IntegrityError and a rollback of its own write) answers the first result.
    Without a key it simply runs."""
    key = namespaced_key(form, actor, client_key)
    if key is None:
        obj = run()
        return Outcome(url=url(obj), created=True, obj=obj)
    first = Submission.objects.filter(key=key).first()
    if first is not None:
        return Outcome(url=first.result_url, created=False)
    try:
        with transaction.atomic():
            obj = run()
            result = url(obj)
            Submission.objects.create(
                key=key, form=form, user=actor, content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk), result_url=result[:300], captured_at=captured_at,
            )
    except IntegrityError:
        first = Submission.objects.filter(key=key).first()
        if first is None:
            raise
        return Outcome(url=first.result_url, created=False)
    return Outcome(url=result, created=True, obj=obj)
