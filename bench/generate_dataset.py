"""Time report-scale ``generate_dataset`` and check its calibration against report-figures.md.

    .venv/bin/python bench/generate_dataset.py [--out DIR] [--seed N] [--scale SCALE] [--skip-generate]

SCALE: report (default), demo, national (the report's 小巨人 plus ~117,000 专精特新中小企业: ~15 million
patents, ~2.8 GB, ~10 minutes) or national-demo. The national scales are verified on their 小巨人: the
same tolerances as report / demo.

Prints wall time, peak RSS and row counts, then every calibrated indicator computed from the generated CSVs
(streaming, per metrics.md, by demo.dataset.verify) next to the report's value with the deviation.
Tolerances: 3% national and per batch, 5% city pages and clusters (bucket counts and population exact).
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from demo.dataset import SCALES, generate_dataset  # noqa: E402
from demo.dataset.verify import comparison_table, compute  # noqa: E402

ABSOLUTE = ("enterprise_count", "applications_total", " industry ", "buckets", "applications_2022")


def fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0")


def tolerance(indicator: str) -> float:
    if "buckets" in indicator or indicator.endswith("enterprise_count"):
        return 0.0
    if indicator.startswith(("city", "cluster")):
        return 0.05
    return 0.03


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "report"))
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--scale", default="report", choices=SCALES)
    parser.add_argument("--small-firms", type=int, help="national scales: this many 专精特新中小企业 instead")
    parser.add_argument("--skip-generate", action="store_true", help="only verify the files already in --out")
    args = parser.parse_args()
    out = Path(args.out)

    if not args.skip_generate:
        started = time.perf_counter()
        counts = generate_dataset(scale=args.scale, seed=args.seed, out=out, small_firms=args.small_firms)
        wall = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        sizes = {name: (out / f"{name}.csv").stat().st_size / 2**20 for name in counts}
        print(f"generate_dataset --scale {args.scale} --seed {args.seed} -> {out}")
        print(f"  wall time {wall:.1f} s, peak RSS {peak_mb:.0f} MiB")
        for name, rows in counts.items():
            print(f"  {name}.csv: {rows:,} rows, {sizes[name]:.0f} MiB")

    started = time.perf_counter()
    result = compute(out / "enterprises.csv", out / "patents.csv")
    print(f"\nverification (streaming, {time.perf_counter() - started:.1f} s); as_of 2023-07-31\n")
    print(f"{'indicator':58} {'report':>12} {'generated':>12} {'deviation':>10}")
    failures = 0
    for indicator, report, generated in comparison_table(result):
        sampled = args.scale in ("demo", "national-demo")
        if sampled and any(word in indicator for word in ABSOLUTE):
            continue  # counts and totals scale with the sample; the demo is checked on rates only
        deviation = (generated - report) / report if report and generated is not None else None
        allowed = 0.25 if sampled else tolerance(indicator)
        bad = deviation is None or abs(deviation) > allowed + 1e-12
        failures += bad
        shown = f"{deviation:+.2%}" if deviation is not None else "n/a"
        print(
            f"{indicator:58} {fmt(report):>12} {fmt(generated):>12} {shown:>10}{'  <-- out of tolerance' if bad else ''}"
        )
    print(f"\n{failures} indicator(s) out of tolerance")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
