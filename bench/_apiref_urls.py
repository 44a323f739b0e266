"""Bench-only URLconf: the product's URLs plus the reference of bench/bench_api.py — a bare
Django view answering the same rows as ``GET /api/v1/hazards/`` (list and detail) from one raw SQL
query, serialised with ``json.dumps``. No authentication, no ORM, no schema."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from anjian.config.urls import urlpatterns as product_urlpatterns

_SQL = """
SELECT h.id, h.source, h.enterprise_id, COALESCE(e.name, h.place_name), h.address, h.lng, h.lat,
       h.location_accuracy_m, j.code, s.code, d.name, h.routing_rule, h.category, h.description, h.level,
       h.standard_item, h.checklist_item_id, h.finder_name, h.found_at, h.responsible_person, h.measures,
       h.funds, h.deadline, h.status, h.plan, h.risk_method, h.risk_factors, h.risk_score, h.risk_colour
FROM hazards_hazard h
JOIN orgs_jurisdiction j ON j.id = h.jurisdiction_id
LEFT JOIN orgs_sector s ON s.id = h.sector_id
LEFT JOIN orgs_department d ON d.id = h.department_id
LEFT JOIN enterprises_enterprise e ON e.id = h.enterprise_id
"""
_COLS = ["id", "source", "enterprise_id", "unit_name", "address", "lng", "lat", "location_accuracy_m",
         "jurisdiction_code", "sector_code", "department", "routing_rule", "category", "description", "level",
         "standard_item", "checklist_item_id", "finder_name", "found_at", "responsible_person", "measures", "funds",
         "deadline", "status", "plan", "risk_method", "risk_factors", "risk_score", "risk_colour"]


def _rows(where: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cur:
        cur.execute(_SQL + where, params)
        return [dict(zip(_COLS, row, strict=True)) for row in cur.fetchall()]


def ref_list(request: HttpRequest) -> HttpResponse:
    limit = int(request.GET.get("limit", "100"))
    body = json.dumps(_rows("ORDER BY h.id DESC LIMIT %s", [limit]), default=str, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json")


def ref_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rows = _rows("WHERE h.id = %s", [pk])
    return HttpResponse(json.dumps(rows[0], default=str, ensure_ascii=False), content_type="application/json")


urlpatterns = [
    path("bench/ref/hazards/", ref_list),
    path("bench/ref/hazards/<int:pk>", ref_detail),
    *product_urlpatterns,
]
