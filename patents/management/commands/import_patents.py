import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from patents.services import patent_import
from utilities.tabular import FileRejected


class Command(BaseCommand):
    help = (
        "Import patents.csv (UTF-8, UTF-8 with BOM or GB18030) and link applicants to enterprises. "
        "All or nothing: any invalid row rejects the file, prints the error report and exits with status 1."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="patents.csv")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report what would change; write nothing"
        )
        parser.add_argument("--ignore-unknown", action="store_true", help="ignore columns that are not in the spec")

    def handle(self, *args, path: Path, dry_run: bool, ignore_unknown: bool, **options) -> None:
        if not path.is_file():
            raise CommandError(f"文件不存在 (no such file): {path}")
        started = time.monotonic()
        try:
            with path.open("rb") as stream:
                outcome = patent_import(
                    stream=stream, file_name=path.name, dry_run=dry_run, ignore_unknown=ignore_unknown
                )
        except FileRejected as rejected:
            for line in rejected.report.lines():
                self.stderr.write(line)
            raise CommandError(
                f"文件被拒绝，未写入任何数据 (file rejected, nothing written): {rejected.report.total} 个错误",
                returncode=1,
            ) from None
        for warning in outcome.warnings:
            self.stderr.write(warning)
        prefix = "dry run — would be " if dry_run else ""
        counts = ", ".join(f"{key} {value}" for key, value in outcome.counts.items())
        self.stdout.write(f"patents {prefix}{counts} ({time.monotonic() - started:.1f} s)")
