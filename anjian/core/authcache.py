"""API token → user and grants, cached briefly in the shared cache (issue 22).

A machine calling the API sends its bearer token with every request. Looking the token up, then
the user and their memberships, cost a few queries per request; instead the first request builds
an *entry* (the user with their grants, the token's id) and stores it in Django's cache
(Redis in production, shared by every web process) for at most ``TTL_S`` seconds.

Nothing may be served from a stale entry: every entry carries the user's *generation* read
before the database was read to build it, and a request uses the entry only while the user's
generation and the global one still hold the same values. A generation is a random string (not a
counter: an evicted key then reads as missing, which never matches). It is replaced

- for one user by ``forget_user`` — called by ``scoping.forget_grants`` (every membership change
  in the services), and by the model signals below on any save or delete of the user, one of their
  tokens or memberships (revocation, deactivation, password change, grants from the admin or an
  import);
- for everyone by ``forget_all`` — on any save or delete of a role (its actions), a department
  (and its sectors), a sector or a jurisdiction (paths, which grants carry).

Each replacement is done at once and again when the transaction commits (a request that read the
old rows before the commit built its entry with the generation replaced at the commit). An
entry also expires with its token (``expires_at``) and at the next start or end of a timed
membership (the caller passes the horizon). If the cache fails, authentication reads the
database as before.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)

TTL_S = 60
_GLOBAL = "anjian:authgen:*"


def _gen_key(user_id: int) -> str:
    return f"anjian:authgen:{user_id}"


def _entry_key(token_hash: str) -> str:
    return f"anjian:apitoken:{token_hash}"


def generations(user_id: int) -> tuple[str, str]:
    """The user's and the global generation, created when missing (read before building an entry)."""
    keys = [_gen_key(user_id), _GLOBAL]
    try:
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                cache.add(key, uuid.uuid4().hex, None)
        if len(found) < 2:
            found = cache.get_many(keys)
    except Exception:  # no generation: the entry is never used
        log.warning("token cache unavailable", exc_info=True)
        return "", ""
    return found.get(keys[0], ""), found.get(keys[1], "")


def get(token_hash: str) -> Any:
    """The cached entry's payload for this token, or None (missing, expired or outdated)."""
    try:
        entry = cache.get(_entry_key(token_hash))
        if entry is None:
            return None
        user_id, gens, payload = entry
        current = cache.get_many([_gen_key(user_id), _GLOBAL])
        if not gens[0] or (current.get(_gen_key(user_id)), current.get(_GLOBAL)) != gens:
            return None
        return payload
    except Exception:
        log.warning("token cache unavailable", exc_info=True)
        return None


def put(token_hash: str, user_id: int, gens: tuple[str, str], payload: Any, ttl: float) -> None:
    """Store an entry built from rows read after ``gens`` was read (``generations``)."""
    if ttl < 1:
        return
    try:
        cache.set(_entry_key(token_hash), (user_id, gens, payload), min(TTL_S, int(ttl)))
    except Exception:
        log.warning("token cache unavailable", exc_info=True)


def drop(token_hash: str) -> None:
    try:
        cache.delete(_entry_key(token_hash))
    except Exception:
        log.warning("token cache unavailable", exc_info=True)


def _replace(key: str) -> None:
    try:
        cache.set(key, uuid.uuid4().hex, None)
    except Exception:
        log.error("token cache: could not invalidate %s", key, exc_info=True)


def _now_and_at_commit(fn: Callable[[], None]) -> None:
    fn()
    transaction.on_commit(fn)


def forget_user(user_id: int | None) -> None:
    """Outdate every cached token entry of this user (grants, tokens, activity changed)."""
    if user_id is not None:
        _now_and_at_commit(lambda: _replace(_gen_key(user_id)))


def forget_all() -> None:
    """Outdate every cached token entry (roles, departments, sectors or jurisdictions changed)."""
    _now_and_at_commit(lambda: _replace(_GLOBAL))


def _on_user(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_user(instance.pk)


def _on_owned(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_user(getattr(instance, "user_id", None))


def _on_shared(sender: Any, **kwargs: Any) -> None:
    forget_all()


def _on_m2m(sender: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and sender._meta.app_label in ("accounts", "orgs"):
        forget_all()  # e.g. a department's sectors


def _connect() -> None:
    # Lazy model references ("app.Model"): core imports no app (docs/architecture.md).
    for signal in (post_save, post_delete):
        signal.connect(_on_user, sender="accounts.User", dispatch_uid=f"authcache-user-{signal}")
        for model in ("accounts.ApiToken", "accounts.Membership"):
            signal.connect(_on_owned, sender=model, dispatch_uid=f"authcache-{model}-{signal}")
        for model in ("accounts.Role", "orgs.Department", "orgs.Sector", "orgs.Jurisdiction"):
            signal.connect(_on_shared, sender=model, dispatch_uid=f"authcache-{model}-{signal}")
    m2m_changed.connect(_on_m2m, dispatch_uid="authcache-m2m")


_connect()
