"""Chapter 02 of the 2023 report, 科创能力: its charts 2.1-2.7 and 2.9, numbered as the original numbers them.

Live figures come from stored measures (``publications.selectors``: the nation's batch scopes, a region's
members summed by batch in SQL); groups the portal does not hold (科创板 and 北交所 firms, 专精特新中小企业,
单项冠军, national totals) are reference figures, drawn as their own bars and named with their source in
the chapter's notes, never summed into live figures.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from portal import formatting as fmt
from portal.charts import Chart
from portal.pages import batch_label
from reports.choices import Scope
from reports.metrics import last_complete_year

from .. import narrative as tell
from .. import sentences as say
from ..choices import ReferenceGroup
from ..selectors import a_share_metrics, batch_metrics
from .comparisons import citation_growth
from .grouped import data_table, grouped_chart
from .structure import Chapter, Report, Table, figure_title

STAR, BSE, SME, CHAMPION, NATION = "star", "bse", "sme", "champion", "nation"


def _group_name(group: str) -> str:
    return str(ReferenceGroup(group).label)


def _short_name(group: str) -> str:
    """A reference group on a chart's axis: the board alone ("科创板（参考）"), so that labels do not collide."""
    board = pgettext("chart", "科创板") if group == STAR else pgettext("chart", "北交所")
    return _("%(group)s（参考）") % {"group": board}


def _chart_whole(report: Report) -> str:
    return _("全部") if report.scope == Scope.NATIONAL else report.name


def _ref(report: Report, group: str, measure: str):
    return report.references.get((group, measure))


def _ref_value(report: Report, group: str, measure: str):
    ref = _ref(report, group, measure)
    return ref.value if ref else None


def capability_chapter(report: Report) -> Chapter:
    chapter = Chapter("capability", _("科创能力分析"), tables_first=True)
    batches = batch_metrics(snapshot=report.snapshot, scope=report.scope, code=report.code)
    used: set[tuple[str, str]] = set()
    _economy_share(report, chapter, used)
    _portrait(report, chapter, used)
    _scale(report, chapter, batches, used)
    _growth(report, chapter, batches)
    _density(report, chapter, used)
    _quality(report, chapter, used)
    _influence(report, chapter, batches)
    _pct_growth(report, chapter)
    sources = sorted({report.references[key].source for key in used if key in report.references})
    if sources:
        chapter.notes.append(_("标“参考”的数字不是门户计算的，来源如下："))
        chapter.notes += [say.sentence(source) for source in sources]
    return chapter


def _whole_name(report: Report) -> str:
    return _("全部小巨人") if report.scope == Scope.NATIONAL else report.name


# --- 2.1 share of the national economy ---------------------------------------------------------------


def _economy_share(report: Report, chapter: Chapter, used: set) -> None:
    m = report.metrics
    year = last_complete_year(report.as_of)
    employees = (m.get("employees_per_enterprise") or 0) * (m.get("employees_known") or 0)
    applications = (m.get("applications_by_year") or {}).get(str(year))
    rows, shares = [], {}
    for key, label, value in (
        ("enterprises", _("企业数量（家）"), m.get("enterprise_count")),
        ("employees", _("参保人数（人）"), employees or None),
        ("applications_in_year", _("%(year)s年公开的专利申请（件）") % {"year": year}, applications),
    ):
        ref = _ref(report, NATION, key)
        # A national total of another year is not a denominator of this year's applications.
        if ref is None or value is None or (key == "applications_in_year" and ref.as_of.year != year):
            continue
        used.add((NATION, key))
        shares[key] = value / ref.value if ref.value else None
        rows.append([label, fmt.number(value), fmt.number(ref.value), tell.share_text(shares[key])])
    if not rows:
        return
    chapter.paragraphs.append(
        tell.finding_contribution(
            whole=pgettext("share of", "全国"),
            enterprise_share=shares.get("enterprises"),
            applications_share=shares.get("applications_in_year"),
            year=year,
        )
    )
    chapter.tables.append(
        Table(
            caption=figure_title("2.1", _("占全国经济的比重")),
            columns=[_("指标"), capfirst(_whole_name(report)), _("全国（参考数据）"), _("占比")],
            rows=rows,
        )
    )


