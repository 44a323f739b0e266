from django.urls import path

from anjian.enforcement import views

app_name = "enforcement"
urlpatterns = [
    path("cases/", views.case_list_view, name="cases"),
    path("cases/<int:pk>/", views.case_detail_view, name="case"),
    path("cases/<int:pk>/act/<str:step>/", views.case_step_view, name="case_step"),
    path("cases/<int:pk>/orders/<int:doc_pk>/<str:step>/", views.case_order_step_view, name="order_step"),
    path("cases/<int:pk>/documents/<int:doc_pk>.docx", views.case_document_view, name="document"),
    path("inspections/", views.inspection_list_view, name="inspections"),
    path("inspections/new/", views.inspection_start_view, name="inspection_start"),
    path("inspections/<int:pk>/", views.inspection_detail_view, name="inspection"),
    path("inspections/<int:pk>/<str:step>/", views.inspection_step_view, name="inspection_step"),
    path("inspections/<int:pk>/record.docx", views.inspection_record_view, name="inspection_record"),
    path("plans/", views.plan_list_view, name="plans"),
    path("rules/", views.rules_view, name="rules"),
    path("settings/", views.policy_view, name="policy"),
    path("hazards/<int:pk>/case/", views.hazard_case_view, name="hazard_case"),
    path("hazards/<int:pk>/case/<int:case_pk>/attach/", views.hazard_case_attach_view, name="hazard_case_attach"),
    path("plans/<int:pk>/", views.plan_detail_view, name="plan"),
    path("plans/<int:pk>/move/<str:target>/", views.plan_move_view, name="plan_move"),
    path("plans/<int:pk>/targets/<int:target_pk>/", views.plan_target_view, name="plan_target"),
    path("draws/", views.draw_list_view, name="draws"),
    path("draws/<int:pk>/", views.draw_detail_view, name="draw"),
    path("draws/<int:pk>/publish/", views.draw_publish_view, name="draw_publish"),
    path("public/draws/", views.public_draws_view, name="public_draws"),
    path("standardization/", views.std_list_view, name="standardization"),
    path("credit/", views.credit_list_view, name="credit"),
    path("credit/<int:pk>/remove/", views.credit_remove_view, name="credit_remove"),
    path("standardization/self-assessments/", views.self_assess_view, name="self_assess"),
    path("occupational/", views.oh_view, name="occupational"),
    path("campaigns/", views.campaign_list_view, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail_view, name="campaign"),
    path("campaigns/<int:pk>/report.docx", views.campaign_report_view, name="campaign_report"),
    path("campaigns/tasks/<int:task_pk>/", views.campaign_task_view, name="campaign_task"),
    path("campaigns/<int:pk>/<str:step>/", views.campaign_step_view, name="campaign_step"),
]
