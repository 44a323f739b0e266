from django.urls import path

from anjian.grids import views

app_name = "grids"
urlpatterns = [
    path("tasks/", views.task_list_view, name="tasks"),
    path("patrol/<int:pk>/", views.patrol_view, name="patrol"),
    path("records/<int:pk>/", views.record_view, name="record"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("reassign/", views.reassign_view, name="reassign"),
]
