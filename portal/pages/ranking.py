"""The ranking of provinces or cities by one indicator of the snapshot, with the national value."""

from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.models import Province
from reports.choices import Scope

from .. import formatting as fmt
from .. import selectors
from ..formatting import METRIC_FORMATS
from ..methodology import INDICATORS
from .common import NATIONAL, chart_page, english, names_for

# Every single-number indicator of metrics.md can be ranked; the labels are the methodology page's.
RANKED = {key: label for key, label, _text in INDICATORS if key in METRIC_FORMATS}
RANKED["applications_total"] = gettext_lazy("累计专利申请量（件）")
RANKED["pct_share"] = gettext_lazy("PCT专利占比")
RANKED = {key: RANKED[key] for key in METRIC_FORMATS}  # in the order of the formats: the panel's

# A share or an average over one or two enterprises is those enterprises' own figure, not a place's (a city
# with one enterprise topped the cities' invention share at 90%). Ratio indicators therefore rank only the
# places with at least this many enterprises and list the others after them without a rank; 10 keeps every
# province and the cities with a real population of 小巨人 in the ranking. Counts (COUNTS) rank every place:
# a small count is no accident of a small denominator.
MIN_RANKED_ENTERPRISES = 10
COUNTS = frozenset({"enterprise_count", "applications_total"})

LEVELS = (Scope.PROVINCE.value, Scope.CITY.value, Scope.CLUSTER.value)
# sort parameter → SQL order; the rank is always the peer rank (largest value first), whatever the order.
SORTS = {
    "rank": ("rank", "code"),
    "-rank": ("-rank", "code"),
    "-enterprise_count": ("-enterprise_count", "code"),
    "code": ("code",),
}


def ranking_context(choice, key: str, *, level: str, sort: str) -> dict:
    """The page of ``/rankings/<key>/``: ``level`` and ``sort`` as asked, or the defaults with a note."""
    problems = []
    if level not in LEVELS:
        problems.append(
            _("未知的排名层级“%(value)s”，已按省份排名（可选：province、city、cluster）。") % {"value": level}
        )
        level = Scope.PROVINCE.value
    if sort not in SORTS:
        problems.append(_("未知的排序“%(value)s”，已按排名排序。") % {"value": sort})
        sort = "rank"
    min_count = 0 if key in COUNTS else MIN_RANKED_ENTERPRISES
    rows = selectors.indicator_ranking(
        snapshot=choice.current, scope=level, key=key, order=SORTS[sort], min_count=min_count
    )
    national = selectors.indicators_get(snapshot=choice.current, keys=[NATIONAL]).get(NATIONAL)
    national_value = (national.metrics if national else {}).get(key)
    places = _rows(rows, level, key, choice.query())
    return {
        "choice": choice,
        "key": key,
        "chart_page": chart_page("ranking", key, level=level),
        "label": RANKED[key],
        "level": level,
        "sort": sort,
        # The rank and value headers turn the order over; from any other order they go back to the rank.
        "toggle": "-rank" if sort == "rank" else "rank",
        "problems": problems,
        "national_value": national_value,
        "rows": places,
        "ranked_count": sum(1 for row in places if row["rank"] is not None),
        "unranked_count": sum(1 for row in places if row["rank"] is None),
        "min_count": min_count,
        # The table's rows: the places and, where its value falls, the nation (the downloads keep "rows").
        "table_rows": _with_national(places, national_value, key, sort),
        "indicators": [(k, label) for k, label in RANKED.items()],
    }


def _rows(rows: list[dict], level: str, key: str, query: str) -> list[dict]:
    """Names in the page's language, each city with its province (one query each at most), links and
    formatted numbers made here: 340 cities through template tags cost more than the query."""
    names = names_for([SimpleNamespace(**row) for row in rows], level)
    provinces = {}
    if level == Scope.CITY:
        provinces = dict(Province.objects.values_list("code", "name_en" if english() else "name"))
    suffix = f"?{query}" if query else ""
    link = _link_maker(level, suffix)
    return [
        {
            **row,
            "name": names.get(row["code"]) or row["name"],
            "province": provinces.get(f"{row['code'][:2]}0000", "") if level == Scope.CITY else "",
            "link": link(row["code"]),
            "value_text": fmt.metric(key, row["value"]),
            "count_text": fmt.number(row["enterprise_count"]),
        }
        for row in rows
    ]


def _link_maker(level: str, suffix: str):
    """One reverse() for the page, not one per row: every URL of the level differs only in its codes."""
    if level == Scope.CLUSTER:
        base = reverse("portal:cluster", args=["x"]).removesuffix("x/")
        return lambda code: f"{base}{code}/{suffix}"
    base = reverse("portal:province", args=["000000"]).removesuffix("000000/")
    if level == Scope.CITY:
        return lambda code: f"{base}{code[:2]}0000/{code}/{suffix}"
    return lambda code: f"{base}{code}/{suffix}"


def _with_national(rows: list[dict], value, key: str, sort: str) -> list[dict]:
    """The nation as a row of its own where its value falls in the order by rank (the places above it are
    above the national value): a visitor sees at a glance who is above and who below. Other orders, or
    no national value, leave the rows alone."""
    if value is None or not rows or sort not in ("rank", "-rank"):
        return rows
    # Among the ranked places only: the unranked ones follow them, whatever their values.
    ranked = [row for row in rows if row["rank"] is not None]
    above = sum(1 for row in ranked if row["value"] > value)
    national = {"national": True, "name": _("全国"), "value": value, "value_text": fmt.metric(key, value)}
    position = above if sort == "rank" else len(ranked) - above
    return rows[:position] + [national] + rows[position:]
