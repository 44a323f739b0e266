from django.urls import path

from anjian.hazards import views

app_name = "hazards"
urlpatterns = [
    path("", views.hazard_list_view, name="list"),
    path("statistics/", views.hazard_statistics_view, name="statistics"),
    path("points.geojson", views.hazard_points_view, name="points"),
    path("export.<str:fmt>", views.hazard_export_view, name="export"),
    path("new/", views.hazard_report_view, name="report"),
    path("import/", views.hazard_import_view, name="import"),
    path("import/template.xlsx", views.hazard_import_template_view, name="import_template"),
    path("<int:pk>/", views.hazard_detail_view, name="detail"),
    path("<int:pk>/plan/", views.hazard_plan_view, name="plan"),
    path("<int:pk>/reroute/", views.hazard_reroute_view, name="reroute"),
    path("<int:pk>/risk/", views.hazard_risk_view, name="risk"),
    path("<int:pk>/listings/", views.hazard_listing_view, name="listing"),
    path("<int:pk>/listings/<int:listing_pk>/notice.docx", views.hazard_listing_notice_view, name="listing_notice"),
    path("<int:pk>/act/<str:target>/", views.hazard_transition_view, name="transition"),
    path("referrals/<int:pk>/decide/", views.repeat_offender_decide_view, name="referral_decide"),
]
