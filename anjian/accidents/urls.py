from django.urls import path

from anjian.accidents import views, views_figures

app_name = "accidents"
urlpatterns = [
    path("", views.accident_list_view, name="list"),
    path("report/", views.accident_report_view, name="report"),
    path("statistics/", views.statistics_view, name="statistics"),
    path("targets/", views.targets_view, name="targets"),
    path("figures/", views_figures.figures_view, name="figures"),
    path("targets/<int:pk>/acknowledge/", views.target_warning_acknowledge_view, name="target_acknowledge"),
    path("import/", views.accident_import_view, name="import"),
    path("reports/", views.monthly_reports_view, name="reports"),
    path("reports/<int:pk>/<str:fmt>/", views.monthly_report_download_view, name="report_download"),
    path("<int:pk>/", views.accident_detail_view, name="detail"),
    path("<int:pk>/supplement/", views.accident_supplement_view, name="supplement"),
    path("<int:pk>/verify/", views.accident_verify_view, name="verify"),
    path("<int:pk>/misreport/", views.accident_misreport_view, name="misreport"),
    path("<int:pk>/accountability/", views.accountability_view, name="accountability"),
    path("<int:pk>/investigation/", views.investigation_view, name="investigation"),
]
