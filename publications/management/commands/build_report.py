"""manage.py build_report --scope {national,province,city,cluster} --code CODE [--as-of YYYY-MM-DD]
[--lang zh-hans|en] --out FILE.pdf|FILE.html"""

import datetime
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from publications import services
from publications.content import REPORT_SCOPES


class Command(BaseCommand):
    help = "Write the generated report of a region at a snapshot as a PDF or a standalone HTML file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scope", required=True, choices=REPORT_SCOPES)
        parser.add_argument("--code", required=True, help="CN, a province or city code (320000), or jjj/yrd/gba")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD of a complete snapshot (default: the newest)")
        parser.add_argument("--lang", default="zh-hans", choices=services.LANGUAGES)
        parser.add_argument("--out", required=True, help="FILE.pdf or FILE.html")

    def handle(self, *args, **options) -> None:
        out = Path(options["out"])
        if out.suffix.lower() not in (".pdf", ".html", ".htm"):
            raise CommandError("--out must end in .pdf or .html")
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError("--as-of must be YYYY-MM-DD") from None
        started = time.monotonic()
        try:
            snapshot = services.report_snapshot(as_of=as_of)
            request = {
                "scope": options["scope"],
                "code": options["code"],
                "snapshot": snapshot,
                "language": options["lang"],
            }
            if out.suffix.lower() == ".pdf":
                pdf, pages = services.report_pdf_render(**request)
                out.write_bytes(pdf)
                what = f"{pages} pages, {len(pdf):,} bytes"
            else:
                html = services.report_html_render(**request)
                out.write_text(html, encoding="utf-8")
                what = f"{len(html):,} characters"
        except services.ReportNotFound as exc:
            raise CommandError(str(exc)) from None
        except services.FontMissing as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"wrote {out} ({what}) for {options['scope']} {options['code']} at {snapshot.as_of} "
            f"in {time.monotonic() - started:.1f} s"
        )
