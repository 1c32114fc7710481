"""The PDF's charts (publications/svg.py): whole-number graduations for counts, labels never cut."""

import random
import re

from portal.charts import Chart
from publications.svg import chart_svg, integer_ticks


def test_integer_ticks_over_random_counts_are_whole_distinct_and_cover_the_largest():
    rng = random.Random(25)
    for _ in range(2000):
        values = [rng.randint(0, rng.choice([1, 2, 3, 7, 40, 999, 123_456])) for _ in range(rng.randint(1, 12))]
        ticks = integer_ticks(values)
        assert ticks[0] == 0 and ticks[-1] >= max(values), (values, ticks)
        assert len(set(ticks)) == len(ticks) and 2 <= len(ticks) <= 6, (values, ticks)
        step = ticks[1] - ticks[0]
        assert all(b - a == step for a, b in zip(ticks, ticks[1:], strict=False))
        assert re.fullmatch(r"[125]0*", str(step)), step
    assert integer_ticks([0.5, 1.2]) is None and integer_ticks([None, -1, 2]) is None


def test_a_chart_of_small_counts_prints_no_repeated_graduation():
    chart = Chart(
        id="boards",
        title="t",
        kind="bar",
        categories=["沪深主板", "科创板", "北交所"],
        series=[{"name": "n", "values": [1, 2, 1]}],
    )
    svg = chart_svg(chart)
    graduations = re.findall(r'<text x="[^"]*" y="[^"]*" class="">([0-9,.]+)</text>', svg)
    assert graduations == ["0", "1", "2"], graduations


def test_long_english_category_labels_are_printed_whole():
    labels = ["Marine engineering equipment and high-tech ships", "Biomedicine and high-performance medical devices"]
    for kind in ("hbar", "bar"):
        chart = Chart(id="i", title="t", kind=kind, categories=labels, series=[{"name": "n", "values": [3, 5]}])
        svg = chart_svg(chart)
        assert all(label in svg for label in labels) and "…" not in svg
