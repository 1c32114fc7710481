"""What several pages share: names, regions and their URLs, the indicator panel and the common charts."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from regions.choices import Cluster
from regions.models import City, Province
from regions.selectors import division_name
from reports.choices import NATIONAL_CODE, OVERSEAS_BUCKETS, PCT_BUCKETS, Scope
from reports.metrics import last_complete_year

from .. import formatting as fmt
from ..charts import Chart
from ..indicators import (
    BOARD_LABELS,
    BOARD_ORDER,
    OVERSEAS_BUCKET_LABELS,
    PANEL,
    PCT_BUCKET_LABELS,
    industries_merged,
)

NATIONAL = (Scope.NATIONAL.value, NATIONAL_CODE)


def english() -> bool:
    return not (get_language() or "zh-hans").startswith("zh")


def names_for(rows, scope: str) -> dict[str, str]:
    """Display names of indicator rows' codes (one query in English, none in Chinese)."""
    codes = [row.code for row in rows]
    if scope == Scope.CLUSTER:
        return {c.value: str(c.label) for c in Cluster}
    if not english():
        return {row.code: row.name for row in rows}
    if scope == Scope.PROVINCE:
        # All 31: the tile map names every province, also those without a row (no member yet).
        return dict(Province.objects.values_list("code", "name_en"))
    return dict(City.objects.filter(code__in=codes).values_list("code", "name_en"))


def batch_label(batch) -> str:
    return _("第%(n)s批") % {"n": batch}


# The charts' palette (portal.js draws with the same colours in the same order).
PALETTE = ("#1d4f91", "#d9480f", "#2b8a3e", "#f08c00", "#7048e8", "#0b7285", "#c2255c", "#5c940d")


def batch_colour(batch) -> str:
    """第n批's colour, the same on every chart whichever batches a region has."""
    return PALETTE[(int(batch) - 1) % len(PALETTE)]


def chart_page(kind: str, key: str, **params) -> dict:
    """What a page's charts need to link to their data: ``{% chart_links %}`` reads it from the context."""
    return {"kind": kind, "key": key, "params": {k: v for k, v in params.items() if v}}


def with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


@dataclass
class Region:
    scope: str
    code: str
    name: str
    parent: object = None  # the province of a city
    division: object = None

    @property
    def url(self) -> str:
        return region_url(self.scope, self.code)


def region_url(scope: str, code: str) -> str:
    if scope == Scope.PROVINCE:
        return reverse("portal:province", args=[code])
    if scope == Scope.CITY:
        return reverse("portal:city", args=[f"{code[:2]}0000", code])
    if scope == Scope.CLUSTER:
        return reverse("portal:cluster", args=[code])
    return reverse("portal:overview")


def region_resolve(scope: str, code: str, province_code: str | None = None) -> Region | None:
    """The region of a URL, or None when no such province, city (in that province) or cluster exists."""
    if scope == Scope.PROVINCE:
        province = Province.objects.filter(code=code).first()
        return province and Region(scope, code, division_name(province), division=province)
    if scope == Scope.CITY:
        city = City.objects.select_related("province").filter(code=code, province_id=province_code).first()
        return city and Region(scope, code, division_name(city), parent=city.province, division=city)
    if scope == Scope.CLUSTER and code in Cluster.values:
        return Region(scope, code, str(Cluster(code).label))
    return None


def region_from_code(code: str) -> Region | None:
    """A region named by its code alone (compare page): a cluster key, a province or a city code."""
    code = code.strip().lower()
    if code in Cluster.values:
        return region_resolve(Scope.CLUSTER, code)
    if len(code) == 6 and code.isdigit():
        if code.endswith("0000"):
            return region_resolve(Scope.PROVINCE, code)
        return region_resolve(Scope.CITY, code, f"{code[:2]}0000")
    return None


