from django.urls import path

from anjian.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("messages/", views.notifications, name="notifications"),
    path("messages/<int:pk>/read/", views.notification_read, name="notification_read"),
]
