"""What a generated report says: its chapters, numbers, charts and sentences, from stored indicators only.

``report_build`` reads ``ScopeIndicator`` and ``EnterpriseMeasure`` rows of one snapshot (through
``reports.selectors`` and ``portal.selectors``) and never aggregates patents. It runs in the active
language: the caller wraps it in ``translation.override``. Charts are ``portal.charts.Chart``
descriptions, the same the public pages draw with ECharts; the PDF draws them as SVG
(``publications/svg.py``). Chapters follow the 2023 report and are chosen by scope.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enterprises.choices import IndustryField, ListingBoard
from portal import formatting as fmt
from portal import methodology, selectors
from portal.charts import Chart
from portal.indicators import (
    BOARD_LABELS,
    INDUSTRY_LABELS,
    OVERSEAS_BUCKET_LABELS,
    PANEL,
    PCT_BUCKET_LABELS,
    industries_merged,
)
from portal.pages import (
    Region,
    batch_chart,
    batch_label,
    boards_block,
    division_name,
    industry_chart,
    names_for,
    panel_rows,
    region_resolve,
    years_chart,
)
from reports.choices import NATIONAL_CODE, OVERSEAS_BUCKETS, PCT_BUCKETS, Scope
from reports.metrics import last_complete_year
from reports.models import Snapshot

from . import sentences as say

REPORT_SCOPES = (Scope.NATIONAL.value, Scope.PROVINCE.value, Scope.CITY.value, Scope.CLUSTER.value)
NATIONAL = (Scope.NATIONAL.value, NATIONAL_CODE)
A_SHARE_BOARDS = (ListingBoard.MAIN, ListingBoard.CHINEXT, ListingBoard.STAR, ListingBoard.BSE)
# Section 3.3 of the report profiles five cities; a province report profiles its three largest.
LEADING_CITIES = {Scope.NATIONAL.value: 5, Scope.PROVINCE.value: 3}
TOP_CITIES_CHART = 20
# Indicators stated as fractions (compared in percentage points); the others are per-enterprise amounts.
FRACTIONS = {"invention_share", "invention_grant_rate", "growth_cagr", "pct_share", "pct_growth_cagr"}


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class CityProfile:
    """One page per leading city, as the report's section 3.3."""

    code: str
    name: str
    anchor: str
    summary: str
    headline: list[tuple[str, str]]  # (label, formatted value)
    boards: list[tuple[str, str, int]]
    financed: int
    panel: list[dict]
    industry_chart: Chart