# --- 2.2 the typical portrait --------------------------------------------------------------------------

PORTRAIT = (
    ("applications_per_enterprise", gettext_lazy("专利申请总量（件/家）"), False),
    ("invention_share", gettext_lazy("发明专利占比"), True),
    ("citations_per_enterprise", gettext_lazy("专利被引总量（次/家）"), False),
    ("pct_per_enterprise", gettext_lazy("PCT专利总量（件/家）"), False),
)


def _sme_value(report: Report, live: dict | None, key: str):
    return live.get(key) if live is not None else _ref_value(report, SME, key)


def _portrait_rows(report: Report, live: dict | None, used: set) -> list[list[str]]:
    """Chart 2.2's rows: 专精特新中小企业 (live or reference), the region's 小巨人, 单项冠军 (reference)."""
    rows = []
    for key, label, fraction in PORTRAIT:
        mine, sme, champion = report.metrics.get(key), _sme_value(report, live, key), _ref_value(report, CHAMPION, key)
        used.update({(CHAMPION, key)} if live is not None else {(SME, key), (CHAMPION, key)})
        rows.append(
            [
                str(label),
                fmt.metric(key, sme),
                fmt.metric(key, mine),
                fmt.metric(key, champion),
                fmt.MISSING if fraction else tell.multiple(mine, sme),
                fmt.MISSING if fraction else tell.multiple(champion, mine),
            ]
        )
    return rows


def _portrait(report: Report, chapter: Chapter, used: set) -> None:
    m = report.metrics
    # Live where the data holds the SME programme (the national-scale dataset), else the reference value.
    live = report.sme
    if live is None and all(_ref(report, g, "applications_per_enterprise") is None for g in (SME, CHAMPION)):
        return
    rows = _portrait_rows(report, live, used)
    chapter.paragraphs.append(
        tell.finding_portrait(
            name=report.name,
            applications=m.get("applications_per_enterprise"),
            invention_share=m.get("invention_share"),
            citations=m.get("citations_per_enterprise"),
            pct=m.get("pct_per_enterprise"),
            sme=_sme_value(report, live, "applications_per_enterprise"),
            champion=_ref_value(report, CHAMPION, "applications_per_enterprise"),
        )
    )
    if live is None:
        sme_column = _("专精特新中小企业（参考）")
    else:
        sme_column = _("专精特新中小企业（%(n)s家）") % {"n": fmt.number(live["enterprise_count"])}
        chapter.notes.append(
            say.sentence(
                _(
                    "图表2.2的专精特新中小企业由门户按小巨人的同一口径计算：%(n)s家持有专精特新中小企业认定、尚未成为小巨人的企业"
                )
                % {"n": fmt.number(live["enterprise_count"])}
            )
        )
    chapter.tables.append(
        Table(
            caption=figure_title("2.2", _("典型画像：专精特新中小企业、小巨人与制造业单项冠军")),
            columns=[
                _("指标"),
                sme_column,
                capfirst(_whole_name(report)),
                _("制造业单项冠军（参考）"),
                _("小巨人÷中小企业"),
                _("单项冠军÷小巨人"),
            ],
            rows=rows,
        )
    )


# --- 2.3 technology scale, 2.4 growth, 2.7 influence: by batch ---------------------------------------------


def _batch_keys(batches: dict) -> list[str]:
    return sorted(batches, key=int)


def _batch_categories(report: Report, batches: dict) -> list[str]:
    return [batch_label(b) for b in _batch_keys(batches)] + [_chart_whole(report)]


