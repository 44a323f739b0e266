from django.urls import path

from anjian.grids import views, views_adjust, views_staff

app_name = "grids"
urlpatterns = [
    path("", views.grid_list_view, name="list"),
    path("<int:pk>/", views.grid_detail_view, name="detail"),
    path("<int:pk>/geojson/", views.grid_geojson_view, name="geojson"),
    path("tasks/", views.task_list_view, name="tasks"),
    path("patrol/<int:pk>/", views.patrol_view, name="patrol"),
    path("records/<int:pk>/", views.record_view, name="record"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("coverage/map.geojson", views.coverage_geojson_view, name="coverage_geojson"),
    path("coverage/export.<str:fmt>", views.coverage_export_view, name="coverage_export"),
    path("reassign/", views.reassign_view, name="reassign"),
    path("adjustments/", views_adjust.adjustment_list_view, name="adjustments"),
    path("adjustments/<int:pk>/split/", views_adjust.split_view, name="adjust_split"),
    path("adjustments/<int:pk>/merge/", views_adjust.merge_view, name="adjust_merge"),
    path("adjustments/<int:pk>/geojson/", views_adjust.adjust_geojson, name="adjust_geojson"),
    path("staff/", views_staff.staff_view, name="staff"),
    path("staff/set/", views_staff.staff_set_view, name="staff_set"),
    path("staff/plan/", views_staff.plan_year_view, name="plan_year"),
]
