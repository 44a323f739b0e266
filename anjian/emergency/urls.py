from django.urls import path

from anjian.emergency import views

app_name = "emergency"

urlpatterns = [
    path("plans/", views.plan_list_view, name="plans"),
    path("plans/new/", views.plan_new_view, name="plan_new"),
    path("plans/gaps/", views.coverage_gaps_view, name="gaps"),
    path("plans/<int:pk>/", views.plan_detail_view, name="plan_detail"),
    path("plans/<int:pk>/card/", views.plan_card_view, name="plan_card"),
    path("plans/<int:pk>/registration.docx", views.plan_registration_view, name="plan_registration"),
    path("plans/<int:pk>/do/<str:what>/", views.plan_action_view, name="plan_action"),
    path("drills/", views.drill_list_view, name="drills"),
    path("drills/new/", views.drill_new_view, name="drill_new"),
    path("obligations/", views.obligations_view, name="obligations"),
    path("teams/", views.team_list_view, name="teams"),
    path("teams/new/", views.team_new_view, name="team_new"),
    path("experts/", views.expert_list_view, name="experts"),
    path("warehouses/", views.warehouse_list_view, name="warehouses"),
    path("warehouses/new/", views.warehouse_new_view, name="warehouse_new"),
    path("warehouses/<int:pk>/", views.warehouse_detail_view, name="warehouse_detail"),
    path("warehouses/<int:pk>/move/", views.warehouse_move_view, name="warehouse_move"),
    path("incidents/", views.incident_list_view, name="incidents"),
    path("incidents/new/", views.incident_new_view, name="incident_new"),
    path("incidents/<int:pk>/", views.incident_detail_view, name="incident_detail"),
    path("incidents/<int:pk>/log/", views.incident_log_view, name="incident_log"),
    path("incidents/<int:pk>/close/", views.incident_close_view, name="incident_close"),
    path("alerts/", views.alert_list_view, name="alerts"),
    path("alerts/new/", views.alert_new_view, name="alert_new"),
    path("alerts/import/", views.alert_import_view, name="alert_import"),
    path("alerts/<int:pk>/", views.alert_detail_view, name="alert_detail"),
    path("alerts/<int:pk>/xml", views.alert_xml_view, name="alert_xml"),
    path("alerts/<int:pk>/do/<str:what>/", views.alert_action_view, name="alert_action"),
]
