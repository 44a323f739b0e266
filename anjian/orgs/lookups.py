"""Choices among territory units, sectors and departments (see ``core/lookups.py``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core.lookups import Lookup, register
from anjian.core.scoping import grants_of, scope_q
from anjian.orgs.models import Department, DepartmentKind, Jurisdiction, Sector, SectorRoute

KIND_ORDER = {DepartmentKind.COMMITTEE_OFFICE: 0, DepartmentKind.REGULATOR: 1, DepartmentKind.STREET_OFFICE: 2,
              DepartmentKind.OTHER: 3}


def _codes_above(user: Any, action: str | None) -> set[str]:
    """Codes of the jurisdictions above the user's territories for ``action`` (their ancestors)."""

    above: set[str] = set()
    for grant in grants_of(user):
        if (action is None or grant.allows(action)) and grant.territory_path:
            above.update(code for code in grant.territory_path.strip("/").split("/")[:-1] if code)
    return above


def routes_visible(user: Any, action: str = "orgs.view") -> Any:
    """Sector routes that apply in the user's territory: the city defaults, routes bound inside
    the territory and routes bound to a unit above it — not another district's routes."""

    qs = SectorRoute.objects.select_related("sector", "department", "jurisdiction")
    reach = scope_q(user, action, Jurisdiction)
    if reach is None:  # city-wide
        return qs
    if reach is False:
        return qs.none()
    places = Jurisdiction.objects.restrict(user, action)
    return qs.filter(Q(jurisdiction__isnull=True) | Q(jurisdiction__in=places.values("pk"))
                     | Q(jurisdiction__code__in=sorted(_codes_above(user, action))))


def departments_serving(user: Any, qs: Any, action: str | None) -> Any:
    """Departments a user may hand work to: those inside the territory where the user holds
    ``action`` (``restrict``), and those of the units above it (the city's regulators also serve
    a district). A department elsewhere — another district's bureau — is outside."""
    inside = qs.restrict(user, action or "orgs.view")
    if user.is_superuser:
        return inside
    above = _codes_above(user, action)
    if not above:
        return inside
    return qs.filter(Q(pk__in=inside.values("pk")) | Q(jurisdiction__code__in=sorted(above)))


def _jurisdiction_label(j: Jurisdiction) -> str:
    return j.name


def _department_group(d: Department) -> str:
    return f"{d.jurisdiction.name} · {d.get_kind_display()}"


register(Lookup(
    key="orgs.jurisdictions", model=Jurisdiction, action="orgs.view", search=("name", "code"), code_field="code",
    order=("path",), base=lambda qs: qs.filter(is_active=True),
    group=lambda j: str(j.get_level_display()), group_order=lambda j: j.level,
    detail=lambda j: j.parent.name if j.parent_id else "", select_related=("parent",),
    placeholder=_("输入辖区名称或区划代码"),
))

# Administrative divisions are published facts: an enterprise proposing its own move names one by
# its code without seeing the territory tree (the supervisor who approves checks it).
register(Lookup(
    key="orgs.places", model=Jurisdiction, action=None, search=("name", "code"), code_field="code",
    order=("path",), base=lambda qs: qs.filter(is_active=True), select_related=("parent",),
    placeholder=_("输入辖区名称或区划代码"),
))

register(Lookup(
    key="orgs.sectors", model=Sector, action=None, search=("code", "name"), code_field="code", upper_code=True,
    order=("path",),
    group=lambda s: s.parent.label if s.parent_id else gettext("门类"),
    group_order=lambda s: s.path[:3], select_related=("parent",),
    placeholder=_("输入行业代码或名称"),
))

register(Lookup(
    key="orgs.departments", model=Department, action="orgs.view", search=("name", "short_name"),
    order=("jurisdiction__path", "name"), base=lambda qs: qs.filter(is_active=True), scope=departments_serving,
    group=_department_group, group_order=lambda d: (d.jurisdiction.path, KIND_ORDER.get(d.kind, 9)),
    select_related=("jurisdiction",), placeholder=_("输入部门名称"),
))

register(Lookup(
    key="orgs.regulators", model=Department, action="orgs.view", search=("name", "short_name"),
    order=("jurisdiction__path", "name"),
    base=lambda qs: qs.filter(is_active=True, kind=DepartmentKind.REGULATOR), scope=departments_serving,
    group=_department_group, group_order=lambda d: (d.jurisdiction.path, KIND_ORDER.get(d.kind, 9)),
    select_related=("jurisdiction",), placeholder=_("输入监管部门名称"),
))

register(Lookup(
    key="orgs.departments_inside", model=Department, action="orgs.view", search=("name", "short_name"),
    order=("jurisdiction__path", "name"), base=lambda qs: qs.filter(is_active=True),
    group=_department_group, group_order=lambda d: (d.jurisdiction.path, KIND_ORDER.get(d.kind, 9)),
    select_related=("jurisdiction",), placeholder=_("输入部门名称"),
))
"""Departments inside the user's territory only (not those above it): the ones a user governs,
e.g. sets accident-control targets for."""
