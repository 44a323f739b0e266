"""Issue 13 item 10: API tokens end with a password change; bearer tokens never reach the
access logs."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from anjian.accounts.models import ApiToken
from anjian.accounts.services import token_create
from anjian.audit.models import Event
from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


def test_password_change_revokes_api_tokens(world, login):
    user = world.user("district_a")
    _token, raw = token_create(actor=user, name="数据同步")
    api = Client()
    assert api.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    client = login("district_a")
    resp = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password": "Another-Pass-2027!",
                                               "new_password2": "Another-Pass-2027!"}, follow=True)
    assert resp.status_code == 200
    assert "API 令牌已随密码修改全部吊销" in resp.content.decode()
    assert api.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert ApiToken.objects.usable().filter(user=user).count() == 0
    assert Event.objects.filter(verb="tokens_revoked").count() == 1


def _environ(query: str) -> dict:
    return {"REQUEST_METHOD": "GET", "RAW_URI": f"/open311/v2/requests.json?{query}", "SERVER_PROTOCOL": "HTTP/1.1",
            "PATH_INFO": "/open311/v2/requests.json", "QUERY_STRING": query, "REMOTE_ADDR": "10.0.0.9",
            "HTTP_REFERER": f"https://x.example/?{query}"}


def test_gunicorn_access_log_masks_api_keys(capsys):
    import datetime as dt
    import types

    from gunicorn.config import Config

    from anjian.core.management.commands.serve import gunicorn_argv
    from anjian.core.redact import RedactingGunicornLogger

    assert "anjian.core.redact.RedactingGunicornLogger" in gunicorn_argv(bind="x", workers=1, threads=1, timeout=1)
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = RedactingGunicornLogger(cfg)
    secret = "aj_" + "S" * 43
    resp = types.SimpleNamespace(status="200 OK", sent=10, headers=[])
    req = types.SimpleNamespace(headers=[("AUTHORIZATION", f"Bearer {secret}")])
    logger.access(resp, req, _environ(f"api_key={secret}&service_code=hazard"), dt.timedelta(seconds=0))
    for handler in logger.access_log.handlers:
        handler.flush()
    out = capsys.readouterr()
    line = out.out + out.err
    assert "/open311/v2/requests.json?api_key=[redacted]&service_code=hazard" in line
    assert secret not in line


def test_application_log_masks_api_keys(world, client, caplog):
    from anjian.core.redact import RedactSecretsFilter

    secret = "aj_" + "T" * 43
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               (f"GET /open311/v2/requests.json?api_key={secret} HTTP/1.1", "403", "80"), None)
    RedactSecretsFilter().filter(record)
    assert secret not in record.getMessage() and "api_key=[redacted]" in record.getMessage()
    # and the configured handler carries the filter
    handlers = logging.getLogger().handlers + logging.getLogger("django.server").handlers
    assert any(isinstance(f, RedactSecretsFilter) for h in handlers for f in h.filters)
