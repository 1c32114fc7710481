#!/usr/bin/env python
"""Benchmark: the public API at report scale on PostgreSQL, served by gunicorn.

    .venv/bin/python bench/api.py --database-url postgres://postgres@127.0.0.1:5432/lg_bench_api --port 8110

The database must already hold the report-scale dataset, e.g.::

    DATABASE_URL=... manage.py migrate && manage.py load_regions
    manage.py generate_dataset --scale report --seed 2023 --out /tmp/report
    manage.py import_enterprises /tmp/report/enterprises.csv && manage.py import_patents /tmp/report/patents.csv

Measured, in one run against one gunicorn (``--workers`` sync workers, throttles lifted):

1. list endpoints: p50/p95 of ``--requests`` sequential requests at several cursor depths (the cursor of
   the row at that position is signed here, as the server would have sent it after that many rows);
2. the streaming CSV of every patent with its applicants: rows/s, bytes/s and the serving worker's peak
   RSS (VmHWM) before and after, against PostgreSQL's own ``COPY (SELECT …) TO STDOUT`` of the same
   query in the same run.
"""

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-api-secret-key-not-used-anywhere-else-0123456789abcdef"


def _setup_django(database_url: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        API_THROTTLE_ANON="100000000/minute",
        API_THROTTLE_USER="100000000/minute",
    )
    import django

    django.setup()


def _worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) // 1024  # kB -> MB
    return 0


def _start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/provinces/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def _cursor_at(path: str, params: dict, depth: int) -> str | None:
    """The cursor the API sends after ``depth`` rows of this list (None for the first page)."""
    if depth == 0:
        return None
    from django.test import RequestFactory

    from enterprises.api.views import EnterpriseListView
    from patents.api.views import PatentListView
    from utilities.api.pagination import KeysetPagination

    view_class = PatentListView if "patents" in path else EnterpriseListView
    view = view_class()
    view.request = view.initialize_request(RequestFactory().get(path, params))
    view.format_kwarg = None
    queryset = view.filter_queryset(view.get_queryset()).prefetch_related(None)
    paginator = KeysetPagination()
    fields = paginator._fields(queryset)
    row = queryset.order_by(*paginator._order_by(fields))[depth - 1 : depth].first()
    return None if row is None else paginator._encode(row, fields)


def _timed_get(connection: http.client.HTTPConnection, url: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    connection.request("GET", url)
    response = connection.getresponse()
    body = response.read()
    return (time.perf_counter() - started) * 1000, response.status, body


def bench_lists(port: int, requests: int) -> None:
    from patents.models import Patent

    patents = Patent.objects.count()
    cases = [
        ("/api/v1/enterprises/", {}, [0, 1_000, 6_000, 12_900]),
        ("/api/v1/enterprises/", {"province": "320000", "ordering": "-employees"}, [0, 500, 1_400]),
        ("/api/v1/patents/", {}, [0, 10_000, 500_000, patents - 60]),
        ("/api/v1/patents/", {"ordering": "updated_at"}, [0, 500_000, patents - 60]),
        ("/api/v1/patents/", {"ordering": "publication_number"}, [0, 800_000, patents - 60]),
        ("/api/v1/patents/", {"jurisdiction": "WO"}, [0, 10_000]),
        ("/api/v1/patents/", {"province": "320000"}, [0, 50_000]),
        ("/api/v1/patents/", {"applicant": None}, [0]),
        ("/api/v1/provinces/", {}, [0]),
        ("/api/v1/cities/", {}, [0]),
    ]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    print(f"list endpoints, {requests} sequential requests each (page_size 50), latency in ms:")
    for path, params, depths in cases:
        if "applicant" in params:
            from enterprises.models import Enterprise

            busiest = (
                Enterprise.objects.filter(patent_applications__isnull=False)
                .values_list("credit_code", flat=True)
                .order_by("-employees")
                .first()
            )
            params = {"applicant": busiest}
        for depth in depths:
            cursor = _cursor_at(path, params, depth) if "/v1/patents/" in path or "/v1/enterprises/" in path else None
            query = {**params, **({"cursor": cursor} if cursor else {})}
            url = path + ("?" + urllib.parse.urlencode(query) if query else "")
            _timed_get(connection, url)  # warm-up
            timings = []
            for _ in range(requests):
                elapsed, status, _body = _timed_get(connection, url)
                if status != 200:
                    raise SystemExit(f"{url} answered {status}")
                timings.append(elapsed)
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            label = f"{path}?{urllib.parse.urlencode(params)}" if params else path
            print(f"  {label:<60} depth {depth:>9,}: p50 {statistics.median(timings):6.1f}  p95 {p95:6.1f}")


def bench_export(port: int, master: int, database_url: str) -> None:
    import psycopg
    from django.db import connection as django_connection

    from patents import selectors
    from patents.models import Patent

    rows_expected = Patent.objects.count()
    workers = _worker_pids(master)
    before = {pid: _status(pid, "VmHWM") for pid in workers}

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", "/api/v1/patents/?format=csv")
    response = connection.getresponse()
    first_byte = None
    size = lines = 0
    peak_rss = dict(before)
    while True:
        chunk = response.read(1 << 20)
        if not chunk:
            break
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
        for pid in workers:
            peak_rss[pid] = max(peak_rss[pid], _status(pid, "VmRSS"))
    elapsed = time.perf_counter() - started
    after = {pid: _status(pid, "VmHWM") for pid in workers}
    serving = max(workers, key=lambda pid: after[pid] - before[pid])
    print(
        f"streaming CSV of all patents with applicants: {rows_expected:,} patents, {size / 1e6:.0f} MB, "
        f"{lines - 1:,} lines in {elapsed:.1f} s = {rows_expected / elapsed:,.0f} rows/s, "
        f"{size / 1e6 / elapsed:.0f} MB/s, first byte after {first_byte:.2f} s"
    )
    print(
        f"  serving worker peak RSS (VmHWM): {before[serving]} MB before, {after[serving]} MB after "
        f"(sampled RSS max {peak_rss[serving]} MB)"
    )

    sql_queryset = selectors.patent_export_queryset(selectors.patent_list())
    sql, params = sql_queryset.query.sql_with_params()
    django_connection.close()
    with psycopg.connect(database_url) as pg:
        cursor = psycopg.ClientCursor(pg)
        copy_sql = f"COPY ({cursor.mogrify(sql, params)}) TO STDOUT WITH (FORMAT csv, HEADER)"
        started = time.perf_counter()
        size = 0
        with cursor.copy(copy_sql) as copy:
            for data in copy:
                size += len(data)
        elapsed = time.perf_counter() - started
    print(
        f"PostgreSQL COPY (same query) TO STDOUT: {size / 1e6:.0f} MB in {elapsed:.1f} s = "
        f"{rows_expected / elapsed:,.0f} rows/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/lg_bench_api")
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=40, help="requests per list case and depth")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--skip-lists", action="store_true")
    args = parser.parse_args()
    _setup_django(args.database_url)
    import psycopg

    # A bulk import leaves the planner without statistics until autovacuum gets to the tables; measure
    # the steady state a production database is in, not the minutes after an import.
    with psycopg.connect(args.database_url, autocommit=True) as pg:
        pg.execute("ANALYZE")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    server = _start_gunicorn(args.port, args.workers)
    try:
        if not args.skip_lists:
            bench_lists(args.port, args.requests)
        if not args.skip_export:
            bench_export(args.port, server.pid, args.database_url)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
