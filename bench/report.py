"""Benchmark of the generated report (publications/) at report scale on PostgreSQL.

Targets (issue 12): the national PDF under 15 s, a province PDF under 5 s, the download of an already
rendered report under 50 ms.

Usage (from the project root)::

    # Report-scale synthetic data filled in SQL by bench/recompute.py's filler, then one snapshot:
    .venv/bin/python bench/report.py --database-url postgres://postgres@127.0.0.1:5432/lg_bench_rep --fill synthetic
    # From the generator's report-scale files (generate_dataset --scale report), through the importers:
    .venv/bin/python bench/report.py --database-url ... --from DIR
    # Again on the data and snapshot already there:
    .venv/bin/python bench/report.py --database-url ...

Printed: wall and CPU seconds of the national and a province PDF (zh-hans and en), page counts, the
download of a kept PDF through Django's test client, and the national figures read back from the PDF.
On a shared machine the wall time depends on the load; the CPU time is what this process used.
"""

import argparse
import datetime
import io
import re
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

import recompute  # noqa: E402  (the report-scale filler and the Django set-up of bench/recompute.py)


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/lg_bench_rep")
    parser.add_argument("--fill", choices=["synthetic", "none"], default="none")
    parser.add_argument("--from", dest="from_dir", type=Path)
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=recompute.AS_OF)
    parser.add_argument("--province", default="320000")
    parser.add_argument("--downloads", type=int, default=20)
    args = parser.parse_args()

    recompute.ensure_postgres_database(args.database_url)
    recompute.setup_django(args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from pypdf import PdfReader

    from portal import formatting as fmt
    from publications import services
    from publications.models import RenderedReport
    from regions.models import Province
    from regions.services import regions_load
    from reports.models import ScopeIndicator, Snapshot

    settings.ALLOWED_HOSTS = ["*"]
    print(f"database: {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    if not Province.objects.exists():
        regions_load()
    if args.from_dir or args.fill == "synthetic":
        started = time.perf_counter()
        if args.from_dir:
            recompute.fill_from_files(args.from_dir)
        else:
            recompute.fill_synthetic(enterprises=12950, patents=1_500_000, seed=1)
        print(f"fill: {time.perf_counter() - started:.1f} s", flush=True)
    snapshot = Snapshot.objects.filter(as_of=args.as_of, status="complete").first()
    if snapshot is None or args.from_dir or args.fill == "synthetic":
        from reports.services import snapshot_compute

        snapshot, wall, cpu = timed(lambda: snapshot_compute(as_of=args.as_of))
        print(f"snapshot at {args.as_of}: {wall:.1f} s", flush=True)
    print(f"snapshot #{snapshot.pk}: {snapshot.enterprise_count:,} enterprises, {snapshot.patent_count:,} patents")

    # Warm-up (imports, font discovery), not measured: a worker renders many reports in one process.
    services.report_pdf_render(scope="city", code="110100", snapshot=snapshot, language="zh-hans")

    results = {}
    for scope, code in (("national", "CN"), ("province", args.province)):
        for language in services.LANGUAGES:
            (pdf, pages), wall, cpu = timed(
                lambda scope=scope, code=code, language=language: services.report_pdf_render(
                    scope=scope, code=code, snapshot=snapshot, language=language
                )
            )
            results[(scope, language)] = pdf
            print(f"{scope} {code} {language}: {wall:.2f} s wall, {cpu:.2f} s CPU, {pages} pages, {len(pdf):,} bytes")

    # A kept report, downloaded through the whole Django stack (URL, view, file response).
    RenderedReport.objects.filter(snapshot=snapshot).delete()
    client = Client()
    url = f"/reports/province/{args.province}/report.pdf"
    _, wall, _cpu = timed(lambda: b"".join(client.get(url, secure=True).streaming_content))
    print(f"first download (renders and keeps): {wall:.2f} s")
    times = []
    for _ in range(args.downloads):
        response, wall, _cpu = timed(lambda: client.get(url, secure=True))
        b"".join(response.streaming_content)
        times.append(wall * 1000)
        assert response.status_code == 200
    print(
        f"download of the kept PDF: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms "
        f"over {len(times)} requests"
    )

    # What the national PDF says, next to the stored indicators (and the report's published figures).
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(results[("national", "zh-hans")])).pages)
    )
    national = ScopeIndicator.objects.get(snapshot=snapshot, scope="national", code="CN").metrics
    published = recompute.REPORT_NATIONAL
    checks = [
        ("enterprise_count", fmt.number(national["enterprise_count"]) + "家", published["enterprise_count"]),
        (
            "applications_per_enterprise",
            "平均每家申请专利" + fmt.metric("applications_per_enterprise", national["applications_per_enterprise"]),
            published["applications_per_enterprise"],
        ),
        (
            "valid_inventions_per_enterprise",
            "拥有有效发明专利"
            + fmt.metric("valid_inventions_per_enterprise", national["valid_inventions_per_enterprise"]),
            published["valid_inventions_per_enterprise"],
        ),
        ("invention_share", "发明专利占比" + fmt.percent(national["invention_share"]), published["invention_share"]),
        (
            "invention_grant_rate",
            "发明专利授权率" + fmt.percent(national["invention_grant_rate"]),
            published["invention_grant_rate"],
        ),
    ]
    print(f"{'figure':34} {'in the PDF':>8}  printed as / report")
    for key, printed, report_value in checks:
        print(f"{key:34} {'yes' if printed in text else 'NO':>8}  {printed} / {report_value}")
    buckets = national["pct_buckets"], national["overseas_buckets"]
    print(f"PCT buckets {buckets[0]}, overseas buckets {buckets[1]}")


if __name__ == "__main__":
    main()
