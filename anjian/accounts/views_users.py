"""User administration pages: create, edit, grant and revoke roles, reset, deactivate, reactivate.

What an administrator may do is decided by the services (``accounts.delegation``); the pages only
offer the choices inside their reach and show the refusal when they try more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.accounts import delegation, services
from anjian.accounts.forms import GrantForm, PasswordSetForm, UserCreateForm, UserEditForm, UserImportForm
from anjian.accounts.imports import UserImport, template_workbook
from anjian.accounts.models import Membership, User
from anjian.accounts.selectors import visible_users
from anjian.audit.selectors import history_for, timeline_for
from anjian.core.errors import DomainError
from anjian.core.forms import bootstrap
from anjian.core.scoping import has_action
from anjian.core.views import post_form_action, require_action
from anjian.documents.exports import bytes_response
from anjian.documents.imports import import_start
from anjian.documents.views import import_page

_FIELDS = {"username", "password", "display_name", "phone", "email", "valid_until"}


def _get_visible(request: HttpRequest, pk: int) -> User:
    user = visible_users(request.user).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


@require_action("accounts.manage")
def user_create_view(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    bootstrap(form)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            initial = services.initial_password()
            user = services.user_create(actor=request.user, username=d["username"], password=initial,
                                        display_name=d["display_name"], phone=d["phone"], email=d["email"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in _FIELDS else None, exc.message)
        else:
            request.session["initial_password"] = {"user": user.pk, "password": initial}
            messages.success(request, _("用户已创建。请为其授权，并把初始密码交给本人。"))
            return redirect("accounts:user", user.pk)
    return render(request, "accounts/user_new.html", {"form": form}, status=400 if form.errors else 200)


@require_action("accounts.view")
def user_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _get_visible(request, pk)
    manageable = delegation.can_manage_user(request.user, user) if has_action(request.user, "accounts.manage") else False
    initial = request.session.pop("initial_password", None)
    if initial and initial.get("user") != user.pk:
        initial = None
    link = request.session.pop("password_link", None)
    if link and link.get("user") != user.pk:
        link = None
    grant_form = GrantForm(user=request.user) if manageable else None
    edit_form = UserEditForm(initial={"display_name": user.display_name, "phone": user.phone, "email": user.email})
    for form in (grant_form, edit_form):
        if form is not None:
            bootstrap(form)
    memberships = user.memberships.select_related("role", "jurisdiction", "department", "enterprise").order_by("-is_active", "id")
    return render(request, "accounts/user_detail.html", {
        "u": user, "manageable": manageable, "grant_form": grant_form, "edit_form": edit_form,
        "memberships": memberships, "initial_password": initial["password"] if initial else "",
        "password_link": link["url"] if link else "", "link_hours": settings.PASSWORD_LINK_HOURS,
        "events": timeline_for(user), "history": history_for(user),
    })


def _act(request: HttpRequest, pk: int, do, success: str, form: Any = None) -> HttpResponse:  # type: ignore[no-untyped-def]
    """POST → one service on a user the actor sees (``do(user, cleaned_data)``) → message → back to
    the user's page (``post_form_action``); a new initial password is kept for the page to show once."""
    user = _get_visible(request, pk)

    def run(data: dict[str, Any]) -> Any:
        result = do(user, data)
        if isinstance(result, str):
            request.session["initial_password"] = {"user": user.pk, "password": result}
        return result

    post_form_action(request, form if form is not None else forms.Form(request.POST), run, success)
    return redirect("accounts:user", user.pk)


@require_POST
@require_action("accounts.manage")
def user_grant_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = GrantForm(request.POST, user=request.user)
    return _act(request, pk, lambda u, d: services.membership_grant(
        actor=request.user, user=u, role=d["role"], jurisdiction=d["jurisdiction"], department=d["department"],
        enterprise=d["enterprise"], valid_from=d["valid_from"], valid_until=d["valid_until"]), _("已授权。"), form)


@require_POST
@require_action("accounts.manage")
def user_revoke_view(request: HttpRequest, pk: int, membership: int) -> HttpResponse:
    m = Membership.objects.filter(pk=membership, user_id=pk, is_active=True).first()
    if m is None:
        messages.error(request, _("该授权不存在或已撤销。"))
        return redirect("accounts:user", pk)
    return _act(request, pk, lambda u, d: services.membership_revoke(actor=request.user, membership=m), _("已撤销授权。"))


@require_POST
@require_action("accounts.manage")
def user_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = UserEditForm(request.POST)
    return _act(request, pk, lambda u, d: services.user_update(actor=request.user, user=u, **d), _("已保存。"), form)


@require_POST
@require_action("accounts.manage")
def user_reset_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda u, d: services.user_reset_password(actor=request.user, user=u),
                _("已重置初始密码。请把它交给本人，首次登录时须修改。"))


@require_POST
@require_action("accounts.manage")
def user_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    return _act(request, pk, lambda u, d: services.user_set_active(actor=request.user, user=u, active=active),
                _("账号已启用。") if active else _("账号已停用，其API令牌已吊销。"))


@require_POST
@require_action("accounts.manage")
def user_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A one-time link for the user to set their own password, shown once on the user's page."""
    user = _get_visible(request, pk)

    def run(data: dict[str, Any]) -> Any:
        key = services.password_link_create(actor=request.user, user=user)
        url = request.build_absolute_uri(reverse("accounts:password_set", args=[key]))
        request.session["password_link"] = {"user": user.pk, "url": url}
        return key

    post_form_action(request, forms.Form(request.POST), run,
                     _("已生成一次性设置密码链接。请把它交给本人；原密码已失效。"))
    return redirect("accounts:user", user.pk)


def password_set_view(request: HttpRequest, key: str) -> HttpResponse:
    """The page a one-time link opens (no login): a new password, twice. An invalid, used or
    expired link says so, the same for every reason."""
    try:
        link = services.password_link_check(key)
    except DomainError as exc:
        return render(request, "accounts/password_set.html", {"invalid": exc.message}, status=404)
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_link_use(raw=key, new=form.cleaned_data["new_password"])
        except DomainError as exc:
            form.add_error("new_password" if exc.field == "new_password" else None, exc.message)
        else:
            messages.success(request, _("密码已设置，请用新密码登录。"))
            return redirect("accounts:login")
    return render(request, "accounts/password_set.html", {"form": form, "who": link.user},
                  status=400 if form.errors else 200)


# --- import ------------------------------------------------------------------------------

@require_action("accounts.manage")
def user_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a workbook of users and grants (``accounts.imports``): checked as a whole, every
    row inside the administrator's reach, then imported in one go as a job."""
    return import_page(request, UserImportForm, UserImport, "accounts/user_import.html",
                       lambda upload: import_start(kind=UserImport.kind, actor=request.user, upload=upload))


@require_action("accounts.manage")
def user_import_template_view(request: HttpRequest) -> HttpResponse:
    return bytes_response(template_workbook(), "用户导入模板.xlsx")
