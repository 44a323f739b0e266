from django.urls import path

from anjian.documents import views, views_exports, views_series

app_name = "documents"
urlpatterns = [
    path("numbers/", views.numbers, name="numbers"),
    path("numbers/take/", views.number_take, name="number_take"),
    path("numbers/<int:pk>/void/", views.number_void_view, name="number_void"),
    path("series/", views_series.series_list, name="series"),
    path("series/<int:pk>/", views_series.series_edit, name="series_edit"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("imports/<int:pk>/", views.import_batch_view, name="import_batch"),
    path("exports/", views_exports.export_list_view, name="exports"),
    path("exports/<int:pk>/download/", views_exports.export_download, name="export_download"),
    path("imports/<int:pk>/errors.xlsx", views.import_batch_errors, name="import_batch_errors"),
]
