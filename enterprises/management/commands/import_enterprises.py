"""`import_enterprises PATH [--dry-run] [--ignore-unknown]`: thin wrapper around ``enterprise_import``."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from enterprises.services import RowChange, enterprise_import, import_change_lines, import_counts_lines
from utilities.commands import run_file_import


class Command(BaseCommand):
    help = _("导入企业名单 enterprises.csv / .xlsx；全部导入或全部不导入，可重复导入")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help=_("只报告将发生的变化，不写入"))
        parser.add_argument("--ignore-unknown", action="store_true", help=_("忽略未知列"))

    def handle(self, *args, path: Path, dry_run: bool, ignore_unknown: bool, **options) -> None:
        # A dry run shows exactly what would change, row by row. The outcome keeps only the first rows
        # (memory), so every row's line is spooled to a file as it is planned and printed once the import
        # has succeeded.
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:

            def spooled(change: RowChange) -> None:
                spool.writelines(f"{line}\n" for line in import_change_lines([change]))

            listed = dry_run or options["verbosity"] >= 2
            outcome = run_file_import(
                self,
                path,
                lambda stream: enterprise_import(
                    stream=stream,
                    file_name=path.name,
                    dry_run=dry_run,
                    ignore_unknown=ignore_unknown,
                    on_change=spooled if listed else None,
                ),
            )
            spool.seek(0)
            for line in spool:
                self.stdout.write(line.rstrip("\n"))
        self.stdout.write("\n".join(import_counts_lines(outcome.counts, dry_run=dry_run)))
