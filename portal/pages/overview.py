"""The national overview (the report's charts) and the methodology page."""

from django.utils.translation import gettext as _

from regions.choices import Cluster
from reports.choices import Scope

from .. import formatting as fmt
from .. import selectors
from ..charts import Chart
from ..tiles import PROVINCE_TILES, TILE_LINES_EN
from .common import (
    NATIONAL,
    announced_batch_chart,
    boards_block,
    boards_chart,
    bucket_charts,
    chart_page,
    english,
    industry_chart,
    names_for,
    panel_rows,
    ranked_chart,
    region_url,
    years_chart,
)


def overview_context(choice) -> dict:
    snapshot = choice.current
    national = _national_metrics(snapshot)
    earlier_metrics = _national_metrics(choice.earlier) if choice.earlier is not None else None
    provinces = selectors.scope_rows(snapshot=snapshot, scope=Scope.PROVINCE)
    province_names = names_for(provinces, Scope.PROVINCE)
    cities = selectors.scope_rows(snapshot=snapshot, scope=Scope.CITY, limit=10)
    city_names = names_for(cities, Scope.CITY)
    top_cities = [c for c in cities if c.enterprise_count]
    clusters = _cluster_rows(selectors.scope_rows(snapshot=snapshot, scope=Scope.CLUSTER))
    capital = boards_block(national)
    return {
        "choice": choice,
        "chart_page": chart_page("overview", "national"),
        "national": national,
        "is_empty": not national.get("enterprise_count"),
        "earlier": choice.earlier,
        "panel": panel_rows(national, national, earlier_metrics),
        "capital": capital,
        "tiles": province_tiles(provinces, province_names),
        "charts": _charts(national, snapshot, provinces, province_names, top_cities, city_names, clusters, capital),
        "clusters": clusters,
        "city_links": [
            {"name": city_names.get(c.code, c.name), "url": region_url(Scope.CITY, c.code), "row": c}
            for c in top_cities
        ],
    }


def _national_metrics(snapshot) -> dict:
    row = selectors.indicators_get(snapshot=snapshot, keys=[NATIONAL]).get(NATIONAL)
    return row.metrics if row else {}


def _charts(national, snapshot, provinces, province_names, top_cities, city_names, clusters, capital) -> dict:
    """The report's charts, in the page's order."""
    ranked = [p for p in provinces if p.enterprise_count]
    pct, overseas = bucket_charts(national, pct_id="pct-buckets", overseas_id="overseas-buckets")
    return {
        # Population by batch: announced (every 小巨人 designation of the batch) against those counted.
        "batches": announced_batch_chart(
            national, selectors.batch_announced_counts(), chart_id="batches", title=_("各批次企业数量")
        ),
        "provinces": ranked_chart(
            "provinces", _("各省份专精特新“小巨人”企业数量"), ranked, province_names, column=_("省份"), tall=True
        ),
        "cities": ranked_chart(
            "cities", _("专精特新“小巨人”企业数量最多的城市"), top_cities, city_names, column=_("城市"), tall=True
        ),
        "industries": industry_chart(
            national,
            "industry_counts",
            chart_id="industries",
            title=_("各产业领域企业数量"),
            unit=_("家"),
            include_other=True,
        ),
        "boards": boards_chart(capital, chart_id="boards", title=_("资本市场参与情况")),
        "pct": pct,
        "overseas": overseas,
        "years": years_chart(national, chart_id="years", as_of=snapshot.as_of),
        "clusters": _cluster_chart(national, clusters),
    }


def _cluster_rows(clusters) -> list[dict]:
    """The three clusters in the report's order, with their names, links and metrics."""
    names = names_for(clusters, Scope.CLUSTER)
    return [
        {
            "name": names.get(c.code, c.name),
            "url": region_url(Scope.CLUSTER, c.code),
            "row": c,
            "m": c.metrics,
        }
        for c in sorted(clusters, key=lambda c: Cluster.values.index(c.code) if c.code in Cluster.values else 9)
    ]


def _cluster_chart(national: dict, cluster_rows: list[dict]) -> Chart:
    key = "applications_per_enterprise"
    places = [(_("全国"), national)] + [(c["name"], c["m"]) for c in cluster_rows]
    return Chart(
        id="clusters",
        title=_("三大城市群企均专利申请量"),
        kind="bar",
        categories=[name for name, _m in places],
        series=[{"name": _("专利申请总量（件/家）"), "values": [_round(m.get(key)) for _n, m in places]}],
        unit=_("件/家"),
        columns=[_("地区"), _("专利申请总量（件/家）")],
        rows=[[name, fmt.metric(key, m.get(key))] for name, m in places],
    )


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
        label = names.get(code, short) if english() else short
        y = row * 62 + 2
        tiles.append(
            {
                "code": code,
                "x": col * 62 + 2,
                "y": y,
                "label": label,
                **_tile_text(code, label, y),
                "name": names.get(code, short),
                "count": n,
                "fill": TILE_COLOURS[level],
                "level": level,
                "dark": level >= 4,
                "url": region_url(Scope.PROVINCE, code),
            }
        )
    return tiles


def _tile_text(code: str, label: str, y: int) -> dict:
    """Where a tile's name and count sit: the name on one line (narrowed to the tile when longer than eight
    letters), or on two for the longest English names; the count below."""
    lines = TILE_LINES_EN.get(code) if english() else None
    # The link's spoken name starts with the words as drawn (axe: the visible text is part of the name); the
    # full name is the tile's title.
    if lines:
        return {
            "lines": [(y + 19, lines[0]), (y + 33, lines[1])],
            "count_y": y + 50,
            "narrow": False,
            "spoken": " ".join(lines),
        }
    return {"lines": [(y + 25, label)], "count_y": y + 45, "narrow": len(label) > 8, "spoken": label}


def methodology_context() -> dict:
    from .. import methodology

    return {
        "population_rule": methodology.POPULATION_RULE,
        "lapsed_rule": methodology.lapsed_rule(),
        "patent_rule": methodology.PATENT_RULE,
        "measures": methodology.MEASURES,
        "indicators": methodology.INDICATORS,
        "rules": methodology.RULES,
        "limits": methodology.LIMITS,
        "composite": methodology.composite_text(),
        "sources": methodology.SOURCES,
    }
