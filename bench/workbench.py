#!/usr/bin/env python
"""Benchmark of the official's workbench page at report scale, on PostgreSQL.

    .venv/bin/python bench/workbench.py --database-url postgres://postgres@127.0.0.1:5432/lg_bench_workbench \\
        [--enterprises 12950] [--patents 1500000] [--requests 30]

On an empty database the report-scale population is filled in SQL (``bench/recompute.py``'s synthetic
fill: enterprises, designations, patents and applicant links), then what the workbench counts is added:
``--unmatched`` unmatched applicant rows (co-applicants named after cities, a third of them after another
province's, and institutions), history rows of a week of changes, import records, and one indicator snapshot
computed at 2023-07-31 and another at 2022-12-31 made stale by the changes.

Then the page ``/admin/workbench/`` (and the admin index, for comparison: what any admin page costs) is
requested through Django's test client (in-process: no server hop) as a provincial official of 江苏 (the
province with the most enterprises), of 北京, and as a national administrator: p50 / p95 / max in
milliseconds over ``--requests`` requests after one warm-up (which fills the likely applicants' cache, kept
until the data changes), and the number of SQL queries of one request (which must not grow with the
data: the suite asserts it).
Target (issue 27): under 100 ms at report scale.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.recompute import ensure_postgres_database, fill_synthetic  # noqa: E402

PROVINCES = {"320000": "江苏", "110000": "北京"}
# Cities whose names unmatched applicants carry: two of 江苏's, one of 北京's, one elsewhere.
APPLICANT_PLACES = ("苏州", "南京", "北京", "深圳")


def setup_django(database_url: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="bench-workbench-secret-key-not-used-anywhere-else-0123456789",
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
    )
    os.environ.pop("REDIS_URL", None)  # the local-memory cache and in-process tasks: the page, not a broker
    import django

    django.setup()


def add_workbench_rows(*, unmatched: int) -> None:
    """Unmatched applicants, a week of history rows and import records, in SQL (seconds, not minutes)."""
    from django.db import connection, transaction

    from enterprises.models import Enterprise
    from imports.models import ImportRecord
    from utilities.bulk import table_name

    applicants = "patents_patentapplicant"
    history = table_name(Enterprise.history.model)
    places = "ARRAY[" + ",".join(f"'{p}'" for p in APPLICANT_PLACES) + "]"
    with transaction.atomic(), connection.cursor() as cursor:
        # Unmatched co-applicants of patents of enterprises: firms named after cities, every seventh a
        # university; about 2,000 distinct names, each on many patents (a skewed ranking to compute).
        cursor.execute(
            f"INSERT INTO {applicants} (patent_id, position, name, name_normalized, credit_code, enterprise_id) "
            f"SELECT p.id, 3, n.name, n.name, '', NULL FROM ("
            f"  SELECT id, row_number() OVER (ORDER BY id) AS k FROM patents_patent ORDER BY id LIMIT {unmatched}"
            f") p CROSS JOIN LATERAL (SELECT ({places})[1 + p.k % 4] || "
            f"  CASE WHEN p.k % 7 = 0 THEN '理工大学' ELSE '未匹配科技' || (p.k % 500) || '有限公司' END AS name) n"
        )
        # A week of changes: one history row for each of 20,000 enterprises, by a command.
        columns = [f.column for f in Enterprise.history.model._meta.concrete_fields if f.column != "history_id"]
        tracked = [f.column for f in Enterprise.history.model.tracked_fields]
        values = {c: c for c in tracked}
        values.update(
            history_date="now() - (e.id % 7) * interval '1 day'",
            history_change_reason="''",
            history_type="'~'",
            history_user_id="NULL",
            history_channel="'command'",
            history_import_record_id="NULL",
        )
        cursor.execute(
            f"INSERT INTO {history} ({', '.join(columns)}) "
            f"SELECT {', '.join(values[c] for c in columns)} FROM enterprises_enterprise e ORDER BY e.id LIMIT 20000"
        )
        cursor.execute("UPDATE enterprises_enterprise SET updated_at = now() WHERE id % 50 = 0")
    now = datetime.datetime.now(datetime.UTC)
    for k in range(200):
        record = ImportRecord.objects.create(
            kind=ImportRecord.Kind.ENTERPRISES,
            outcome=ImportRecord.Outcome.PREVIEWED if k % 20 == 0 else ImportRecord.Outcome.APPLIED,
            file_name=f"bench-{k}.csv",
            file_size=1000,
            sha256=f"{k:064d}",
            started_at=now - datetime.timedelta(hours=k),
        )
        record.provinces.set([list(PROVINCES)[k % 2]])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def prepare(args) -> None:
    from django.core.management import call_command

    from enterprises.models import Enterprise
    from regions.models import Province
    from regions.services import regions_load
    from reports import services

    call_command("migrate", verbosity=0)
    if not Province.objects.exists():
        regions_load()
    if Enterprise.objects.exists():
        return
    started = time.perf_counter()
    # The designations' dates are the batches' own (2019-2023): batches 1-3 are past their validity now.
    fill_synthetic(enterprises=args.enterprises, patents=args.patents, seed=1)
    services.snapshot_compute(as_of=datetime.date(2022, 12, 31))
    add_workbench_rows(unmatched=args.unmatched)
    services.snapshot_compute(as_of=datetime.date(2023, 7, 31))
    # A change after both runs: the older snapshot is stale for 江苏.
    Enterprise.objects.filter(province_id="320000").order_by("id").first().save()
    print(f"fill: {time.perf_counter() - started:.1f} s")


def measure(client, user, requests: int, path: str = "/admin/workbench/") -> tuple[list[float], int]:
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    client.force_login(user)
    client.get(path)  # warm-up: templates, content types, the session, the applicants' cache
    with connection.execute_wrapper(count):
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, len(executed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lg_bench_workbench"),
    )
    parser.add_argument("--enterprises", type=int, default=12950)
    parser.add_argument("--patents", type=int, default=1_500_000)
    parser.add_argument("--unmatched", type=int, default=200_000, help="unmatched applicant rows to add")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    ensure_postgres_database(args.database_url)
    setup_django(args.database_url)
    prepare(args)

    from django.conf import settings
    from django.test import Client, override_settings

    from enterprises.models import Enterprise
    from officials.services import official_set_up
    from patents.models import Patent, PatentApplicant

    print(
        f"rows: {Enterprise.objects.count():,} enterprises, {Patent.objects.count():,} patents, "
        f"{PatentApplicant.objects.count():,} applicant rows ({PatentApplicant.objects.filter(enterprise=None).count():,} "
        f"unmatched), {Enterprise.history.count():,} enterprise history rows"
    )
    users = {
        f"provincial {name}": official_set_up(username=f"bench-{code}", role="provincial", province_codes=[code]).user
        for code, name in PROVINCES.items()
    }
    users["national"] = official_set_up(username="bench-national", role="national").user
    client = Client()
    # Static URLs without the collected manifest (production serves them hashed; the page is what is measured).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        report(client, users, args.requests)


def report(client, users: dict, requests: int) -> None:
    # The admin index beside it: what any admin page costs this user (session, permissions, the sidebar).
    pages = {"workbench": "/admin/workbench/", "index": "/admin/"}
    for label, user in users.items():
        for page, path in pages.items():
            timings, queries = measure(client, user, requests, path)
            quantiles = statistics.quantiles(timings, n=20)
            print(
                f"{label:>14} {page:>9}: p50 {statistics.median(timings):6.1f} ms  p95 {quantiles[18]:6.1f} ms  "
                f"max {max(timings):6.1f} ms  ({queries} queries, {requests} requests)"
            )


if __name__ == "__main__":
    main()
