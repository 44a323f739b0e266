from django.urls import path

from anjian.public_reports import public_views

app_name = "public"
urlpatterns = [
    path("", public_views.report_form, name="report"),
    path("track/", public_views.track, name="track"),
    path("outline/", public_views.outline, name="outline"),
]
