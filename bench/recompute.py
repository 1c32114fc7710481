"""Benchmark of the indicator engine at report scale (~12,950 enterprises, ~1.5M patents, ~1.65M links).

Usage (from the project root)::

    # PostgreSQL (creates the database lg_bench_ind if missing), synthetic fill done in SQL:
    .venv/bin/python bench/recompute.py --database-url postgres://postgres@127.0.0.1:5432/lg_bench_ind --fill synthetic
    # From the generator's files, through the import commands:
    .venv/bin/python bench/recompute.py --database-url ... --from DIR
    # 10x: generate --scale national into DIR (unless DIR/patents.csv exists), import, recompute:
    .venv/bin/python bench/recompute.py --database-url .../lg_bench_national --scale national --from DIR
    # Again on the data already there:
    .venv/bin/python bench/recompute.py --database-url ...

Each measured phase runs in a fresh child process (this script with ``--child``), so the peak RSS printed
is that of a worker doing just that job. Printed: fill time, row counts, full recompute wall time and peak
RSS, incremental refresh after editing one enterprise, and the national / batch / five-city indicators
next to the published figures of report-figures.md (synthetic data is only roughly calibrated to them).
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from demo.dataset import calibration as cal  # noqa: E402  (needs no Django)

AS_OF = cal.AS_OF

# --- the published figures (report-figures.md), printed next to the computed ones ---------------
# One source: the generator's calibration (demo/dataset/calibration.py) holds every figure of the report.
_NATIONAL_KEYS = (
    "applications_per_enterprise",
    "valid_inventions_per_enterprise",
    "invention_share",
    "invention_grant_rate",
    "citations_per_enterprise",
    "licenses_per_enterprise",
    "pct_per_enterprise",
    "pct_share",
    "overseas_markets_per_enterprise",
    "growth_cagr",
    "pct_growth_cagr",
    "employees_per_enterprise",
)
REPORT_NATIONAL = {
    "enterprise_count": sum(cal.batch_population().values()),
    **{key: {**cal.NATIONAL, "pct_share": cal.PCT_SHARE}[key] for key in _NATIONAL_KEYS},
    "primary_financing_count": cal.PRIMARY_FINANCING,
}
REPORT_BATCHES = {
    str(batch): {
        "n": n,
        "apps": cal.BATCH_INDICATORS["applications_per_enterprise"][batch],
        "valid": cal.BATCH_INDICATORS["valid_inventions_per_enterprise"][batch],
        "cit": cal.BATCH_INDICATORS["citations_per_enterprise"][batch],
        "lic": cal.BATCH_INDICATORS["licenses_per_enterprise"][batch],
    }
    for batch, n in cal.batch_population().items()
}
_CITY_NAMES = {"110100": "北京", "440300": "深圳", "310100": "上海", "330200": "宁波", "500100": "重庆"}
# The city indicators printed after N and per firm, in REPORT_CITIES' order.
_CITY_KEYS = (
    "growth_cagr",
    "invention_share",
    "invention_grant_rate",
    "citations_per_enterprise",
    "licenses_per_enterprise",
    "pct_per_enterprise",
    "overseas_markets_per_enterprise",
)
REPORT_CITIES = {  # N, per firm, growth, invention share, grant rate, citations, licenses, PCT, overseas
    code: (
        _CITY_NAMES[code],
        cal.CITY_COUNTS[code],
        cal.CITY_PER_FIRM[code],
        *(cal.CITY_INDICATORS[code][key] for key in _CITY_KEYS),
    )
    for code in cal.FIVE_CITIES
}

# --- synthetic population, allocated as the report's tables -----------------------------------
PROVINCES = cal.PROVINCE_COUNTS
CITIES = cal.CITY_COUNTS
# The fill's own split of 高端机械装备 (the report prints only the 2,405 total).
INDUSTRIES = {
    "new_materials": 2953, "next_gen_it": 2788, "cnc_robotics": 1000, "power": 805, "agri_machinery": 600,
    "nev": 1131, "biomedicine": 641, "aerospace": 307, "marine": 213, "rail": 211, "other": 1543,
}  # fmt: skip
# Listed boards only: the fill leaves the rest unlisted (新三板 is not a listing here).
BOARDS = {board: n for board, n in cal.BOARD_COUNTS.items() if board != "neeq"}
# (batch, announced, revoked, still only announced, designated_on)
BATCHES = [
    (
        batch,
        announced,
        cal.BATCH_REVOKED.get(batch, 0),
        cal.BATCH4_ANNOUNCED_ONLY if batch == 4 else 0,
        cal.BATCH_DESIGNATED_ON[batch],
    )
    for batch, announced in cal.BATCH_ANNOUNCED.items()
]
# Share of applications published per year (2022 ≈ 241,600 of ~1.40M; 2020→2022 CAGR ≈ 15.6%).
YEAR_WEIGHTS = {
    2010: 22, 2011: 28, 2012: 35, 2013: 42, 2014: 50, 2015: 60, 2016: 72, 2017: 88, 2018: 105, 2019: 120,
    2020: 135, 2021: 158, 2022: 180, 2023: 140, 2024: 40,
}  # fmt: skip
OVERSEAS_OFFICES = ["US", "EP", "JP", "KR", "DE", "GB", "FR", "AU", "CA", "IN", "RU", "BR"]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.pop("REDIS_URL", None)  # tasks run in-process: the bench measures the engine, not a broker
    import django

    django.setup()


def ensure_postgres_database(database_url: str) -> None:
    if not database_url.startswith("postgres"):
        return
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image, whereas Linux carries
    ``ru_maxrss`` over from the parent across fork + exec (an importing parent would inflate it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- fill -------------------------------------------------------------------------------------


def _slots(counts: dict[str, int], total: int, rng: random.Random) -> list[str]:
    out = [key for key, n in counts.items() for _ in range(n)]
    out += rng.choices(list(counts), weights=list(counts.values()), k=max(0, total - len(out)))
    rng.shuffle(out)
    return out[:total]


def fill_synthetic(*, enterprises: int, patents: int, seed: int) -> None:
    """Enterprises and designations with bulk_create, patents and applicant links in SQL."""
    from django.db import connection, transaction

    from enterprises.models import Designation, Enterprise
    from regions.models import City

    rng = random.Random(seed)
    step = time.perf_counter()
    wipe()
    print(f"  wipe: {time.perf_counter() - step:.1f} s", flush=True)
    cities_of = {}
    for code, province in City.objects.values_list("code", "province_id"):
        cities_of.setdefault(province, []).append(code)
    population = sum(b[1] - b[2] for b in BATCHES)
    total = sum(b[1] for b in BATCHES)
    scale = enterprises / total
    provinces = _slots(PROVINCES, enterprises, rng)
    # Report cities first, then the rest of each province spread over its other cities.
    city_quota = dict(CITIES)
    cities = []
    for province in provinces:
        named = [c for c in cities_of[province] if city_quota.get(c, 0) > 0]
        if named and rng.random() < 0.85:
            city = named[0]
            city_quota[city] -= 1
        else:
            others = [c for c in cities_of[province] if c not in CITIES] or cities_of[province]
            city = rng.choice(others)
        cities.append(city)
    industries = _slots(INDUSTRIES, enterprises, rng)
    boards = _slots({**BOARDS, "": population - sum(BOARDS.values())}, enterprises, rng)
    financed = set(rng.sample(range(enterprises), min(5062, enterprises)))
    rows = []
    for i in range(enterprises):
        name = f"合成小巨人企业{i:05d}有限公司"
        rows.append(
            Enterprise(
                name=name,
                name_normalized=name,
                province_id=provinces[i],
                city_id=cities[i],
                industry_field=industries[i],
                employees=None if rng.random() < 0.02 else int(rng.lognormvariate(5.2, 0.8)),
                listing_board=boards[i],
                primary_financing=i in financed,
            )
        )
    with transaction.atomic():
        Enterprise.objects.bulk_create(rows, batch_size=2000)
    ids = list(Enterprise.objects.order_by("id").values_list("id", flat=True))
    designations, k = [], 0
    for batch, announced, revoked, only_announced, designated_on in BATCHES:
        for j in range(int(announced * scale)):
            if k >= len(ids):
                break
            status = "revoked" if j < revoked else ("announced" if j < revoked + only_announced else "confirmed")
            designations.append(
                Designation(enterprise_id=ids[k], batch=batch, status=status, designated_on=designated_on)
            )
            k += 1
    with transaction.atomic():
        Designation.objects.bulk_create(designations, batch_size=5000)

    first_id, n = ids[0], len(ids)
    if ids[-1] - first_id + 1 != n:
        raise SystemExit("enterprise ids are not contiguous; run on an empty database")
    year_cases, cumulative, weight_total = [], 0, sum(YEAR_WEIGHTS.values())
    for year, weight in YEAR_WEIGHTS.items():
        cumulative += weight
        offset = (datetime.date(year, 1, 1) - datetime.date(2010, 1, 1)).days
        year_cases.append(f"WHEN (i * 7919 + 13) % 100000 < {cumulative * 100000 // weight_total} THEN {offset}")
    day = f"(CASE {' '.join(year_cases)} ELSE 0 END + (i * 104729) % 365)"
    office_cases = " ".join(f"WHEN {o} THEN '{code}'" for o, code in enumerate(OVERSEAS_OFFICES))
    jurisdiction = (
        f"CASE WHEN (i * 31337) % 1000 < 14 THEN 'WO' WHEN (i * 31337) % 1000 < 34 "
        f"THEN (CASE (i * 17) % {len(OVERSEAS_OFFICES)} {office_cases} END) ELSE 'CN' END"
    )
    kind = "CASE WHEN (i * 65537) % 1000 < 454 THEN 'invention' WHEN (i * 65537) % 1000 < 910 THEN 'utility_model' ELSE 'design' END"
    granted = "(i * 65537) % 1000 < 454 AND (i * 2221) % 1000 < 402"

    def plus(days: str) -> str:
        return f"(DATE '2010-01-01' + ({days})::int)"

    select = f"""
        SELECT 'SYN' || i, 'A' || i, {jurisdiction}, {kind}, '合成专利', {plus(day + " - 540")}, {plus(day)},
            CASE WHEN {granted} THEN {plus(day + " + 300")} ELSE NULL END,
            CASE WHEN {granted} THEN (CASE WHEN (i * 3) % 10 < 8 THEN 'valid' ELSE 'invalid' END) ELSE 'pending' END,
            '', (i * 48271) % 5, CASE WHEN (i * 4099) % 1000 < 4 THEN 1 ELSE 0 END,
            CASE WHEN (i * 8191) % 1000 < 6 THEN 1 ELSE 0 END
    """
    columns = (
        "publication_number, application_number, jurisdiction, patent_type, title, application_date, publication_date, "
        "grant_date, legal_status, ipc_main, cited_by_count, license_count, transfer_count"
    )
    from patents.models import Patent

    if any(f.name == "updated_at" for f in Patent._meta.fields):  # the API's incremental-sync timestamp
        select += ", CURRENT_TIMESTAMP"
        columns += ", updated_at"
    patent_sql = f"INSERT INTO patents_patent ({columns}) {select} FROM generate_series(1::bigint, {patents}) AS g(i)"
    # Owners skewed towards the earlier batches (low ids), as in the report (183 vs 100 per firm).
    # Integer arithmetic only (truncating division on both databases): offset = n * (u/M + (u/M)^2) / 2.
    u, m = "((p.id * 48271) % 1000003)", 1000003
    owner = f"({first_id} + ({n} * ({u} * {m} + {u} * {u})) / {2 * m * m})"
    applicant_columns = "patent_id, position, name, name_normalized, credit_code, enterprise_id"
    with transaction.atomic(), connection.cursor() as cursor:
        step = time.perf_counter()
        cursor.execute(patent_sql)
        print(f"  patents: {time.perf_counter() - step:.1f} s", flush=True)
        step = time.perf_counter()
        cursor.execute(
            f"INSERT INTO patents_patentapplicant ({applicant_columns}) "
            f"SELECT p.id, 1, 'SYN', 'syn', '', {owner} FROM patents_patent p"
        )
        # Every tenth patent is co-applied by another enterprise (1.5M patents -> 1.65M links).
        cursor.execute(
            f"INSERT INTO patents_patentapplicant ({applicant_columns}) "
            f"SELECT p.id, 2, 'SYN2', 'syn2', '', {first_id} + (({owner} - {first_id} + 1 + p.id % 97) % {n}) "
            f"FROM patents_patent p WHERE p.id % 10 = 0"
        )
        print(f"  applicant links: {time.perf_counter() - step:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def fill_from_files(directory: Path) -> None:
    from django.core.management import call_command

    wipe()
    call_command("import_enterprises", str(directory / "enterprises.csv"))
    call_command("import_patents", str(directory / "patents.csv"))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def wipe() -> None:
    from django.db import connection, transaction

    tables = [
        "reports_enterprisemeasure",
        "reports_scopeindicator",
        "reports_snapshot",
        "patents_patentapplicant",
        "patents_patent",
        "enterprises_designation",
        "enterprises_historicaldesignation",
        "enterprises_historicalenterprise",
        "enterprises_enterprise",
    ]
    existing = set(connection.introspection.table_names())
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            if table not in existing:
                continue
            cursor.execute(f'TRUNCATE "{table}" RESTART IDENTITY CASCADE')


# --- measured phases (each in a child process) ------------------------------------------------


def child(phase: str, as_of: datetime.date) -> dict:
    from django.db import transaction

    from enterprises.models import Enterprise
    from reports import services
    from reports.models import EnterpriseMeasure

    started = time.perf_counter()
    if phase == "full":
        snapshot = services.snapshot_compute(as_of=as_of)
        result = {"snapshot": snapshot.pk, "enterprises": snapshot.enterprise_count, "scopes": snapshot.scope_count}
    elif phase == "refresh":
        # Edit one busy enterprise the way the admin does; the commit queues the refresh, which runs
        # in-process here (no broker), so this is the whole edit-to-fresh-indicators latency.
        busiest = EnterpriseMeasure.objects.order_by("-applications").values_list("enterprise_id", flat=True).first()
        e = Enterprise.objects.get(pk=busiest)
        e.employees = (e.employees or 0) + 1
        started = time.perf_counter()
        with transaction.atomic():
            e.save()
        result = {"enterprise": e.pk}
    elif phase == "refresh-service":
        busiest = EnterpriseMeasure.objects.order_by("-applications").values_list("enterprise_id", flat=True).first()
        started = time.perf_counter()
        services.snapshot_refresh_enterprises(enterprise_ids=[busiest])
        result = {"enterprise": busiest}
    else:
        raise SystemExit(f"unknown phase {phase}")
    result.update(seconds=time.perf_counter() - started, peak_rss_mb=peak_rss_mb())
    return result


def run_child(phase: str, database_url: str, as_of: datetime.date) -> dict:
    cmd = [sys.executable, __file__, "--database-url", database_url, "--as-of", as_of.isoformat(), "--child", phase]
    started = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=BASE_DIR)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result


# --- report -----------------------------------------------------------------------------------


def fmt(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def print_indicators(as_of: datetime.date) -> None:
    from reports import selectors

    snapshot = selectors.snapshot_visible(as_of=as_of)
    rows = {(r.scope, r.code): r.metrics for r in selectors.scope_indicator_list(snapshot=snapshot, scope="national")}
    national = rows[("national", "CN")]
    print("\nNational (computed | report):")
    for key, published in REPORT_NATIONAL.items():
        print(f"  {key:34s} {fmt(national[key]):>14s} | {fmt(published)}")
    print(f"  {'applications_total':34s} {fmt(national['applications_total']):>14s} | about 1.40 million")
    print(f"  {'applications_by_year[2022]':34s} {fmt(national['applications_by_year']['2022']):>14s} | 241,600")
    print(f"  {'pct_buckets':34s} {national['pct_buckets']} | 9,334 / 2,404 / 431 / 23")
    print(f"  {'overseas_buckets':34s} {national['overseas_buckets']} | 8,898 / 2,790 / 368 / 136")
    print(f"  {'board_counts':34s} {national['board_counts']}")
    print("\nBatches: n, applications, valid inventions, citations, licenses per enterprise (computed | report):")
    for row in selectors.scope_indicator_list(snapshot=snapshot, scope="batch"):
        m, r = row.metrics, REPORT_BATCHES.get(row.code)
        computed = (m["enterprise_count"], m["applications_per_enterprise"], m["valid_inventions_per_enterprise"])
        computed += (m["citations_per_enterprise"], m["licenses_per_enterprise"])
        print(
            f"  batch {row.code}: {' / '.join(fmt(v) for v in computed)} | {' / '.join(fmt(v) for v in r.values()) if r else '-'}"
        )
    print(
        "\nCities: n, per firm, growth, invention share, grant rate, citations, licenses, PCT, overseas (computed | report):"
    )
    cities = {row.code: row.metrics for row in selectors.scope_indicator_list(snapshot=snapshot, scope="city")}
    keys = ["enterprise_count", "applications_per_enterprise", *_CITY_KEYS]
    for code, (name, *published) in REPORT_CITIES.items():
        m = cities[code]
        print(f"  {name} {code}: {' / '.join(fmt(m[k]) for k in keys)}")
        print(f"  {' ' * len(name)} report: {' / '.join(fmt(v) for v in published)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lg_bench_ind")
    )
    parser.add_argument("--fill", choices=["synthetic", "none"], default="none")
    parser.add_argument("--from", dest="from_dir", type=Path, help="import DIR/enterprises.csv and DIR/patents.csv")
    parser.add_argument("--enterprises", type=int, default=12950)
    parser.add_argument("--patents", type=int, default=1_500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=AS_OF)
    parser.add_argument("--runs", type=int, default=2, help="full recomputes to time")
    parser.add_argument(
        "--scale",
        choices=["report", "demo", "national", "national-demo"],
        help="with --from DIR: generate_dataset at this scale into DIR first, unless DIR/patents.csv exists",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        setup_django(args.database_url)
        print(json.dumps(child(args.child, args.as_of)))
        return

    ensure_postgres_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from enterprises.models import Enterprise
    from patents.models import Patent, PatentApplicant
    from regions.models import Province
    from regions.services import regions_load

    print(f"database: {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    if not Province.objects.exists():
        regions_load()
    if args.scale and args.from_dir and not (args.from_dir / "patents.csv").exists():
        from demo.dataset import generate_dataset

        started = time.perf_counter()
        generate_dataset(scale=args.scale, seed=args.seed, out=args.from_dir)
        print(f"generate_dataset --scale {args.scale}: {time.perf_counter() - started:.1f} s")
    if args.from_dir or args.fill == "synthetic":
        started = time.perf_counter()
        if args.from_dir:
            fill_from_files(args.from_dir)
        else:
            fill_synthetic(enterprises=args.enterprises, patents=args.patents, seed=args.seed)
        print(f"fill: {time.perf_counter() - started:.1f} s")
    counts = (Enterprise.objects.count(), Patent.objects.count(), PatentApplicant.objects.count())
    print(f"rows: {counts[0]:,} enterprises, {counts[1]:,} patents, {counts[2]:,} applicant links")

    for run in range(1, args.runs + 1):
        r = run_child("full", args.database_url, args.as_of)
        print(
            f"full recompute #{run}: {r['seconds']:.2f} s (process {r['process_seconds']:.2f} s), peak RSS {r['peak_rss_mb']:.0f} MB, "
            f"{r['enterprises']:,} enterprises, {r['scopes']} scope rows"
        )
    r = run_child("refresh-service", args.database_url, args.as_of)
    print(f"incremental refresh of one enterprise (service): {r['seconds']:.3f} s, peak RSS {r['peak_rss_mb']:.0f} MB")
    r = run_child("refresh", args.database_url, args.as_of)
    print(
        f"edit one enterprise -> commit -> refreshed (in-process task): {r['seconds']:.3f} s, peak RSS {r['peak_rss_mb']:.0f} MB"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        print(f"database size: {cursor.fetchone()[0] / 2**30:.2f} GiB")
    print_indicators(args.as_of)


if __name__ == "__main__":
    main()
