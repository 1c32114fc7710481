"""`import_review_results PATH [--dry-run] [--reviewed-on YYYY-MM-DD]`: thin wrapper around the service."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from enterprises.services import import_change_lines, import_counts_lines, review_list_import
from enterprises.services.cells import check_past_date
from utilities.commands import run_file_import


class Command(BaseCommand):
    help = _(
        "导入工信部复核结果名单（序号, 省份, 企业名称[, 统一社会信用代码], 复核结果[, 复核日期][, 未通过原因]）："
        "只更新已有的认定；全部导入或全部不导入"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help=_("只报告将发生的变化，不写入"))
        parser.add_argument(
            "--reviewed-on",
            type=datetime.date.fromisoformat,
            help=_("复核结果名单中“复核日期”为空的行所用的复核日期（YYYY-MM-DD）；单元格有日期时以单元格为准"),
        )

    def handle(self, *args, path: Path, dry_run: bool, reviewed_on: datetime.date | None, **options) -> None:
        try:
            check_past_date(reviewed_on)
        except ValueError as problem:
            raise CommandError(f"--reviewed-on: {problem}") from None
        outcome = run_file_import(
            self,
            path,
            lambda stream: review_list_import(
                stream=stream, file_name=path.name, dry_run=dry_run, reviewed_on=reviewed_on
            ),
        )
        if dry_run or options["verbosity"] >= 2:
            for line in import_change_lines(outcome.changes):
                self.stdout.write(line)
        self.stdout.write("\n".join(import_counts_lines(outcome.counts, dry_run=dry_run)))
