import time

from django.core.management.base import BaseCommand

from patents.services import applicants_link


class Command(BaseCommand):
    help = (
        "Link every still-unmatched patent applicant to the enterprise with its credit code or its "
        "unambiguous current or former name (run after fixing enterprise names). Existing links are kept."
    )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        result = applicants_link(enterprise_ids=None)
        self.stdout.write(
            f"applicants linked {result['linked']}, enterprises gaining patents {result['enterprises']} "
            f"({time.monotonic() - started:.1f} s)"
        )
