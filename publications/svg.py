"""Charts of the PDF: the portal's ``Chart`` descriptions drawn as vector SVG on the server by pygal.

The public pages draw the same ``Chart`` objects with ECharts in the browser; a PDF has no browser, so
pygal (a plotting library that writes SVG and nothing else) draws them here. The SVG keeps its text as
text, so WeasyPrint embeds it with the report's font and the labels stay selectable. No JavaScript, no
tooltips, no interactivity: a printed chart.
"""

import pygal

from portal import formatting as fmt
from portal.charts import Chart

from .bubbles import bubble_svg
from .chart_style import (
    _UNPRINTED,
    FONT,
    LABEL_FONT,
    LINE_COLOURS,
    PRINT_CSS,
    STYLE,
    TREND_COLOUR,
    WIDTH,
    _wide_chars,
    chart_style,
)
from .labels import LINE_HEIGHT, WrappedLabels, draw_lines, wrap_labels


class _BarWithLines(pygal.Bar):
    """A bar chart with horizontal reference lines (``Chart.lines``), drawn over the bars with their labels,
    and a rate drawn as a line against its own right-hand axis (``Chart.trend``)."""

    reference_lines: tuple = ()
    trend: tuple = ()  # (values, formatter, name)

    def _plot(self):
        super()._plot()
        self._plot_lines()
        if self.trend:
            self._plot_trend(*self.trend)

    def _plot_trend(self, values: list, formatter, name: str) -> None:
        known = [v for v in values if v is not None]
        if not known:
            return
        low, high = min(0.0, *known), max(0.0, *known)
        span = (high - low) or 1.0
        height, width, n = self.view.height, self.view.width, len(values)

        def y(v: float) -> float:
            # The top 15% is left free for the value labels above the highest point.
            return height * 0.15 + (1 - (v - low) / span) * height * 0.8

        points = [(width * (i + 0.5) / n, y(v), v) for i, v in enumerate(values) if v is not None]
        path = " ".join(f"{'M' if i == 0 else 'L'}{px:.2f} {py:.2f}" for i, (px, py, _v) in enumerate(points))
        # Presentation attributes, not style="": WeasyPrint's SVG ignores the latter.
        line = {"stroke": TREND_COLOUR, "stroke-width": "1.6", "fill": "none"}
        self.svg.node(self.nodes["plot"], "path", d=path, **line)
        for px, py, v in points:
            self.svg.node(self.nodes["plot"], "circle", cx=f"{px:.2f}", cy=f"{py:.2f}", r="2.8", fill=TREND_COLOUR)
            text = self.svg.node(
                self.nodes["plot"],
                "text",
                x=f"{px + 5:.2f}",
                y=f"{py - 5:.2f}",
                **{"fill": TREND_COLOUR, "font-size": "10", "font-family": FONT},
            )
            text.text = formatter(v)
        legend = self.svg.node(
            self.nodes["plot"], "text", x="4", y="10", **{"fill": TREND_COLOUR, "font-size": "10", "font-family": FONT}
        )
        legend.text = f"━ {name}"
        # The right-hand axis: its zero and its top, in the line's colour.
        for v in sorted({low, 0.0, high}):
            text = self.svg.node(
                self.nodes["plot"],
                "text",
                x=f"{width + 4:.2f}",
                y=f"{y(v) + 3:.2f}",
                **{"fill": TREND_COLOUR, "font-size": "9", "font-family": FONT},
            )
            text.text = formatter(v)

    def _plot_lines(self) -> None:
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


def _cjk_margin(labels: list[str]) -> int:
    """Extra left margin for CJK axis labels: pygal sizes labels at 0.6 em a character, a CJK one is 1 em."""
    return int(max((_wide_chars(label) for label in labels), default=0) * 0.4 * LABEL_FONT) + 4


# Width of a horizontal chart's label column in px: about 23 Latin letters or 13 CJK characters a line.
ROW_LABEL_BUDGET = 150


def _row_height(wrapped: WrappedLabels, rows: int, *, dense: int = 18, loose: int = 26) -> int:
    """A horizontal chart's row: tighter when there are many rows, tall enough for its label's lines."""
    return max(dense if rows > 12 else loose, wrapped.depth * LINE_HEIGHT + 2)


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


def _bar_plot(chart: Chart, categories: list[str], options: dict) -> tuple["_BarWithLines", WrappedLabels | None]:
    """A bar chart with its reference lines and, when the chart has one, its trend line on a right-hand axis;
    its category labels wrapped to their column's width (None when there are too many to stand upright)."""
    rotated = len(categories) > 10
    wrapped = None if rotated else wrap_labels(categories, (WIDTH - 60) / max(len(categories), 1) - 8)
    # The lines below the first take room under the plot, not from it.
    extra = (wrapped.depth - 1) * LINE_HEIGHT if wrapped else 0
    plot = _BarWithLines(
        height=260 + extra,
        show_x_guides=False,
        x_label_rotation=30 if rotated else 0,
        margin_bottom=options["margin"] + extra,
        # Room on the right for the axis of a trend line's labels.
        **({**options, "margin_right": 44} if chart.trend else options),
    )
    # Set on the instance, not passed as an option: pygal refuses options it does not know.
    object.__setattr__(plot, "reference_lines", tuple((str(label), value) for label, value in chart.lines))
    if chart.trend:
        trend_format = fmt.percent if chart.trend.get("percent") else fmt.number
        object.__setattr__(plot, "trend", (list(chart.trend["values"]), trend_format, str(chart.trend["name"])))
    plot.x_labels = wrapped.keys if wrapped else categories
    return plot, wrapped


