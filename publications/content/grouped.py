"""The report's grouped bar charts (1.5, 1.6, 2.3, 2.4, 2.6, 2.9, 2.10): bars of several series side by side
per category, with the table that states them.

Most of those tables are the chart's own data: a row per category (or, where the groups are the series, a
row per series), a column per series, each value formatted alike, and perhaps a column more (a change, a
growth rate). ``data_table`` makes that table; ``grouped_chart`` appends the chart with it, or with a
table of its own where the chart states more than it draws (1.6's financing row, 2.3's averages).
"""

from collections.abc import Callable, Sequence

from portal.charts import Chart

from .structure import Chapter, figure_title


def data_table(
    head: str,
    categories: Sequence[str],
    series: Sequence[dict],
    cell: Callable[[object], str],
    *,
    labels: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    more: dict[str, Sequence[str]] | None = None,
    per_series: bool = False,
) -> tuple[list[str], list[list[str]]]:
    """(columns, rows) of a grouped chart's data, ``head`` over the row labels.

    A row per category and a column per series; with ``per_series``, a row per series and a column per
    category. ``labels`` and ``names`` replace the rows' labels and the value columns' headers where the
    chart's are short (an abbreviated axis, a series named with its growth). ``more``: further columns,
    header to one formatted cell per row."""
    if per_series:
        lines = [s["values"] for s in series]
        labels, names = labels or [s["name"] for s in series], names or [str(c) for c in categories]
    else:
        lines = [[s["values"][i] for s in series] for i in range(len(categories))]
        labels, names = labels or categories, names or [s["name"] for s in series]
    more = more or {}
    columns = [head, *names, *more]
    rows = [
        [label, *[cell(value) for value in values], *[cells[i] for cells in more.values()]]
        for i, (label, values) in enumerate(zip(labels, lines, strict=True))
    ]
    return columns, rows


def grouped_chart(
    chapter: Chapter,
    *,
    id: str,
    figure: str,
    title: str,
    categories: list[str],
    series: list[dict],
    table: tuple[list[str], list[list[str]]],
    **options,
) -> Chart:
    """Append figure ``figure``, a grouped bar chart with ``table`` (columns, rows); ``options``: the other
    fields of ``Chart`` (unit, percent, lines, trend)."""
    columns, rows = table
    chart = Chart(
        id=id,
        title=figure_title(figure, title),
        kind="grouped",
        categories=categories,
        series=series,
        columns=columns,
        rows=rows,
        **options,
    )
    chapter.charts.append(chart)
    return chart
