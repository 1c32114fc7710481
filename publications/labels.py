"""Category labels of the printed charts broken onto two or three lines, as the original report prints them.

pygal writes each axis label as one ``<text>`` and, asked not to truncate, sizes the margin for the whole
label: "Marine engineering equipment and high-tech ships" then takes a third of an A4 chart's width. So
pygal is given each label's widest line (which sizes its margin for that line only), and the drawn SVG's
label is replaced by one ``<tspan>`` per line. English breaks between words (never inside one, not even at
its hyphen: "high-" over "performance" reads badly), Chinese between characters; nothing is ever cut.
"""

import html
import re
from dataclasses import dataclass, field

from .chart_style import LABEL_FONT, _wide_chars

LINE_HEIGHT = LABEL_FONT + 1
MAX_LINES = 3
# A word, one CJK character, or the space between words.
_TOKENS = re.compile(r"\s+|[\u2e80-\uffff]|[^\s\u2e80-\uffff]+")


def text_width(text: str, size: int = LABEL_FONT) -> float:
    """Printed width of ``text`` in px: a CJK character is 1 em, any other 0.6 em (pygal's own measure, a
    little wider than Noto Sans's Latin, so a line measured to fit does fit)."""
    wide = _wide_chars(text)
    return (wide + 0.6 * (len(text) - wide)) * size


def _greedy(text: str, budget: float) -> list[str]:
    lines, line, space = [], "", False
    for token in _TOKENS.findall(text.strip()):
        if token.isspace():
            space = True
            continue
        candidate = f"{line}{' ' if space and line else ''}{token}"
        if line and text_width(candidate) > budget:
            lines.append(line)
            candidate = token
        line, space = candidate, False
    return [*lines, line] if line else lines


def wrap_label(text: str, budget: float) -> list[str]:
    """``text`` in as few lines as fit ``budget`` px (at most three: beyond that the budget grows rather than
    the label being cut), then balanced: the narrowest budget that keeps that many lines, so that a
    two-line label is not one long line and one word."""
    lines = _greedy(text, budget)
    while len(lines) > MAX_LINES:
        budget *= 1.15
        lines = _greedy(text, budget)
    if len(lines) == 1:
        return lines
    narrow = max(text_width(line) for line in lines)
    while True:
        tighter = _greedy(text, narrow - 1)
        tighter_width = max(text_width(line) for line in tighter)
        # Stop at one more line, or when a word wider than the budget keeps the widest line as it is.
        if len(tighter) != len(lines) or tighter_width >= narrow:
            return lines
        lines, narrow = tighter, tighter_width


@dataclass
class WrappedLabels:
    """What pygal draws (``keys``: each label's widest line, unique) and the lines each key stands for."""

    keys: list[str] = field(default_factory=list)
    lines: dict[str, list[str]] = field(default_factory=dict)

    @property
    def depth(self) -> int:
        """The most lines any label takes."""
        return max((len(lines) for lines in self.lines.values()), default=1)


def wrap_labels(labels: list[str], budget: float) -> WrappedLabels:
    wrapped = WrappedLabels()
    for label in labels:
        lines = wrap_label(label, budget)
        key = max(lines, key=text_width)
        # Two labels with the same widest line would be told apart by nothing: a zero-width space each.
        while key in wrapped.lines:
            key += "\u200b"
        wrapped.keys.append(key)
        wrapped.lines[key] = lines
    return wrapped


def draw_lines(svg: str, wrapped: WrappedLabels, *, centred: bool) -> str:
    """``svg`` with each key's ``<text>`` holding its label's lines as ``<tspan>``s: centred on the key's
    baseline (a horizontal chart's row) or going down from it (under a vertical chart's column)."""

    def replace(match: re.Match) -> str:
        lines = wrapped.lines.get(html.unescape(match["text"]))
        if lines is None or len(lines) == 1 and lines[0] == html.unescape(match["text"]):
            return match[0]
        x, y = float(match["x"]), float(match["y"])
        first = y - (len(lines) - 1) * LINE_HEIGHT / 2 if centred else y
        spans = "".join(
            f'<tspan x="{x:.2f}" y="{first + i * LINE_HEIGHT:.2f}">{html.escape(line, quote=False)}</tspan>'
            for i, line in enumerate(lines)
        )
        return f'<text x="{x:.2f}" y="{first:.2f}"{match["rest"]}>{spans}</text>'

    pattern = r'<text x="(?P<x>[-0-9.]+)" y="(?P<y>[-0-9.]+)"(?P<rest>[^>]*)>(?P<text>[^<]*)</text>'
    return re.sub(pattern, replace, svg)
