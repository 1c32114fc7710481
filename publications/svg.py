"""Charts of the PDF: the portal's ``Chart`` descriptions drawn as vector SVG on the server by pygal.

The public pages draw the same ``Chart`` objects with ECharts in the browser; a PDF has no browser, so
pygal (a plotting library that writes SVG and nothing else) draws them here. The SVG keeps its text as
text, so WeasyPrint embeds it with the report's font and the labels stay selectable. No JavaScript, no
tooltips, no interactivity: a printed chart.
"""

import re
from pathlib import Path

import pygal
from pygal.style import Style

from portal import formatting as fmt
from portal.charts import Chart

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif"
# Light enough for the printed values (dark text) to read on the bars and beside them.
COLOURS = ("#7fa7dc", "#f2b27a", "#8fcaa6", "#b9a0d6", "#e3cf7f", "#a9c4e8", "#e09aa8", "#a7b4c0")

WIDTH = 680
LABEL_FONT = 11
PRINT_CSS = f"file://{Path(__file__).resolve().parent / 'pygal.css'}"
# What a printed chart does not need: tooltip data, hover titles, scripts and comments. WeasyPrint styles
# and draws every SVG node, so fewer nodes make a faster PDF.
_UNPRINTED = re.compile(
    r"<desc\b[^>]*>.*?</desc>|<title\b[^>]*>.*?</title>|<script\b[^>]*>.*?</script>|<!--.*?-->", re.S
)

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#333333",
    foreground_strong="#222222",
    foreground_subtle="#cccccc",
    value_colors=("#1a1a1a",) * len(COLOURS),
    colors=COLOURS,
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    tooltip_font_family=FONT,
    no_data_font_family=FONT,
    label_font_size=LABEL_FONT,
    major_label_font_size=LABEL_FONT,
    value_font_size=10,
    value_label_font_size=10,
    legend_font_size=11,
    title_font_size=13,
    opacity="1",
    opacity_hover="1",
    transition="none",
)


LINE_COLOURS = ("#c0392b", "#7d3c98")


class _BarWithLines(pygal.Bar):
    """A bar chart with horizontal reference lines (``Chart.lines``), drawn over the bars with their labels."""

    reference_lines: tuple = ()

    def _plot(self):
        super()._plot()
        for index, (label, value) in enumerate(self.reference_lines):
            y = self.view.y(value)
            if y is None:
                continue
            colour = LINE_COLOURS[index % len(LINE_COLOURS)]
            # Presentation attributes, not a style="" attribute: WeasyPrint's SVG ignores the latter.
            self.svg.node(
                self.nodes["plot"],
                "path",
                d=f"M0 {y:.2f} h{self.view.width:.2f}",
                **{"stroke": colour, "stroke-width": "1.2", "stroke-dasharray": "6,3", "fill": "none"},
            )
            text = self.svg.node(
                self.nodes["plot"],
                "text",
                x=f"{self.view.width - 4:.2f}",
                y=f"{y - 4:.2f}",
                **{"text-anchor": "end", "fill": colour, "font-size": "10", "font-family": FONT},
            )
            text.text = label


def _wide_chars(text: str) -> int:
    return sum(1 for ch in text if ord(ch) >= 0x2E80)


def _cjk_margin(labels: list[str]) -> int:
    """Extra left margin for CJK axis labels: pygal sizes labels at 0.6 em a character, a CJK one is 1 em."""
    return int(max((_wide_chars(label) for label in labels), default=0) * 0.4 * LABEL_FONT) + 4


def integer_ticks(values: list) -> list[int] | None:
    """Value-axis graduations of a chart of counts: whole numbers 0, step, 2·step … (step 1, 2 or 5 × 10^k,
    at most about six of them) so that an axis of small counts never reads "0, 1, 2, 2". None when the
    values are not all non-negative whole numbers (shares, averages)."""
    numbers = [v for v in values if v is not None]
    if not numbers or any(isinstance(v, float) and v != int(v) for v in numbers) or min(numbers) < 0:
        return None
    top = max(int(max(numbers)), 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if -(-top // step) <= 5:
                last = -(-top // step) * step
                return list(range(0, last + 1, step))
        magnitude *= 10


def _formatter(chart: Chart):
    if chart.percent:
        return lambda v: fmt.percent(v) if v is not None else ""
    decimals = 2 if any(isinstance(v, float) and v != int(v) for s in chart.series for v in s["values"] if v) else 0
    return lambda v: fmt.number(v, decimals) if v is not None else ""


def chart_svg(chart: Chart) -> str:
    """The SVG document (no XML declaration) of ``chart``; empty string for an empty chart."""
    if chart.is_empty:
        return ""
    categories = [str(c) for c in chart.categories]
    series = [(str(s["name"]), list(s["values"])) for s in chart.series]
    kind = chart.kind
    options = {
        "style": STYLE,
        "width": WIDTH,
        "disable_xml_declaration": True,
        "js": [],
        "css": [PRINT_CSS],
        "no_prefix": False,
        "print_values": kind != "line",
        "value_formatter": _formatter(chart),
        "show_legend": len(series) > 1 or kind == "pie",
        "legend_at_bottom": True,
        "legend_at_bottom_columns": min(len(series), 4) if kind != "pie" else 3,
        "margin": 6,
        "spacing": 8,
        "truncate_label": -1,
        "truncate_legend": -1,
        # A few graduations: a printed axis with one label per 100 runs its labels into each other.
        "max_scale": 6,
    }
    if kind == "hbar":
        rows = len(categories)
        # pygal draws the first category at the bottom: reverse so the largest is on top, as in the report.
        categories = categories[::-1]
        series = [(name, values[::-1]) for name, values in series]
        plot = pygal.HorizontalBar(
            height=max(140, (18 if rows > 12 else 26) * rows + 60),
            show_y_guides=False,
            margin_left=_cjk_margin(categories),
            **options,
        )
        plot.x_labels = categories
    elif kind == "pie":
        # Legend beside the ring: at the bottom a third row of batches would be cut off.
        plot = pygal.Pie(height=240, inner_radius=0.45, **{**options, "print_values": True, "legend_at_bottom": False})
        for label, value in zip(categories, series[0][1], strict=True):
            plot.add(label, [value or 0])
        return _UNPRINTED.sub("", plot.render(is_unicode=True))
    elif kind == "line":
        plot = pygal.Line(height=260, dots_size=3, show_x_guides=False, **options)
        plot.x_labels = categories
    else:  # "bar", "grouped"
        plot = _BarWithLines(
            height=260, show_x_guides=False, x_label_rotation=0 if len(categories) <= 10 else 30, **options
        )
        # Set on the instance, not passed as an option: pygal refuses options it does not know.
        object.__setattr__(plot, "reference_lines", tuple((str(label), value) for label, value in chart.lines))
        plot.x_labels = categories
    ticks = None if chart.percent or chart.lines else integer_ticks([v for _n, values in series for v in values])
    if ticks:
        plot.y_labels = ticks
    for name, values in series:
        plot.add(name, [v if v is not None else None for v in values])
    return _UNPRINTED.sub("", plot.render(is_unicode=True))
