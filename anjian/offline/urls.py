from django.urls import path

from anjian.offline import views

app_name = "offline"
urlpatterns = [
    path("", views.queue_view, name="queue"),
]
