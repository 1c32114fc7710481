"""The data of one chart or table of a public page, for its "数据" download (CSV with BOM, or XLSX).

Nothing is computed here: each page kind is rebuilt by the builder its page uses (``overview_context``,
``region_context`` …) for the same snapshot, and the chart asked for is taken from that context, so the file
holds exactly the numbers the page draws. The page's tables (the indicator panel, a ranking, the comparison,
an enterprise's measures) are given as ``Chart`` objects of kind ``table`` so that one writer serves both.
"""

from django.utils.translation import gettext as _

from reports.choices import Scope
from utilities.export import csv_response, neutralise_row, xlsx_response

from .. import formatting as fmt
from .. import selectors
from ..charts import Chart
from .common import region_resolve
from .compare import compare_context
from .enterprise import enterprise_context
from .overview import overview_context
from .ranking import RANKED, ranking_context
from .region import region_context

PAGE_KINDS = ("overview", "province", "city", "cluster", "enterprise", "compare", "ranking")


def _table(chart_id: str, title: str, columns: list, rows: list) -> Chart:
    return Chart(id=chart_id, title=title, kind="table", categories=[], series=[], columns=columns, rows=rows)


def panel_table(panel: list[dict], *, with_average: bool = True) -> Chart:
    """科创能力画像 as rows: dimension, indicator, unit, value and the national value, as numbers rounded as the
    page prints them, shares in per cent (the API gives the raw fractions)."""
    columns = [_("维度"), _("指标"), _("单位"), _("数值")] + ([_("全国平均")] if with_average else [])
    rows = []
    for d in panel:
        for r in d["rows"]:
            key = r["indicator"].key
            row = [str(d["label"]), str(r["indicator"].label), fmt.metric_unit_in_file(key, r["indicator"].unit)]
            row.append(fmt.metric_in_file(key, r["value"]))
            rows.append(row + ([fmt.metric_in_file(key, r["average"])] if with_average else []))
    return _table("panel", _("科创能力画像"), columns, rows)


def _overview(choice, _key, _params) -> dict | None:
    context = overview_context(choice)
    tables = {"panel": panel_table(context["panel"], with_average=False), "clusters-table": _clusters(context)}
    return {**{c.id: c for c in context["charts"].values()}, **tables}


CLUSTER_ROWS = (
    ("enterprise_count", "企业数（家）"),
    ("applications_per_enterprise", "专利申请总量（件/家）"),
    ("invention_share", "发明专利占比"),
    ("citations_per_enterprise", "专利被引总量（次/家）"),
    ("pct_per_enterprise", "PCT专利总量（件/家）"),
)


def _clusters(context) -> Chart:
    """The overview's table of the three clusters beside the nation."""
    national, clusters = context["national"], context["clusters"]
    return _table(
        "clusters-table",
        _("三大城市群"),
        [_("指标"), _("全国"), *(c["name"] for c in clusters)],
        [[_(label), national.get(key), *(c["m"].get(key) for c in clusters)] for key, label in CLUSTER_ROWS],
    )


def _region(scope: str):
    def build(choice, key, _params) -> dict | None:
        province = f"{key[:2]}0000" if scope == Scope.CITY else None
        region = region_resolve(scope, key, province)
        if region is None:
            return None
        context = region_context(choice, region)
        if context["is_empty"]:
            return {}
        charts = {c.id: c for c in (context["industry_chart"], context["batch_chart"], context["years_chart"])}
        charts["panel"] = panel_table(context["panel"])
        if context.get("members"):
            charts["members"] = _table(
                "members",
                str(context["members_title"]),
                [_("排名"), _("地区"), _("企业数（家）"), _("专利申请总量（件/家）"), _("发明专利占比")],
                [
                    [n, m["name"], m["row"].enterprise_count, m["row"].applications_per_enterprise]
                    + [m["row"].metrics.get("invention_share")]
                    for n, m in enumerate(context["members"], start=1)
                ],
            )
        return charts

    return build


