"""manage.py send_official_digest: e-mail every official their weekly digest (beat does it on Mondays)."""

from django.core.management.base import BaseCommand, CommandError

from workbench.digest import digests_send


class Command(BaseCommand):
    help = "Send each official who wants it the weekly digest of their workbench (Django's e-mail backend)."

    def handle(self, *args, **options):
        outcome = digests_send()
        for username in outcome["sent"]:
            self.stdout.write(f"sent: {username}")
        self.stdout.write(f"{len(outcome['sent'])} digest(s) sent")
        if outcome["failed"]:
            raise CommandError(f"not sent (see the log): {', '.join(outcome['failed'])}")
