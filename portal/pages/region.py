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
    industry_chart,
    names_for,
    panel_rows,
    region_url,
    years_chart,
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
