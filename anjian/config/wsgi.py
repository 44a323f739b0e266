"""The WSGI application served by ``anjian serve`` (gunicorn).

Two Django handlers behind one entry point: a machine's call to the API (``/api/`` with a bearer
token and no session cookie) runs the slim middleware stack of ``anjian.core.apifast``; every
other request — pages, browsers' API calls with their session and CSRF — the full stack of
``settings.MIDDLEWARE``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
full_application = get_wsgi_application()  # sets Django up

from anjian.core.apifast import TokenApiHandler, is_token_api_call  # noqa: E402 - needs Django set up

token_api_application = TokenApiHandler()


def application(environ, start_response):  # type: ignore[no-untyped-def]
    if is_token_api_call(environ):
        return token_api_application(environ, start_response)
    return full_application(environ, start_response)
