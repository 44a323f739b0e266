from django.urls import path

from anjian.checklists import views

app_name = "checklists"
urlpatterns = [
    path("", views.template_list_view, name="list"),
    path("new/", views.template_create_view, name="create"),
    path("load-json/", views.json_load_view, name="load_json"),
    path("import-template.xlsx", views.import_template_view, name="import_template"),
    path("<int:pk>/", views.template_detail_view, name="detail"),
    path("<int:pk>/draft/", views.draft_create_view, name="draft"),
    path("versions/<int:pk>/items/", views.version_items_view, name="items"),
    path("versions/<int:pk>/diff/", views.version_diff_view, name="diff"),
    path("versions/<int:pk>/import/", views.version_import_view, name="import"),
    path("versions/<int:pk>/publish/", views.version_publish_view, name="publish"),
    path("versions/<int:pk>/retire/", views.version_retire_view, name="retire"),
    path("versions/<int:pk>/delete/", views.version_delete_view, name="delete"),
]
