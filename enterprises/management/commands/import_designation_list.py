"""`import_designation_list PATH --batch N [--dry-run] [--status S] [--reviewed-on YYYY-MM-DD]`: thin wrapper
around the service."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from enterprises.choices import DesignationStatus
from enterprises.services import designation_list_import, import_change_lines, import_counts_lines
from enterprises.services.cells import check_past_date
from utilities.commands import run_file_import


class Command(BaseCommand):
    help = _("导入工信部公布的小巨人名单（序号, 省份, 企业名称[, 统一社会信用代码]）；全部导入或全部不导入，可重复导入")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--batch",
            type=int,
            help=_("批次 N；文件含“批次”列时可省略，两者须一致"),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("只报告将发生的变化，不写入"))
        parser.add_argument(
            "--status",
            choices=DesignationStatus.values,
            default=DesignationStatus.CONFIRMED,
            help=_("名单中企业的认定状态（默认 confirmed）"),
        )
        parser.add_argument(
            "--reviewed-on",
            type=datetime.date.fromisoformat,
            help=_("复核结果名单中“复核日期”为空的行所用的复核日期（YYYY-MM-DD）；单元格有日期时以单元格为准"),
        )

    def handle(self, *args, path: Path, batch: int | None, dry_run: bool, status: str, **options) -> None:
        if batch is not None and batch < 1:
            raise CommandError(_("--batch 应为正整数"))
        reviewed_on = options.get("reviewed_on")
        try:
            check_past_date(reviewed_on)
        except ValueError as problem:
            raise CommandError(f"--reviewed-on: {problem}") from None
        outcome = run_file_import(
            self,
            path,
            lambda stream: designation_list_import(
                stream=stream,
                file_name=path.name,
                batch=batch,
                dry_run=dry_run,
                status=status,
                reviewed_on=reviewed_on,
            ),
        )
        if dry_run or options["verbosity"] >= 2:
            # A dry run shows exactly what would change, row by row.
            for line in import_change_lines(outcome.changes):
                self.stdout.write(line)
        self.stdout.write("\n".join(import_counts_lines(outcome.counts, dry_run=dry_run)))
