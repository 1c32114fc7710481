#!/usr/bin/env python
"""Benchmark: import enterprises.csv then patents.csv into a fresh database; time and peak RSS.

    .venv/bin/python bench/import_dataset.py                 # report scale on PostgreSQL (lg_bench_imp)
    .venv/bin/python bench/import_dataset.py --from DIR      # use DIR/enterprises.csv + DIR/patents.csv
    .venv/bin/python bench/import_dataset.py --sqlite        # demo scale on a throw-away SQLite file

Without ``--from`` the files come from ``manage.py generate_dataset --scale S --seed 1 --out DIR``; while that
command does not exist yet, a synthetic writer below produces files of the same size and format.
Each import runs as its own ``manage.py`` process, waited for with ``os.wait4`` so the peak RSS reported
is that process's alone. Measured: first import, then re-import of the unchanged file.
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "lg_bench_imp"
SCALES = {"report": (13_000, 1_500_000), "demo": (2_000, 50_000)}


# --- helpers ---------------------------------------------------------------------------------


def manage(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True)


def has_command(name: str, env: dict) -> bool:
    return manage("help", name, env=env, check=False).returncode == 0


def measured(argv: list[str], env: dict) -> tuple[float, float, str]:
    """Run argv in a child process; (wall seconds, peak RSS MB of that child alone, its output).

    The output's last line gets the child's own CPU time appended: on a shared machine the wall time
    also measures the neighbours, the CPU time does not.
    """
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.monotonic() - started
        out.seek(0)
        output = out.read()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}):\n{output[-5000:]}")
    output = f"{output.rstrip()} [import process CPU {usage.ru_utime + usage.ru_stime:.0f} s]"
    return elapsed, usage.ru_maxrss / 1024, output  # ru_maxrss is in KiB on Linux


# --- synthetic files (until generate_dataset exists) -----------------------------------------

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(serial: int, division: str) -> str:
    first17 = f"91{division}{serial:09d}"
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return first17 + ALPHABET[(31 - total % 31) % 31]


def write_synthetic(out: Path, enterprises: int, patents: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    cities = []
    with (ROOT / "regions" / "data" / "divisions.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["level"] == "city":
                cities.append((row["province_code"], row["code"]))
    fields = ["next_gen_it", "cnc_robotics", "new_materials", "biomedicine", "power", "other"]
    companies = []
    with (out / "enterprises.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["credit_code", "name", "former_names", "province", "city", "industry_field", "employees", "batch"]
        )
        for n in range(enterprises):
            province, city = rng.choice(cities)
            code = credit_code(n + 1, city)
            name = f"{'华中东西南北'[n % 6]}测{n}科技股份有限公司"
            former = f"{'华中东西南北'[n % 6]}测{n}科技有限公司" if n % 7 == 0 else ""
            companies.append((name, former, code))
            writer.writerow([code, name, former, province, city, rng.choice(fields), rng.randint(20, 900), 1 + n % 5])
    types = ["invention", "utility_model", "design"]
    statuses = ["valid", "pending", "invalid"]
    with (out / "patents.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "publication_number",
                "application_number",
                "jurisdiction",
                "patent_type",
                "title",
                "application_date",
                "publication_date",
                "grant_date",
                "legal_status",
                "ipc_main",
                "cited_by_count",
                "license_count",
                "transfer_count",
                "applicant_names",
                "applicant_credit_codes",
            ]
        )
        for i in range(patents):
            office = "CN" if i % 20 else rng.choice(["WO", "US", "EP", "JP"])
            year = rng.randint(2010, 2023)
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            applied = f"{year}-{month:02d}-{day:02d}"
            published = f"{year + 1}-{month:02d}-{day:02d}"
            kind = types[i % 3]
            granted = f"{year + 2}-{month:02d}-{day:02d}" if kind != "invention" or i % 2 else ""
            names, codes = [], []
            for _ in range(2 if rng.random() < 0.1 else 1):
                roll = rng.random()
                if roll < 0.08:
                    names.append(f"某大学{rng.randint(1, 3000)}")  # unmatched applicants
                    codes.append("")
                else:
                    name, former, code = rng.choice(companies)
                    if former and roll < 0.2:
                        name = former
                    names.append(name)
                    codes.append(code if roll < 0.5 else "")
            writer.writerow(
                [
                    f"{office}{100000000 + i}A",
                    f"{office}{year}{i:08d}.X",
                    office,
                    kind,
                    f"一种用于测试的装置及方法{i}",
                    applied,
                    published,
                    granted,
                    statuses[i % 3],
                    f"G06F{i % 90}/{i % 50}",
                    rng.randint(0, 30),
                    0 if i % 11 else 1,
                    0 if i % 13 else 1,
                    ";".join(names),
                    ";".join(codes) if any(codes) else "",
                ]
            )


# --- fallback enterprise loading (only while import_enterprises does not exist) -----------------

FALLBACK_LOADER = """
import csv, sys
import django
django.setup()
from enterprises.models import Enterprise
from enterprises.names import normalize_name
rows = []
with open(sys.argv[1], encoding="utf-8", newline="") as handle:
    for row in csv.DictReader(handle):
        rows.append(Enterprise(
            credit_code=row["credit_code"], name=row["name"], name_normalized=normalize_name(row["name"]),
            former_names=[n for n in row["former_names"].split(";") if n], province_id=row["province"],
            city_id=row["city"], industry_field=row["industry_field"], employees=int(row["employees"])))
