from django.urls import path

from anjian.orgs import views, views_risk

app_name = "orgs"
urlpatterns = [
    path("jurisdictions/", views.jurisdictions, name="jurisdictions"),
    path("jurisdictions/<int:pk>/", views.jurisdiction_detail, name="jurisdiction"),
    path("jurisdictions/<int:pk>/geojson/", views.jurisdiction_geojson, name="jurisdiction_geojson"),
    path("boundaries/", views.boundaries, name="boundaries"),
    path("departments/", views.departments, name="departments"),
    path("risk/", views_risk.risk_settings, name="risk_settings"),
    path("risk/sectors/<int:pk>/", views_risk.sector_risk_set, name="sector_risk_set"),
    path("risk/policies/", views_risk.policy_create, name="risk_policy_create"),
    path("risk/policies/<int:pk>/", views_risk.policy_edit, name="risk_policy"),
    path("risk/policies/<int:pk>/delete/", views_risk.policy_delete, name="risk_policy_delete"),
    path("risk/recompute/", views_risk.recompute_city, name="risk_recompute"),
]
