from django.urls import path

from anjian.orgs import views, views_adjust, views_boundaries, views_departments, views_risk

app_name = "orgs"
urlpatterns = [
    path("jurisdictions/", views.jurisdictions, name="jurisdictions"),
    path("jurisdictions/<int:pk>/", views.jurisdiction_detail, name="jurisdiction"),
    path("jurisdictions/<int:pk>/geojson/", views.jurisdiction_geojson, name="jurisdiction_geojson"),
    path("jurisdictions/<int:pk>/adjust/", views_adjust.boundary_edit_view, name="boundary_edit"),
    path("jurisdictions/<int:pk>/adjust/geojson/", views_adjust.boundary_edit_geojson, name="boundary_edit_geojson"),
    path("jurisdictions/<int:pk>/rename/", views_adjust.rename_view, name="rename"),
    path("boundaries/", views.boundaries, name="boundaries"),
    path("departments/", views.departments, name="departments"),
    path("departments/new/", views_departments.department_new, name="department_new"),
    path("departments/<int:pk>/", views_departments.department_detail, name="department"),
    path("departments/<int:pk>/duty/", views_departments.department_duty, name="department_duty"),
    path("coverage/", views_departments.coverage, name="coverage"),
    path("routes/new/", views_departments.route_new, name="route_new"),
    path("duties/", views_departments.duties, name="duties"),
    path("duties/docx/", views_departments.duties_docx, name="duties_docx"),
    path("boundary-imports/", views_boundaries.boundary_imports, name="boundary_imports"),
    path("boundary-imports/<int:pk>/", views_boundaries.boundary_import, name="boundary_import"),
    path("boundary-imports/<int:pk>/geojson/", views_boundaries.boundary_import_geojson, name="boundary_import_geojson"),
    path("boundary-imports/<int:pk>/commit/", views_boundaries.boundary_import_commit, name="boundary_import_commit"),
    path("boundary-imports/<int:pk>/undo/", views_boundaries.boundary_import_undo, name="boundary_import_undo"),
    path("boundary-imports/<int:pk>/discard/", views_boundaries.boundary_import_discard, name="boundary_import_discard"),
    path("boundary-imports/<int:pk>/remap/", views_boundaries.boundary_import_remap, name="boundary_import_remap"),
    path("risk/", views_risk.risk_settings, name="risk_settings"),
    path("risk/sectors/<int:pk>/", views_risk.sector_risk_set, name="sector_risk_set"),
    path("risk/policies/", views_risk.policy_create, name="risk_policy_create"),
    path("risk/policies/<int:pk>/", views_risk.policy_edit, name="risk_policy"),
    path("risk/policies/<int:pk>/delete/", views_risk.policy_delete, name="risk_policy_delete"),
    path("risk/recompute/", views_risk.recompute_city, name="risk_recompute"),
]