@dataclass
class Chapter:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    profiles: list[CityProfile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"ch-{self.key}"


@dataclass
class Report:
    scope: str
    code: str
    name: str
    snapshot: Snapshot
    metrics: dict
    national: dict
    headline: str
    chapters: list[Chapter]
    parent_name: str = ""

    @property
    def as_of(self) -> datetime.date:
        return self.snapshot.as_of

    @property
    def is_empty(self) -> bool:
        return not self.metrics.get("enterprise_count")

    @property
    def title(self) -> str:
        return _("%(name)s专精特新“小巨人”企业科创力报告") % {"name": self.name}


class ReportNotFound(LookupError):
    """No such scope, region or snapshot."""


def report_region(scope: str, code: str) -> Region | None:
    """The region of a report URL or command: ``national/CN``, a province, a city (code alone) or a cluster."""
    if scope == Scope.NATIONAL:
        return (
            Region(Scope.NATIONAL.value, NATIONAL_CODE, pgettext("region", "全国"))
            if code.upper() == NATIONAL_CODE
            else None
        )
    if scope == Scope.CITY:
        return region_resolve(Scope.CITY, code, f"{code[:2]}0000")
    if scope in (Scope.PROVINCE, Scope.CLUSTER):
        return region_resolve(scope, code.lower() if scope == Scope.CLUSTER else code)
    return None


def _share(part, whole):
    return part / whole if whole else None


def _peer_kind(scope: str) -> str:
    return {
        Scope.PROVINCE: pgettext("peers", "省份"),
        Scope.CITY: pgettext("peers", "城市"),
        Scope.CLUSTER: pgettext("peers", "城市群"),
    }.get(scope, "")


def _chart_id(prefix: str, chart: Chart) -> Chart:
    chart.id = f"{prefix}-{chart.id}"
    return chart


# --- Build ------------------------------------------------------------------------------------------


def report_build(*, region: Region, snapshot: Snapshot) -> Report:
    """Every chapter of ``region``'s report at ``snapshot``, in the active language."""
    keys = [NATIONAL] if region.scope == Scope.NATIONAL else [NATIONAL, (region.scope, region.code)]
    rows = selectors.indicators_get(snapshot=snapshot, keys=keys)
    national_row = rows.get(NATIONAL)
    national = national_row.metrics if national_row else {}
    row = rows.get((region.scope, region.code))
    metrics = row.metrics if row else {}
    parent_name = division_name(region.parent) if region.parent is not None else ""
    report = Report(
        scope=region.scope,
        code=region.code,
        name=region.name,
        snapshot=snapshot,
        metrics=metrics,
        national=national,
        headline="",
        chapters=[],
        parent_name=parent_name,
    )
    if report.is_empty:
        report.headline = say.sentence(
            _("截至%(date)s，%(name)s没有纳入统计的专精特新“小巨人”企业")
            % {"date": fmt.date(snapshot.as_of), "name": region.name}
        )
        report.chapters = [_appendix(report)]
        return report
    peers = _peer_rows(report, row)
    report.headline = _headline(report, row, peers)
    report.chapters = [
        _population(report),
        _places(report),
        _industries(report),
        _capital(report),
        _innovation(report, peers),
        _globalisation(report),
        _series(report),
        _representatives(report),
    ]
    if region.scope in LEADING_CITIES:
        cities = _leading_cities(report)
        if cities:
            report.chapters.append(cities)
    report.chapters.append(_appendix(report))
    return report


def _peer_rows(report: Report, row) -> list:
    """The region's peers (same scope, with members), the region included; none for the nation."""
    if report.scope == Scope.NATIONAL or row is None:
        return []
    return [r for r in selectors.scope_rows(snapshot=report.snapshot, scope=report.scope) if r.enterprise_count]


def _rank(peers: list, code: str, key: str) -> int | None:
    """1 + the number of peers with a strictly larger value (ties share the better rank)."""
    mine = next((p.metrics.get(key) for p in peers if p.code == code), None)
    if mine is None:
        return None
    return 1 + sum(1 for p in peers if p.metrics.get(key) is not None and p.metrics[key] > mine)


def _headline(report: Report, row, peers: list) -> str:
    m, nat = report.metrics, report.national
    if report.scope == Scope.NATIONAL:
        return say.headline_national(
            as_of=report.as_of,
            n=m.get("enterprise_count"),
            applications_total=m.get("applications_total"),
            per_enterprise=m.get("applications_per_enterprise"),
            valid_per_enterprise=m.get("valid_inventions_per_enterprise"),
        )
    rank, count = selectors.peer_rank(indicator=row)
    return say.headline_region(
        as_of=report.as_of,
        name=report.name,
        n=m.get("enterprise_count"),
        national_n=nat.get("enterprise_count"),
        rank=rank,
        peers=count,
        peer_kind=_peer_kind(report.scope),
        per_enterprise=m.get("applications_per_enterprise"),
        national_per_enterprise=nat.get("applications_per_enterprise"),
    )


# --- 1. Population ----------------------------------------------------------------------------------


def _population(report: Report) -> Chapter:
    chapter = Chapter("population", _("企业总体情况"))
    m = report.metrics
    counted = m.get("batch_counts") or {}
    n = m.get("enterprise_count") or 0
    if report.scope == Scope.NATIONAL:
        announced = selectors.batch_announced_counts()
        batches = sorted({int(b) for b in counted} | set(announced))
        total_announced = sum(a["announced"] for a in announced.values())
        chapter.paragraphs.append(
            say.population_national(
                announced=total_announced, not_counted=max(total_announced - n, 0), n=n, batches=max(batches or [0])
            )
        )
        chapter.charts.append(
            Chart(
                id="population-batches",
                title=_("各批次企业数量：公示与纳入统计"),
                kind="grouped",
                categories=[batch_label(b) for b in batches],
                series=[
                    {"name": _("公示"), "values": [announced.get(b, {}).get("announced", 0) for b in batches]},
                    {"name": _("纳入统计"), "values": [counted.get(str(b), 0) for b in batches]},
                ],
                unit=_("家"),
                columns=[_("批次"), _("公示（家）"), _("纳入统计（家）")],
                rows=[
                    [
                        batch_label(b),
                        fmt.number(announced.get(b, {}).get("announced", 0)),
                        fmt.number(counted.get(str(b), 0)),
                    ]
                    for b in batches
                ],
            )
        )
    else:
        chapter.paragraphs.append(report.headline)
        chapter.charts.append(_chart_id("population", batch_chart(m, chart_id="batches")))
    if counted:
        batch, count = max(counted.items(), key=lambda kv: (kv[1], -int(kv[0])))
        chapter.paragraphs.append(
            say.largest_batch(name=report.name, batch_label=batch_label(batch), count=count, share=_share(count, n))
        )
    return chapter


# --- 2. Where the enterprises are ---------------------------------------------------------------------


def _ranked_chart(chart_id: str, title: str, names: list[str], values: list[int], *, column: str) -> Chart:
    return Chart(
        id=chart_id,
        title=title,
        kind="hbar",
        categories=names,
        series=[{"name": _("企业数"), "values": values}],
        unit=_("家"),
        columns=[column, _("企业数（家）")],
        rows=[[name, fmt.number(v)] for name, v in zip(names, values, strict=True)],
        tall=len(names) > 8,
    )


def _members_table(caption: str, column: str, rows: list, names: dict[str, str], whole: int) -> Table:
    return Table(
        caption=caption,
        columns=[
            _("排名"),
            column,
            _("企业数（家）"),
            _("占比"),
            _("专利申请总量（件/家）"),
            _("发明专利占比"),
        ],
        rows=[
            [
                str(i),
                names.get(r.code, r.name),
                fmt.number(r.enterprise_count),
                fmt.percent(_share(r.enterprise_count, whole)),
                fmt.metric("applications_per_enterprise", r.applications_per_enterprise),
                fmt.percent(r.metrics.get("invention_share")),
            ]
            for i, r in enumerate(rows, start=1)
        ],
    )


def _places(report: Report) -> Chapter:
    chapter = Chapter("places", _("地区分布"))
    snapshot, n = report.snapshot, report.metrics.get("enterprise_count") or 0
    if report.scope == Scope.NATIONAL:
        provinces = [p for p in selectors.scope_rows(snapshot=snapshot, scope=Scope.PROVINCE) if p.enterprise_count]
        names = names_for(provinces, Scope.PROVINCE)
        top = provinces[:3]
        chapter.paragraphs.append(
            say.top_places(
                names=[names.get(p.code, p.name) for p in top],
                total=sum(p.enterprise_count for p in top),
                share=_share(sum(p.enterprise_count for p in top), n),
                whole=pgettext("share of", "全国"),
            )
        )
        chapter.charts.append(
            _ranked_chart(
                "places-provinces",
                _("各省份专精特新“小巨人”企业数量"),
                [names.get(p.code, p.name) for p in provinces],
                [p.enterprise_count for p in provinces],
                column=_("省份"),
            )
        )
        cities = [
            c
            for c in selectors.scope_rows(snapshot=snapshot, scope=Scope.CITY, limit=TOP_CITIES_CHART)
            if c.enterprise_count
        ]
        city_names = names_for(cities, Scope.CITY)
        if cities:
            top_cities = cities[:3]
            chapter.paragraphs.append(
                say.top_places(
                    names=[city_names.get(c.code, c.name) for c in top_cities],
                    total=sum(c.enterprise_count for c in top_cities),
                    share=_share(sum(c.enterprise_count for c in top_cities), n),
                    whole=pgettext("share of", "全国"),
                )
            )
            chapter.charts.append(
                _ranked_chart(
                    "places-cities",
                    _("专精特新“小巨人”企业数量最多的%(k)s个城市") % {"k": len(cities)},
                    [city_names.get(c.code, c.name) for c in cities],
                    [c.enterprise_count for c in cities],
                    column=_("城市"),
                )
            )
        clusters = selectors.scope_rows(snapshot=snapshot, scope=Scope.CLUSTER)
        if clusters:
            chapter.tables.append(_clusters_table(report, clusters))
        return chapter

    if report.scope == Scope.CITY:
        province_code = f"{report.code[:2]}0000"
        cities = [
            c
            for c in selectors.scope_rows(snapshot=snapshot, scope=Scope.CITY, prefix=report.code[:2])
            if c.enterprise_count
        ]
        province = selectors.indicators_get(snapshot=snapshot, keys=[(Scope.PROVINCE.value, province_code)]).get(
            (Scope.PROVINCE.value, province_code)
        )
        rank = next((i for i, c in enumerate(cities, start=1) if c.code == report.code), None)
        if province is not None and rank:
            chapter.paragraphs.append(
                say.city_within_province(
                    name=report.name,
                    province=report.parent_name,
                    share=_share(n, province.enterprise_count),
                    rank=rank,
                    cities=len(cities),
                )
            )
        names = names_for(cities, Scope.CITY)
        if len(cities) > 1:
            chapter.tables.append(
                _members_table(
                    _("%(province)s各城市专精特新“小巨人”企业数量") % {"province": report.parent_name},
                    _("城市"),
                    cities,
                    names,
                    province.enterprise_count if province else 0,
                )
            )
        return chapter

    if report.scope == Scope.PROVINCE:
        members = [
            c
            for c in selectors.scope_rows(snapshot=snapshot, scope=Scope.CITY, prefix=report.code[:2])
            if c.enterprise_count
        ]
        scope = Scope.CITY
        title = _("%(name)s各城市专精特新“小巨人”企业数量") % {"name": report.name}
        column = _("城市")
    else:
        scope, codes = selectors.cluster_member_keys(report.code)
        members = [r for r in selectors.scope_rows(snapshot=snapshot, scope=scope, codes=codes) if r.enterprise_count]
        title = _("%(name)s各成员专精特新“小巨人”企业数量") % {"name": report.name}
        column = _("地区")
    names = names_for(members, scope)
    if members:
        top = members[0]
        chapter.paragraphs.append(
            say.largest_member(
                name=report.name,
                member=names.get(top.code, top.name),
                count=top.enterprise_count,
                share=_share(top.enterprise_count, n),
                members=len(members),
                cities=report.scope == Scope.PROVINCE,
            )
        )
        chapter.charts.append(
            _ranked_chart(
                "places-members",
                title,
                [names.get(r.code, r.name) for r in members],
                [r.enterprise_count for r in members],
                column=column,
            )
        )
        chapter.tables.append(_members_table(title, column, members, names, n))
    return chapter


def _clusters_table(report: Report, clusters: list) -> Table:
    """Section 3.2 of the report: the three clusters beside the nation."""
    names = names_for(clusters, Scope.CLUSTER)
    columns = [("national", _("全国"), report.national)] + [
        (c.code, names.get(c.code, c.name), c.metrics) for c in clusters
    ]

    def listed(m: dict) -> int:
        return sum(v for k, v in (m.get("board_counts") or {}).items() if k != "unlisted")

    rows = [
        (_("企业数（家）"), lambda m: fmt.number(m.get("enterprise_count"))),
        (_("其中上市或挂牌（家）"), lambda m: fmt.number(listed(m))),
        (
            _("专利申请总量（件/家）"),
            lambda m: fmt.metric("applications_per_enterprise", m.get("applications_per_enterprise")),
        ),
        (_("发明专利占比"), lambda m: fmt.metric("invention_share", m.get("invention_share"))),
        (
            _("专利被引总量（次/家）"),
            lambda m: fmt.metric("citations_per_enterprise", m.get("citations_per_enterprise")),
        ),
        (_("PCT专利总量（件/家）"), lambda m: fmt.metric("pct_per_enterprise", m.get("pct_per_enterprise"))),
    ]
    return Table(
        caption=_("三大城市群与全国"),
        columns=[_("指标")] + [name for _c, name, _m in columns],
        rows=[[label] + [value(m) for _c, _n, m in columns] for label, value in rows],
    )


# --- 3. Industries ------------------------------------------------------------------------------------


def _industries(report: Report) -> Chapter:
    chapter = Chapter("industries", _("产业领域"))
    m = report.metrics
    n = m.get("enterprise_count") or 0
    counts = industries_merged(m.get("industry_counts") or {}, include_other=True)
    apps = industries_merged(m.get("industry_applications") or {})
    top_count = next(((k, label, v) for k, label, v in counts if k != IndustryField.OTHER), None)
    chapter.paragraphs.append(
        say.industries(
            top_count_label=top_count[1] if top_count else "",
            top_count=top_count[2] if top_count else 0,
            top_count_share=_share(top_count[2], n) if top_count else None,
            top_apps_label=apps[0][1] if apps else "",
            top_apps=apps[0][2] if apps else 0,
        )
    )
    chapter.charts.append(
        industry_chart(
            m,
            "industry_counts",
            chart_id="industries-counts",
            title=_("各产业领域企业数量"),
            unit=_("家"),
            include_other=True,
        )
    )
    chapter.charts.append(
        industry_chart(
            m,
            "industry_applications",
            chart_id="industries-applications",
            title=_("各产业领域累计专利申请量"),
            unit=_("件"),
        )
    )
    chapter.notes.append(_("电力装备、农机装备、高档数控机床和机器人合并为高端机械装备，与报告一致。"))
    return chapter


# --- 4. Capital markets ---------------------------------------------------------------------------------


def _capital(report: Report) -> Chapter:
    chapter = Chapter("capital", _("资本市场参与情况"))
    m = report.metrics
    n = m.get("enterprise_count") or 0
    block = boards_block(m)
    counts = m.get("board_counts") or {}
    chapter.paragraphs.append(
        say.capital(
            listed=block["listed"],
            listed_share=_share(block["listed"], n),
            a_share=sum(counts.get(b, 0) for b in A_SHARE_BOARDS),
            boards=[(label, count) for _k, label, count in block["boards"]],
            financed=block["financed"],
            financed_share=block["financed_share"],
        )
    )
    if block["boards"]:
        chapter.charts.append(
            Chart(
                id="capital-boards",
                title=_("各板块上市或挂牌企业数量"),
                kind="bar",
                categories=[label for _k, label, _c in block["boards"]],
                series=[{"name": _("企业数"), "values": [c for _k, _l, c in block["boards"]]}],
                unit=_("家"),
                columns=[_("板块"), _("企业数（家）")],
                rows=[[label, fmt.number(c)] for _k, label, c in block["boards"]],
            )
        )
    return chapter


# --- 5. Innovation capability ------------------------------------------------------------------------


def _innovation(report: Report, peers: list) -> Chapter:
    chapter = Chapter("innovation", _("科创能力画像"))
    m, nat = report.metrics, report.national
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
            value = m.get(indicator.key)
            unit = str(indicator.unit)
            fraction = indicator.key in FRACTIONS
            label = str(indicator.label)
            if is_national:
                chapter.paragraphs.append(
                    say.sentence(say.indicator_value(label=label, key=indicator.key, value=value, unit=unit))
                )
                rows.append([str(dimension.label), _label(indicator), fmt.metric(indicator.key, value)])
                continue
            rank = _rank(peers, report.code, indicator.key)
            comparison = say.compare(value, nat.get(indicator.key), fraction=fraction)
            chapter.paragraphs.append(
                say.indicator_sentence(
                    label=label,
                    key=indicator.key,
                    value=value,
                    unit=unit,
                    national=nat.get(indicator.key),
                    fraction=fraction,
                    rank=rank,
                    peers=len(peers),
                )
            )
            rows.append(
                [
                    str(dimension.label),
                    _label(indicator),
                    fmt.metric(indicator.key, value),
                    fmt.metric(indicator.key, nat.get(indicator.key)),
                    say.versus_national(comparison),
                    f"{rank}/{len(peers)}" if rank else fmt.MISSING,
                ]
            )
    if is_national:
        extra = [
            ("valid_inventions_per_enterprise", _("有效发明专利"), _("件/家")),
            ("employees_per_enterprise", _("参保人数"), _("人/家")),
        ]
        for key, label, unit in extra:
            chapter.paragraphs.append(
                say.sentence(say.indicator_value(label=str(label), key=key, value=m.get(key), unit=str(unit)))
            )
    chapter.tables.append(Table(caption=_("八项指标"), columns=columns, rows=rows))
    if not is_national:
        chapter.notes.append(
            _("同级排名：在全国有企业的同级地区（%(kind)s）中的位次，数值越大排名越前。")
            % {"kind": _peer_kind(report.scope)}
        )
    return chapter


def _label(indicator) -> str:
    return f"{indicator.label}（{indicator.unit}）" if indicator.unit else str(indicator.label)


# --- 6. Globalisation ----------------------------------------------------------------------------------


def _bucket_chart(chart_id: str, title: str, buckets: dict, keys, labels: dict, n: int, column: str) -> Chart:
    return Chart(
        id=chart_id,
        title=title,
        kind="bar",
        categories=[str(labels[k]) for k in keys],
        series=[{"name": _("企业数"), "values": [buckets.get(k, 0) for k in keys]}],
        unit=_("家"),
        columns=[column, _("企业数（家）"), _("占比")],
        rows=[[str(labels[k]), fmt.number(buckets.get(k, 0)), fmt.percent(_share(buckets.get(k, 0), n))] for k in keys],
    )


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
    pct_chart = _bucket_chart(
        "global-pct", _("PCT专利申请数量分布"), pct, PCT_BUCKETS, PCT_BUCKET_LABELS, n, _("PCT申请")
    )
    overseas_chart = _bucket_chart(
        "global-overseas",
        _("海外市场布局数量分布"),
        overseas,
        OVERSEAS_BUCKETS,
        OVERSEAS_BUCKET_LABELS,
        n,
        _("海外市场"),
    )
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
            rows=[[str(a), str(b)] for a, b in methodology.SOURCES[:-1]],
        )
    )
    chapter.notes.append(_("报告中的图表由服务器以矢量图（SVG）绘制；企业名单与指标可在门户中逐项查阅。"))
    return chapter


def board_label(key: str) -> str:
    return str(BOARD_LABELS.get(key, key))
