"""A province, city or cluster profile (modelled on the report's city pages)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from enterprises.choices import IndustryField
from reports.choices import Scope

from .. import selectors
from .common import (
    NATIONAL,
    Region,
    batch_chart,
    boards_block,
    chart_page,
    industry_chart,
    names_for,
    panel_rows,
    region_url,
    years_chart,
)


def region_context(choice, region: Region) -> dict:
    snapshot = choice.current
    key = (region.scope, region.code)
    rows = selectors.indicators_get(snapshot=snapshot, keys=[key, NATIONAL])
    indicator = rows.get(key)
    national_metrics = rows[NATIONAL].metrics if rows.get(NATIONAL) else {}
    metrics = indicator.metrics if indicator else {}
    n = metrics.get("enterprise_count") or 0
    context = {
        "choice": choice,
        "region": region,
        "chart_page": chart_page(region.scope, region.code),
        "indicator": indicator,
        "metrics": metrics,
        "national": national_metrics,
        "is_empty": n == 0,
        # "加入对比": this region alone without JavaScript; search.js adds it to the comparison being built.
        "compare_url": reverse("portal:compare") + f"?places={region.code}",
        "list_url": reverse("portal:enterprise-list") + f"?{region.scope}={region.code}",
    }
    if n == 0:
        return context
    context.update(_profile(choice, region, indicator, national_metrics))
    context.update(_members(snapshot, region))
    return context


def _earlier_metrics(earlier, key: tuple[str, str]) -> dict | None:
    """The region's metrics at the earlier snapshot ({} when it had no row), None without an earlier one."""
    if earlier is None:
        return None
    row = selectors.indicators_get(snapshot=earlier, keys=[key]).get(key)
    return row.metrics if row else {}


def _profile(choice, region: Region, indicator, national_metrics: dict) -> dict:
    """The panel, capital markets, charts and representative enterprises of a region with members."""
    snapshot, metrics = choice.current, indicator.metrics
    rank, peers = selectors.peer_rank(indicator=indicator)
    return {
        "rank": rank,
        "peers": peers,
        "earlier": choice.earlier,
        "panel": panel_rows(metrics, national_metrics, _earlier_metrics(choice.earlier, (region.scope, region.code))),
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


def _members(snapshot, region: Region) -> dict:
    """A province's cities with members, or a cluster's members; nothing for a city."""
    if region.scope == Scope.PROVINCE:
        scope, title = Scope.CITY, _("各城市专精特新“小巨人”企业数量")
        rows = selectors.scope_rows(snapshot=snapshot, scope=scope, prefix=region.code[:2])
        rows = [r for r in rows if r.enterprise_count]
    elif region.scope == Scope.CLUSTER:
        title = _("城市群成员")
        scope, codes = selectors.cluster_member_keys(region.code)
        rows = selectors.scope_rows(snapshot=snapshot, scope=scope, codes=codes)
    else:
        return {}
    names = names_for(rows, scope)
    return {
        "members_title": title,
        "members": [{"name": names.get(r.code, r.name), "url": region_url(scope, r.code), "row": r} for r in rows],
    }
