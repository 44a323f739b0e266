from django.conf import settings
from django.conf.urls.static import static
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView

from anjian.accounts.views import setup_view
from anjian.config.api import api
from anjian.core.views import lookup_view
from anjian.offline.views import manifest_view, service_worker_view


class FaviconView(RedirectView):
    """Browsers ask for ``/favicon.ico`` on pages that name no icon (the API docs, a PDF): send them
    to the platform's icon instead of a 404 in every console."""

    permanent = True

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static_url("anjian/favicon.svg")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view()),
    path("sw.js", service_worker_view, name="service_worker"),
    path("manifest.webmanifest", manifest_view, name="manifest"),
    path("offline/", include("anjian.offline.urls")),
    path("", include("anjian.dashboard.urls")),
    path("setup/", setup_view, name="setup"),
    path("accounts/", include("anjian.accounts.urls")),
    path("orgs/", include("anjian.orgs.urls")),
    path("enterprises/", include("anjian.enterprises.urls")),
    path("grids/", include("anjian.grids.urls")),
    path("hazards/", include("anjian.hazards.urls")),
    path("checklists/", include("anjian.checklists.urls")),
    path("funds/", include("anjian.funds.urls")),
    path("training/", include("anjian.training.urls")),
    path("accidents/", include("anjian.accidents.urls")),
    path("monitoring/", include("anjian.monitoring.urls")),
    path("vehicles/", include("anjian.vehicles.urls")),
    path("reports/", include("anjian.public_reports.urls")),
    path("enforcement/", include("anjian.enforcement.urls")),
    path("committee/", include("anjian.committee.urls")),
    path("responsibility/", include("anjian.responsibility.urls")),
    path("emergency/", include("anjian.emergency.urls")),
    path("public/cap/", include("anjian.emergency.public_urls")),
    path("public/draws/", include("anjian.enforcement.public_urls")),
    path("public/", include("anjian.public_reports.public_urls")),
    path("open311/v2/", include("anjian.public_reports.open311_urls")),
    path("jobs/", include("anjian.jobs.urls")),
    path("audit/", include("anjian.audit.urls")),
    path("lookup/<str:key>/", lookup_view, name="lookup"),
    path("documents/", include("anjian.documents.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
if settings.DEBUG or settings.ANJIAN_DEMO:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "anjian.core.error_views.page_not_found"
handler500 = "anjian.core.error_views.server_error"
