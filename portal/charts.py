"""Chart descriptions: the data a chart draws and the same numbers as a table.

A page embeds ``Chart.spec`` with ``json_script``; ``portal/static/portal/portal.js`` turns it into
ECharts options. The table is always in the page too (for screen readers, and shown when printed).
"""

from dataclasses import dataclass, field


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # "bar", "hbar", "line", "pie", "grouped"; "stacked" (hbar by series) and "bubble" (chapter 03)
    categories: list[str]
    series: list[dict]
    unit: str = ""
    percent: bool = False
    # The table: column headers and rows of already formatted cells (first cell is the row's label).
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    caption: str = ""
    tall: bool = False
    # The category drawn as partial (the current year up to the cut-off): its index and label ("截至7月31日").
    partial: dict | None = None
    # Horizontal reference lines across a bar chart: (label, value), e.g. the average of all 小巨人. The PDF
    # draws them (publications/svg.py), a page with ECharts (portal.js), and the table states them.
    lines: list[tuple[str, float]] = field(default_factory=list)
    # One colour per category, fixed by what the category is (第1批 the same colour on every chart), not by
    # its position; empty: the palette in order.
    colours: list[str] = field(default_factory=list)
    # A rate drawn as a line over the bars against its own (right-hand) axis, one value per category, e.g.
    # the yearly growth of each batch: {"name": str, "values": [...], "percent": bool}.
    trend: dict | None = None

    @property
    def data_id(self) -> str:
        return f"chart-data-{self.id}"

    @property
    def spec(self) -> dict:
        return {
            "kind": self.kind,
            "categories": [str(c) for c in self.categories],
            "series": [{"name": str(s["name"]), "values": s["values"]} for s in self.series],
            "unit": str(self.unit),
            "percent": self.percent,
            **({"colours": list(self.colours)} if self.colours else {}),
            **({"lines": [{"name": str(n), "value": v} for n, v in self.lines]} if self.lines else {}),
            **(
                {
                    "trend": {
                        "name": str(self.trend["name"]),
                        "values": self.trend["values"],
                        "percent": bool(self.trend.get("percent")),
                    }
                }
                if self.trend
                else {}
            ),
            **(
                {"partial": {"index": self.partial["index"], "label": str(self.partial["label"])}}
                if self.partial
                else {}
            ),
        }

    def download_rows(self) -> list[list]:
        """The table as a spreadsheet wants it: each category's raw numbers (not the page's "1,234"), then
        any further cells of the table (a share) as shown. A table that is not one row per category (or a
        chart that is only a table) is given as shown."""
        values = [s["values"] for s in self.series]
        if not values or len(self.rows) != len(self.categories) or len(self.columns) < 1 + len(values):
            return [list(row) for row in self.rows]
        return [[row[0], *(series[i] for series in values), *row[1 + len(values) :]] for i, row in enumerate(self.rows)]

    @property
    def is_empty(self) -> bool:
        return not any(v for s in self.series for v in s["values"] if v)