def _enterprise(choice, key, _params) -> dict | None:
    enterprise = selectors.enterprise_get(credit_code=key.upper())
    if enterprise is None:
        return None
    context = enterprise_context(choice, enterprise, patent_filters={}, after=None, page_size=1)
    charts = {c.id: c for c in (context["type_chart"], context["office_chart"])}
    if context.get("measure") is not None:
        charts["enterprise-years"] = context["years_chart"]
        averages = [_("%(name)s平均") % {"name": name or "—"} for name in context["comparison_columns"]]
        charts["enterprise-measures"] = _table(
            "enterprise-measures",
            _("科创指标与平均水平"),
            [_("指标"), _("本企业"), *averages, _("行业百分位")],
            [
                [str(r["label"]), r["value"], *(a["value"] for a in r["averages"]), r["percentile"]]
                for r in context["comparison"]
            ],
        )
    return charts


def _compare(choice, key, _params) -> dict | None:
    context = compare_context(choice, key)
    if not context["regions"]:
        return None
    names = [c["name"] for c in context["columns"]]
    table = _table(
        "compare-table",
        _("科创能力画像"),
        [_("指标"), _("单位"), *names],
        [[_("企业数"), _("家"), *(c["m"].get("enterprise_count") for c in context["columns"])]]
        + [
            [
                str(r["indicator"].label),
                fmt.metric_unit_in_file(r["indicator"].key, r["indicator"].unit),
                *(fmt.metric_in_file(r["indicator"].key, c["value"]) for c in r["cells"]),
            ]
            for r in context["table"]
        ],
    )
    return {c.id: c for c in (context["years_chart"], context["industry_chart"], table)}


def _ranking(choice, key, params) -> dict | None:
    if key not in RANKED:
        return None
    context = ranking_context(choice, key, level=params.get("level", "province"), sort="rank")
    if context["problems"]:
        return None
    place = {Scope.CITY: _("城市"), Scope.CLUSTER: _("城市群")}.get(context["level"], _("省份"))
    columns = [_("排名"), place] + ([_("所属省份")] if context["level"] == Scope.CITY else [])
    rows = [
        [r["rank"], r["name"]]
        + ([r["province"]] if context["level"] == Scope.CITY else [])
        + [fmt.metric_in_file(key, r["value"])]
        + [r["enterprise_count"]]
        for r in context["rows"]
    ]
    title = str(context["label"])
    # Shares are written in per cent, and their heading says so; the other labels carry their unit.
    heading = title + fmt.paren("%") if fmt.metric_unit_in_file(key, "") == "%" else title
    return {"ranking": _table("ranking", title, [*columns, heading, _("企业数（家）")], rows)}


BUILDERS = {
    "overview": _overview,
    "province": _region(Scope.PROVINCE),
    "city": _region(Scope.CITY),
    "cluster": _region(Scope.CLUSTER),
    "enterprise": _enterprise,
    "compare": _compare,
    "ranking": _ranking,
}


def page_chart(choice, kind: str, key: str, chart_id: str, params) -> Chart | None:
    """The chart ``chart_id`` of the page ``kind``/``key`` at ``choice``'s snapshot, or None."""
    builder = BUILDERS.get(kind)
    charts = builder(choice, key, params) if builder else None
    return (charts or {}).get(chart_id)


def chart_download(choice, kind: str, key: str, chart: Chart, file_format: str):
    """The chart's table as a file: headers in the page's language, a BOM in the CSV for Excel."""
    safe_key = "".join(ch if ch.isalnum() else "-" for ch in key)[:80]
    filename = f"{kind}-{safe_key}-{chart.id}-{choice.current.as_of.isoformat()}.{file_format}"
    header = [str(c) for c in chart.columns]
    rows = [neutralise_row(["" if cell is None else cell for cell in row]) for row in chart.download_rows()]
    if file_format == "xlsx":
        return xlsx_response(header, rows, filename=filename, sheet_title=_sheet_title(chart.title))
    return csv_response(header, lambda: rows, filename=filename, bom=True)


def _sheet_title(title) -> str:
    """An XLSX sheet name: at most 31 characters, none of \\ / ? * [ ] :."""
    cleaned = "".join(ch for ch in str(title) if ch not in "\\/?*[]:")[:31]
    return cleaned or "data"
