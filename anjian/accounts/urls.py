from django.urls import path

from anjian.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("tokens/", views.tokens_view, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("users/", views.users_view, name="users"),
    path("roles/", views.roles_view, name="roles"),
    path("roles/<int:pk>/", views.role_edit_view, name="role_edit"),
]
