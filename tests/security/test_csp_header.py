"""Issue 13 item 10: every page carries a Content-Security-Policy whose nonce is the one on the
page's inline scripts, and map tiles from the configured server are allowed."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from anjian.core.csp import policy

pytestmark = pytest.mark.django_db


def test_policy_nonce_matches_the_inline_scripts(login, world):
    resp = login("city_admin").get("/accidents/")
    header = resp["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", header).group(1)
    html = resp.content.decode()
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert scripts and all(f'nonce="{nonce}"' in attrs for attrs in scripts if "application/json" not in attrs)
    assert "'unsafe-inline'" not in header.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in header and "object-src 'none'" in header
    assert login("city_admin").get("/accidents/")["Content-Security-Policy"] != header  # a fresh nonce


def test_anonymous_pages_have_it_too(client, world):
    assert "script-src 'self' 'nonce-" in client.get("/public/")["Content-Security-Policy"]


@override_settings(MAP_TILE_URL="https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}")
def test_tile_server_images_are_allowed():
    assert "img-src 'self' data: blob: https://*.tianditu.gov.cn" in policy("n")


@override_settings(CSP_REPORT_ONLY=True)
def test_report_only(client, world):
    resp = client.get("/public/")
    assert "Content-Security-Policy-Report-Only" in resp and "Content-Security-Policy" not in resp
