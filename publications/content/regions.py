"""Chapter 03 of the 2023 report, 区域科创版图: charts 3.1-3.3 and the cluster page.

Every figure is a stored ``ScopeIndicator`` row: the provinces and the cities are read in one query each
(``portal.selectors.scope_rows``), the clusters in a third; nothing here aggregates enterprises.

- 3.1 enterprises per province, stacked by batch (every report: where the region stands in the nation);
- 3.2 bubbles: mean employees × mean valid inventions, sized by enterprises, with the national means as
  dashed lines: per province in the national report, per city of the region otherwise;
- 3.3 cities with at least 150 enterprises (the original's rule) stacked by batch; a regional report
  scales the 150 by its share of the nation's enterprises and says so in the chart's title and a note;
- the cluster page: 京津冀, 长三角, 粤港澳 in three columns (national and cluster reports).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enterprises.choices import ListingBoard
from portal import formatting as fmt
from portal import selectors
from portal.charts import Chart
from portal.indicators import PANEL, industries_merged
from portal.pages import batch_label, names_for
from regions.choices import CLUSTER_CITIES, CLUSTER_PROVINCES, Cluster
from reports.choices import Scope

from .. import regional as say
from .analysis import figure_title
from .structure import Chapter, Report

CITY_THRESHOLD = 150  # chart 3.3 of the original: cities with at least 150 enterprises …
ORIGINAL_N = 12192  # … of its 12,192 (report-outline.md); other populations scale the 150 (``_threshold``)
MIN_BIG_CITIES = 3  # fewer cities than this above a scaled threshold: chart 3.3 lists the region's cities
MAX_CITIES = 30
MIN_BUBBLE = 3  # a city's bubble needs this many enterprises: the means of one or two firms are outliers
PIE_SLICES = 6  # the cluster pie: the largest member cities, the rest as 其他
CLUSTER_ORDER = (Cluster.JJJ, Cluster.YRD, Cluster.GBA)
# The cluster page's four indicators against the nation: one per dimension of the panel.
CLUSTER_INDICATORS = tuple(dimension.indicators[0] for dimension in PANEL)
NOT_LISTED = (ListingBoard.NEEQ.value, "unlisted")  # 新三板 is quoted, not listed


@dataclass
class ClusterColumn:
    """One column of the cluster page."""

    code: str
    name: str
    n: int
    share: str  # of the nation's enterprises, formatted
    listed: int
    indicators: list[dict]  # {"label", "unit", "value", "national", "mark"}
    pie: Chart
    industries: list[dict]  # {"label", "value", "width"}: bars drawn in HTML, so that long labels wrap


def regions_chapter(report: Report) -> Chapter | None:
    if report.scope not in (Scope.NATIONAL, Scope.PROVINCE, Scope.CITY, Scope.CLUSTER):
        return None
    snapshot = report.snapshot
    provinces = [r for r in selectors.scope_rows(snapshot=snapshot, scope=Scope.PROVINCE) if r.enterprise_count]
    cities = [r for r in selectors.scope_rows(snapshot=snapshot, scope=Scope.CITY) if r.enterprise_count]
    if not provinces:
        return None
    chapter = Chapter("regions", _("区域科创版图"))
    province_names = names_for(provinces, Scope.PROVINCE)
    city_names = names_for(cities, Scope.CITY)
    national_n = report.national.get("enterprise_count") or 0
    _provinces_by_batch(report, chapter, provinces, province_names, national_n)
    area = _area_cities(report, cities)
    if report.scope == Scope.NATIONAL:
        _bubbles(report, chapter, provinces, province_names, by_city=False)
    elif len(area) > 1:
        # A city of one or two firms is an outlier of its own: the bubbles keep the cities of chart 3.3.
        least = max(MIN_BUBBLE, _threshold(sum(a.enterprise_count for a in area)))
        big = [c for c in area if c.enterprise_count >= least]
        if len(big) >= MIN_BIG_CITIES:
            _bubbles(report, chapter, big, city_names, by_city=True, least=least)
        else:
            _bubbles(report, chapter, area, city_names, by_city=True)
    area = cities if report.scope == Scope.NATIONAL else area
    _big_cities(report, chapter, area, city_names, national_n, _batches(provinces))
    if report.scope in (Scope.NATIONAL, Scope.CLUSTER):
        _cluster_page(report, chapter, cities, city_names)
    return chapter


def _area_cities(report: Report, cities: list) -> list:
    """The cities a regional report looks at: the province's (a city's own province), or the cluster's."""
    if report.scope == Scope.CLUSTER:
        return _cluster_cities(report.code, cities)
    if report.scope in (Scope.PROVINCE, Scope.CITY):
        return [c for c in cities if c.code[:2] == report.code[:2]]
    return cities


