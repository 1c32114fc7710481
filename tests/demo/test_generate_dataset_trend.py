"""The demo looks like the real thing: later years continue the calibrated trend, for any seed."""

import csv
from collections import Counter

import pytest

from demo.dataset import generate_dataset
from demo.dataset.verify import compute


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_growth_rates_hold_for_any_seed(tmp_path, seed):
    # Deterministic allocation of the year series: no seed moves a national growth rate by more than the
    # report-scale tolerance (3%), even on the demo's few hundred firms.
    generate_dataset(scale="demo", seed=seed, out=tmp_path)
    national = compute(tmp_path / "enterprises.csv", tmp_path / "patents.csv")["national"]
    assert national["growth_cagr"] == pytest.approx(0.156, rel=0.03)
    assert national["pct_growth_cagr"] == pytest.approx(0.226, rel=0.03)


def test_years_after_the_cut_off_continue_the_trend(tmp_path):
    generate_dataset(scale="demo", seed=11, out=tmp_path)
    with open(tmp_path / "patents.csv", encoding="utf-8", newline="") as handle:
        per_year = Counter(row["publication_date"][:4] for row in csv.DictReader(handle))
    # Growth about 15.6% a year, as before the cut-off (2023 is complete in the file too).
    for year in ("2023", "2024", "2025"):
        growth = per_year[year] / per_year[str(int(year) - 1)] - 1
        assert 0.08 < growth < 0.30, (year, growth, per_year)
    # A snapshot at the end of 2025 would show a growth rate like the report's, not a collapse.
    cagr = (per_year["2025"] / per_year["2023"]) ** 0.5 - 1
    assert 0.10 < cagr < 0.30
