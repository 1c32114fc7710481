import time
from pathlib import Path

from django.core.management.base import BaseCommand

from enterprises.services.formatting import patent_counts_lines
from patents.services import patent_import
from utilities.commands import run_file_import


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
        started = time.monotonic()
        outcome = run_file_import(
            self,
            path,
            lambda stream: patent_import(
                stream=stream, file_name=path.name, dry_run=dry_run, ignore_unknown=ignore_unknown
            ),
        )
        for warning in outcome.warnings:
            self.stderr.write(warning)
        if options["verbosity"] >= 2:
            for phase, seconds in outcome.phases.items():
                self.stdout.write(f"  phase {seconds:6.1f} s  {phase}")
        lines = patent_counts_lines(outcome.counts, dry_run=dry_run)
        lines[-1] += f" ({time.monotonic() - started:.1f} s)"
        self.stdout.write("\n".join(lines))
