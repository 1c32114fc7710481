"""generate_dataset's national scales: the 小巨人 unchanged, ten times as many 专精特新中小企业, streamed."""

import csv
import hashlib
import os
import random
import tracemalloc

import pytest

from demo.dataset import ENTERPRISE_HEADER, PATENT_HEADER, generate_dataset
from demo.dataset.national import (
    LITTLE_GIANT_PATENTS,
    NATIONAL_PATENTS,
    NATIONAL_SMES,
    SME_PATENTS_PER_FIRM,
    SmallFirms,
    city_weights,
    plan_small_firm,
)
from demo.dataset.patents import PatentWriter
from demo.dataset.population import build_population, load_divisions
from enterprises.choices import DesignationStatus, Program
from enterprises.credit_codes import credit_code_problem

SMALL_FIRMS = 150


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    out = tmp_path_factory.mktemp("national")
    counts = generate_dataset(scale="national-demo", seed=7, out=out, small_firms=SMALL_FIRMS)
    return out, counts


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    generate_dataset(scale="demo", seed=7, out=out)
    return out


def test_same_seed_writes_the_same_bytes(national, tmp_path):
    out, _counts = national
    generate_dataset(scale="national-demo", seed=7, out=tmp_path, small_firms=SMALL_FIRMS)
    for name in ("enterprises.csv", "patents.csv"):
        assert _digest(tmp_path / name) == _digest(out / name)


def test_the_little_giants_are_the_demo_s_with_their_programme(national, demo):
    out, _counts = national
    demo_rows = _rows(demo / "enterprises.csv")
    rows = _rows(out / "enterprises.csv")
    assert tuple(rows[0]) == (*ENTERPRISE_HEADER, "program")
    little_giants = [row for row in rows[1:] if row[-1] == Program.LITTLE_GIANT]
    assert [row[:-1] for row in little_giants] == demo_rows[1:]
    assert rows[1 : len(little_giants) + 1] == little_giants, "the 小巨人 come first"


def test_the_little_giants_patents_are_the_demo_s_but_for_their_numbers(national, demo):
    # Same random draws, so the same calibrated patents; only the national numbering ranges are wider.
    out, _counts = national
    demo_rows = _rows(demo / "patents.csv")
    rows = _rows(out / "patents.csv")
    assert tuple(rows[0]) == PATENT_HEADER
    assert [row[2:] for row in rows[1 : len(demo_rows)]] == [row[2:] for row in demo_rows[1:]]


def test_small_firms_are_valid_unique_and_ten_times_the_sample(national):
    out, counts = national
    rows = [
        dict(zip(_rows(out / "enterprises.csv")[0], row, strict=True)) for row in _rows(out / "enterprises.csv")[1:]
    ]
    small = [row for row in rows if row["program"] == Program.SME]
    assert len(small) == SMALL_FIRMS
    assert counts["enterprises"] == len(rows)
    assert len({row["credit_code"] for row in rows}) == len(rows)
    assert len({row["name"] for row in rows}) == len(rows)
    for row in small:
        assert credit_code_problem(row["credit_code"]) is None
        assert row["designation_status"] in DesignationStatus.values
        assert row["batch"] in ("1", "2", "3", "4", "5")
        assert not row["designated_on"] or row["founded_on"] < row["designated_on"]


def test_patent_numbers_stay_unique_at_ten_times_the_volume(national):
    out, counts = national
    rows = _rows(out / "patents.csv")[1:]
    assert len(rows) == counts["patents"]
    assert len({row[0] for row in rows}) == len(rows)
    assert len({(row[2], row[1]) for row in rows}) == len(rows)


def test_the_national_volume_adds_up():
    # The report's 小巨人 and the small firms at the stated rate: about 15 million rows of patents.csv.
    total = LITTLE_GIANT_PATENTS + NATIONAL_SMES * SME_PATENTS_PER_FIRM
    assert abs(total - NATIONAL_PATENTS) <= 0.01 * NATIONAL_PATENTS


def test_small_firms_write_the_stated_patent_rows_per_firm(national, demo):
    # The 小巨人 rows are the demo's (see above): the rest are the small firms'. Every row counts (post-cutoff
    # publications too), not only the applications ``SME_PATENT_BASE`` is the median of: with 66 the small
    # firms wrote ~185 rows each, 24 million at the national scale instead of 15.
    _out, counts = national
    demo_patents = len(_rows(demo / "patents.csv")) - 1
    per_small_firm = (counts["patents"] - demo_patents) / SMALL_FIRMS
    # 150 lognormal firms: the mean is known to ~11%.
    assert abs(per_small_firm / SME_PATENTS_PER_FIRM - 1) < 0.2


def test_the_small_firm_plan_gives_the_stated_rows_per_firm():
    # The plans alone (the rows a firm writes: its applications and its post-cutoff publications) of enough
    # firms to pin the mean within a few percent.
    everyone, book = build_population(random.Random(3), sample_size=60)
    divisions = load_divisions()
    count = 4_000
    small = SmallFirms(
        seed=13, count=count, city_weights=city_weights(everyone, divisions), divisions=divisions, book=book
    )
    rng = random.Random(5)
    rows = 0
    for e in small.iterate():
        plan = plan_small_firm(e, rng)
        rows += sum(plan.years.values()) + sum(plan.post_cutoff.values())
    assert abs(rows / count / SME_PATENTS_PER_FIRM - 1) < 0.07


def _small_firm_patents_peak(count: int) -> tuple[int, int]:
    """(peak traced bytes, rows) of writing ``count`` small firms' patents to /dev/null."""
    everyone, book = build_population(random.Random(3), sample_size=60)
    divisions = load_divisions()
    small = SmallFirms(
        seed=11, count=count, city_weights=city_weights(everyone, divisions), divisions=divisions, book=book
    )
    rng = random.Random(5)
    with open(os.devnull, "w", encoding="utf-8", newline="") as handle:
        writer = PatentWriter(csv.writer(handle), rng, book, wide_numbers=True)
        writer.dense = True
        tracemalloc.start()
        try:
            for e in small.iterate():
                writer.write_enterprise(e, -1, plan_small_firm(e, rng))
            return tracemalloc.get_traced_memory()[1], writer.rows_written
        finally:
            tracemalloc.stop()


def test_memory_does_not_grow_with_the_patents_written():
    few_peak, few_rows = _small_firm_patents_peak(20)
    many_peak, many_rows = _small_firm_patents_peak(200)
    assert many_rows > 8 * few_rows
    # 200 firms write ~20,000 more rows (~4 MB of CSV) than 20; what memory they add is their names and codes.
    assert many_peak - few_peak < 1_000_000