def _cluster_cities(cluster: str, cities: list) -> list:
    if cluster in CLUSTER_PROVINCES:
        prefixes = {code[:2] for code in CLUSTER_PROVINCES[cluster]}
        return [c for c in cities if c.code[:2] in prefixes]
    members = set(CLUSTER_CITIES.get(cluster, ()))
    return [c for c in cities if c.code in members]


def _batches(rows: list) -> list[str]:
    return sorted({b for r in rows for b in (r.metrics.get("batch_counts") or {})}, key=int)


def _stacked_chart(chart_id: str, title: str, rows: list, names: dict, column: str, batches: list[str]) -> Chart:
    """``batches``: the nation's, so that a batch has the same colour in charts 3.1 and 3.3."""
    counts = [[(r.metrics.get("batch_counts") or {}).get(b, 0) for b in batches] for r in rows]
    return Chart(
        id=chart_id,
        title=title,
        kind="stacked",
        categories=[names.get(r.code, r.name) for r in rows],
        series=[{"name": batch_label(b), "values": [row[i] for row in counts]} for i, b in enumerate(batches)],
        unit=_("家"),
        columns=[column] + [batch_label(b) for b in batches] + [_("合计")],
        rows=[
            [names.get(r.code, r.name)] + [fmt.number(v) for v in row] + [fmt.number(r.enterprise_count)]
            for r, row in zip(rows, counts, strict=True)
        ],
        tall=True,
    )


def _batch_sentence(rows: list, names: dict, *, by_city: bool, n: int, whole: str) -> str:
    """Who leads, and who leads the latest batch, among ``rows`` (largest first)."""
    batches = _batches(rows)
    latest = batches[-1] if batches else None
    leader, leader_count, total = None, 0, 0
    if latest is not None:
        per_row = [((r.metrics.get("batch_counts") or {}).get(latest, 0), r) for r in rows]
        total = sum(v for v, _r in per_row)
        leader_count, leader = max(per_row, key=lambda vr: (vr[0], vr[1].enterprise_count))
    return say.by_batch(
        by_city=by_city,
        leaders=[(names.get(r.code, r.name), r.enterprise_count) for r in rows[:3]],
        n=n,
        whole=whole,
        batch=batch_label(latest) if latest else "",
        batch_leader=names.get(leader.code, leader.name) if leader is not None else "",
        batch_leader_count=leader_count,
        batch_total=total,
    )


def _provinces_by_batch(report: Report, chapter: Chapter, provinces: list, names: dict, national_n: int) -> None:
    chapter.paragraphs.append(
        _batch_sentence(provinces, names, by_city=False, n=national_n, whole=pgettext("share of", "全国"))
    )
    chapter.charts.append(
        _stacked_chart(
            "regions-provinces",
            figure_title("3.1", _("各省份专精特新“小巨人”企业数量（按批次）")),
            provinces,
            names,
            _("省份"),
            _batches(provinces),
        )
    )


