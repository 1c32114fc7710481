"""Load test: 50 users browsing region profiles and the API while an import of 1,000 changed enterprises
and its refresh run, optionally with Redis stopped for 20 of the 60 seconds. Loopback only, bounded.

Usage (from the project root; a scratch PostgreSQL database, never production)::

    # fill lg_bench_load at report scale first (bench/recompute.py --fill synthetic), then load it:
    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/lg_bench_load --fill
    # the same with Redis stopped from t=20 s to t=40 s:
    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/lg_bench_load --redis-outage 20

What runs, all on 127.0.0.1: a private ``redis-server`` (``--redis-port``, never the machine's shared
one), gunicorn (``--port``), one Celery worker for both queues, Celery beat draining the outbox every
5 s, and locust (``bench/locustfile.py``, headless). At t=5 s ``import_enterprises`` applies a file of
1,000 existing enterprises with changed values; its refresh is drained by the worker. Printed: requests,
failures, p50/p95/p99 and throughput per endpoint and in total, the import's duration, and how long
after the import the snapshot was fresh again. Exits 1 if any request failed.

The API's rate limit is lifted for the run (all users come from one address). The visitors read the
public pages (overview, region and enterprise profiles, the filtered list), the indicator API and the
enterprise and patent lists.
"""

import argparse
import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def _loopback_only(url: str) -> None:
    if "127.0.0.1" not in url and "localhost" not in url:
        sys.exit(f"refusing to run against a non-loopback database: {url}")