def panel_rows(metrics: dict, national: dict, earlier: dict | None) -> list[dict]:
    """The eight indicators of 科创能力画像 with the national average, a mark and the change since."""
    dimensions = []
    for dimension in PANEL:
        rows = []
        for indicator in dimension.indicators:
            value, average = metrics.get(indicator.key), national.get(indicator.key)
            previous = (earlier or {}).get(indicator.key) if earlier is not None else None
            mark = None
            if value is not None and average is not None:
                mark = "up" if value > average else "down" if value < average else "equal"
            scale = max(abs(value or 0), abs(average or 0)) or 1
            rows.append(
                {
                    "indicator": indicator,
                    "key": indicator.key,
                    "value": value,
                    "average": average,
                    "mark": mark,
                    "value_width": round(abs(value or 0) / scale * 100, 1),
                    "average_width": round(abs(average or 0) / scale * 100, 1),
                    "change": value - previous if value is not None and previous is not None else None,
                    "has_earlier": earlier is not None,
                }
            )
        dimensions.append({"label": dimension.label, "rows": rows})
    return dimensions


def boards_block(metrics: dict) -> dict:
    counts = metrics.get("board_counts") or {}
    boards = [(key, str(BOARD_LABELS[key]), counts.get(key, 0)) for key in BOARD_ORDER if counts.get(key)]
    n = metrics.get("enterprise_count") or 0
    financed = metrics.get("primary_financing_count") or 0
    return {
        "boards": boards,
        "listed": sum(c for _k, _l, c in boards),
        "financed": financed,
        "financed_share": financed / n if n else None,
    }


def industry_chart(metrics: dict, key: str, *, chart_id: str, title: str, unit: str, include_other=False) -> Chart:
    rows = industries_merged(metrics.get(key) or {}, include_other=include_other)
    return Chart(
        id=chart_id,
        title=title,
        kind="hbar",
        categories=[label for _k, label, _v in rows],
        series=[{"name": title, "values": [v for _k, _l, v in rows]}],
        unit=unit,
        columns=[_("产业领域"), title],
        rows=[[label, fmt.number(v)] for _k, label, v in rows],
        tall=len(rows) > 6,
    )


def partial_year(as_of) -> str | None:
    """The calendar year of ``as_of`` when it has not ended at ``as_of`` (2023-07-31 → "2023"), else None."""
    return str(as_of.year) if last_complete_year(as_of) < as_of.year else None


def cut_off_label(as_of) -> str:
    """ "截至7月31日" / "to 31 Jul": how far the partial year of a series goes."""
    day = f"{as_of.day} {as_of:%b}" if english() else f"{as_of.month}月{as_of.day}日"
    return _("截至%(day)s") % {"day": day}


def year_series(chart_id: str, title: str, series: dict, *, as_of, name: str, column: str) -> Chart:
    """A yearly bar chart ending at the cut-off: the partial current year is drawn lighter and labelled
    "截至7月31日", or left out while it has nothing yet (a zero bar read as a collapse)."""
    years = sorted(series, key=lambda y: int(y))
    partial = partial_year(as_of)
    caption = ""
    if partial in years and not series[partial]:
        years.remove(partial)
        caption = _("%(year)s年%(day)s尚无数据，未画出。") % {"year": partial, "day": cut_off_label(as_of)}
    elif partial in years:
        caption = _("*%(year)s年只计到截止日期") % {"year": partial}
    values = [series[y] for y in years]
    return Chart(
        id=chart_id,
        title=title,
        kind="bar",
        categories=[str(y) for y in years],
        series=[{"name": name, "values": values}],
        unit=_("件"),
        columns=[_("年份"), column],
        rows=[[f"{y}*" if y == partial else str(y), fmt.number(v)] for y, v in zip(years, values, strict=True)],
        caption=caption,
        partial={"index": years.index(partial), "label": cut_off_label(as_of)} if partial in years else None,
    )


def years_chart(metrics: dict, *, chart_id: str, as_of, key: str = "applications_by_year") -> Chart:
    series = {str(y): v for y, v in (metrics.get(key) or {}).items()}
    title = _("历年专利申请量（按公开年）") if key == "applications_by_year" else _("历年PCT申请量（按公开年）")
    return year_series(chart_id, title, series, as_of=as_of, name=_("专利申请"), column=_("申请量（件）"))


