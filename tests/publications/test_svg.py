"""The PDF's charts (publications/svg.py): whole-number graduations for counts, labels never cut."""

import html
import random
import re

from portal.charts import Chart
from portal.pages import batch_chart
from portal.pages.common import batch_colour
from publications.bubbles import ALWAYS_NAMED, CORE, _box_hits_circle, _boxes_overlap, bubble_labels, label_box
from publications.chart_style import COLOURS
from publications.labels import text_width, wrap_label
from publications.svg import ROW_LABEL_BUDGET, chart_svg, column_svg, integer_ticks


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


LONG_ENGLISH = ["Marine engineering equipment and high-tech ships", "Biomedicine and high-performance medical devices"]


def _label_lines(svg: str) -> list[list[str]]:
    """The lines of each wrapped label: the tspans of each <text>."""
    texts = re.findall(r"<text [^>]*>((?:<tspan [^>]*>[^<]*</tspan>)+)</text>", svg)
    return [[html.unescape(line) for line in re.findall(r"<tspan [^>]*>([^<]*)</tspan>", t)] for t in texts]


def test_long_english_category_labels_wrap_by_words_within_the_budget_and_are_never_cut():
    for kind in ("hbar", "bar", "stacked"):
        chart = Chart(id="i", title="t", kind=kind, categories=LONG_ENGLISH, series=[{"name": "n", "values": [3, 5]}])
        svg = chart_svg(chart)
        wrapped = _label_lines(svg)
        assert sorted(" ".join(lines) for lines in wrapped) == sorted(LONG_ENGLISH), kind
        assert all(2 <= len(lines) <= 3 for lines in wrapped), wrapped
        assert "…" not in svg and "..." not in svg
        if kind != "bar":  # the bar chart's budget is its column's width
            assert all(text_width(line) <= ROW_LABEL_BUDGET for lines in wrapped for line in lines), wrapped
    # Under a column, each line fits the column: 3 columns of a 680 px chart.
    chart = Chart(
        id="i", title="t", kind="bar", categories=[*LONG_ENGLISH, "Ships"], series=[{"name": "n", "values": [3, 5, 1]}]
    )
    assert all(text_width(line) <= (680 - 60) / 3 for lines in _label_lines(chart_svg(chart)) for line in lines)


def test_a_cluster_column_wraps_its_industries_to_its_narrow_width():
    chart = Chart(id="c", title="t", kind="hbar", categories=LONG_ENGLISH, series=[{"name": "n", "values": [3, 5]}])
    wrapped = _label_lines(column_svg(chart))
    # A third of the 300 px column, grown as little as keeps each label to three lines.
    assert len(wrapped) == 2 and all(len(lines) <= 3 for lines in wrapped), wrapped
    assert all(text_width(line) <= 100 * 1.15**2 for lines in wrapped for line in lines), wrapped


def _lines_needed(words: list[str], budget: float) -> int:
    needed, line = 1, words[0]
    for word in words[1:]:
        if text_width(f"{line} {word}") > budget:
            needed, line = needed + 1, word
        else:
            line = f"{line} {word}"
    return needed


def test_wrapped_labels_over_random_words_keep_every_word_whole_and_in_order():
    rng = random.Random(25)
    words = ["and", "high-performance", "equipment", "of", "new-energy", "materials", "AI", "Guangdong"]
    for _ in range(500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 9)))
        budget = rng.uniform(40, 200)
        lines = wrap_label(text, budget)
        assert " ".join(lines) == text and len(lines) <= 3, (text, lines)
        # A line wider than the budget is a single word, or the text needs more than three lines at the
        # budget (counted here word by word) and the budget grew.
        if any(text_width(line) > budget and " " in line for line in lines):
            assert _lines_needed(text.split(), budget) > 3, (text, budget, lines)


def test_chinese_labels_wrap_between_characters():
    lines = wrap_label("新一代信息技术产业与高端装备制造业的融合", 80)
    assert "".join(lines) == "新一代信息技术产业与高端装备制造业的融合" and len(lines) == 3
    assert all(text_width(line) <= 80 for line in lines)
    assert wrap_label("江苏", 80) == ["江苏"]


def test_an_ampersand_in_a_wrapped_label_stays_escaped():
    label = "Research & development services for the new-energy vehicle industry"
    chart = Chart(id="a", title="t", kind="hbar", categories=[label], series=[{"name": "n", "values": [1]}])
    svg = chart_svg(chart)
    assert "&amp;" in svg and " & " not in svg
    assert " ".join(_label_lines(svg)[0]) == label


def _slice_colours(svg: str) -> list[str]:
    """The fill of each series (a pie's slices, in order) from the SVG's colour rules."""
    rules = dict(re.findall(r"\.color-(\d+),[^{]*\{\s*stroke:\s*[^;]+;\s*fill:\s*([^;}\s]+)", svg))
    return [rules[str(i)] for i in range(len(rules))]


