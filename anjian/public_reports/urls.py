from django.urls import path

from anjian.public_reports import views

app_name = "public_reports"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("hotline/", views.hotline, name="hotline"),
    path("lookup/", views.lookup, name="lookup"),
    path("stats/", views.stats, name="stats"),
    path("export.<str:fmt>", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("policies/", views.policies, name="policies"),
    path("<int:pk>/reward/<str:action>/", views.reward_act, name="reward"),
    path("<int:pk>/identity/", views.identity, name="identity"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
