from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from anjian.core.api import require
from anjian.core.apischema import Limit, Param
from anjian.inbox.selectors import due_item_list

router = Router(tags=["inbox"])


class DueItemOut(Schema):
    id: int
    kind: str
    title: str
    url: str
    due_at: dt.datetime
    escalation_level: int
    owner_jurisdiction_id: int | None
    owner_department_id: int | None
    owner_enterprise_id: int | None


@router.get("/", response=list[DueItemOut], summary="我的待办 / my open due items")
def inbox(request: HttpRequest, bucket: Param = "mine", when: Param = "", limit: Limit = 100):
    require(request, "inbox.view")
    return list(due_item_list(user=request.user, bucket=bucket, when=when)[: min(limit, 1000)])