def _batch_values(report: Report, batches: dict, key: str) -> list:
    return [batches[b].get(key) for b in _batch_keys(batches)] + [report.metrics.get(key)]


def _scale(report: Report, chapter: Chapter, batches: dict, used: set) -> None:
    """2.3: per batch and for 科创板/北交所 (reference) bars; the scope's averages as lines (and table rows)."""
    keys = ("applications_per_enterprise", "valid_inventions_per_enterprise")
    categories = [batch_label(b) for b in _batch_keys(batches)]
    series = {key: [batches[b].get(key) for b in _batch_keys(batches)] for key in keys}
    for group in (STAR, BSE):
        if _ref(report, group, keys[0]) is None:
            continue
        used.update({(group, k) for k in keys})
        categories.append(_short_name(group))
        for key in keys:
            series[key].append(_ref_value(report, group, key))
    labels = (_("专利申请总量（件/家）"), _("有效发明专利（件/家）"))
    whole = _chart_whole(report)
    averages = [report.metrics.get(key) for key in keys]
    # The table states the scope's averages as a last row; the chart draws them as lines.
    rows = [
        [c, fmt.metric(keys[0], a), fmt.metric(keys[1], v)]
        for c, a, v in zip(
            [*categories, whole], [*series[keys[0]], averages[0]], [*series[keys[1]], averages[1]], strict=True
        )
    ]
    grouped_chart(
        chapter,
        id="capability-scale",
        figure="2.3",
        title=_("各批次技术体量与科创板、北交所比较"),
        categories=categories,
        series=[{"name": label, "values": series[key]} for key, label in zip(keys, labels, strict=True)],
        unit=_("件/家"),
        table=([_("分组"), *labels], rows),
        lines=[
            (
                capfirst(_("%(name)s平均 %(value)s") % {"name": _whole_name(report), "value": fmt.metric(key, value)}),
                value,
            )
            for key, value in zip(keys, averages, strict=True)
            if value is not None
        ],
    )
    mine = report.metrics.get(keys[0])
    relations = [
        tell.relation(mine, _ref_value(report, g, keys[0]), name=_group_name(g), fraction=False) for g in (STAR, BSE)
    ]
    chapter.paragraphs.append(
        say.sentence(
            _("%(name)s平均每家申请专利%(a)s件、拥有有效发明专利%(v)s件")
            % {
                "name": _whole_name(report),
                "a": fmt.metric(keys[0], mine),
                "v": fmt.metric(keys[1], report.metrics.get(keys[1])),
            },
            _("其专利申请量%(relations)s") % {"relations": say.join(relations)} if any(relations) else "",
        )
    )


def _growth(report: Report, chapter: Chapter, batches: dict) -> None:
    year = last_complete_year(report.as_of)
    years = [year - 2, year - 1, year]
    groups = [(batch_label(b), batches[b]) for b in _batch_keys(batches)] + [(_chart_whole(report), report.metrics)]

    def mean(metrics: dict, y: int):
        n = metrics.get("enterprise_count")
        return (metrics.get("applications_by_year") or {}).get(str(y), 0) / n if n else None

    categories = [label for label, _m in groups]
    cagr = _("年均增速")
    series = [{"name": _("%(year)s年") % {"year": y}, "values": [mean(m, y) for _label, m in groups]} for y in years]
    growth = [fmt.percent(m.get("growth_cagr")) for _label, m in groups]
    grouped_chart(
        chapter,
        id="capability-growth",
        figure="2.4",
        title=_("各批次技术成长：平均每家专利申请量与年均增速"),
        categories=categories,
        series=series,
        unit=_("件/家"),
        # The CAGR is a rate, not a count: a line on its own axis, not a fourth bar.
        trend={"name": cagr, "values": [m.get("growth_cagr") for _label, m in groups], "percent": True},
        table=data_table(_("分组"), categories, series, lambda v: fmt.number(v, 1), more={cagr: growth}),
    )
    fastest = max(groups[:-1], key=lambda g: g[1].get("growth_cagr") or -1, default=None)
    if fastest and None not in (fastest[1].get("growth_cagr"), report.metrics.get("growth_cagr")):
        chapter.paragraphs.append(
            say.sentence(
                _("%(y0)s年至%(y1)s年，%(name)s的专利申请量年均增速为%(g)s")
                % {
                    "y0": years[0],
                    "y1": year,
                    "name": _whole_name(report),
                    "g": fmt.percent(report.metrics.get("growth_cagr")),
                },
                _("各批次中%(batch)s增速最高（%(g)s）")
                % {"batch": fastest[0], "g": fmt.percent(fastest[1]["growth_cagr"])},
            )
        )


