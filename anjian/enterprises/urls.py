from django.urls import path

from anjian.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("<int:pk>/", views.enterprise_detail_view, name="detail"),
]
