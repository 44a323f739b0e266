from django.urls import path

from anjian.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("cockpit/", views.cockpit, name="cockpit"),
    path("cockpit/drills/", views.cockpit_drills, name="cockpit_drills"),
    path("cockpit/layers/<slug:code>/", views.cockpit_layer, name="cockpit_layer"),
    path("messages/", views.notifications, name="notifications"),
    path("messages/<int:pk>/read/", views.notification_read, name="notification_read"),
]
