"""What each public page shows, built from stored rows: the views only pick the region and render.

Every function returns a template context. Numbers stay raw here (the templates format them with the
``portal`` filters); chart tables are formatted here because they are plain lists of cells.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from enterprises.choices import DesignationStatus, IndustryField
from patents.choices import PATENT_OFFICES, PatentType
from regions.choices import Cluster
from regions.models import City, Province
from reports.choices import NATIONAL_CODE, OVERSEAS_BUCKETS, PCT_BUCKETS, Scope
from reports.metrics import last_complete_year

from . import formatting as fmt
from . import selectors
from .charts import Chart
from .indicators import (
    BOARD_LABELS,
    BOARD_ORDER,
    INDUSTRY_LABELS,
    OVERSEAS_BUCKET_LABELS,
    PANEL,
    PCT_BUCKET_LABELS,
    industries_merged,
)
from .tiles import PROVINCE_TILES

NATIONAL = (Scope.NATIONAL.value, NATIONAL_CODE)


def english() -> bool:
    return not (get_language() or "zh-hans").startswith("zh")


def division_name(division) -> str:
    """A province's or city's name in the active language."""
    return division.name_en if english() and division.name_en else division.name


def names_for(rows, scope: str) -> dict[str, str]:
    """Display names of indicator rows' codes (one query in English, none in Chinese)."""
    codes = [row.code for row in rows]
    if scope == Scope.CLUSTER:
        return {c.value: str(c.label) for c in Cluster}
    if not english():
        return {row.code: row.name for row in rows}
    model = Province if scope == Scope.PROVINCE else City
    return dict(model.objects.filter(code__in=codes).values_list("code", "name_en"))


def batch_label(batch) -> str:
    return _("第%(n)s批") % {"n": batch}


def with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


# --- Regions ------------------------------------------------------------------------------------


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


def years_chart(metrics: dict, *, chart_id: str, as_of, key: str = "applications_by_year") -> Chart:
    series = metrics.get(key) or {}
    years = sorted(series, key=int)
    title = _("历年专利申请量（按公开年）") if key == "applications_by_year" else _("历年PCT申请量（按公开年）")
    partial = str(as_of.year) if last_complete_year(as_of) < as_of.year else None
    return Chart(
        id=chart_id,
        title=title,
        kind="bar",
        categories=years,
        series=[{"name": _("专利申请"), "values": [series[y] for y in years]}],
        unit=_("件"),
        columns=[_("年份"), _("申请量（件）")],
        rows=[[y + ("*" if y == partial else ""), fmt.number(series[y])] for y in years],
        caption=_("*%(year)s年只计到截止日期") % {"year": partial} if partial else "",
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
    )


def region_context(choice, region: Region) -> dict:
    snapshot = choice.current
    earlier = choice.earlier
    keys = [(region.scope, region.code), NATIONAL]
    rows = selectors.indicators_get(snapshot=snapshot, keys=keys)
    indicator = rows.get((region.scope, region.code))
    national = rows.get(NATIONAL)
    national_metrics = national.metrics if national else {}
    metrics = indicator.metrics if indicator else {}
    n = metrics.get("enterprise_count") or 0
    context = {
        "choice": choice,
        "region": region,
        "indicator": indicator,
        "metrics": metrics,
        "national": national_metrics,
        "is_empty": n == 0,
        "compare_url": reverse("portal:compare") + f"?codes={region.code}",
        "list_url": reverse("portal:enterprise-list") + f"?{region.scope}={region.code}",
    }
    if n == 0:
        return context
    earlier_metrics = None
    if earlier is not None:
        previous = selectors.indicators_get(snapshot=earlier, keys=[(region.scope, region.code)])
        row = previous.get((region.scope, region.code))
        earlier_metrics = row.metrics if row else {}
    rank, peers = selectors.peer_rank(indicator=indicator)
    context.update(
        {
            "rank": rank,
            "peers": peers,
            "earlier": earlier,
            "panel": panel_rows(metrics, national_metrics, earlier_metrics),
            "capital": boards_block(metrics),
            "industry_chart": industry_chart(
                metrics,
                "industry_applications",
                chart_id="industries",
                title=_("累计专利申请量"),
                unit=_("件"),
            ),
            "other_industry_applications": (metrics.get("industry_applications") or {}).get(IndustryField.OTHER, 0),
            "batch_chart": batch_chart(metrics, chart_id="batches"),
            "years_chart": years_chart(metrics, chart_id="years", as_of=snapshot.as_of),
            "representatives": selectors.representative_enterprises(
                snapshot=snapshot, scope=region.scope, code=region.code, national=national_metrics
            ),
        }
    )
    if region.scope == Scope.PROVINCE:
        cities = [
            r
            for r in selectors.scope_rows(snapshot=snapshot, scope=Scope.CITY, prefix=region.code[:2])
            if r.enterprise_count
        ]
        names = names_for(cities, Scope.CITY)
        context["members_title"] = _("各城市专精特新“小巨人”企业数量")
        context["members"] = [
            {"name": names.get(r.code, r.name), "url": region_url(Scope.CITY, r.code), "row": r} for r in cities
        ]
    elif region.scope == Scope.CLUSTER:
        scope, codes = selectors.cluster_member_keys(region.code)
        members = selectors.scope_rows(snapshot=snapshot, scope=scope, codes=codes)
        names = names_for(members, scope)
        context["members_title"] = _("城市群成员")
        context["members"] = [
            {"name": names.get(r.code, r.name), "url": region_url(scope, r.code), "row": r} for r in members
        ]
    return context


