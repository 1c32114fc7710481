"""Everything `make run` needs before the server starts, safe to run again and again."""

import os
import secrets
import tempfile
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext

from enterprises.models import Enterprise

DEMO_SEED = 2023
# The report's cut-off, so the demo portal can be read next to the 2023 report.
REPORT_AS_OF = date(2023, 7, 31)
PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-admin-password"


class Command(BaseCommand):
    help = (
        "Prepare the zero-setup portal: divisions, the demo dataset when the database holds no enterprises, "
        "indicator snapshots, and a local admin account (printed)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="where the server will listen, for the printed admin address (make run passes HOST and PORT)",
        )

    def handle(self, *args, url: str = "http://127.0.0.1:8000/", **options) -> None:
        self.url = url.rstrip("/") + "/"
        started = time.monotonic()
        call_command("load_regions", stdout=self.stdout)
        if not Enterprise.objects.exists():
            with tempfile.TemporaryDirectory(prefix="lg-demo-") as out:
                call_command("generate_dataset", scale="demo", seed=DEMO_SEED, out=out, stdout=self.stdout)
                call_command("import_enterprises", os.path.join(out, "enterprises.csv"), stdout=self.stdout)
                call_command("import_patents", os.path.join(out, "patents.csv"), stdout=self.stdout)
            for as_of in (REPORT_AS_OF, timezone.localdate()):
                call_command("recompute_indicators", "--as-of", as_of.isoformat(), "--sync", stdout=self.stdout)
        if settings.DEBUG:
            # A known admin password is only for a developer's own machine, never for production.
            self._ensure_admin()
        self.stdout.write(f"demo set-up finished in {time.monotonic() - started:.1f} s")

    def _ensure_admin(self) -> None:
        User = get_user_model()
        if User.objects.filter(username="admin").exists() and PASSWORD_FILE.exists():
            password = PASSWORD_FILE.read_text(encoding="utf-8").strip()
        else:
            password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
            user, _ = User.objects.get_or_create(username="admin", defaults={"email": "admin@localhost"})
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            PASSWORD_FILE.write_text(password + "\n", encoding="utf-8")
            PASSWORD_FILE.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                "\n".join(
                    [
                        "",
                        gettext("管理后台：%(url)s")
                        % {"url": f"{getattr(self, 'url', 'http://127.0.0.1:8000/')}{settings.ADMIN_URL}"},
                        "  " + gettext("用户名：%(username)s") % {"username": "admin"},
                        "  " + gettext("密码：%(password)s") % {"password": password},
                        "  "
                        + gettext("（保存在 %(file)s；删除该文件后重新运行可得到新密码）")
                        % {"file": PASSWORD_FILE.name},
                        "",
                    ]
                )
            )
        )
