"""``recompute_indicators [--as-of YYYY-MM-DD] [--sync]``: compute an indicator snapshot.

Without ``--sync`` the full recompute is recorded in the outbox and a worker is nudged (it runs in this
process when no broker is configured; when the broker is down the request waits in the database); with
``--sync`` it runs here and prints the snapshot summary.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import services


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of expects YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = "Compute the indicators of metrics.md at a cut-off date (default today)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", type=_date, default=None, help="cut-off date YYYY-MM-DD (default: today)")
        parser.add_argument("--sync", action="store_true", help="compute in this process and wait")

    def handle(self, *args, as_of=None, sync=False, **options) -> None:
        as_of = as_of or timezone.localdate()
        if not sync:
            if services.snapshot_recompute_enqueue(as_of=as_of):
                self.stdout.write(f"queued recompute of {as_of.isoformat()}")
            else:
                self.stdout.write(
                    self.style.WARNING(
                        f"已记录 {as_of.isoformat()} 的重新计算请求；任务队列（Redis）暂时无法连接，恢复后由 worker 执行 "
                        f"(recompute of {as_of.isoformat()} recorded; the broker is unreachable, a worker runs it "
                        "once it is back; use --sync to compute here now)"
                    )
                )
            return
        try:
            snapshot = services.snapshot_compute(as_of=as_of)
        except services.SnapshotLocked as exc:
            raise CommandError(str(exc)) from exc
        except Exception as exc:
            raise CommandError(f"recompute of {as_of.isoformat()} failed: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"snapshot #{snapshot.pk} as_of {snapshot.as_of.isoformat()} complete: "
                f"{snapshot.enterprise_count} enterprises, {snapshot.patent_count} patents, "
                f"{snapshot.scope_count} scope rows in {snapshot.duration.total_seconds():.2f} s"
            )
        )
