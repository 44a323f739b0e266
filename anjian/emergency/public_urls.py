from django.urls import path

from anjian.emergency import views

app_name = "emergency_public"

urlpatterns = [
    path("alerts.atom", views.public_feed_view, name="feed"),
    path("alerts/<str:identifier>.xml", views.public_alert_xml_view, name="alert_xml"),
]
