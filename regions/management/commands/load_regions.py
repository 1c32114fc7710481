from django.core.management.base import BaseCommand

from regions.services import regions_load


class Command(BaseCommand):
    help = "Load or update provinces and cities from the bundled GB/T 2260 division data (idempotent)."

    def handle(self, *args, **options) -> None:
        result = regions_load()
        self.stdout.write(f"regions: created {result.created}, updated {result.updated}, unchanged {result.unchanged}")
