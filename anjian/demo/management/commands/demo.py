"""``anjian demo``: build the synthetic demo city (see ``anjian/demo/generator.py`` and docs/demo.md)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.demo.generator import CITY_CODE, CITY_NAME, DEMO_PASSWORD, SCALES, Builder, city_exists
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Jurisdiction
from anjian.orgs.services import invalidate_locator


class Command(BaseCommand):
    help = "生成合成演示城市（示范市）/ Build the synthetic demo city"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small",
                            help="small ≈ 40 网格/1,000 企业；city ≈ 2,000/100,000；megacity 20,000/1,000,000")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子：相同种子生成相同的城市")
        parser.add_argument("--if-empty", action="store_true", help="示范市已存在时什么也不做")
        parser.add_argument("--reset", action="store_true",
                            help="先清空整个数据库再生成（仅当库中只有合成数据时允许）")
        parser.add_argument("--batch", type=int, default=5_000, help="批量写入的行数")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and options["reset"]:
            raise CommandError("--if-empty 与 --reset 不能同时使用 / --if-empty and --reset exclude each other")
        if city_exists():
            if options["if_empty"]:
                self.stdout.write(f"{CITY_NAME}（{CITY_CODE}）已存在，跳过 / demo city exists, nothing to do")
                return
            if not options["reset"]:
                raise CommandError(
                    f"{CITY_NAME} 已存在；用 --reset 重建或 --if-empty 跳过 / "
                    "the demo city exists: use --reset to rebuild or --if-empty to skip"
                )
        if options["reset"]:
            self._reset()
        started = time.perf_counter()
        result = Builder(scale=options["scale"], seed=options["seed"], out=self.stdout.write,
                         batch=options["batch"]).build()
        elapsed = time.perf_counter() - started
        counts = result.counts
        self.stdout.write(self.style.SUCCESS(
            f"完成 / done in {elapsed:.1f} s: {counts['districts']} 区, {counts['streets']} 街道, "
            f"{counts['communities']} 社区, {counts['grids']} 网格, {counts['enterprises']:,} 企业"
        ))
        self.stdout.write(f"演示账号密码 / demo password: {DEMO_PASSWORD}  (anjian rundemo 会列出全部账号)")

    def _reset(self) -> None:
        real = Jurisdiction.objects.filter(is_synthetic=False).count() + Enterprise.objects.filter(
            is_synthetic=False).count()
        if real:
            raise CommandError(
                f"数据库中有 {real} 条非合成的辖区/企业记录，拒绝清空 / "
                f"the database holds {real} real (non-synthetic) jurisdictions or enterprises: refusing to erase it"
            )
        self.stdout.write("清空数据库 / erasing the database …")
        call_command("flush", interactive=False, verbosity=0)


        ContentType.objects.clear_cache()  # flush recreated the content types with new ids
        invalidate_locator()
