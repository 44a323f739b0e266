from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    role: str
    jurisdiction: str | None
    department: str | None
    enterprise: str | None


class MeOut(Schema):
    username: str
    display_name: str
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="当前用户 / the current user")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    ms = user.memberships.filter(is_active=True).select_related("role", "jurisdiction", "department", "enterprise")
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        memberships=[
            MembershipOut(
                role=m.role.code,
                jurisdiction=m.jurisdiction.code if m.jurisdiction_id else None,
                department=m.department.name if m.department_id else None,
                enterprise=m.enterprise.name if m.enterprise_id else None,
            )
            for m in ms
        ],
    )
