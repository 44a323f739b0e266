from __future__ import annotations

import pytest

from anjian.accounts import services
from anjian.accounts.models import Role
from anjian.audit.models import Event

pytestmark = pytest.mark.django_db


def test_upgrade_adds_new_defaults_but_keeps_an_admins_removals(monkeypatch):
    services.roles_ensure_system()
    leader = Role.objects.get(code="leader")
    services.role_update(actor=None, role=leader, actions=[a for a in leader.actions if a != "enterprises.export"])
    upgraded = [dict(r) for r in services.SYSTEM_ROLES]
    for spec in upgraded:
        if spec["code"] == "leader":
            spec["actions"] = [*spec["actions"], "audit.view"]
    monkeypatch.setattr(services, "SYSTEM_ROLES", upgraded)
    assert services.roles_ensure_system() == 1
    leader.refresh_from_db()
    assert "audit.view" in leader.actions
    assert "enterprises.export" not in leader.actions  # removed by the admin, not restored
    assert Event.objects.filter(verb="defaults_added").count() == 1
    assert services.roles_ensure_system() == 0  # idempotent