Enterprise.objects.bulk_create(rows, batch_size=2000)
print(f"enterprises created {len(rows)} (bench fallback loader)")
"""


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source", type=Path, help="directory with enterprises.csv and patents.csv")
    parser.add_argument("--out", type=Path, help="where to generate the files (default: a temp directory)")
    parser.add_argument("--sqlite", action="store_true", help="demo scale on SQLite instead of report scale on PG")
    parser.add_argument("--scale", choices=sorted(SCALES), help="default: report (PostgreSQL), demo (--sqlite)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    scale = args.scale or ("demo" if args.sqlite else "report")

    env = {**os.environ, "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
    workdir = Path(tempfile.mkdtemp(prefix="lg-bench-"))
    if args.sqlite:
        database = workdir / "bench.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{database}"
    else:
        import psycopg

        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            admin.execute(f"CREATE DATABASE {PG_DATABASE}")

    source = args.source
    if source is None:
        source = args.out or workdir
        source.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        if has_command("generate_dataset", env):
            manage("generate_dataset", "--scale", scale, "--seed", "1", "--out", str(source), env=env)
            how = "generate_dataset"
        else:
            write_synthetic(source, *SCALES[scale])
            how = "synthetic writer (generate_dataset not available yet)"
        print(f"data: {how}, {time.monotonic() - started:.0f} s -> {source}")
    enterprises_csv, patents_csv = source / "enterprises.csv", source / "patents.csv"
    with patents_csv.open("rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    print(f"patents.csv: {lines - 1} rows, {patents_csv.stat().st_size / 1e6:.0f} MB")

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the imports")
    manage("migrate", "--noinput", env=env)
    manage("load_regions", env=env)
    if has_command("import_enterprises", env):
        argv = [PYTHON, "manage.py", "import_enterprises", str(enterprises_csv)]
    else:
        argv = [PYTHON, "-c", FALLBACK_LOADER, str(enterprises_csv)]
    seconds, rss, output = measured(argv, env)
    print(f"enterprises: {seconds:.1f} s, peak RSS {rss:.0f} MB | {output.strip().splitlines()[-1]}")

    backend = "SQLite" if args.sqlite else "PostgreSQL"
    for label in ("first import", "re-import unchanged"):
        seconds, rss, output = measured([PYTHON, "manage.py", "import_patents", str(patents_csv)], env)
        print(f"[{backend} {scale}] patents {label}: {seconds:.1f} s wall, peak RSS {rss:.0f} MB")
        print(f"    {output.strip().splitlines()[-1]}")

    # Relinking everything (what `link_applicants` does after officials fix names): one set-based pass.
    seconds, rss, output = measured([PYTHON, "manage.py", "link_applicants"], env)
    print(f"[{backend} {scale}] link_applicants: {seconds:.1f} s wall, peak RSS {rss:.0f} MB")
    print(f"    {output.strip().splitlines()[-1]}")

    if not args.keep and not args.sqlite:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")


if __name__ == "__main__":
    main()