def _bubbles(report: Report, chapter: Chapter, rows: list, names: dict, *, by_city: bool, least: int = 0) -> None:
    nat = report.national
    employees, inventions = nat.get("employees_per_enterprise"), nat.get("valid_inventions_per_enterprise")
    points = [
        (
            names.get(r.code, r.name),
            r.metrics.get("employees_per_enterprise"),
            r.metrics.get("valid_inventions_per_enterprise"),
            r.enterprise_count,
        )
        for r in rows
    ]
    text = say.bubbles(by_city=by_city, points=points, employees=employees, inventions=inventions)
    if not text:
        return
    chapter.paragraphs.append(text + say.sentence(_("图表3.2中气泡的面积与企业数成正比，虚线为全国平均")))
    if by_city:
        title = _("%(name)s各城市企业规模与有效发明专利") % {"name": _area_name(report)}
        if least > 1:
            title += _("（企业数不少于%(k)s家的城市）") % {"k": fmt.number(least)}
    else:
        title = _("各省份企业规模与有效发明专利")
    x_name, y_name, size_name = _("平均参保人数（人）"), _("平均有效发明专利（件）"), _("企业数（家）")
    chapter.charts.append(
        Chart(
            id="regions-bubbles",
            title=figure_title("3.2", title),
            kind="bubble",
            categories=[p[0] for p in points],
            series=[
                {"name": x_name, "values": [p[1] for p in points]},
                {"name": y_name, "values": [p[2] for p in points]},
                {"name": size_name, "values": [p[3] for p in points]},
            ],
            columns=[_("城市") if by_city else _("省份"), x_name, y_name, size_name],
            rows=[[p[0], fmt.number(p[1], 1), fmt.number(p[2], 1), fmt.number(p[3])] for p in points],
            lines=[
                (_("全国平均%(n)s人") % {"n": fmt.number(employees)}, employees),
                (_("全国平均%(n)s件") % {"n": fmt.number(inventions, 1)}, inventions),
            ],
        )
    )


def _area_name(report: Report) -> str:
    if report.scope == Scope.CITY and report.parent_name:
        return report.parent_name
    return report.name


