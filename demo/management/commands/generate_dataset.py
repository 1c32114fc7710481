"""Write a synthetic enterprises.csv and patents.csv calibrated to the 2023 report (see demo/dataset)."""

import time

from django.core.management.base import BaseCommand, CommandError

from demo.dataset import SCALES, generate_dataset


class Command(BaseCommand):
    help = (
        "Write DIR/enterprises.csv and DIR/patents.csv in the interchange formats. 'report' reproduces the 2023 "
        "report's 12,950 designations and its indicators; 'demo' is the same model at ~600 enterprises; "
        "'national' adds ~117,000 专精特新中小企业 (~130,000 enterprises, ~15 million patents, streamed) and "
        "'national-demo' the same around the demo's sample. Same seed, same bytes. Needs no database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=SCALES, default="demo")
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--out", required=True, help="output directory (created if missing)")
        parser.add_argument("--enterprises-only", action="store_true", help="skip patents.csv (fast)")

    def handle(self, *args, scale: str, seed: int, out: str, enterprises_only: bool, **options) -> None:
        started = time.monotonic()
        try:
            counts = generate_dataset(scale=scale, seed=seed, out=out, patents=not enterprises_only)
        except OSError as exc:
            raise CommandError(f"cannot write to {out}: {exc}") from exc
        summary = ", ".join(f"{rows:,} {name}" for name, rows in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"generate_dataset --scale {scale} --seed {seed}: {summary} in {out} ({time.monotonic() - started:.1f} s)"
            )
        )