def chart_svg(chart: Chart) -> str:
    """The SVG document (no XML declaration) of ``chart``; empty string for an empty chart."""
    if chart.is_empty:
        return ""
    if chart.kind in EXTRA_KINDS:
        return EXTRA_KINDS[chart.kind](chart)
    categories = [str(c) for c in chart.categories]
    series = [(str(s["name"]), list(s["values"])) for s in chart.series]
    kind = chart.kind
    wrapped = None
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
        wrapped = wrap_labels(categories[::-1], ROW_LABEL_BUDGET)
        series = [(name, values[::-1]) for name, values in series]
        plot = pygal.HorizontalBar(
            height=max(140, _row_height(wrapped, rows) * rows + 60),
            show_y_guides=False,
            margin_left=_cjk_margin(wrapped.keys),
            **options,
        )
        plot.x_labels = wrapped.keys
    elif kind == "pie":
        # Legend beside the ring: at the bottom a third row of batches would be cut off.
        pie = {**options, "style": chart_style(chart), "print_values": True, "legend_at_bottom": False}
        plot = pygal.Pie(height=240, inner_radius=0.45, **pie)
        for label, value in zip(categories, series[0][1], strict=True):
            plot.add(label, [value or 0])
        return _UNPRINTED.sub("", plot.render(is_unicode=True))
    elif kind == "line":
        plot = pygal.Line(height=260, dots_size=3, show_x_guides=False, **options)
        plot.x_labels = categories
    else:  # "bar", "grouped"
        plot, wrapped = _bar_plot(chart, categories, options)
    ticks = None if chart.percent or chart.lines else integer_ticks([v for _n, values in series for v in values])
    if ticks:
        plot.y_labels = ticks
    for name, values in series:
        plot.add(name, [v if v is not None else None for v in values])
    svg = _UNPRINTED.sub("", plot.render(is_unicode=True))
    return draw_lines(svg, wrapped, centred=kind == "hbar") if wrapped else svg


# --- Chapter 03: stacked bars, the bubble chart, the cluster page's small charts -----------------------


def stacked_svg(chart: Chart) -> str:
    """Regions (rows) stacked by series (batches), largest on top, with each row's total at its end."""
    wrapped = wrap_labels([str(c) for c in chart.categories][::-1], ROW_LABEL_BUDGET)
    rows = len(wrapped.keys)
    plot = pygal.HorizontalStackedBar(
        style=STYLE,
        width=WIDTH,
        height=max(160, _row_height(wrapped, rows, dense=17, loose=24) * rows + 90),
        disable_xml_declaration=True,
        js=[],
        css=[PRINT_CSS],
        print_values=False,
        show_y_guides=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(chart.series), 6),
        margin=6,
        spacing=8,
        truncate_label=-1,
        truncate_legend=-1,
        max_scale=6,
        min_scale=4,
        y_labels_major_every=None,
        value_formatter=lambda v: fmt.number(v) if v is not None else "",
        margin_left=_cjk_margin(wrapped.keys),
    )
    plot.x_labels = wrapped.keys
    for series in chart.series:
        plot.add(str(series["name"]), [v or None for v in list(series["values"])[::-1]])
    return draw_lines(_UNPRINTED.sub("", plot.render(is_unicode=True)), wrapped, centred=True)


COLUMN_WIDTH = 300


def column_svg(chart: Chart) -> str:
    """A chart for one column of the cluster page: a third of the page wide, drawn narrow so that its text
    keeps the size of the other charts' text when the column is printed."""
    if chart.is_empty:
        return ""
    labels = [str(c) for c in chart.categories]
    values = list(chart.series[0]["values"])
    common = {
        "style": chart_style(chart),
        "width": COLUMN_WIDTH,
        "disable_xml_declaration": True,
        "js": [],
        "css": [PRINT_CSS],
        "margin": 4,
        "spacing": 6,
        "truncate_label": -1,
        "truncate_legend": -1,
    }
    if chart.kind == "pie":
        plot = pygal.Pie(
            height=260,
            inner_radius=0.45,
            print_values=False,
            legend_at_bottom=True,
            legend_at_bottom_columns=2,
            **common,
        )
        for label, value in zip(labels, values, strict=True):
            plot.add(label, [value or 0])
        return _UNPRINTED.sub("", plot.render(is_unicode=True))
    wrapped = wrap_labels(labels[::-1], COLUMN_WIDTH / 3)
    values = values[::-1]
    plot = pygal.HorizontalBar(
        height=max(120, _row_height(wrapped, 0, loose=22) * len(values) + 40),
        show_y_guides=False,
        show_legend=False,
        print_values=True,
        max_scale=4,
        value_formatter=lambda v: fmt.number(v) if v is not None else "",
        margin_left=_cjk_margin(wrapped.keys),
        **common,
    )
    plot.x_labels = wrapped.keys
    plot.add(str(chart.series[0]["name"]), values)
    return draw_lines(_UNPRINTED.sub("", plot.render(is_unicode=True)), wrapped, centred=True)


# Kinds drawn by their own function (chapter 03); ``chart_svg`` hands them over.
EXTRA_KINDS = {"stacked": stacked_svg, "bubble": bubble_svg}
