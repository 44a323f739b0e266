from django.urls import path  # noqa: F401 - the public portal's routes (no login)

app_name = "public"
urlpatterns: list = []
