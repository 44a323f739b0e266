from django.urls import path  # noqa: F401 - Open311 GeoReport v2 routes

app_name = "open311"
urlpatterns: list = []
