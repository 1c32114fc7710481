"""The national overview (the report's charts) and the methodology page."""

from django.utils.translation import gettext as _

from regions.choices import Cluster
from reports.choices import OVERSEAS_BUCKETS, PCT_BUCKETS, Scope

from .. import formatting as fmt
from .. import selectors
from ..charts import Chart
from ..indicators import (
    BOARD_LABELS,
    BOARD_ORDER,
    OVERSEAS_BUCKET_LABELS,
    PCT_BUCKET_LABELS,
)
from ..tiles import PROVINCE_TILES
from .common import (
    NATIONAL,
    batch_label,
    boards_block,
    english,
    industry_chart,
    names_for,
    panel_rows,
    region_url,
    years_chart,
)


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


def methodology_context() -> dict:
    from .. import methodology

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
