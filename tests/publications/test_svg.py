"""The PDF's charts (publications/svg.py): whole-number graduations for counts, labels never cut."""

import random
import re

from portal.charts import Chart
from portal.pages import batch_chart, batch_colour
from publications.svg import COLOURS, chart_svg, integer_ticks


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


def _slice_colours(svg: str) -> list[str]:
    """The fill of each series (a pie's slices, in order) from the SVG's colour rules."""
    rules = dict(re.findall(r"\.color-(\d+), [^{]*\{\s*stroke: [^;]+;\s*fill: ([^;]+);", svg))
    return [rules[str(i)] for i in range(len(rules))]


def test_the_pdf_batch_pie_gives_each_batch_its_own_colour_as_the_web_does():
    # 第2批 is the same colour whether a region's first batch is 第1批 or 第2批 (the web's Chart.colours).
    with_first = batch_chart({"batch_counts": {"1": 3, "2": 4, "5": 2}}, chart_id="b")
    without_first = batch_chart({"batch_counts": {"2": 4, "5": 2}}, chart_id="b")
    assert _slice_colours(chart_svg(with_first)) == [batch_colour(b) for b in ("1", "2", "5")]
    assert _slice_colours(chart_svg(without_first)) == [batch_colour("2"), batch_colour("5")]
    # A dark slice (第1批's blue) prints its value in white, a light one (第4批's amber) in dark grey.
    svg = chart_svg(batch_chart({"batch_counts": {"1": 3, "4": 4}}, chart_id="b"))
    overlay = dict(re.findall(r"\.text-overlay \.color-(\d+) text \{\s*fill: ([^;]+);", svg))
    assert (batch_colour("1"), batch_colour("4")) == ("#1d4f91", "#f08c00")
    assert overlay == {"0": "#ffffff", "1": "#1a1a1a"}


def test_a_pie_without_colours_keeps_the_print_palette():
    chart = Chart(id="p", title="t", kind="pie", categories=["甲", "乙"], series=[{"name": "n", "values": [1, 2]}])
    assert _slice_colours(chart_svg(chart)) == list(COLOURS[:2])
