"""The report's vocabulary for pages: the eight-indicator panel, board order, industry groups, composite.

Labels are Chinese msgids (English in ``portal/locale``); keys are those of metrics.md.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from enterprises.choices import HIGH_END_MACHINERY, HIGH_END_MACHINERY_LABEL, INDUSTRY_CHART_GROUPS, IndustryField


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    note: str = ""


@dataclass(frozen=True)
class Dimension:
    label: str
    indicators: tuple[Indicator, ...]


# 科创能力画像: "平均每家专精特新“小巨人”的科创能力表现", four dimensions of two indicators (pages.md, block 4).
PANEL = (
    Dimension(
        _("技术体量"),
        (
            Indicator("applications_per_enterprise", _("专利申请总量"), _("件/家")),
            Indicator("growth_cagr", _("专利增长率"), "", _("近三年年均申请增速")),
        ),
    ),
    Dimension(
        _("技术质量"),
        (
            Indicator("invention_share", _("发明专利占比"), ""),
            Indicator("invention_grant_rate", _("发明专利授权率"), ""),
        ),
    ),
    Dimension(
        _("技术影响力"),
        (
            Indicator("citations_per_enterprise", _("专利被引总量"), _("次/家")),
            Indicator("licenses_per_enterprise", _("专利对外许可总量"), _("次/家")),
        ),
    ),
    Dimension(
        _("技术全球化"),
        (
            Indicator("pct_per_enterprise", _("PCT专利总量"), _("件/家")),
            Indicator("overseas_markets_per_enterprise", _("专利布局海外市场数"), _("个/家")),
        ),
    ),
)
PANEL_KEYS = tuple(i.key for d in PANEL for i in d.indicators)

# 资本市场参与情况 in the report's order; boards the report does not print follow.
BOARD_ORDER = ("hkex", "main", "chinext", "star", "bse", "neeq", "sgx", "overseas_other")
BOARD_LABELS = {
    "hkex": _("港股"),
    "main": _("沪深主板"),
    "chinext": _("创业板"),
    "star": _("科创板"),
    "bse": _("北交所"),
    "neeq": _("新三板"),
    "sgx": _("新加坡交易所"),
    "overseas_other": _("其他境外交易所"),
    "unlisted": _("未上市"),
}

INDUSTRY_LABELS = {c.value: c.label for c in IndustryField}
INDUSTRY_LABELS[HIGH_END_MACHINERY] = HIGH_END_MACHINERY_LABEL


def industries_merged(values: dict[str, int], *, include_other: bool = False) -> list[tuple[str, str, int]]:
    """(key, label, value) per industry, 电力装备 + 农机装备 + 高档数控机床和机器人 summed as 高端机械装备
    as the report does, largest first; 其他领域 left out unless asked for (the report's 行业特色 omits it)."""
    merged: dict[str, int] = {}
    for key, value in (values or {}).items():
        group = INDUSTRY_CHART_GROUPS.get(key, key)
        merged[group] = merged.get(group, 0) + (value or 0)
    if not include_other:
        merged.pop(IndustryField.OTHER, None)
    rows = [(key, str(INDUSTRY_LABELS.get(key, key)), value) for key, value in merged.items()]
    return sorted(rows, key=lambda row: (-row[2], row[0]))


PCT_BUCKET_LABELS = {"0": _("无PCT申请"), "1-9": _("1–9件"), "10-99": _("10–99件"), "100+": _("100件及以上")}
OVERSEAS_BUCKET_LABELS = {
    "0": _("未布局海外"),
    "1-5": _("1–5个市场"),
    "6-10": _("6–10个市场"),
    "11+": _("11个及以上市场"),
}