def test_the_pdf_batch_pie_gives_each_batch_its_own_colour_as_the_web_does():
    # 第2批 is the same colour whether a region's first batch is 第1批 or 第2批 (the web's Chart.colours).
    with_first = batch_chart({"batch_counts": {"1": 3, "2": 4, "5": 2}}, chart_id="b")
    without_first = batch_chart({"batch_counts": {"2": 4, "5": 2}}, chart_id="b")
    assert _slice_colours(chart_svg(with_first)) == [batch_colour(b) for b in ("1", "2", "5")]
    assert _slice_colours(chart_svg(without_first)) == [batch_colour("2"), batch_colour("5")]
    # A dark slice (第1批's blue) prints its value in white, a light one (第4批's amber) in dark grey.
    svg = chart_svg(batch_chart({"batch_counts": {"1": 3, "4": 4}}, chart_id="b"))
    overlay = dict(re.findall(r"\.text-overlay \.color-(\d+) text\s*\{\s*fill:\s*([^;}\s]+)", svg))
    assert (batch_colour("1"), batch_colour("4")) == ("#1d4f91", "#f08c00")
    assert overlay == {"0": "#ffffff", "1": "#1a1a1a"}


def test_a_pie_without_colours_keeps_the_print_palette():
    chart = Chart(id="p", title="t", kind="pie", categories=["甲", "乙"], series=[{"name": "n", "values": [1, 2]}])
    assert _slice_colours(chart_svg(chart)) == list(COLOURS[:2])


PROVINCES = [
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
]


def _crowded_bubbles(rng: random.Random) -> Chart:
    """Chart 3.2 as the national report draws it: 31 provinces, most of them near the national means."""
    names = [f"{p}省" for p in PROVINCES]
    xs = [rng.gauss(180, 25) if rng.random() < 0.8 else rng.uniform(80, 400) for _ in names]
    ys = [rng.gauss(14, 2) if rng.random() < 0.8 else rng.uniform(3, 40) for _ in names]
    sizes = [int(rng.paretovariate(1.2) * 40) for _ in names]
    return Chart(
        id="regions-bubbles",
        title="t",
        kind="bubble",
        categories=names,
        series=[{"name": "x", "values": xs}, {"name": "y", "values": ys}, {"name": "n", "values": sizes}],
        columns=["省份", "x", "y", "n"],
        lines=[("全国平均180人", 180.0), ("全国平均14.0件", 14.0)],
    )


def _attributes(tag: str) -> dict:
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


def _drawn_labels(svg: str) -> list[tuple[str, tuple]]:
    labels = []
    for tag, name in re.findall(r'(<text [^>]*class="bubble-label"[^>]*>)([^<]*)</text>', svg):
        a = _attributes(tag)
        labels.append((name, label_box(float(a["x"]), float(a["y"]), name, a["text-anchor"])))
    return labels


def test_bubble_names_never_overlap_and_the_note_names_the_bubbles_left_unnamed():
    rng = random.Random(32)
    for _ in range(5):
        chart = _crowded_bubbles(rng)
        svg = chart_svg(chart)
        drawn = _drawn_labels(svg)
        for i, (name, box) in enumerate(drawn):
            assert not any(_boxes_overlap(box, other, gap=0) for _n, other in drawn[i + 1 :]), name
        note = "".join(re.findall(r'class="bubble-note"[^>]*>([^<]*)</text>', svg))
        named = {name for name, _box in drawn}
        unnamed = [c for c in chart.categories if c not in named]
        # The crowd leaves some unnamed, the largest bubble is always named, every name is in one place.
        assert unnamed and note.startswith("图中按企业数从多到少标注名称")
        sizes = chart.series[2]["values"]
        assert chart.categories[sizes.index(max(sizes))] in named
        assert [c for c in unnamed if c not in note] == [] and [c for c in named if f"{c}、" in note] == []


def test_bubble_labels_keep_clear_of_other_bubbles_and_inside_the_plot():
    rng = random.Random(7)
    for _ in range(200):
        points = [
            (rng.uniform(0, 600), rng.uniform(0, 400), rng.uniform(2.5, 22), rng.choice(PROVINCES) + "省")
            for _ in range(rng.randint(1, 31))
        ]
        spots = bubble_labels(points, width=600, height=400)
        boxes = [(i, label_box(spot[0], spot[1], points[i][3], spot[2])) for i, spot in enumerate(spots) if spot]
        largest = sorted(range(len(points)), key=lambda i: -points[i][2])[:ALWAYS_NAMED]
        for k, (i, box) in enumerate(boxes):
            assert box[0] >= 0 and box[1] >= 0 and box[2] <= 600 and box[3] <= 400
            assert not any(_boxes_overlap(box, other, gap=0) for _j, other in boxes[k + 1 :])
            if i not in largest:  # the largest few are named even over another bubble's middle
                cores = [(x, y, min(r, CORE)) for j, (x, y, r, _n) in enumerate(points) if j != i]
                assert not any(_box_hits_circle(box, *core) for core in cores)
        assert boxes, points  # the largest bubble always finds a place on an empty plot


def test_a_sparse_bubble_chart_names_every_bubble_and_needs_no_note():
    chart = Chart(
        id="b",
        title="t",
        kind="bubble",
        categories=["南京市", "苏州市", "无锡市"],
        series=[
            {"name": "x", "values": [100, 200, 300]},
            {"name": "y", "values": [5, 20, 35]},
            {"name": "n", "values": [3, 9, 5]},
        ],
        columns=["城市", "x", "y", "n"],
        lines=[("全国平均180人", 180.0), ("全国平均14.0件", 14.0)],
    )
    svg = chart_svg(chart)
    assert sorted(name for name, _box in _drawn_labels(svg)) == sorted(chart.categories)
    assert "bubble-note" not in svg
