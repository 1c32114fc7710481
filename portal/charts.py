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
    # draws them (publications/svg.py); a page shows the same values in the chart's table.
    lines: list[tuple[str, float]] = field(default_factory=list)

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
            **(
                {"partial": {"index": self.partial["index"], "label": str(self.partial["label"])}}
                if self.partial
                else {}
            ),
            **({"lines": [[str(label), value] for label, value in self.lines]} if self.lines else {}),
        }

    @property
    def is_empty(self) -> bool:
        return not any(v for s in self.series for v in s["values"] if v)