def _signed(value) -> str:
    return fmt.MISSING if value is None else f"{value * 100:+.1f}%"


def _influence(report: Report, chapter: Chapter, batches: dict) -> None:
    categories = _batch_categories(report, batches)
    for chart_id, key, label, unit in (
        ("capability-citations", "citations_per_enterprise", _("各批次平均每家专利被引次数"), _("次/家")),
        ("capability-licenses", "licenses_per_enterprise", _("各批次平均每家专利许可次数"), _("次/家")),
    ):
        values = _batch_values(report, batches, key)
        chapter.charts.append(
            Chart(
                id=chart_id,
                title=figure_title("2.7", label),
                kind="bar",
                categories=categories,
                series=[{"name": label, "values": values}],
                unit=unit,
                columns=[_("分组"), label],
                rows=[[c, fmt.metric(key, v)] for c, v in zip(categories, values, strict=True)],
            )
        )
    citation_growth(report, chapter)
    first = _batch_keys(batches)[0] if batches else None
    if first is not None:
        chapter.paragraphs.append(
            say.sentence(
                _("%(batch)s企业平均每家专利被引%(c)s次、许可%(l)s次")
                % {
                    "batch": batch_label(first),
                    "c": fmt.metric("citations_per_enterprise", batches[first].get("citations_per_enterprise")),
                    "l": fmt.metric("licenses_per_enterprise", batches[first].get("licenses_per_enterprise")),
                },
                _("%(name)s平均为%(c)s次和%(l)s次")
                % {
                    "name": _whole_name(report),
                    "c": fmt.metric("citations_per_enterprise", report.metrics.get("citations_per_enterprise")),
                    "l": fmt.metric("licenses_per_enterprise", report.metrics.get("licenses_per_enterprise")),
                },
            )
        )


# --- 2.5 density, 2.6 quality: against 科创板 and 北交所 ------------------------------------------------------


def _against_references(report: Report, key: str, used: set) -> tuple[list[str], list]:
    categories, values = [capfirst(_whole_name(report))], [report.metrics.get(key)]
    if report.scope != Scope.NATIONAL:
        categories.append(_("全国小巨人"))
        values.append(report.national.get(key))
    for group in (STAR, BSE):
        ref = _ref(report, group, key)
        if ref is not None:
            used.add((group, key))
            categories.append(_short_name(group))
            values.append(ref.value)
    return categories, values


def _density(report: Report, chapter: Chapter, used: set) -> None:
    key = "invention_density"
    categories, values = _against_references(report, key, used)
    label = _("发明专利密度（件/千人）")
    chapter.charts.append(
        Chart(
            id="capability-density",
            title=figure_title("2.5", _("发明专利密度：每千名参保人员拥有的有效发明专利")),
            kind="bar",
            categories=categories,
            series=[{"name": label, "values": values}],
            unit=_("件/千人"),
            columns=[_("分组"), label],
            rows=[[c, fmt.metric(key, v)] for c, v in zip(categories, values, strict=True)],
        )
    )
    mine = report.metrics.get(key)
    relations = [
        tell.relation(mine, _ref_value(report, g, key), name=_group_name(g), fraction=False) for g in (STAR, BSE)
    ]
    chapter.paragraphs.append(
        say.sentence(
            _("%(name)s的发明专利密度为每千人%(v)s件") % {"name": _whole_name(report), "v": fmt.metric(key, mine)},
            say.join(relations),
        )
    )


