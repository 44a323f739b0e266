"""The public site's 双随机 results (一公开) under /public/draws/ — no login."""

from django.urls import path

from anjian.enforcement import views

app_name = "enforcement_public"

urlpatterns = [
    path("", views.public_draws_view, name="draws"),
]
