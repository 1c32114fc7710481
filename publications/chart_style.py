"""The printed charts' look, shared by every drawing module of the PDF (``svg``, ``bubbles``): fonts, palette,
pygal style and the stylesheet, and the measure of CJK text."""

import re
from pathlib import Path

from pygal.style import Style

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


def _luminance(colour: str) -> float:
    """Relative luminance of a "#rrggbb" colour (WCAG), 0 for black to 1 for white."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def chart_style(chart: Chart) -> Style:
    """The print style, with the chart's own colour per category when it has them (``Chart.colours``: 第1批
    the same colour as on the web, whichever batches a region has) and each printed value white on a dark
    slice, dark on a light one."""
    if not chart.colours:
        return STYLE
    colours = tuple(c or COLOURS[i % len(COLOURS)] for i, c in enumerate(chart.colours))
    values = tuple("#ffffff" if _luminance(c) < 0.2 else "#1a1a1a" for c in colours)
    return Style(**{**STYLE.to_dict(), "colors": colours, "value_colors": values})


LINE_COLOURS = ("#c0392b", "#7d3c98")
TREND_COLOUR = "#b03a2e"


def _wide_chars(text: str) -> int:
    return sum(1 for ch in text if ord(ch) >= 0x2E80)