def _threshold(area_n: int) -> int:
    """The original's 150 cities-rule at its own scale (150 of 12,192), scaled to ``area_n`` enterprises: 150
    for the nation at report scale, proportionally fewer for a region or a smaller dataset."""
    return max(1, -(-CITY_THRESHOLD * area_n // ORIGINAL_N))


def _big_cities(report: Report, chapter: Chapter, cities: list, names: dict, national_n: int, batches: list) -> None:
    """Chart 3.3: the cities at or above the threshold, or all of the region's cities when fewer than
    ``MIN_BIG_CITIES`` reach it."""
    area_n = national_n if report.scope == Scope.NATIONAL else sum(c.enterprise_count for c in cities)
    threshold = _threshold(area_n)
    big = [c for c in cities if c.enterprise_count >= threshold][:MAX_CITIES]
    whole = pgettext("share of", "全国") if report.scope == Scope.NATIONAL else _area_name(report)
    if len(big) >= MIN_BIG_CITIES:
        if report.scope == Scope.NATIONAL:
            title = _("企业数不少于%(k)s家的城市（按批次）") % {"k": fmt.number(threshold)}
        else:
            title = _("%(name)s企业数不少于%(k)s家的城市（按批次）") % {"name": whole, "k": fmt.number(threshold)}
        rule = ""
        if threshold != CITY_THRESHOLD:
            rule = say.sentence(
                _("图表3.3沿用原报告的门槛：全国%(n)s家企业时为%(k)s家，按本报告的%(m)s家企业同比例折算为%(t)s家")
                % {
                    "n": fmt.number(ORIGINAL_N),
                    "k": CITY_THRESHOLD,
                    "m": fmt.number(area_n),
                    "t": fmt.number(threshold),
                }
            )
        cities_named = [(names.get(c.code, c.name), c.enterprise_count) for c in big]
        text = say.big_cities(threshold=threshold, cities=cities_named, n=area_n, whole=whole)
        chapter.paragraphs.append(text + rule)
    else:
        big = cities[:MAX_CITIES]
        title = _("%(name)s各城市企业数量（按批次）") % {"name": whole}
        chapter.paragraphs.append(_batch_sentence(big, names, by_city=True, n=area_n, whole=whole))
    if big:
        chapter.charts.append(
            _stacked_chart("regions-cities", figure_title("3.3", title), big, names, _("城市"), batches)
        )


# --- The cluster page --------------------------------------------------------------------------------


@dataclass
class ClusterPage:
    title: str
    paragraph: str
    columns: list[ClusterColumn]
    note: str


def _listed(metrics: dict) -> int:
    return sum(v for k, v in (metrics.get("board_counts") or {}).items() if k not in NOT_LISTED)


def _mark(value, national) -> str | None:
    if value is None or national is None:
        return None
    return "up" if value > national else "down" if value < national else "equal"


def _cluster_pie(code: str, members: list, names: dict) -> Chart:
    """The cluster's enterprises by member city: the largest cities, the rest together."""
    shown = members if len(members) <= PIE_SLICES else members[: PIE_SLICES - 1]
    labels = [names.get(c.code, c.name) for c in shown]
    values = [c.enterprise_count for c in shown]
    rest = sum(c.enterprise_count for c in members[len(shown) :])
    if rest:
        labels.append(_("其他城市"))
        values.append(rest)
    return Chart(
        id=f"cluster-{code}-cities",
        title=_("成员城市"),
        kind="pie",
        categories=labels,
        series=[{"name": _("企业数"), "values": values}],
        unit=_("家"),
        columns=[_("城市"), _("企业数（家）")],
        rows=[[label, fmt.number(v)] for label, v in zip(labels, values, strict=True)],
    )


def _industry_bars(metrics: dict) -> list[dict]:
    rows = industries_merged(metrics.get("industry_counts") or {})
    top = max((v for _k, _l, v in rows), default=0) or 1
    return [{"label": label, "value": v, "width": round(v / top * 80, 1)} for _k, label, v in rows]


def _cluster_column(report: Report, row, name: str, cities: list, city_names: dict) -> ClusterColumn:
    m, nat = row.metrics, report.national
    national_n = nat.get("enterprise_count") or 0
    return ClusterColumn(
        code=row.code,
        name=name,
        n=row.enterprise_count,
        share=fmt.percent(row.enterprise_count / national_n if national_n else None),
        listed=_listed(m),
        indicators=[
            {
                "label": indicator.label,
                "unit": indicator.unit,
                "key": indicator.key,
                "value": m.get(indicator.key),
                "national": nat.get(indicator.key),
                "mark": _mark(m.get(indicator.key), nat.get(indicator.key)),
            }
            for indicator in CLUSTER_INDICATORS
        ],
        pie=_cluster_pie(row.code, _cluster_cities(row.code, cities), city_names),
        industries=_industry_bars(m),
    )


def _cluster_page(report: Report, chapter: Chapter, cities: list, city_names: dict) -> None:
    rows = {r.code: r for r in selectors.scope_rows(snapshot=report.snapshot, scope=Scope.CLUSTER)}
    present = [rows[c.value] for c in CLUSTER_ORDER if c.value in rows and rows[c.value].enterprise_count]
    if not present:
        return
    names = names_for(present, Scope.CLUSTER)
    columns = [_cluster_column(report, r, names.get(r.code, r.name), cities, city_names) for r in present]
    leaders = []
    for dimension, indicator in zip(PANEL, CLUSTER_INDICATORS, strict=True):
        known = [
            (r.metrics.get(indicator.key), i) for i, r in enumerate(present) if r.metrics.get(indicator.key) is not None
        ]
        if known:
            best = max(known, key=lambda vi: (vi[0], -vi[1]))[1]
            leaders.append((str(dimension.label), names.get(present[best].code, present[best].name)))
    chapter.cluster_page = ClusterPage(
        title=_("三大城市群：京津冀、长三角、粤港澳"),
        paragraph=say.clusters_compared(clusters=[(c.name, c.n) for c in columns], leaders=leaders),
        columns=columns,
        note=_(
            "注：粤港澳城市群只统计广东省的九个城市（广州、深圳、珠海、佛山、惠州、东莞、中山、江门、肇庆），"
            "不含香港和澳门；京津冀和长三角按所含省份的全部城市统计。"
        ),
    )