def _env(args, redis_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "bench-load-only-not-a-secret-0123456789abcdef",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": redis_url,
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        "REPORTS_OUTBOX_DRAIN_SECONDS": "5",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


class Redis:
    def __init__(self, port: int) -> None:
        self.port, self.process = port, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        time.sleep(0.5)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _child(code: str, env: dict) -> str:
    """Run Django code in a child process (the parent never imports Django next to locust's gevent)."""
    script = "import django\ndjango.setup()\n" + code
    return subprocess.run(
        [PYTHON, "-c", script], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True
    ).stdout


EXPORT = """
import csv, sys
from enterprises.credit_codes import credit_code_check_character, credit_code_problem
from enterprises.models import Enterprise
# The synthetic fill (bench/recompute.py) leaves credit codes empty; an enterprise file needs them.
# Preparation, before anything is measured: give the first members valid codes.
for e in Enterprise.objects.filter(credit_code__isnull=True, designations__isnull=False).distinct().order_by("pk")[: {n}]:
    first17 = f"91{{e.province_id}}{{e.pk:09d}}"
    Enterprise.objects.filter(pk=e.pk).update(credit_code=first17 + credit_code_check_character(first17))
rows = []
for e in Enterprise.objects.filter(credit_code__isnull=False).prefetch_related("designations").order_by("pk"):
    if credit_code_problem(e.credit_code) or not e.designations.all():
        continue
    batch = min(d.batch for d in e.designations.all())
    rows.append([e.credit_code, e.name, e.province_id, e.city_id or "", batch, (e.employees or 0) + 7])
    if len(rows) == {n}:
        break
with open({path!r}, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["credit_code", "name", "province", "city", "batch", "employees"])
    w.writerows(rows)
print(len(rows))
"""

PENDING = """
from reports.models import PendingRefresh, PendingRecompute, Snapshot
print(PendingRefresh.objects.count() + PendingRecompute.objects.count() + Snapshot.objects.filter(status="running").count())
"""


def _stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--fill", action="store_true", help="fill the database at report scale first")
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--redis-port", type=int, default=6388)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--import-rows", type=int, default=1000)
    parser.add_argument("--redis-outage", type=int, default=0, help="stop Redis this many seconds, from t=20 s")
    parser.add_argument("--web-workers", type=int, default=3)
    args = parser.parse_args()
    _loopback_only(args.database_url)
    if args.users > 200 or args.seconds > 600:
        sys.exit("bounded: at most 200 users for 600 s")

    if args.fill:
        subprocess.run(
            [PYTHON, "bench/recompute.py", "--database-url", args.database_url, "--fill", "synthetic", "--runs", "1"],
            cwd=BASE_DIR,
            check=True,
        )
    redis = Redis(args.redis_port)
    redis.start()
    env = _env(args, f"redis://127.0.0.1:{args.redis_port}/0")
    work = Path(tempfile.mkdtemp(prefix="lg-load-"))
    procs: list[subprocess.Popen] = []
    try:
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
        exported = int(_child(EXPORT.format(n=args.import_rows, path=str(work / "changed.csv")), env).strip())
        print(f"import file: {exported} existing enterprises with changed values")
        # Handed to the child processes for their whole life; closed when this script exits.
        logs = {name: open(work / f"{name}.log", "wb") for name in ("web", "worker", "beat")}  # noqa: SIM115
        procs.append(
            subprocess.Popen(
                [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{args.port}"]
                + ["--workers", str(args.web_workers), "--threads", "4", "--timeout", "60", "--keep-alive", "75"],
                cwd=BASE_DIR,
                env=env,
                stdout=logs["web"],
                stderr=subprocess.STDOUT,
            )
        )
        procs.append(
            subprocess.Popen(
                [PYTHON, "-m", "celery", "-A", "config", "worker", "--queues", "refresh,recompute"]
                + ["--concurrency", "1", "--loglevel", "INFO"],
                cwd=BASE_DIR,
                env=env,
                stdout=logs["worker"],
                stderr=subprocess.STDOUT,
            )
        )
        procs.append(
            subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "beat",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    str(work / "beat"),
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=logs["beat"],
                stderr=subprocess.STDOUT,
            )
        )
        time.sleep(4)
        prefix = work / "locust"
        locust = subprocess.Popen(
            [str(BIN / "locust"), "-f", "bench/locustfile.py", "--headless", "--users", str(args.users)]
            + ["--spawn-rate", str(args.users), "--run-time", f"{args.seconds}s"]
            + [
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=BASE_DIR,
            env={**os.environ, "PYTHONPATH": str(BASE_DIR)},
        )
        started = time.monotonic()
        time.sleep(5)
        t0 = time.monotonic()
        # In the background: the outage below keeps its own timeline whatever the import takes.
        importing = subprocess.Popen(
            [PYTHON, "manage.py", "import_enterprises", str(work / "changed.csv")],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        fresh: dict = {}

        def watch_freshness() -> None:
            # How long after the import started nothing is pending (refreshes, recomputes, running runs).
            deadline = time.monotonic() + args.seconds + 180
            while importing.poll() is None:  # its requests commit with it
                time.sleep(0.2)
            fresh["imported"] = time.monotonic() - t0  # the main thread may be busy with the outage then
            while time.monotonic() < deadline:
                if int(_child(PENDING, env).strip()) == 0:
                    fresh["after"] = time.monotonic() - t0
                    return
                time.sleep(1)

        watcher = threading.Thread(target=watch_freshness, daemon=True)
        watcher.start()
        if args.redis_outage:
            time.sleep(max(0.0, 20 - (time.monotonic() - started)))
            redis.stop()
            print(f"redis stopped at t={time.monotonic() - started:.1f} s")
            time.sleep(args.redis_outage)
            redis.start()
            print(f"redis started at t={time.monotonic() - started:.1f} s")
        out, err = importing.communicate(timeout=600)
        watcher.join(timeout=1)
        import_seconds = fresh.get("imported", time.monotonic() - t0)
        imported = subprocess.CompletedProcess(importing.args, importing.returncode, out, err)
        print(f"import: exit {imported.returncode} in {import_seconds:.1f} s: {imported.stdout.strip()[-300:]}")
        if imported.returncode:
            print(imported.stderr[-2000:])
        locust.wait(timeout=args.seconds + 60)
        watcher.join(timeout=180)
        fresh_after = fresh.get("after")
        rows = _stats(prefix)
        print(
            f"\n{'endpoint':34} {'requests':>8} {'failures':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7}"
        )
        for row in rows:
            print(
                f"{row['Name'][:34]:34} {row['Request Count']:>8} {row['Failure Count']:>8} {row['50%']:>7} "
                f"{row['95%']:>7} {row['99%']:>7} {float(row['Requests/s']):>7.1f}"
            )
        total = next(row for row in rows if row["Name"] == "Aggregated")
        print(
            f"\nusers {args.users}, {args.seconds} s, redis outage {args.redis_outage} s: "
            f"{total['Request Count']} requests, {total['Failure Count']} failures, p50 {total['50%']} ms, "
            f"p95 {total['95%']} ms, {float(total['Requests/s']):.1f} req/s; import {import_seconds:.1f} s "
            f"(exit {imported.returncode}); snapshot fresh again "
            + (f"{fresh_after:.0f} s after the import started" if fresh_after is not None else "NOT within 180 s")
        )
        failures = Path(f"{prefix}_failures.csv").read_text() if Path(f"{prefix}_failures.csv").exists() else ""
        if int(total["Failure Count"]):
            print(failures[:3000])
        ok = not int(total["Failure Count"]) and imported.returncode == 0 and fresh_after is not None
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        redis.stop()
    print(f"logs in {work}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
