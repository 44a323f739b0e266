from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.accounts import services
from anjian.accounts.actions import ACTIONS
from anjian.accounts.forms import LoginForm, PasswordChangeForm, SetupForm, TokenForm
from anjian.accounts.models import ApiToken, Membership, Role
from anjian.accounts.selectors import visible_users
from anjian.accounts.setup import city_exists, city_setup, setup_code, setup_code_matches
from anjian.core.errors import DomainError
from anjian.core.forms import bootstrap
from anjian.core.net import client_ip
from anjian.core.pagination import keyset_page
from anjian.core.scoping import has_action
from anjian.core.views import require_action


def _client_ip(request: HttpRequest) -> str:
    return client_ip(request)


def login_view(request: HttpRequest) -> HttpResponse:
    if not city_exists():  # a fresh install: nobody can log in before the first-run page is done
        return redirect("setup")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username, ip = form.cleaned_data["username"], _client_ip(request)
        if not services.login_attempt_begin(username, ip):  # reserved before the password is checked
            form.add_error(None, _("登录失败次数过多，请15分钟后再试。"))
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                form.add_error(None, _("用户名或密码不正确。"))
                status = 400
            else:
                services.login_succeeded(username, ip)
                login(request, user)
                target = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                    target = ""
                if user.must_change_password:
                    messages.warning(request, _("请先修改初始密码。"))
                    return redirect("accounts:password_change")
                return redirect(target or "dashboard:home")
    return render(request, "accounts/login.html", {"form": form}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        had_tokens = ApiToken.objects.usable().filter(user=request.user).exists()
        try:
            services.password_change(
                user=request.user, old=form.cleaned_data["old_password"], new=form.cleaned_data["new_password"]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            if had_tokens:
                messages.info(request, _("您原有的 API 令牌已随密码修改全部吊销，如需继续使用请重新创建。"))
            return redirect("dashboard:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def tokens_view(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.token_create(actor=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"])
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:tokens")


@require_action("accounts.view")
def users_view(request: HttpRequest) -> HttpResponse:
    qs = visible_users(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(username__icontains=q) | qs.filter(display_name__icontains=q)
    page = keyset_page(qs.distinct(), request.GET, sort="id", size=30)
    # only the memberships inside the viewer's own scope: a district sees its users' district roles,
    # not what the same people hold elsewhere
    memberships = Membership.objects.restrict(request.user, "accounts.view").filter(
        user__in=page.rows, is_active=True).select_related(
        "role", "jurisdiction", "department", "enterprise"
    )
    by_user: dict[int, list[Membership]] = {}
    for m in memberships:
        by_user.setdefault(m.user_id, []).append(m)
    rows = [(u, by_user.get(u.pk, [])) for u in page.rows]
    return render(request, "accounts/users.html", {
        "page": page, "rows": rows, "q": q, "can_manage": has_action(request.user, "accounts.manage"),
    })


@require_action("accounts.manage")
def roles_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/roles.html", {"roles": Role.objects.all()})


@require_action("accounts.manage")
def role_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(Role, pk=pk)
    if request.method == "POST":
        try:
            services.role_update(actor=request.user, role=role, actions=request.POST.getlist("actions"),
                                 name=request.POST.get("name") or None)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("角色已保存。"))
            return redirect("accounts:roles")
    groups: dict[str, list] = {}
    for action in ACTIONS.values():
        groups.setdefault(str(action.group), []).append(action)
    apps_all = {a[:-2] for a in role.actions if a.endswith(".*")}
    granted = {code for code in ACTIONS if code in role.actions or code.split(".")[0] in apps_all}
    return render(
        request, "accounts/role_edit.html", {"role": role, "groups": groups, "all": "*" in role.actions, "granted": granted}
    )




_SETUP_FIELDS = {"code": "city_code", "name": "city_name", "username": "admin_username", "password": "password"}


def setup_view(request: HttpRequest) -> HttpResponse:
    """The first-run page: shown only while no city exists (afterwards a 404)."""
    if city_exists():
        raise Http404
    setup_code()  # created and logged on the first visit, so that the operator can read it
    form = SetupForm(request.POST or None)
    bootstrap(form)
    if request.method != "POST":
        return render(request, "accounts/setup.html", {"form": form})
    if form.is_valid():
        d = form.cleaned_data
        if not setup_code_matches(d["setup_code"]):
            form.add_error("setup_code", _("初始化码不正确。"))
        else:
            try:
                result = city_setup(
                    name=d["city_name"], code=d["city_code"], admin_username=d["admin_username"],
                    admin_password=d["password"], admin_display_name=d["admin_name"],
                    admin_phone=d["admin_phone"], office_abbr=d["office_abbr"],
                )
            except DomainError as exc:
                form.add_error(_SETUP_FIELDS.get(exc.field or ""), exc.message)
            else:
                login(request, result.admin, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("平台已初始化。下一步：导入辖区边界，建立部门和用户。"))
                return redirect("dashboard:home")
    return render(request, "accounts/setup.html", {"form": form}, status=400)
