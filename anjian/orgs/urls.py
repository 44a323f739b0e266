from django.urls import path

from anjian.orgs import views

app_name = "orgs"
urlpatterns = [
    path("jurisdictions/", views.jurisdictions, name="jurisdictions"),
    path("jurisdictions/<int:pk>/", views.jurisdiction_detail, name="jurisdiction"),
    path("jurisdictions/<int:pk>/geojson/", views.jurisdiction_geojson, name="jurisdiction_geojson"),
    path("departments/", views.departments, name="departments"),
]
