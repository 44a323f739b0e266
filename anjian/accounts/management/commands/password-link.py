"""``anjian password-link USERNAME --as ADMIN [--base-url URL]``: a one-time link for USERNAME to
set their own password, as the user page's 生成设置密码链接 does (the administrator's reach
applies; the account's current password stops working). Prints the link once; the last line is a
JSON summary. Exit status 0 when made, 1 when refused, 2 on a bad command line."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from anjian.accounts import services
from anjian.accounts.models import PasswordLink, User
from anjian.core.errors import DomainError


class Command(BaseCommand):
    help = "Make a one-time link for USERNAME to set a password, as ADMIN. 生成一次性设置密码链接。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--as", dest="admin", required=True, help="acting administrator / 操作的管理员")
        parser.add_argument("--base-url", default="", help="the site's address, e.g. https://anjian.example.gov.cn")

    def handle(self, *args: Any, **o: Any) -> None:
        admin = User.objects.filter(username=o["admin"], is_active=True).first()
        if admin is None:
            raise CommandError(f"用户不存在 / no active user {o['admin']!r}", returncode=2)
        user = User.objects.filter(username=o["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在 / no user {o['username']!r}", returncode=2)
        try:
            key = services.password_link_create(actor=admin, user=user)
        except DomainError as exc:
            self.stdout.write(json.dumps({"made": False, "error": exc.message}, ensure_ascii=False))
            sys.exit(1)
        link = PasswordLink.objects.filter(user=user).latest("created_at")
        url = o["base_url"].rstrip("/") + reverse("accounts:password_set", args=[key])
        self.stdout.write(json.dumps({"made": True, "user": user.username, "url": url,
                                      "expires_at": link.expires_at.isoformat()}, ensure_ascii=False))
