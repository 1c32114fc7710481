"""Chart 3.2 in the PDF: bubbles of mean employees × mean valid inventions, sized by enterprises, with the
national means as dashed lines, and each bubble's name beside it only where it overlaps nothing.

In the crowded middle of the national chart the names of many provinces would print over each other: they
are placed largest bubble first (``bubble_labels``), and the chart names the ones left out in a note below
it. The web draws the same chart with ECharts, which hides overlapping names and shows each on hover.
"""

import re

import pygal
from django.utils.translation import gettext as _

from portal import formatting as fmt
from portal.charts import Chart

from .chart_style import _UNPRINTED, FONT, LINE_COLOURS, PRINT_CSS, STYLE, WIDTH, _wide_chars


class _Bubbles(pygal.XY):
    """Points sized by their third value, with a vertical and a horizontal reference line, and names only
    where they do not overlap (``bubble_labels``), largest bubble first; the others are named in a note
    below the chart."""

    reference_lines: tuple = ()
    bubbles: tuple = ()  # (x, y, radius, name) per point
    note_lines: tuple = ()
    labelled: list | None = None  # filled by _plot: the names drawn, in the order of ``bubbles``

    def _plot(self):
        super()._plot()
        placed = self._plot_reference_lines()
        points = [(self.view.x(x), self.view.y(y), r, name) for x, y, r, name in self.bubbles]
        spots = bubble_labels(points, width=self.view.width, height=self.view.height, taken=placed)
        for (*_xyr, name), spot in zip(points, spots, strict=True):
            if spot is None:
                continue
            tx, ty, anchor = spot
            text = self.svg.node(
                self.nodes["text_overlay"],  # above the bubbles (pygal draws them in its overlay)
                "text",
                x=f"{tx:.2f}",
                y=f"{ty:.2f}",
                **{"class": "bubble-label", "text-anchor": anchor, "fill": "#222222"},
                **{"font-size": str(BUBBLE_FONT), "font-family": FONT},
            )
            text.text = name
        object.__setattr__(self, "labelled", [p[3] for p, spot in zip(points, spots, strict=True) if spot])
        for index, line in enumerate(self.note_lines):
            text = self.svg.node(
                self.nodes["graph"],
                "text",
                x="8",
                y=f"{self.height - NOTE_LINE * (len(self.note_lines) - index) + 4:.2f}",
                **{"class": "bubble-note", "fill": "#555555", "font-size": "10", "font-family": FONT},
            )
            text.text = line

    def _plot_reference_lines(self) -> list[tuple[float, float, float, float]]:
        """The dashed national means and their labels; returns the labels' boxes, which names avoid."""
        boxes = []
        for index, (label, value) in enumerate(self.reference_lines[:2]):
            colour = LINE_COLOURS[0]
            # Presentation attributes, not style="": WeasyPrint's SVG ignores the latter (as in svg.py).
            line = {"stroke": colour, "stroke-width": "1", "stroke-dasharray": "5,3", "fill": "none"}
            if index == 0:  # the x reference: a vertical line
                x = self.view.x(value)
                if x is None:
                    continue
                self.svg.node(self.nodes["plot"], "path", d=f"M{x:.2f} 0 v{self.view.height:.2f}", **line)
                tx, ty = x + 3, 10
            else:
                y = self.view.y(value)
                if y is None:
                    continue
                self.svg.node(self.nodes["plot"], "path", d=f"M0 {y:.2f} h{self.view.width:.2f}", **line)
                tx, ty = 4, y - 4
            text = self.svg.node(
                self.nodes["text_overlay"],  # above the bubbles (pygal draws them in its overlay)
                "text",
                x=f"{tx:.2f}",
                y=f"{ty:.2f}",
                **{"text-anchor": "start", "fill": colour, "font-size": "10", "font-family": FONT},
            )
            text.text = label
            boxes.append(label_box(tx, ty, label, "start"))
        return boxes


BUBBLE_MAX_RADIUS = 22
BUBBLE_FONT = 10
NOTE_LINE = 14  # the note's line height below the chart, in px
# A name may print over the rim of another bubble but not over its middle: the bubbles are drawn light and
# the name stays legible, whereas a crowded middle would otherwise leave even its largest bubble unnamed.
CORE = 5
ALWAYS_NAMED = 3


def text_width(text: str, size: float = BUBBLE_FONT) -> float:
    """A generous estimate of a label's printed width: a CJK character is one em, any other 0.62 em."""
    wide = _wide_chars(text)
    return (wide + 0.62 * (len(text) - wide)) * size


def label_box(x: float, y: float, text: str, anchor: str) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a label whose baseline starts (or ends, or centres) at (x, y)."""
    width = text_width(text)
    left = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
    return (left, y - BUBBLE_FONT * 0.9, left + width, y + BUBBLE_FONT * 0.25)


def _boxes_overlap(a: tuple, b: tuple, gap: float = 1.5) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _box_hits_circle(box: tuple, cx: float, cy: float, r: float) -> bool:
    nearest_x, nearest_y = min(max(cx, box[0]), box[2]), min(max(cy, box[1]), box[3])
    return (nearest_x - cx) ** 2 + (nearest_y - cy) ** 2 < r * r


def _spots(x: float, y: float, r: float) -> tuple:
    """Where a bubble's name may go, best first: right, left, above, below, then the four diagonals."""
    half, d = BUBBLE_FONT * 0.35, r * 0.7 + 2
    return (
        (x + r + 3, y + half, "start"),
        (x - r - 3, y + half, "end"),
        (x, y - r - 3, "middle"),
        (x, y + r + BUBBLE_FONT, "middle"),
        (x + d, y - d, "start"),
        (x + d, y + d + BUBBLE_FONT * 0.7, "start"),
        (x - d, y - d, "end"),
        (x - d, y + d + BUBBLE_FONT * 0.7, "end"),
    )


