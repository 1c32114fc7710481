"""``prune_snapshots --keep N``: keep the complete snapshots of the N newest dates, delete the rest.

Failed attempts are deleted too; running ones are left alone.
"""

from django.core.management.base import BaseCommand, CommandError

from reports import services


class Command(BaseCommand):
    help = "Delete old indicator snapshots, keeping the complete ones of the N newest as_of dates."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--keep", type=int, required=True, help="number of newest complete snapshots to keep (>= 1)"
        )

    def handle(self, *args, keep: int, **options) -> None:
        if keep < 1:
            raise CommandError("--keep must be at least 1: readers always need a complete snapshot")
        deleted = services.snapshots_prune(keep=keep)
        self.stdout.write(f"deleted {deleted} snapshot(s); kept the newest {keep} complete")
