"""``anjian setup``: turn an empty database into a working, empty city with its first administrator."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.accounts.setup import city_exists, city_setup
from anjian.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "First run: create the city (name and 6-digit 行政区划代码), its safety committee office and the first "
        "administrator. Asks for what is not given on the command line; refused once a city exists. "
        "初始化：创建城市、安委办和首个管理员。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city-name", help="城市名称 / the city's name, e.g. 深圳市")
        parser.add_argument("--city-code", help="行政区划代码 / 6-digit division code, e.g. 440300")
        parser.add_argument("--office-abbr", default="", help="安委办发文机关代字 / the office's document prefix, e.g. 深安委办")
        parser.add_argument("--admin", help="管理员用户名 / the administrator's username")
        parser.add_argument("--admin-name", default="", help="管理员姓名 / the administrator's name")
        parser.add_argument("--admin-phone", default="", help="管理员手机 / the administrator's mobile")
        parser.add_argument(
            "--password-stdin", action="store_true",
            help="read the administrator's password from standard input / 从标准输入读取密码",
        )
        parser.add_argument(
            "--no-password", action="store_true",
            help="create the administrator without a password; set one later with `anjian changepassword` "
                 "/ 不设密码",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if city_exists():
            raise CommandError("平台已经完成初始化 / the platform is already set up")
        interactive = sys.stdin.isatty() and not options["password_stdin"]
        name = options["city_name"] or self._ask(interactive, "城市名称 / city name: ")
        code = options["city_code"] or self._ask(interactive, "行政区划代码 / division code: ")
        admin = options["admin"] or self._ask(interactive, "管理员用户名 / administrator username: ")
        password: str | None
        if options["no_password"]:
            password = None
        elif options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        elif interactive:
            password = getpass.getpass("管理员密码 / password: ")
            if password != getpass.getpass("再次输入 / again: "):
                raise CommandError("两次输入的密码不一致 / the passwords differ")
        else:
            raise CommandError("请用 --password-stdin 或 --no-password 提供密码 / give --password-stdin or --no-password")
        try:
            result = city_setup(
                name=name, code=code, admin_username=admin, admin_password=password or None,
                admin_display_name=options["admin_name"], admin_phone=options["admin_phone"],
                office_abbr=options["office_abbr"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.zh} / {exc.en}") from exc
        self.stdout.write(
            f"已创建 {result.root.name}（{result.root.code}）、{result.office.name}、管理员 {result.admin.username}\n"
            f"created {result.root.code}, its committee office and administrator {result.admin.username}"
        )

    def _ask(self, interactive: bool, prompt: str) -> str:
        if not interactive:
            raise CommandError(f"缺少参数 / missing argument: {prompt.strip(': ')}")
        return input(prompt).strip()