def _quality(report: Report, chapter: Chapter, used: set) -> None:
    keys = ("invention_share", "invention_grant_rate")
    labels = (_("发明专利占比"), _("发明专利授权率"))
    groups, columns = [], {}
    for key in keys:
        categories, values = _against_references(report, key, used)
        groups = categories
        columns[key] = values
    categories = [str(label) for label in labels]
    series = [
        {"name": group, "values": [columns[k][i] if i < len(columns[k]) else None for k in keys]}
        for i, group in enumerate(groups)
    ]
    grouped_chart(
        chapter,
        id="capability-quality",
        figure="2.6",
        title=_("发明专利占比与授权率：与科创板、北交所比较"),
        categories=categories,
        series=series,
        percent=True,
        table=data_table(_("分组"), categories, series, fmt.percent, per_series=True),
    )
    m = report.metrics
    chapter.paragraphs.append(
        say.sentence(
            _("%(name)s的发明专利占比为%(s)s，发明专利授权率为%(r)s")
            % {"name": _whole_name(report), "s": fmt.percent(m.get(keys[0])), "r": fmt.percent(m.get(keys[1]))},
            say.join(
                [
                    tell.relation(m.get(keys[0]), _ref_value(report, g, keys[0]), name=_group_name(g), fraction=True)
                    for g in (STAR, BSE)
                ]
            ),
        )
    )


# --- 2.9 PCT growth: all against the A-share-listed ----------------------------------------------------


def _pct_growth(report: Report, chapter: Chapter) -> None:
    year = last_complete_year(report.as_of)
    years = [year - 2, year - 1, year]
    listed = a_share_metrics(snapshot=report.snapshot, scope=report.scope, code=report.code)
    groups = [(_whole_name(report), report.metrics), (_("其中A股上市企业"), listed)]

    def mean(metrics: dict, y: int):
        n = metrics.get("enterprise_count")
        return (metrics.get("pct_by_year") or {}).get(str(y), 0) / n if n else None

    if not listed.get("enterprise_count"):
        groups = groups[:1]
    categories = [str(y) for y in years]
    series = [
        {
            "name": _("%(group)s（年均%(g)s）") % {"group": label, "g": _signed(m.get("pct_growth_cagr"))},
            "values": [mean(m, y) for y in years],
        }
        for label, m in groups
    ]
    table = data_table(
        _("分组"),
        categories,
        series,
        lambda v: fmt.number(v, 2),
        per_series=True,
        labels=[label for label, _m in groups],  # the series' names carry their growth; the table has a column
        names=[_("%(year)s年") % {"year": y} for y in years],
        more={_("年均增速"): [fmt.percent(m.get("pct_growth_cagr")) for _label, m in groups]},
    )
    grouped_chart(
        chapter,
        id="capability-pct-growth",
        figure="2.9",
        title=_("PCT申请的增长：全部企业与A股上市企业"),
        categories=categories,
        series=series,
        unit=_("件/家"),
        table=table,
    )
    if len(groups) == 2 and None not in (report.metrics.get("pct_growth_cagr"), listed.get("pct_growth_cagr")):
        chapter.paragraphs.append(
            say.sentence(
                _("%(y0)s年至%(y1)s年，%(name)s的PCT申请年均增速为%(a)s，其中A股上市企业为%(b)s")
                % {
                    "y0": years[0],
                    "y1": year,
                    "name": _whole_name(report),
                    "a": fmt.percent(report.metrics.get("pct_growth_cagr")),
                    "b": fmt.percent(listed.get("pct_growth_cagr")),
                }
            )
        )