# --- National overview --------------------------------------------------------------------------


def overview_context(choice) -> dict:
    snapshot = choice.current
    national_row = selectors.indicators_get(snapshot=snapshot, keys=[NATIONAL]).get(NATIONAL)
    national = national_row.metrics if national_row else {}
    earlier_metrics = None
    if choice.earlier is not None:
        row = selectors.indicators_get(snapshot=choice.earlier, keys=[NATIONAL]).get(NATIONAL)
        earlier_metrics = row.metrics if row else {}
    provinces = selectors.scope_rows(snapshot=snapshot, scope=Scope.PROVINCE)
    province_names = names_for(provinces, Scope.PROVINCE)
    cities = selectors.scope_rows(snapshot=snapshot, scope=Scope.CITY, limit=10)
    city_names = names_for(cities, Scope.CITY)
    clusters = selectors.scope_rows(snapshot=snapshot, scope=Scope.CLUSTER)
    cluster_names = names_for(clusters, Scope.CLUSTER)

    # Population by batch: announced (every 小巨人 designation of the batch) against those counted.
    counted = national.get("batch_counts") or {}
    announced = selectors.batch_announced_counts()
    batches = sorted({int(b) for b in counted} | {b for b in announced if str(b) in counted})
    batch_chart = Chart(
        id="batches",
        title=_("各批次企业数量"),
        kind="grouped",
        categories=[batch_label(b) for b in batches],
        series=[
            {"name": _("公示"), "values": [announced.get(b, {}).get("announced", 0) for b in batches]},
            {"name": _("纳入统计"), "values": [counted.get(str(b), 0) for b in batches]},
        ],
        unit=_("家"),
        columns=[_("批次"), _("公示（家）"), _("纳入统计（家）")],
        rows=[
            [batch_label(b), fmt.number(announced.get(b, {}).get("announced", 0)), fmt.number(counted.get(str(b), 0))]
            for b in batches
        ],
    )
    ranked = [p for p in provinces if p.enterprise_count]
    province_chart = Chart(
        id="provinces",
        title=_("各省份专精特新“小巨人”企业数量"),
        kind="hbar",
        categories=[province_names.get(p.code, p.name) for p in ranked],
        series=[{"name": _("企业数"), "values": [p.enterprise_count for p in ranked]}],
        unit=_("家"),
        columns=[_("省份"), _("企业数（家）")],
        rows=[[province_names.get(p.code, p.name), fmt.number(p.enterprise_count)] for p in ranked],
        tall=True,
    )
    top_cities = [c for c in cities if c.enterprise_count]
    city_chart = Chart(
        id="cities",
        title=_("专精特新“小巨人”企业数量最多的城市"),
        kind="hbar",
        categories=[city_names.get(c.code, c.name) for c in top_cities],
        series=[{"name": _("企业数"), "values": [c.enterprise_count for c in top_cities]}],
        unit=_("家"),
        columns=[_("城市"), _("企业数（家）")],
        rows=[[city_names.get(c.code, c.name), fmt.number(c.enterprise_count)] for c in top_cities],
        tall=True,
    )
    board_counts = national.get("board_counts") or {}
    boards = [(str(BOARD_LABELS[k]), board_counts.get(k, 0)) for k in BOARD_ORDER if board_counts.get(k)]
    board_chart = Chart(
        id="boards",
        title=_("资本市场参与情况"),
        kind="bar",
        categories=[label for label, _v in boards],
        series=[{"name": _("企业数"), "values": [v for _l, v in boards]}],
        unit=_("家"),
        columns=[_("板块"), _("企业数（家）")],
        rows=[[label, fmt.number(v)] for label, v in boards],
    )
    pct = national.get("pct_buckets") or {}
    overseas = national.get("overseas_buckets") or {}
    bucket_chart_pct = Chart(
        id="pct-buckets",
        title=_("PCT专利申请数量分布"),
        kind="bar",
        categories=[str(PCT_BUCKET_LABELS[k]) for k in PCT_BUCKETS],
        series=[{"name": _("企业数"), "values": [pct.get(k, 0) for k in PCT_BUCKETS]}],
        unit=_("家"),
        columns=[_("PCT申请"), _("企业数（家）")],
        rows=[[str(PCT_BUCKET_LABELS[k]), fmt.number(pct.get(k, 0))] for k in PCT_BUCKETS],
    )
    bucket_chart_overseas = Chart(
        id="overseas-buckets",
        title=_("海外市场布局数量分布"),
        kind="bar",
        categories=[str(OVERSEAS_BUCKET_LABELS[k]) for k in OVERSEAS_BUCKETS],
        series=[{"name": _("企业数"), "values": [overseas.get(k, 0) for k in OVERSEAS_BUCKETS]}],
        unit=_("家"),
        columns=[_("海外市场"), _("企业数（家）")],
        rows=[[str(OVERSEAS_BUCKET_LABELS[k]), fmt.number(overseas.get(k, 0))] for k in OVERSEAS_BUCKETS],
    )
    cluster_rows = [
        {
            "name": cluster_names.get(c.code, c.name),
            "url": region_url(Scope.CLUSTER, c.code),
            "row": c,
            "m": c.metrics,
        }
        for c in sorted(clusters, key=lambda c: Cluster.values.index(c.code) if c.code in Cluster.values else 9)
    ]
    cluster_chart = Chart(
        id="clusters",
        title=_("三大城市群企均专利申请量"),
        kind="bar",
        categories=[_("全国")] + [c["name"] for c in cluster_rows],
        series=[
            {
                "name": _("专利申请总量（件/家）"),
                "values": [_round(national.get("applications_per_enterprise"))]
                + [_round(c["m"].get("applications_per_enterprise")) for c in cluster_rows],
            }
        ],
        unit=_("件/家"),
        columns=[_("地区"), _("专利申请总量（件/家）")],
        rows=[[_("全国"), fmt.metric("applications_per_enterprise", national.get("applications_per_enterprise"))]]
        + [
            [c["name"], fmt.metric("applications_per_enterprise", c["m"].get("applications_per_enterprise"))]
            for c in cluster_rows
        ],
    )
    return {
        "choice": choice,
        "national": national,
        "is_empty": not national.get("enterprise_count"),
        "earlier": choice.earlier,
        "panel": panel_rows(national, national, earlier_metrics),
        "capital": boards_block(national),
        "tiles": province_tiles(provinces, province_names),
        "charts": {
            "batches": batch_chart,
            "provinces": province_chart,
            "cities": city_chart,
            "industries": industry_chart(
                national,
                "industry_counts",
                chart_id="industries",
                title=_("各产业领域企业数量"),
                unit=_("家"),
                include_other=True,
            ),
            "boards": board_chart,
            "pct": bucket_chart_pct,
            "overseas": bucket_chart_overseas,
            "years": years_chart(national, chart_id="years", as_of=snapshot.as_of),
            "clusters": cluster_chart,
        },
        "clusters": cluster_rows,
        "city_links": [
            {"name": city_names.get(c.code, c.name), "url": region_url(Scope.CITY, c.code), "row": c}
            for c in top_cities
        ],
    }


