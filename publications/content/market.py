"""Chapters 1-4 of a report: the population, where the enterprises are, industries, capital markets."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enterprises.choices import IndustryField, ListingBoard
from portal import formatting as fmt
from portal import selectors
from portal.indicators import (
    industries_merged,
)
from portal.pages import (
    announced_batch_chart,
    batch_chart,
    batch_label,
    boards_block,
    boards_chart,
    industry_chart,
    names_for,
    ranked_chart,
)
from reports.choices import Scope

from .. import sentences as say
from .comparisons import board_changes, board_contribution, industry_shares, year_earlier_method_note
from .structure import A_SHARE_BOARDS, TOP_CITIES_CHART, Chapter, Report, Table, _chart_id, _share

# --- 1. Population ----------------------------------------------------------------------------------


def _population(report: Report) -> Chapter:
    chapter = Chapter("population", _("企业总体情况"))
    m = report.metrics
    counted = m.get("batch_counts") or {}
    n = m.get("enterprise_count") or 0
    if report.scope == Scope.NATIONAL:
        announced = selectors.batch_announced_counts()
        # The sentence names every announced batch (it says how many were not designated by the date); the
        # chart shows the batches counted (see ``announced_batch_chart``).
        last_batch = max({int(b) for b in counted} | set(announced), default=0)
        total_announced = sum(a["announced"] for a in announced.values())
        chapter.paragraphs.append(
            say.population_national(
                announced=total_announced, not_counted=max(total_announced - n, 0), n=n, batches=last_batch
            )
        )
        chapter.charts.append(
            announced_batch_chart(
                m, announced, chart_id="population-batches", title=_("各批次企业数量：公示与纳入统计")
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


def _top_places(rows: list, names: dict[str, str], n: int, *, cities: bool = False) -> str:
    """The sentence on the three leading regions (or cities) and their share of the nation."""
    top = rows[:3]
    total = sum(r.enterprise_count for r in top)
    return say.top_places(
        names=[names.get(r.code, r.name) for r in top],
        total=total,
        share=_share(total, n),
        whole=pgettext("share of", "全国"),
        cities=cities,
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
    if report.scope == Scope.NATIONAL:
        _national_places(report, chapter)
    elif report.scope == Scope.CITY:
        _city_places(report, chapter)
    else:
        _member_places(report, chapter)
    return chapter


def _members_with_enterprises(snapshot, **filters) -> list:
    return [r for r in selectors.scope_rows(snapshot=snapshot, **filters) if r.enterprise_count]


def _national_places(report: Report, chapter: Chapter) -> None:
    """The provinces, the leading cities and the three clusters."""
    snapshot, n = report.snapshot, report.metrics.get("enterprise_count") or 0
    provinces = _members_with_enterprises(snapshot, scope=Scope.PROVINCE)
    names = names_for(provinces, Scope.PROVINCE)
    chapter.paragraphs.append(_top_places(provinces, names, n))
    chapter.charts.append(
        ranked_chart(
            "places-provinces",
            _("各省份专精特新“小巨人”企业数量"),
            provinces,
            names,
            column=_("省份"),
            tall=len(provinces) > 8,
        )
    )
    cities = _members_with_enterprises(snapshot, scope=Scope.CITY, limit=TOP_CITIES_CHART)
    city_names = names_for(cities, Scope.CITY)
    if cities:
        chapter.paragraphs.append(_top_places(cities, city_names, n, cities=True))
        title = _("专精特新“小巨人”企业数量最多的%(k)s个城市") % {"k": len(cities)}
        chapter.charts.append(
            ranked_chart("places-cities", title, cities, city_names, column=_("城市"), tall=len(cities) > 8)
        )
    clusters = selectors.scope_rows(snapshot=snapshot, scope=Scope.CLUSTER)
    if clusters:
        chapter.tables.append(_clusters_table(report, clusters))


def _city_places(report: Report, chapter: Chapter) -> None:
    """The city within its province: its share and rank, and the province's cities."""
    snapshot, n = report.snapshot, report.metrics.get("enterprise_count") or 0
    province_code = f"{report.code[:2]}0000"
    cities = _members_with_enterprises(snapshot, scope=Scope.CITY, prefix=report.code[:2])
    province_key = (Scope.PROVINCE.value, province_code)
    province = selectors.indicators_get(snapshot=snapshot, keys=[province_key]).get(province_key)
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


def _member_places(report: Report, chapter: Chapter) -> None:
    """A province's cities or a cluster's members: the largest, a chart and a table."""
    snapshot, n = report.snapshot, report.metrics.get("enterprise_count") or 0
    if report.scope == Scope.PROVINCE:
        scope = Scope.CITY
        members = _members_with_enterprises(snapshot, scope=scope, prefix=report.code[:2])
        title = _("%(name)s各城市专精特新“小巨人”企业数量") % {"name": report.name}
        column = _("城市")
    else:
        scope, codes = selectors.cluster_member_keys(report.code)
        members = _members_with_enterprises(snapshot, scope=scope, codes=codes)
        title = _("%(name)s各成员专精特新“小巨人”企业数量") % {"name": report.name}
        column = _("地区")
    names = names_for(members, scope)
    if not members:
        return
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
    chapter.charts.append(ranked_chart("places-members", title, members, names, column=column, tall=len(members) > 8))
    chapter.tables.append(_members_table(title, column, members, names, n))


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
    # The applications chart shows the eight key fields, as the original's does; the others' applications
    # are said in the note, as on the web profile (the counts chart above has its "其他领域" bar).
    other_applications = (m.get("industry_applications") or {}).get(IndustryField.OTHER, 0)
    if other_applications:
        chapter.notes.append(
            _("另有其他领域%(n)s件；电力装备、农机装备、高档数控机床和机器人合并为高端机械装备。")
            % {"n": fmt.number(other_applications)}
        )
    else:
        chapter.notes.append(_("电力装备、农机装备、高档数控机床和机器人合并为高端机械装备。"))
    industry_shares(report, chapter)
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
            a_share=[(label, count) for k, label, count in block["boards"] if k in A_SHARE_BOARDS],
            abroad=[
                (label, count)
                for k, label, count in block["boards"]
                if k not in A_SHARE_BOARDS and k != ListingBoard.NEEQ
            ],
            quoted=counts.get(ListingBoard.NEEQ, 0),
            financed=block["financed"],
            financed_share=block["financed_share"],
        )
    )
    if block["boards"]:
        chapter.charts.append(boards_chart(block, chart_id="capital-boards", title=_("各板块上市或挂牌企业数量")))
    board_changes(report, chapter)
    board_contribution(report, chapter)
    note = year_earlier_method_note(report)
    if note:
        chapter.notes.append(note)
    return chapter
