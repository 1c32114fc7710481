"""Chapters 5-10 of a report: innovation, globalisation, yearly series, representative enterprises,
leading cities and the appendix."""

from django.utils.translation import gettext as _

from portal import formatting as fmt
from portal import methodology, selectors
from portal.indicators import (
    INDUSTRY_LABELS,
    PANEL,
)
from portal.pages import (
    boards_block,
    bucket_charts,
    industry_chart,
    names_for,
    panel_rows,
    years_chart,
)
from reports.choices import Scope
from reports.metrics import last_complete_year

from .. import sentences as say
from .analysis import figure_title
from .structure import FRACTIONS, LEADING_CITIES, Chapter, CityProfile, Report, Table, _peer_kind, _rank

# --- 5. Innovation capability ------------------------------------------------------------------------


def _innovation(report: Report, peers: list) -> Chapter:
    chapter = Chapter("innovation", _("科创能力画像"))
    is_national = report.scope == Scope.NATIONAL
    chapter.paragraphs.append(
        _("平均每家专精特新“小巨人”的科创能力表现，分为技术体量、技术质量、技术影响力和技术全球化四个维度、八项指标。")
    )
    columns = [_("维度"), _("指标"), report.name if not is_national else _("全国")]
    if not is_national:
        columns += [_("全国平均"), _("与全国比较"), _("同级排名")]
    rows = []
    for dimension in PANEL:
        for indicator in dimension.indicators:
            if is_national:
                paragraph, row = _national_indicator(report, dimension, indicator)
            else:
                paragraph, row = _regional_indicator(report, peers, dimension, indicator)
            chapter.paragraphs.append(paragraph)
            rows.append(row)
    if is_national:
        chapter.paragraphs += _national_extras(report.metrics)
    chapter.tables.append(Table(caption=_("八项指标"), columns=columns, rows=rows))
    if not is_national:
        chapter.notes.append(
            _("同级排名：在全国有企业的同级地区（%(kind)s）中的位次，数值越大排名越前。")
            % {"kind": _peer_kind(report.scope)}
        )
    return chapter


def _national_indicator(report: Report, dimension, indicator) -> tuple[str, list[str]]:
    """The nation's value of one indicator: a sentence and a table row."""
    value = report.metrics.get(indicator.key)
    paragraph = say.sentence(
        say.indicator_value(label=str(indicator.label), key=indicator.key, value=value, unit=str(indicator.unit))
    )
    return paragraph, [str(dimension.label), _label(indicator), fmt.metric(indicator.key, value)]


def _regional_indicator(report: Report, peers: list, dimension, indicator) -> tuple[str, list[str]]:
    """A region's value of one indicator against the nation and its peers: a sentence and a table row."""
    value, national = report.metrics.get(indicator.key), report.national.get(indicator.key)
    fraction = indicator.key in FRACTIONS
    rank = _rank(peers, report.code, indicator.key)
    paragraph = say.indicator_sentence(
        label=str(indicator.label),
        key=indicator.key,
        value=value,
        unit=str(indicator.unit),
        national=national,
        fraction=fraction,
        rank=rank,
        peers=len(peers),
    )
    row = [
        str(dimension.label),
        _label(indicator),
        fmt.metric(indicator.key, value),
        fmt.metric(indicator.key, national),
        say.versus_national(say.compare(value, national, fraction=fraction)),
        f"{rank}/{len(peers)}" if rank else fmt.MISSING,
    ]
    return paragraph, row


def _national_extras(m: dict) -> list[str]:
    """Two more national averages the report prints beside the eight indicators."""
    extra = [
        ("valid_inventions_per_enterprise", _("有效发明专利"), _("件/家")),
        ("employees_per_enterprise", _("参保人数"), _("人/家")),
    ]
    return [
        say.sentence(say.indicator_value(label=str(label), key=key, value=m.get(key), unit=str(unit)))
        for key, label, unit in extra
    ]


def _label(indicator) -> str:
    return f"{indicator.label}{fmt.paren(indicator.unit)}" if indicator.unit else str(indicator.label)


