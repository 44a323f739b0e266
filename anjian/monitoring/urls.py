from django.urls import path

from anjian.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("calculator/", views.calculator_view, name="calculator"),
    path("sources/", views.source_list_view, name="sources"),
    path("sources/new/", views.source_create_view, name="source_create"),
    path("sources/<int:pk>/", views.source_detail_view, name="source"),
    path("sources/<int:pk>/change/", views.source_change_view, name="source_change"),
    path("sensors/", views.sensor_list_view, name="sensors"),
    path("sensors/new/", views.sensor_create_view, name="sensor_create"),
    path("sensors/<int:pk>/", views.sensor_detail_view, name="sensor"),
    path("sensors/<int:pk>/edit/", views.sensor_edit_view, name="sensor_edit"),
    path("sensors/<int:pk>/deactivate/", views.sensor_enable_view, {"enable": False}, name="sensor_deactivate"),
    path("sensors/<int:pk>/reactivate/", views.sensor_enable_view, {"enable": True}, name="sensor_reactivate"),
    path("sensors/<int:pk>/series.json", views.sensor_series_view, name="sensor_series"),
    path("alarms/", views.alarm_list_view, name="alarms"),
    path("alarms/<int:pk>/", views.alarm_detail_view, name="alarm"),
    path("live/<int:enterprise_pk>/", views.live_view, name="live"),
    path("map/", views.map_view, name="map"),
    path("map/sensors.json", views.map_points_view, name="map_points"),
    path("stats/", views.stats_view, name="stats"),
]
