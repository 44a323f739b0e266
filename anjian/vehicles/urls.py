from django.urls import path

from anjian.vehicles import views

app_name = "vehicles"
urlpatterns = [
    path("", views.vehicle_list_view, name="list"),
    path("export/", views.vehicle_export_view, name="export"),
    path("new/", views.vehicle_create_view, name="create"),
    path("<int:pk>/", views.vehicle_detail_view, name="detail"),
    path("<int:pk>/edit/", views.vehicle_edit_view, name="edit"),
    path("<int:pk>/disable/", views.vehicle_enable_view, {"enable": False}, name="disable"),
    path("<int:pk>/enable/", views.vehicle_enable_view, {"enable": True}, name="enable"),
    path("<int:pk>/permits/", views.permit_add_view, name="permit_add"),
    path("<int:pk>/permits/<int:permit_pk>/remove/", views.permit_remove_view, name="permit_remove"),
    path("<int:pk>/track.json", views.track_json_view, name="track"),
    path("map/", views.map_view, name="map"),
    path("map/live.json", views.live_json_view, name="live"),
    path("map/fences.json", views.fences_json_view, name="fences"),
    path("geofences/", views.geofence_list_view, name="geofences"),
    path("geofences/new/", views.geofence_create_view, name="geofence_create"),
    path("geofences/<int:pk>/", views.geofence_detail_view, name="geofence"),
    path("geofences/<int:pk>/edit/", views.geofence_edit_view, name="geofence_edit"),
]