# --- 6. Globalisation ----------------------------------------------------------------------------------


def _globalisation(report: Report) -> Chapter:
    chapter = Chapter("globalisation", _("技术全球化"))
    m = report.metrics
    n = m.get("enterprise_count") or 0
    pct = m.get("pct_buckets") or {}
    overseas = m.get("overseas_buckets") or {}
    chapter.paragraphs.append(
        say.globalisation(
            n=n,
            pct_firms=n - pct.get("0", 0),
            pct_hundred=pct.get("100+", 0),
            pct_per_enterprise=m.get("pct_per_enterprise"),
            pct_share=m.get("pct_share"),
            overseas_firms=n - overseas.get("0", 0),
            overseas_per_enterprise=m.get("overseas_markets_per_enterprise"),
        )
    )
    pct_chart, overseas_chart = bucket_charts(m, pct_id="global-pct", overseas_id="global-overseas", shares_of=n)
    for chart in (pct_chart, overseas_chart):
        chart.title = figure_title("2.8", chart.title)
    chapter.charts += [pct_chart, overseas_chart]
    for chart in (pct_chart, overseas_chart):
        chapter.tables.append(Table(caption=chart.title, columns=chart.columns, rows=chart.rows))
    return chapter


# --- 7. Yearly series ----------------------------------------------------------------------------------


def _series(report: Report) -> Chapter:
    chapter = Chapter("series", _("历年专利申请"))
    m = report.metrics
    year = last_complete_year(report.as_of)
    apps = m.get("applications_by_year") or {}
    chapter.paragraphs.append(
        say.growth_sentence(
            first_year=year - 2,
            last_year=year,
            first=apps.get(str(year - 2), 0),
            last=apps.get(str(year), 0),
            cagr=m.get("growth_cagr"),
            pct_cagr=m.get("pct_growth_cagr"),
        )
    )
    chapter.charts.append(years_chart(m, chart_id="series-applications", as_of=report.as_of))
    pct_chart = years_chart(m, chart_id="series-pct", as_of=report.as_of, key="pct_by_year")
    pct_chart.series[0]["name"] = _("PCT申请")
    chapter.charts.append(pct_chart)
    pct = m.get("pct_by_year") or {}
    years = sorted(apps, key=int)
    partial = str(report.as_of.year) if year < report.as_of.year else None
    chapter.tables.append(
        Table(
            caption=_("历年专利申请量与PCT申请量（按公开年，件）"),
            columns=[_("年份"), _("专利申请（件）"), _("PCT申请（件）")],
            rows=[
                [y + ("*" if y == partial else ""), fmt.number(apps.get(y)), fmt.number(pct.get(y, 0))] for y in years
            ],
        )
    )
    chapter.notes.append(
        _("专利增长率是%(y0)s年至%(y1)s年申请量的年均增速，按公开年统计。") % {"y0": year - 2, "y1": year}
        + (_("*%(year)s年只计到截止日期。") % {"year": partial} if partial else "")
    )
    return chapter


# --- 8. Representative enterprises -----------------------------------------------------------------------


def _representatives(report: Report) -> Chapter:
    chapter = Chapter("representatives", _("代表性企业"))
    measures = selectors.representative_enterprises(
        snapshot=report.snapshot, scope=report.scope, code=report.code, national=report.national
    )
    chapter.paragraphs.append(say.representatives(name=report.name, names=[m.enterprise.name for m in measures[:3]]))
    chapter.tables.append(
        Table(
            caption=_("按八项指标综合得分排序的前十家企业"),
            columns=[
                "#",
                _("企业名称"),
                _("产业领域"),
                _("专利申请（件）"),
                _("被引次数"),
                _("PCT申请"),
                _("综合得分"),
            ],
            rows=[
                [
                    str(i),
                    m.enterprise.name,
                    str(INDUSTRY_LABELS.get(m.industry_field, "")) if m.industry_field else "",
                    fmt.number(m.applications),
                    fmt.number(m.citations),
                    fmt.number(m.pct_applications),
                    fmt.number(m.composite, 2),
                ]
                for i, m in enumerate(measures, start=1)
            ],
        )
    )
    chapter.notes.append(methodology.composite_text())
    return chapter


