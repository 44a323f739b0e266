"""The project's URLs plus one view that fails, to see the 500 page (tests only)."""

from django.urls import path

from anjian.config.urls import handler404, handler500  # noqa: F401
from anjian.config.urls import urlpatterns as project_urls


def boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [*project_urls, path("boom/", boom)]