def _round(value, digits: int = 2):
    return round(value, digits) if value is not None else None


TILE_COLOURS = ("#eef3fa", "#cddcf0", "#9dbbe2", "#6b97cf", "#3f72b6", "#1d4f91")


def province_tiles(provinces, names: dict[str, str]) -> list[dict]:
    """The tile-grid map: one square per province, shaded by its share of the largest count."""
    by_code = {p.code: p for p in provinces}
    top = max((p.enterprise_count for p in provinces), default=0) or 1
    tiles = []
    for code, (row, col, short) in PROVINCE_TILES.items():
        p = by_code.get(code)
        n = p.enterprise_count if p else 0
        level = 0 if not n else min(5, 1 + int(4 * n / top))
        tiles.append(
            {
                "code": code,
                "x": col * 62 + 2,
                "y": row * 62 + 2,
                "label": names.get(code, short) if english() else short,
                "name": names.get(code, short),
                "count": n,
                "fill": TILE_COLOURS[level],
                "dark": level >= 4,
                "url": region_url(Scope.PROVINCE, code),
            }
        )
    return tiles


# --- Compare ------------------------------------------------------------------------------------

MAX_COMPARED = 4


def compare_context(choice, raw_codes: str) -> dict:
    snapshot = choice.current
    regions, unknown = [], []
    for code in [c for c in raw_codes.replace("，", ",").split(",") if c.strip()][: MAX_COMPARED + 2]:
        region = region_from_code(code)
        if region is None:
            unknown.append(code.strip())
        elif all((region.scope, region.code) != (r.scope, r.code) for r in regions):
            regions.append(region)
    too_many = len(regions) > MAX_COMPARED
    regions = regions[:MAX_COMPARED]
    rows = selectors.indicators_get(snapshot=snapshot, keys=[NATIONAL] + [(r.scope, r.code) for r in regions])
    national = rows.get(NATIONAL).metrics if rows.get(NATIONAL) else {}
    columns = [
        {"name": _("全国"), "url": reverse("portal:overview"), "m": national, "national": True, "key": "national/CN"}
    ]
    for region in regions:
        row = rows.get((region.scope, region.code))
        columns.append(
            {
                "name": region.name,
                "url": region.url,
                "m": row.metrics if row else {},
                "national": False,
                "key": f"{region.scope}/{region.code}",
            }
        )
    table = []
    for dimension in PANEL:
        for indicator in dimension.indicators:
            table.append(
                {
                    "dimension": dimension.label,
                    "indicator": indicator,
                    "key": indicator.key,
                    "cells": [
                        {
                            "value": c["m"].get(indicator.key),
                            "key": c["key"],
                            "mark": None
                            if c["national"]
                            else _mark(c["m"].get(indicator.key), national.get(indicator.key)),
                        }
                        for c in columns
                    ],
                }
            )
    years = sorted(national.get("applications_by_year") or {}, key=int)
    per_enterprise = []
    for c in columns:
        n = c["m"].get("enterprise_count") or 0
        series = c["m"].get("applications_by_year") or {}
        per_enterprise.append([round(series.get(y, 0) / n, 2) if n else None for y in years])
    years_chart = Chart(
        id="compare-years",
        title=_("历年企均专利申请量（件/家）"),
        kind="line",
        categories=years,
        series=[{"name": c["name"], "values": v} for c, v in zip(columns, per_enterprise, strict=True)],
        unit=_("件/家"),
        columns=[_("年份")] + [c["name"] for c in columns],
        rows=[[y] + [fmt.number(v[i], 2) for v in per_enterprise] for i, y in enumerate(years)],
    )
    industry_keys = [key for key, _l, _v in industries_merged(national.get("industry_applications") or {})]
    shares = []
    for c in columns:
        merged = {key: value for key, _l, value in industries_merged(c["m"].get("industry_applications") or {})}
        total = sum(merged.values())
        shares.append([round(merged.get(k, 0) / total, 4) if total else None for k in industry_keys])
    industry_chart_ = Chart(
        id="compare-industries",
        title=_("各产业领域专利申请占比"),
        kind="grouped",
        categories=[str(INDUSTRY_LABELS[k]) for k in industry_keys],
        series=[{"name": c["name"], "values": v} for c, v in zip(columns, shares, strict=True)],
        percent=True,
        columns=[_("产业领域")] + [c["name"] for c in columns],
        rows=[[str(INDUSTRY_LABELS[k])] + [fmt.percent(v[i]) for v in shares] for i, k in enumerate(industry_keys)],
        tall=True,
    )
    return {
        "choice": choice,
        "regions": regions,
        "columns": columns,
        "table": table,
        "unknown": unknown,
        "too_many": too_many,
        "codes": ",".join(r.code for r in regions),
        "years_chart": years_chart,
        "industry_chart": industry_chart_,
        "province_options": list(Province.objects.order_by("code").values_list("code", "name", "name_en")),
        "cluster_options": [(c.value, str(c.label)) for c in Cluster],
        "max_compared": MAX_COMPARED,
    }