def count_chart(
    chart_id: str,
    title: str,
    names: list[str],
    values: list[int],
    *,
    kind: str,
    column: str,
    tall=False,
    shares_of=None,
) -> Chart:
    """Enterprises per category (regions, boards, buckets) and the same counts as a table; given
    ``shares_of``, the table also gives each count's share of it."""
    shares = [[fmt.percent(v / shares_of if shares_of else None)] if shares_of is not None else [] for v in values]
    return Chart(
        id=chart_id,
        title=title,
        kind=kind,
        categories=names,
        series=[{"name": _("企业数"), "values": values}],
        unit=_("家"),
        columns=[column, _("企业数（家）")] + ([_("占比")] if shares_of is not None else []),
        rows=[[name, fmt.number(v), *share] for name, v, share in zip(names, values, shares, strict=True)],
        tall=tall,
    )


def ranked_chart(chart_id: str, title: str, rows: list, names: dict[str, str], *, column: str, tall: bool) -> Chart:
    """Enterprises per region of the indicator ``rows``, in their order, named by ``names`` (``names_for``)."""
    return count_chart(
        chart_id,
        title,
        [names.get(r.code, r.name) for r in rows],
        [r.enterprise_count for r in rows],
        kind="hbar",
        column=column,
        tall=tall,
    )


def boards_chart(block: dict, *, chart_id: str, title: str) -> Chart:
    """Listed enterprises per board, from ``boards_block``."""
    boards = block["boards"]
    labels, counts = [label for _k, label, _c in boards], [c for _k, _l, c in boards]
    return count_chart(chart_id, title, labels, counts, kind="bar", column=_("板块"))


def bucket_charts(metrics: dict, *, pct_id: str, overseas_id: str, shares_of=None) -> list[Chart]:
    """Enterprises per PCT-filings bucket and per overseas-markets bucket (the report's chart 2.8)."""
    buckets = [
        (pct_id, "pct_buckets", PCT_BUCKETS, PCT_BUCKET_LABELS, _("PCT专利申请数量分布"), _("PCT申请")),
        (
            overseas_id,
            "overseas_buckets",
            OVERSEAS_BUCKETS,
            OVERSEAS_BUCKET_LABELS,
            _("海外市场布局数量分布"),
            _("海外市场"),
        ),
    ]
    return [
        count_chart(
            chart_id,
            title,
            [str(labels[k]) for k in keys],
            [(metrics.get(key) or {}).get(k, 0) for k in keys],
            kind="bar",
            column=column,
            shares_of=shares_of,
        )
        for chart_id, key, keys, labels, title, column in buckets
    ]


def announced_batch_chart(metrics: dict, announced: dict, *, chart_id: str, title: str) -> Chart:
    """Per batch, the 小巨人 designations announced (公示) beside the enterprises counted (纳入统计).

    The batches are those with counted enterprises (``batch_counts``, as metrics.md counts designated firms per
    batch and the report's chart 1.4 shows its analysed population's batches). ``announced`` is not dated (it
    counts every designation on file): charting every announced batch put batches announced after an earlier
    snapshot's date on that snapshot's chart. The overview and the national report both draw this one chart.
    """
    counted = metrics.get("batch_counts") or {}
    batches = sorted(int(b) for b in counted)
    announced_counts = [announced.get(b, {}).get("announced", 0) for b in batches]
    counted_counts = [counted.get(str(b), 0) for b in batches]
    return Chart(
        id=chart_id,
        title=title,
        kind="grouped",
        categories=[batch_label(b) for b in batches],
        series=[{"name": _("公示"), "values": announced_counts}, {"name": _("纳入统计"), "values": counted_counts}],
        unit=_("家"),
        columns=[_("批次"), _("公示（家）"), _("纳入统计（家）")],
        rows=[
            [batch_label(b), fmt.number(a), fmt.number(c)]
            for b, a, c in zip(batches, announced_counts, counted_counts, strict=True)
        ],
    )


def batch_chart(metrics: dict, *, chart_id: str) -> Chart:
    counts = metrics.get("batch_counts") or {}
    batches = sorted(counts, key=int)
    return Chart(
        id=chart_id,
        title=_("批次构成"),
        kind="pie",
        categories=[batch_label(b) for b in batches],
        series=[{"name": _("企业数"), "values": [counts[b] for b in batches]}],
        unit=_("家"),
        columns=[_("批次"), _("企业数（家）")],
        rows=[[batch_label(b), fmt.number(counts[b])] for b in batches],
        colours=[batch_colour(b) for b in batches],
    )
