"""数据与API: bulk downloads per snapshot with their data dictionary, the API, the licence and the terms.

The indicator file holds every region's row of the snapshot (the nation, provinces, cities, clusters), one
column per single-number indicator of metrics.md. Its rows are read from a server-side cursor and written as
they come (``utilities.export``), so the file never sits in memory. The data dictionary on the page is built
from the same column list as the file, so the two cannot disagree.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.choices import Cluster
from regions.models import City, Province
from reports.choices import Scope
from reports.models import ScopeIndicator
from utilities.export import csv_response, neutralise_row, xlsx_response

from ..methodology import INDICATORS, MEASURES
from .common import english
from .listing import LIST_SORTS

CHUNK_ROWS = 2_000
SCOPE_ORDER = (Scope.NATIONAL, Scope.PROVINCE, Scope.CITY, Scope.CLUSTER)
_MEANINGS = {key: text for key, _label, text in INDICATORS}
RATIO = gettext_lazy("比例（0–1）")

# (column key, column header, unit): the single-number indicators of metrics.md, in the panel's order.
INDICATOR_COLUMNS = (
    ("enterprise_count", gettext_lazy("企业数"), gettext_lazy("家")),
    ("applications_total", gettext_lazy("专利申请量"), gettext_lazy("件")),
    ("applications_per_enterprise", gettext_lazy("专利申请总量（件/家）"), gettext_lazy("件/家")),
    ("growth_cagr", gettext_lazy("专利增长率"), RATIO),
    ("invention_share", gettext_lazy("发明专利占比"), RATIO),
    ("invention_grant_rate", gettext_lazy("发明专利授权率"), RATIO),
    ("valid_inventions_per_enterprise", gettext_lazy("有效发明专利（件/家）"), gettext_lazy("件/家")),
    ("citations_per_enterprise", gettext_lazy("专利被引总量（次/家）"), gettext_lazy("次/家")),
    ("licenses_per_enterprise", gettext_lazy("专利对外许可总量（次/家）"), gettext_lazy("次/家")),
    ("transfers_per_enterprise", gettext_lazy("专利转让（次/家）"), gettext_lazy("次/家")),
    ("pct_per_enterprise", gettext_lazy("PCT专利总量（件/家）"), gettext_lazy("件/家")),
    ("pct_share", gettext_lazy("PCT专利占比"), RATIO),
    ("pct_growth_cagr", gettext_lazy("PCT申请增长率"), RATIO),
    ("overseas_markets_per_enterprise", gettext_lazy("专利布局海外市场数（个/家）"), gettext_lazy("个/家")),
    ("employees_per_enterprise", gettext_lazy("参保人数（人/家）"), gettext_lazy("人/家")),
    ("invention_density", gettext_lazy("发明专利密度"), gettext_lazy("件/千人")),
)
_EXTRA_MEANINGS = {
    "applications_total": gettext_lazy("地区企业专利申请之和。"),
    "pct_share": gettext_lazy("PCT申请之和除以专利申请之和。"),
}


def _indicator_dictionary() -> list[tuple[str, str, str]]:
    fixed = [
        (_("口径"), _("全国、省份、城市或城市群。"), ""),
        (_("代码"), _("GB/T 2260区划代码；全国为CN，城市群为 jjj、yrd、gba。"), ""),
        (_("名称"), _("地区名称（按页面语言）。"), ""),
    ]
    return fixed + [
        (str(label), str(_MEANINGS.get(key) or _EXTRA_MEANINGS.get(key, "")), str(unit))
        for key, label, unit in INDICATOR_COLUMNS
    ]


def _enterprise_dictionary() -> list[tuple[str, str, str]]:
    measures = {key: text for key, _label, text in MEASURES}
    return [
        (_("企业名称"), _("企业的现用名称。"), ""),
        (_("统一社会信用代码"), _("18位统一社会信用代码。"), ""),
        (_("省份"), _("企业注册地所在省份。"), ""),
        (_("城市"), _("企业注册地所在城市。"), ""),
        (_("产业领域"), _("企业所属的产业领域。"), ""),
        (_("上市板块"), _("上市或挂牌的板块；未上市的写“未上市”。"), ""),
        (_("批次"), _("专精特新“小巨人”认定的批次（有多项时取最早的一项）。"), ""),
        (_("纳入统计"), _("企业在所选统计日期是否纳入统计（见方法说明的统计范围）。"), ""),
        *(
            (str(label), str(measures.get(key, "")), _("件") if key != "citations" else _("次"))
            for key, label in LIST_SORTS.items()
        ),
    ]


def data_context(choice) -> dict:
    as_of = {"as_of": choice.current.as_of.isoformat()} if choice.current is not None and choice.query() else {}
    query = "&".join(f"{k}={v}" for k, v in as_of.items())
    suffix = f"?{query}" if query else ""
    joiner = "&" if query else ""
    enterprises = reverse("portal:enterprise-list-download")
    return {
        "choice": choice,
        "indicator_files": {
            fmt: reverse("portal:data-indicators", kwargs={"file_format": fmt}) + suffix for fmt in ("csv", "xlsx")
        },
        "enterprise_files": {
            fmt: f"{enterprises}?{query}{joiner}population=all&format={fmt}" for fmt in ("csv", "xlsx")
        },
        "indicator_dictionary": _indicator_dictionary(),
        "enterprise_dictionary": _enterprise_dictionary(),
    }


def _names() -> dict[tuple[str, str], str]:
    """Region names in the page's language (English from the divisions; Chinese as stored in the rows)."""
    if not english():
        return {}
    names = {(Scope.PROVINCE.value, code): name for code, name in Province.objects.values_list("code", "name_en")}
    names |= {(Scope.CITY.value, code): name for code, name in City.objects.values_list("code", "name_en")}
    names |= {(Scope.CLUSTER.value, c.value): str(c.label) for c in Cluster}
    names[(Scope.NATIONAL.value, "CN")] = _("全国")
    return names


def _indicator_rows(snapshot, names: dict, scopes: dict):
    keys = [key for key, _label, _unit in INDICATOR_COLUMNS]
    rows = (
        ScopeIndicator.objects.filter(snapshot=snapshot, scope__in=[s.value for s in SCOPE_ORDER])
        .order_by("scope", "code")
        .values_list("scope", "code", "name", *(f"metrics__{key}" for key in keys))
    )
    for scope, code, name, *values in rows.iterator(chunk_size=CHUNK_ROWS):
        yield neutralise_row([scopes.get(scope, scope), code, names.get((scope, code), name), *values])


def indicators_download(choice, file_format: str):
    """Every region's indicators at the snapshot, streamed (CSV with BOM) or written in constant memory."""
    header = [_("口径"), _("代码"), _("名称"), *(str(label) for _key, label, _unit in INDICATOR_COLUMNS)]
    names, scopes = _names(), {s.value: str(s.label) for s in Scope}
    filename = f"indicators-{choice.current.as_of.isoformat()}.{file_format}"
    snapshot = choice.current
    if file_format == "xlsx":
        return xlsx_response(header, _indicator_rows(snapshot, names, scopes), filename=filename, sheet_title=_("指标"))
    return csv_response(header, lambda: _indicator_rows(snapshot, names, scopes), filename=filename, bom=True)