# --- 9. Leading cities (section 3.3) -----------------------------------------------------------------------


def _leading_cities(report: Report) -> Chapter | None:
    limit = LEADING_CITIES[report.scope]
    prefix = report.code[:2] if report.scope == Scope.PROVINCE else ""
    cities = [
        c
        for c in selectors.scope_rows(snapshot=report.snapshot, scope=Scope.CITY, prefix=prefix, limit=limit)
        if c.enterprise_count
    ]
    # A municipality is its own only city: its profile would repeat the whole report.
    if (
        report.scope == Scope.PROVINCE
        and len(cities) == 1
        and cities[0].enterprise_count == report.metrics.get("enterprise_count")
    ):
        return None
    if not cities:
        return None
    names = names_for(cities, Scope.CITY)
    chapter = Chapter("cities", _("重点城市画像"))
    chapter.paragraphs.append(
        _("企业数量居前%(k)s位的城市，每个城市一页：资本市场、八项指标与全国平均的比较、各产业领域的专利申请。")
        % {"k": len(cities)}
    )
    for city in cities:
        m = city.metrics
        name = names.get(city.code, city.name)
        block = boards_block(m)
        chapter.profiles.append(
            CityProfile(
                code=city.code,
                name=name,
                anchor=f"city-{city.code}",
                summary=say.city_profile(
                    name=name,
                    n=m.get("enterprise_count"),
                    applications_total=m.get("applications_total"),
                    per_enterprise=m.get("applications_per_enterprise"),
                    cagr=m.get("growth_cagr"),
                ),
                headline=[
                    (_("企业数"), fmt.count(m.get("enterprise_count"), "家")),
                    (_("专利申请"), fmt.wan(m.get("applications_total"))),
                    (_("专利增长率"), fmt.percent(m.get("growth_cagr"))),
                ],
                boards=[(k, label, c) for k, label, c in block["boards"]],
                financed=block["financed"],
                panel=panel_rows(m, report.national, None),
                industry_chart=industry_chart(
                    m,
                    "industry_applications",
                    chart_id=f"city-{city.code}-industries",
                    title=_("行业特色：各产业领域累计专利申请量"),
                    unit=_("件"),
                ),
            )
        )
    return chapter


# --- 10. Appendix ---------------------------------------------------------------------------------------


def _appendix(report: Report) -> Chapter:
    chapter = Chapter("appendix", _("附录：方法说明与数据截止日期"))
    snapshot = report.snapshot
    chapter.paragraphs.append(
        _("本报告的全部数字截至%(date)s（数据截止日期），由门户在%(at)s计算的指标快照生成，不是人工撰写。")
        % {
            "date": fmt.date(snapshot.as_of),
            "at": snapshot.computed_at.strftime("%Y-%m-%d %H:%M UTC") if snapshot.computed_at else fmt.MISSING,
        }
    )
    chapter.paragraphs += [str(methodology.POPULATION_RULE), str(methodology.PATENT_RULE)]
    chapter.tables.append(
        Table(
            caption=_("指标定义"),
            columns=[_("指标"), _("定义")],
            rows=[[str(label), str(text)] for _key, label, text in methodology.INDICATORS],
        )
    )
    chapter.notes += [str(rule) for rule in methodology.RULES]
    chapter.notes += [str(limit) for limit in methodology.LIMITS]
    chapter.tables.append(
        Table(
            caption=_("数据来源"),
            columns=[_("来源"), _("说明")],
            rows=[[str(a), _report_source(str(a), str(b))] for a, b in methodology.SOURCES[:-1]],
        )
    )
    chapter.notes.append(_("报告中的图表由服务器以矢量图（SVG）绘制；企业名单与指标可在门户中逐项查阅。"))
    return chapter


def _report_source(label: str, text: str) -> str:
    # The methodology page names the file the divisions come from; a printed report names no repository path.
    return _("国家标准GB/T 2260行政区划代码。") if label == _("行政区划") else text