def bubble_labels(points: list, *, width: float, height: float, taken: list | None = None) -> list:
    """Where each bubble's name goes, or None when every place would overlap: (x, y, anchor) per point.

    ``points``: (x, y, radius, name) in plot coordinates. Names are placed largest bubble first, each beside
    its bubble (``_spots``), inside the plot, clear of every placed name and of the boxes in ``taken`` (the
    reference lines' labels), and clear of the middle (``CORE``) of every other bubble except for the
    ``ALWAYS_NAMED`` largest bubbles, which are always named when the plot has room. A crowded middle keeps
    the names of its largest bubbles; the chart's note names the rest.
    """
    placed = list(taken or [])
    spots: list = [None] * len(points)
    for rank, index in enumerate(sorted(range(len(points)), key=lambda i: -points[i][2])):
        x, y, r, name = points[index]
        for tx, ty, anchor in _spots(x, y, r):
            box = label_box(tx, ty, name, anchor)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if not inside or any(_boxes_overlap(box, other) for other in placed):
                continue
            cores = [(ox, oy, min(orad, CORE)) for j, (ox, oy, orad, _n) in enumerate(points) if j != index]
            if rank >= ALWAYS_NAMED and any(_box_hits_circle(box, *core) for core in cores):
                continue
            spots[index] = (tx, ty, anchor)
            placed.append(box)
            break
    return spots


def _note_lines(names: list[str], width: float) -> list[str]:
    """The note naming the bubbles left unlabelled, wrapped to the chart's width."""
    if not names:
        return []
    text = _("图中按企业数从多到少标注名称，与已有标注重叠的不标注：%(names)s") % {"names": _("、").join(names)}
    lines, line = [], ""
    for word in re.findall(r"[^、,\s]+[、,]?\s?|\S", text):
        if line and text_width(line + word) > width:
            lines.append(line.rstrip())
            line = ""
        line += word
    return [*lines, line.rstrip()]


def _bubble_plot(chart: Chart, bubbles: tuple, note: list[str]) -> "_Bubbles":
    xs, ys = (list(s["values"]) for s in chart.series[:2])
    known_x = [x for x in xs if x is not None] + [value for _label, value in chart.lines[:1]]
    known_y = [y for y in ys if y is not None] + [value for _label, value in chart.lines[1:2]]
    reserve = NOTE_LINE * len(note) + (4 if note else 0)
    plot = _Bubbles(
        style=STYLE,
        width=WIDTH,
        # The note's lines are added below: the plot keeps its size, so the names keep their places.
        height=460 + reserve,
        margin_bottom=6 + reserve,
        # Room around the extreme bubbles and their labels.
        xrange=(min(known_x) * 0.85, max(known_x) * 1.12),
        range=(0, max(known_y) * 1.12),
        disable_xml_declaration=True,
        js=[],
        css=[PRINT_CSS],
        stroke=False,
        show_legend=False,
        show_x_guides=False,
        show_y_guides=False,
        print_labels=False,
        print_values=False,
        margin=6,
        spacing=8,
        max_scale=6,
        x_title=str(chart.series[0]["name"]),
        y_title=str(chart.series[1]["name"]),
        x_value_formatter=lambda v: fmt.number(v),
        value_formatter=lambda v: fmt.number(v, 0 if float(v).is_integer() else 1),
    )
    object.__setattr__(plot, "reference_lines", tuple((str(label), value) for label, value in chart.lines))
    object.__setattr__(plot, "bubbles", bubbles)
    object.__setattr__(plot, "note_lines", tuple(note))
    plot.add(
        str(chart.series[2]["name"]),
        [{"value": (x, y), "label": name, "node": {"r": r}} for x, y, r, name in bubbles],
    )
    return plot


def bubble_svg(chart: Chart) -> str:
    """Chart 3.2: x = first series, y = second, radius ∝ √third; a bubble is named beside it where the name
    overlaps nothing, the others in a note below the chart (``bubble_labels``)."""
    xs, ys, sizes = (list(s["values"]) for s in chart.series[:3])
    biggest = max((s for s in sizes if s), default=1)
    bubbles = tuple(
        (x, y, max(2.5, BUBBLE_MAX_RADIUS * ((size or 0) / biggest) ** 0.5), str(name))
        for name, x, y, size in zip(chart.categories, xs, ys, sizes, strict=True)
        if x is not None and y is not None
    )
    # Drawn once to learn which names fit; again with the note when some did not (the plot the same size).
    plot = _bubble_plot(chart, bubbles, [])
    svg = plot.render(is_unicode=True)
    left = [name for *_xyr, name in bubbles if name not in set(plot.labelled or [])]
    if left:
        left.sort(key=[b[3] for b in bubbles].index)
        svg = _bubble_plot(chart, bubbles, _note_lines(left, WIDTH - 16)).render(is_unicode=True)
    return _UNPRINTED.sub("", svg)
