#!/usr/bin/env python
"""Benchmark: import enterprises.csv then patents.csv into a fresh database; time and peak RSS.

    .venv/bin/python bench/import_dataset.py                 # report scale on PostgreSQL (lg_bench_imp)
    .venv/bin/python bench/import_dataset.py --from DIR      # use DIR/enterprises.csv + DIR/patents.csv
    .venv/bin/python bench/import_dataset.py --scale demo    # demo scale, quickly
    .venv/bin/python bench/import_dataset.py --scale national --database lg_bench_national --out /tmp/nat
        # 10x: ~130,000 enterprises, ~15 million patent rows (~2.8 GB of CSV at ~185 bytes a row; about
        # 2.1 GiB of database per 2.3 million patents imported, history included; an hour or more)

Without ``--from`` the files come from ``manage.py generate_dataset --scale S --seed 1 --out DIR``.
Each import runs as its own ``manage.py`` process, waited for with ``os.wait4`` so the peak RSS reported
is that process's alone. Measured: first import, then re-import of the unchanged file, then a file
correcting the first 100 patents (what officials import most, whose cost must not grow with the
database), then ``link_applicants`` and the database's size.
"""

import argparse
import csv
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "lg_bench_imp"
SCALES = ("report", "demo", "national", "national-demo")


# --- helpers ---------------------------------------------------------------------------------


def manage(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True)


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


CORRECTION_ROWS = 100


def _corrections_file(patents_csv: Path, out: Path, *, rows: int) -> Path:
    """The file's first ``rows`` patents with a corrected title (and one more citation): all updates."""
    with (
        patents_csv.open(encoding="utf-8-sig", newline="") as source,
        out.open("w", encoding="utf-8", newline="") as sink,
    ):
        reader, writer = csv.reader(source), csv.writer(sink)
        header = next(reader)
        writer.writerow(header)
        title, cited = header.index("title"), header.index("cited_by_count")
        for row in itertools.islice(reader, rows):
            row[title] = f"{row[title]}（更正）"
            row[cited] = str(int(row[cited] or 0) + 1)
            writer.writerow(row)
    return out


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source", type=Path, help="directory with enterprises.csv and patents.csv")
    parser.add_argument("--out", type=Path, help="where to generate the files (default: a temp directory)")
    parser.add_argument("--scale", choices=SCALES, help="default: report")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database", default=PG_DATABASE, help=f"PostgreSQL database to (re)create ({PG_DATABASE})")
    parser.add_argument("--once", action="store_true", help="skip the re-import of the unchanged file")
    args = parser.parse_args()
    scale = args.scale or "report"

    env = {**os.environ, "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
    workdir = Path(tempfile.mkdtemp(prefix="lg-bench-"))
    import psycopg

    env["DATABASE_URL"] = f"{PG_SERVER}/{args.database}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        admin.execute(f'CREATE DATABASE "{args.database}"')

    source = args.source
    if source is None:
        source = args.out or workdir
        source.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        manage("generate_dataset", "--scale", scale, "--seed", "1", "--out", str(source), env=env)
        print(f"data: generate_dataset, {time.monotonic() - started:.0f} s -> {source}")
    enterprises_csv, patents_csv = source / "enterprises.csv", source / "patents.csv"
    with patents_csv.open("rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    print(f"patents.csv: {lines - 1} rows, {patents_csv.stat().st_size / 1e6:.0f} MB")
    if args.source is not None and args.scale is None:
        scale = f"files of {source}"  # the label says what was imported, whatever scale made them

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the imports")
    manage("migrate", "--noinput", env=env)
    manage("load_regions", env=env)
    seconds, rss, output = measured([PYTHON, "manage.py", "import_enterprises", str(enterprises_csv)], env)
    print(f"enterprises: {seconds:.1f} s, peak RSS {rss:.0f} MB | {output.strip().splitlines()[-1]}")

    backend = "PostgreSQL"
    for label in ("first import",) if args.once else ("first import", "re-import unchanged"):
        load = os.getloadavg()[0]
        seconds, rss, output = measured([PYTHON, "manage.py", "import_patents", "-v", "2", str(patents_csv)], env)
        print(f"[{backend} {scale}] patents {label}: {seconds:.1f} s wall, peak RSS {rss:.0f} MB, load {load:.1f}")
        # Where the time went (the command's -v 2): the phases sum to the import's wall time.
        print("\n".join(line for line in output.splitlines() if line.lstrip().startswith("phase ")))
        # The count lines: patents, then applicants (with the command's own time and CPU).
        print("\n".join(f"    {line}" for line in output.strip().splitlines()[-2:]))

    # What officials do most: a small file of corrections into the full database. Its cost must follow the
    # file, not the database (the same at 10x as at report scale).
    corrections = _corrections_file(patents_csv, workdir / "corrections.csv", rows=CORRECTION_ROWS)
    seconds, rss, output = measured([PYTHON, "manage.py", "import_patents", "-v", "2", str(corrections)], env)
    print(
        f"[{backend} {scale}] patents correction of {CORRECTION_ROWS} rows: {seconds:.1f} s wall, peak RSS {rss:.0f} MB"
    )
    print("\n".join(line for line in output.splitlines() if line.lstrip().startswith("phase ")))
    print("\n".join(f"    {line}" for line in output.strip().splitlines()[-2:]))

    # Relinking everything (what `link_applicants` does after officials fix names): one set-based pass.
    seconds, rss, output = measured([PYTHON, "manage.py", "link_applicants"], env)
    print(f"[{backend} {scale}] link_applicants: {seconds:.1f} s wall, peak RSS {rss:.0f} MB")
    print(f"    {output.strip().splitlines()[-1]}")

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        size = admin.execute("SELECT pg_database_size(%s)", [args.database]).fetchone()[0]
        print(f"[{backend} {scale}] database size: {size / 2**30:.2f} GiB")
        if not args.keep:
            admin.execute(f'DROP DATABASE IF EXISTS "{args.database}"')


if __name__ == "__main__":
    main()
