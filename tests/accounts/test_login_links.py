"""The login page leads citizens to the public portal and developers to the API documentation,
in both languages, and the pages it links to open without logging in."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "words"), [("zh-hans", ["我要举报", "接口文档"]), ("en", ["Make a report", "API documentation"])])
def test_login_page_links_the_public_portal_and_the_api_docs(client, world, language, words):
    # a city must exist: on an empty database the login page sends everyone to the first-run /setup/
    client.cookies["django_language"] = language
    html = client.get("/accounts/login/").content.decode()
    links = re.search(r'data-testid="login-links">(.*?)</div>\s*<form', html, re.S).group(1)
    assert 'href="/public/"' in links and 'href="/public/track/"' in links and 'href="/api/v1/docs"' in links
    for word in words:
        assert word in links
    for href in ("/public/", "/public/track/", "/api/v1/docs"):
        assert client.get(href).status_code == 200
