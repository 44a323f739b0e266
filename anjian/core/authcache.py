"""API token → user and grants, cached briefly in the shared cache (issue 22).

A machine calling the API sends its bearer token with every request. Looking the token up, then
the user and their memberships, cost a few queries per request; instead the first request builds
an *entry* (the user with their grants, the token's id) and stores it in Django's cache
(Redis in production, shared by every web process) for at most ``TTL_S`` seconds.

Nothing may be served from a stale entry: every entry carries its token's *generation* and the
global one, both read before the database was read to build it, and a request uses the entry only
while both still hold the same values (entry and generations come in one round trip). A
generation is a random string (not a counter: an evicted key then reads as missing, which never
matches). It is replaced

- for every token of one user by ``forget_user`` (which reads the user's token hashes) — called by ``scoping.forget_grants`` (every membership change
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

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)

TTL_S = 60
_GEN_TIMEOUT_S = 3600  # a generation outlives the entries built under it; a lost one only costs a rebuild
_GLOBAL = "anjian:authgen:*"


def _gen_key(token_hash: str) -> str:
    return f"anjian:authgen:{token_hash}"


def _entry_key(token_hash: str) -> str:
    return f"anjian:apitoken:{token_hash}"


def generations(token_hash: str) -> tuple[str, str]:
    """The token's and the global generation, created when missing (read before building an entry)."""
    keys = [_gen_key(token_hash), _GLOBAL]
    try:
        found = cache.get_many(keys)
        if len(found) < 2:
            cache.add(keys[0], uuid.uuid4().hex, _GEN_TIMEOUT_S)
            cache.add(keys[1], uuid.uuid4().hex, None)
            found = cache.get_many(keys)
    except Exception:  # no generation: the entry is never used
        log.warning("token cache unavailable", exc_info=True)
        return "", ""
    return found.get(keys[0], ""), found.get(keys[1], "")


def get(token_hash: str) -> Any:
    """The cached entry's payload for this token, or None (missing, expired or outdated). One
    round trip to the cache: the entry and both generations together."""
    keys = [_entry_key(token_hash), _gen_key(token_hash), _GLOBAL]
    try:
        found = cache.get_many(keys)
    except Exception:
        log.warning("token cache unavailable", exc_info=True)
        return None
    entry = found.get(keys[0])
    if entry is None:
        return None
    gens, payload = entry
    if not gens[0] or (found.get(keys[1]), found.get(keys[2])) != gens:
        return None
    return payload


def put(token_hash: str, gens: tuple[str, str], payload: Any, ttl: float) -> None:
    """Store an entry built from rows read after ``gens`` was read (``generations``)."""
    if ttl < 1 or not gens[0]:
        return
    try:
        cache.set(_entry_key(token_hash), (gens, payload), min(TTL_S, int(ttl)))
    except Exception:
        log.warning("token cache unavailable", exc_info=True)


def _replace(token_hashes: list[str] | None) -> None:
    """New generations for these tokens (``None``: the global one)."""
    try:
        if token_hashes is None:
            cache.set(_GLOBAL, uuid.uuid4().hex, None)
        elif token_hashes:
            cache.set_many({_gen_key(h): uuid.uuid4().hex for h in token_hashes}, _GEN_TIMEOUT_S)
    except Exception:  # entries still expire after TTL_S
        log.error("token cache: could not outdate entries", exc_info=True)


def _now_and_at_commit(fn: Callable[[], None]) -> None:
    fn()
    transaction.on_commit(fn)


def forget_user(user_id: int | None) -> None:
    """Outdate every cached token entry of this user (grants, tokens, activity changed)."""
    if user_id is None:
        return
    # The model by name: core imports no app (docs/architecture.md, "Layers as a contract").
    hashes = list(apps.get_model("accounts", "ApiToken").objects.filter(user_id=user_id)
                  .values_list("key_hash", flat=True))
    if hashes:
        _now_and_at_commit(lambda: _replace(hashes))


def forget_all() -> None:
    """Outdate every cached token entry (roles, departments, sectors or jurisdictions changed)."""
    _now_and_at_commit(lambda: _replace(None))


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
