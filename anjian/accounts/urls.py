from django.urls import path

from anjian.accounts import views, views_access, views_users

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("password/set/<str:key>/", views_users.password_set_view, name="password_set"),
    path("tokens/", views.tokens_view, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("users/", views.users_view, name="users"),
    path("users/import/", views_users.user_import_view, name="user_import"),
    path("users/import/template/", views_users.user_import_template_view, name="user_import_template"),
    path("users/new/", views_users.user_create_view, name="user_new"),
    path("users/<int:pk>/", views_users.user_detail_view, name="user"),
    path("users/<int:pk>/grant/", views_users.user_grant_view, name="user_grant"),
    path("users/<int:pk>/revoke/<int:membership>/", views_users.user_revoke_view, name="user_revoke"),
    path("users/<int:pk>/edit/", views_users.user_edit_view, name="user_edit"),
    path("users/<int:pk>/reset/", views_users.user_reset_view, name="user_reset"),
    path("users/<int:pk>/link/", views_users.user_link_view, name="user_link"),
    path("users/<int:pk>/active/", views_users.user_active_view, name="user_active"),
    path("access/jurisdictions/<int:pk>/", views_access.jurisdiction_access_view, name="access_jurisdiction"),
    path("access/departments/<int:pk>/", views_access.department_access_view, name="access_department"),
    path("roles/", views.roles_view, name="roles"),
    path("roles/<int:pk>/", views.role_edit_view, name="role_edit"),
]
