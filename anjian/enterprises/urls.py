from django.urls import path

from anjian.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("new/", views.enterprise_create_view, name="create"),
    path("export.csv", views.enterprise_export_view, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.enterprise_export_view, {"fmt": "xlsx"}, name="export_xlsx"),
    path("import/", views.enterprise_import_view, name="import"),
    path("import/template.xlsx", views.enterprise_import_template_view, name="import_template"),
    path("<int:pk>/", views.enterprise_detail_view, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit_view, name="edit"),
    path("<int:pk>/change-request/", views.change_request_view, name="change_request"),
    path("change-requests/<int:request_pk>/decide/", views.change_request_decide_view, name="change_request_decide"),
    path("<int:pk>/risk/recompute/", views.enterprise_risk_recompute_view, name="risk_recompute"),
    path("<int:pk>/licences/", views.licence_add_view, name="licence_add"),
    path("<int:pk>/licences/<int:licence_pk>/renew/", views.licence_renew_view, name="licence_renew"),
]