def _mark(value, average):
    if value is None or average is None:
        return None
    return "up" if value > average else "down" if value < average else "equal"


# --- Enterprise profile -------------------------------------------------------------------------

# (measure, metric key of the per-enterprise average: a *_per_enterprise key or a *_total divided by n)
ENTERPRISE_MEASURES = (
    ("applications", _("专利申请"), "applications_per_enterprise"),
    ("invention_applications", _("发明专利申请"), "invention_applications_total"),
    ("granted_inventions", _("发明专利授权"), "granted_inventions_total"),
    ("valid_inventions", _("有效发明专利"), "valid_inventions_per_enterprise"),
    ("citations", _("专利被引次数"), "citations_per_enterprise"),
    ("licenses", _("专利对外许可次数"), "licenses_per_enterprise"),
    ("transfers", _("专利转让次数"), "transfers_per_enterprise"),
    ("pct_applications", _("PCT专利申请"), "pct_per_enterprise"),
    ("overseas_markets", _("专利布局海外市场数"), "overseas_markets_per_enterprise"),
)


def _average(metrics: dict, key: str):
    if key.endswith("_total"):
        n = metrics.get("enterprise_count") or 0
        return metrics.get(key) / n if n and metrics.get(key) is not None else None
    return metrics.get(key)


def enterprise_context(choice, enterprise, *, patent_filters: dict, after, page_size: int = 20) -> dict:
    snapshot = choice.current
    measure = selectors.enterprise_measure(snapshot=snapshot, enterprise=enterprise)
    designations = sorted(enterprise.designations.all(), key=lambda d: (d.program, d.batch))
    little_giant = [d for d in designations if d.program == "little_giant"]
    revoked = bool(little_giant) and all(d.status == DesignationStatus.REVOKED for d in little_giant)
    context = {
        "choice": choice,
        "enterprise": enterprise,
        "province_name": division_name(enterprise.province),
        "city_name": division_name(enterprise.city) if enterprise.city else "",
        "province_url": region_url(Scope.PROVINCE, enterprise.province_id),
        "city_url": region_url(Scope.CITY, enterprise.city_id) if enterprise.city_id else "",
        "designations": designations,
        "revoked": revoked,
        "measure": measure,
        "industry_label": INDUSTRY_LABELS.get(enterprise.industry_field, ""),
        "board_label": BOARD_LABELS.get(enterprise.listing_board, "") if enterprise.listing_board else "",
    }
    patents = selectors.enterprise_patents(enterprise=enterprise, as_of=snapshot.as_of)
    if measure is not None:
        averages = selectors.enterprise_averages(snapshot=snapshot, enterprise=enterprise)
        percentiles = selectors.enterprise_percentiles(measure=measure)
        columns = [
            ("province", context["province_name"]),
            ("industry", context["industry_label"]),
            ("national", _("全国")),
        ]
        earlier = (
            selectors.enterprise_measure(snapshot=choice.earlier, enterprise=enterprise) if choice.earlier else None
        )
        context["earlier"] = choice.earlier
        comparison = []
        for key, label, average_key in ENTERPRISE_MEASURES:
            comparison.append(
                {
                    "key": key,
                    "label": label,
                    "value": getattr(measure, key),
                    "averages": [
                        {
                            "value": _average(averages[scope].metrics, average_key) if scope in averages else None,
                            # Averages stored as such (not derived here) are marked for the browser tests,
                            # which compare them with the indicator API.
                            "metric": average_key if average_key.endswith("_per_enterprise") else "",
                            "region": f"{averages[scope].scope}/{averages[scope].code}" if scope in averages else "",
                        }
                        for scope, _n in columns
                    ],
                    "percentile": percentiles.get(key),
                    # None when the enterprise was not counted at the earlier snapshot.
                    "change": getattr(measure, key) - getattr(earlier, key) if earlier is not None else None,
                }
            )
        context["comparison_columns"] = [name for _s, name in columns]
        context["comparison"] = comparison
        years = measure.applications_by_year()
        context["years_chart"] = Chart(
            id="enterprise-years",
            title=_("历年专利申请量（按公开年）"),
            kind="bar",
            categories=[str(y) for y in years],
            series=[{"name": _("专利申请"), "values": list(years.values())}],
            unit=_("件"),
            columns=[_("年份"), _("申请量（件）")],
            rows=[[str(y), fmt.number(v)] for y, v in years.items()],
        )
    breakdown = selectors.patent_breakdown(patents=patents)
    by_type: dict[str, int] = {}
    by_office: dict[str, int] = {}
    by_ipc: dict[str, int] = {}
    for row in breakdown:
        by_type[row["patent_type"]] = by_type.get(row["patent_type"], 0) + row["n"]
        by_office[row["jurisdiction"]] = by_office.get(row["jurisdiction"], 0) + row["n"]
        if row["ipc"]:
            by_ipc[row["ipc"]] = by_ipc.get(row["ipc"], 0) + row["n"]
    by_type = dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])))
    type_labels = dict(PatentType.choices)
    context["type_chart"] = Chart(
        id="enterprise-types",
        title=_("专利类型"),
        kind="pie",
        categories=[str(type_labels.get(k, k)) for k in by_type],
        series=[{"name": _("专利"), "values": list(by_type.values())}],
        unit=_("件"),
        columns=[_("类型"), _("数量（件）")],
        rows=[[str(type_labels.get(k, k)), fmt.number(v)] for k, v in by_type.items()],
    )
    offices = sorted(by_office.items(), key=lambda kv: (-kv[1], kv[0]))
    context["office_chart"] = Chart(
        id="enterprise-offices",
        title=_("受理局"),
        kind="hbar",
        categories=[_office_label(k) for k, _v in offices],
        series=[{"name": _("专利"), "values": [v for _k, v in offices]}],
        unit=_("件"),
        columns=[_("受理局"), _("数量（件）")],
        rows=[[_office_label(k), fmt.number(v)] for k, v in offices],
    )
    context["patent_total"] = sum(by_type.values())
    context["ipc_classes"] = [
        {"ipc": ipc, "n": n} for ipc, n in sorted(by_ipc.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    ]
    filtered = patents
    if patent_filters.get("type") in type_labels:
        filtered = filtered.filter(patent_type=patent_filters["type"])
    if patent_filters.get("office"):
        filtered = filtered.filter(jurisdiction=patent_filters["office"].upper()[:2])
    page, following = selectors.patents_page(patents=filtered, after=after, size=page_size)
    context["patents"] = page
    context["patent_filters"] = patent_filters
    context["type_options"] = PatentType.choices
    context["office_options"] = [(k, _office_label(k)) for k, _v in offices]
    context["next_key"] = f"{following[0].isoformat()}~{following[1]}" if following else ""
    context["is_first_page"] = after is None
    return context


def _office_label(code: str) -> str:
    label = PATENT_OFFICES.get(code)
    return f"{label} ({code})" if label else code


def methodology_context() -> dict:
    from . import methodology

    return {
        "population_rule": methodology.POPULATION_RULE,
        "patent_rule": methodology.PATENT_RULE,
        "measures": methodology.MEASURES,
        "indicators": methodology.INDICATORS,
        "rules": methodology.RULES,
        "limits": methodology.LIMITS,
        "composite": methodology.composite_text(),
        "sources": methodology.SOURCES,
    }


# --- Enterprise list ----------------------------------------------------------------------------

# Sorting by the main measures of the snapshot (the FilterSet's own ``ordering`` sorts by identity fields).
LIST_SORTS = {
    "applications": _("专利申请"),
    "valid_inventions": _("有效发明专利"),
    "citations": _("被引次数"),
    "pct_applications": _("PCT申请"),
}


# The FilterSet's filters shown on the page, in this order (the API has a few more, e.g. updated_after).
LIST_FILTERS = ("q", "province", "city", "cluster", "batch", "designation_status", "industry_field", "listing_board")


def _filter_controls(filterset, params) -> list[dict]:
    """The list's filters as plain option lists: Django's widget templates render each of the ~370 city
    options through the template engine, which cost more than the query behind the page."""
    form = filterset.form
    names = {
        "province": list(Province.objects.order_by("code").values_list("code", "name", "name_en")),
        "city": list(City.objects.order_by("code").values_list("code", "name", "name_en")),
    }
    controls = []
    for name in LIST_FILTERS:
        if name not in form.fields:
            continue
        field = form.fields[name]
        selected = set(params.getlist(name))
        control = {"name": name, "label": field.label, "errors": form.errors.get(name, [])}
        if name == "q":
            control["text"] = params.get("q", "")
        else:
            if name in names:
                choices = [(code, name_en if english() else zh) for code, zh, name_en in names[name]]
            elif name == "batch":
                choices = [(str(n), batch_label(n)) for n in range(1, 11)]
            else:
                choices = [(value, str(label)) for value, label in field.choices if value != ""]
            control["multiple"] = name != "cluster"
            control["options"] = [(value, label, value in selected) for value, label in choices]
        controls.append(control)
    return controls


class _BoundedPaginator(Paginator):
    """Counts the rows only up to ``cap`` (the rows of the pages a reader can reach).

    A COUNT(*) of every matching enterprise grew with the data (130,000 at the national scale) while the
    list shows at most ``cap`` rows: beyond them the page says "more than" and offers the export.
    """

    def __init__(self, object_list, per_page, *, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _bounded_count(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def more(self) -> bool:
        return self._bounded_count > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)


def enterprise_list_context(choice, *, filterset_class, params, page_size: int, max_pages: int) -> dict:
    from django.core.paginator import EmptyPage, PageNotAnInteger
    from django.db.models import F, FilteredRelation, Q

    from enterprises.models import Enterprise

    snapshot = choice.current
    # One join with the snapshot's measure rows (at most one per enterprise): sorting by a measure then
    # reads each enterprise's value once. Correlated subqueries, one per enterprise and column, made the
    # list sorted by applications take seconds at report scale and grow with the enterprises.
    queryset = (
        Enterprise.objects.select_related("province", "city")
        .annotate(measure=FilteredRelation("snapshot_measures", condition=Q(snapshot_measures__snapshot=snapshot)))
        .annotate(**{f"m_{key}": F(f"measure__{key}") for key in LIST_SORTS})
    )
    filterset = filterset_class(params, queryset=queryset)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    sort = params.get("sort", "")
    if sort.lstrip("-") in LIST_SORTS:
        column = F(f"m_{sort.lstrip('-')}")
        rows = rows.order_by(
            column.asc(nulls_last=True) if not sort.startswith("-") else column.desc(nulls_last=True), "pk"
        )
    elif not params.get("ordering"):
        rows = rows.order_by("name", "pk")
    paginator = _BoundedPaginator(rows, page_size, cap=page_size * max_pages)
    try:
        number = min(int(params.get("page", 1)), max_pages)
        page = paginator.page(number)
    except (PageNotAnInteger, ValueError):
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(min(paginator.num_pages, max_pages))
    export_query = params.copy()
    for key in ("page", "sort", "as_of"):
        export_query.pop(key, None)
    export_query["format"] = "csv"
    return {
        "choice": choice,
        "filterset": filterset,
        "filter_controls": _filter_controls(filterset, params),
        "page": page,
        "total": paginator.count,
        "capped": paginator.more,
        "max_pages": max_pages,
        "sort": sort,
        "sorts": [(key, label) for key, label in LIST_SORTS.items()],
        "export_url": "/api/v1/enterprises/?" + export_query.urlencode(),
    }
