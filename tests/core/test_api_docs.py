"""The API documentation page works offline: Swagger UI comes from this server's static files
(the copy django-ninja ships), never from a CDN."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def _references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_docs_page_references_no_external_host(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    refs = _references(html)
    assert any(r.endswith("swagger-ui-bundle.js") for r in refs)
    assert any(r.endswith("swagger-ui.css") for r in refs)
    for ref in refs:
        assert not re.match(r"^(https?:)?//", ref), f"external asset on the API docs page: {ref}"
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_every_asset_of_the_docs_page_is_a_static_file_here(client):
    from django.conf import settings

    html = client.get("/api/v1/docs").content.decode()
    for ref in _references(html):
        if ref.startswith(settings.STATIC_URL):
            assert finders.find(ref[len(settings.STATIC_URL):]), f"missing static file: {ref}"
