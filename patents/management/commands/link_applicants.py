import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from patents.services import applicants_link


class Command(BaseCommand):
    help = (
        "Link every still-unmatched patent applicant to the enterprise with its credit code or its "
        "unambiguous current or former name (run after fixing enterprise names). Existing links are kept."
    )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        result = applicants_link(enterprise_ids=None)
        counts = gettext("申请人：新关联到企业 %(linked)s，新增专利的企业 %(enterprises)s") % {
            "linked": result["linked"],
            "enterprises": result["enterprises"],
        }
        self.stdout.write(f"{counts} ({time.monotonic() - started:.1f} s)")
