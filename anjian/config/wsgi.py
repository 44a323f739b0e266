"""The WSGI application served by ``anjian serve`` (gunicorn).

Two Django handlers behind one entry point: a machine's call to the API (``/api/`` with a bearer
token and no session cookie) runs the slim middleware stack of ``anjian.core.apifast``; every
other request — pages, browsers' API calls with their session and CSRF — the full stack of
``settings.MIDDLEWARE``.

Once loaded, a worker imports every view (the URLconf) and then freezes what it holds
(``gc.freeze``): modules, views and translations live as long as the process, and the cyclic
collector stops re-scanning them. Without it, a full collection over those ~300,000 objects paused
a request every dozen or so for 150–180 ms (``docs/benchmarks.md``, statistics from rollups)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
full_application = get_wsgi_application()  # sets Django up

from anjian.core.apifast import TokenApiHandler, is_token_api_call  # noqa: E402 - needs Django set up

token_api_application = TokenApiHandler()


def settle() -> None:
    """Import every view now rather than on the first request, then move everything loaded so
    far out of the cyclic collector's reach (``gc.freeze``)."""
    get_resolver().url_patterns  # noqa: B018 - importing the URLconf imports every view
    gc.freeze()


settle()


def application(environ, start_response):  # type: ignore[no-untyped-def]
    if is_token_api_call(environ):
        return token_api_application(environ, start_response)
    return full_application(environ, start_response)
