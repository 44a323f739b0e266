"""First run: an empty database becomes a working, empty city (or district) with one administrator.

``city_setup`` is what ``anjian setup`` and the first-run page (``/setup/``) both call. It creates
the root of the territory tree from its 行政区划代码, loads the GB/T 4754 sectors and the system roles,
creates the safety committee office (安委办) with its document-number series, and the first
administrator with the city-wide ``city_admin`` grant. The demo (``anjian demo``) is separate.

The first-run page is open to anyone while no city exists, so it asks for a one-time setup code
that only the operator can read: it is written to ``$ANJIAN_DATA_DIR/setup-code.txt`` (mode 0600)
and logged when the page is first shown, the way self-hosted servers hand over their first login.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop

from anjian.accounts.models import Role, User
from anjian.accounts.services import membership_grant, roles_ensure_system, user_create
from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError
from anjian.documents.models import DocumentSeries
from anjian.orgs.models import Department, DepartmentKind, Jurisdiction, JurisdictionLevel
from anjian.orgs.services import department_create, jurisdiction_create, sectors_load_gb4754
from anjian.rules.divisions import COUNTY, PREFECTURE, PROVINCE, DivisionCodeError, parse_division_code

log = logging.getLogger(__name__)


def city_exists() -> bool:
    return Jurisdiction.objects.filter(parent__isnull=True).exists()


@dataclass(frozen=True)
class SetupResult:
    root: Jurisdiction
    office: Department
    admin: User


def root_level_for(code: str) -> int:
    """A prefecture-level city (or one of the four municipalities) is set up as a city; a
    county-level code (a district or county running the platform on its own) as a district."""
    try:
        parsed = parse_division_code(code)
    except DivisionCodeError as exc:
        raise DomainError(exc.zh, exc.en, field="code") from exc
    if parsed.kind == PREFECTURE or (parsed.kind == PROVINCE and parsed.is_municipality):
        return JurisdictionLevel.CITY
    if parsed.kind == COUNTY:
        return JurisdictionLevel.DISTRICT
    raise DomainError(
        "请填写市（直辖市、地级市）或区县的6位行政区划代码",
        "Give the 6-digit division code of a city (municipality or prefecture) or of a district/county",
        field="code",
    )


@transaction.atomic
def city_setup(
    *,
    name: str,
    code: str,
    admin_username: str,
    admin_password: str | None,
    admin_display_name: str = "",
    admin_phone: str = "",
    office_abbr: str = "",
) -> SetupResult:
    """Create the city, its committee office and first administrator. Refused once any city
    exists: a second run changes nothing."""
    if city_exists():
        raise DomainError("平台已经完成初始化，不能再次设置城市", "The platform is already set up")
    name, code = name.strip(), code.strip()
    if not name:
        raise DomainError("请填写城市名称", "The city's name is required", field="name")
    level = root_level_for(code)
    sectors_load_gb4754()
    roles_ensure_system()
    root = jurisdiction_create(actor=None, code=code, name=name, level=level, parent=None)
    office = department_create(
        actor=None, name=f"{name}安全生产委员会办公室", kind=DepartmentKind.COMMITTEE_OFFICE, jurisdiction=root,
        short_name=f"{name}安委办", doc_abbr=office_abbr.strip() or f"{name}安委办",
    )
    DocumentSeries.objects.create(
        code=f"{code}-committee", prefix=office.doc_abbr, name=f"{office.short_name}发文", jurisdiction=root,
        department=office,
    )
    admin = user_create(
        actor=None, username=admin_username, password=admin_password, display_name=admin_display_name,
        phone=admin_phone, must_change_password=admin_password is None,
    )
    membership_grant(actor=None, user=admin, role=Role.objects.get(code="city_admin"), jurisdiction=root)
    record_event(root, "city_setup", actor=None, summary=Msg(
        gettext_noop("平台初始化：{name}（{code}），管理员 {admin}"), name=name, code=code, admin=admin.username))
    _setup_code_path().unlink(missing_ok=True)
    return SetupResult(root=root, office=office, admin=admin)


# --- the one-time setup code for the first-run page ------------------------------------------


def _setup_code_path() -> Path:
    return Path(settings.DATA_DIR) / "setup-code.txt"


def setup_code() -> str:
    """The code the first-run page asks for, created (and logged) on first use."""
    path = _setup_code_path()
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(code + "\n")
    log.warning("first-run setup code / 初始化码: %s (also in %s)", code, path)
    return code


def setup_code_matches(given: str) -> bool:
    return hmac.compare_digest(given.strip().upper().encode(), setup_code().encode())
