"""Comparisons of chapter 01 and 02 with listed firms and with a year earlier: charts 1.5, 1.6, 1.7, 2.10 and
the citation-growth sentence.

Listed firms are reference figures (``publications.ReferenceFigure``): drawn as their own series, named with
their source in the chapter's notes, never summed into live figures. "A year earlier" is the snapshot a
year before the report's date (``reports.services.snapshot_year_earlier_ensure``): its stored metrics of
the same region, read like the report's own. When it is not there, the report says why instead.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enterprises.choices import IndustryField
from portal import formatting as fmt
from portal.charts import Chart
from portal.indicators import PCT_BUCKET_LABELS
from reports.choices import PCT_BUCKETS, Scope

from .. import sentences as say
from ..choices import ReferenceGroup
from .grouped import data_table, grouped_chart
from .structure import A_SHARE_BOARDS, Chapter, Report, _share, board_label, figure_title

STAR, BSE = "star", "bse"
# Chart 1.6's boxes in the 2023 report's order; 新三板 is quoted, not listed, and has no box there.
CHANGE_BOARDS = ("main", "chinext", "star", "bse", "hkex", "sgx", "overseas_other")

# The six field groups the 2023 report compares with 科创板 and 北交所 (chart 1.5), as reference measures.
INDUSTRY_GROUPS = (
    ("industry_share_new_materials", (IndustryField.NEW_MATERIALS,)),
    ("industry_share_next_gen_it", (IndustryField.NEXT_GEN_IT,)),
    (
        "industry_share_high_end_equipment",
        (
            IndustryField.CNC_ROBOTICS,
            IndustryField.AEROSPACE,
            IndustryField.MARINE,
            IndustryField.RAIL,
            IndustryField.POWER,
            IndustryField.AGRI_MACHINERY,
        ),
    ),
    ("industry_share_nev", (IndustryField.NEV,)),
    ("industry_share_biomedicine", (IndustryField.BIOMEDICINE,)),
    ("industry_share_other", (IndustryField.OTHER,)),
)


def _group_label(measure: str) -> str:
    return {
        "industry_share_new_materials": pgettext("field group", "新材料"),
        "industry_share_next_gen_it": pgettext("field group", "新一代信息技术"),
        "industry_share_high_end_equipment": pgettext("field group", "高端装备制造"),
        "industry_share_nev": pgettext("field group", "节能与新能源汽车"),
        "industry_share_biomedicine": pgettext("field group", "生物医药及高性能医疗器械"),
        "industry_share_other": pgettext("field group", "其他"),
    }[measure]


def _short_group_label(measure: str) -> str:
    """Chart 1.5's axis: the six groups in a few characters each (the table names them in full)."""
    return {
        "industry_share_new_materials": pgettext("field group short", "新材料"),
        "industry_share_next_gen_it": pgettext("field group short", "新一代信息技术"),
        "industry_share_high_end_equipment": pgettext("field group short", "高端装备制造"),
        "industry_share_nev": pgettext("field group short", "新能源汽车"),
        "industry_share_biomedicine": pgettext("field group short", "生物医药"),
        "industry_share_other": pgettext("field group short", "其他"),
    }[measure]


def _short_board_label(key: str) -> str:
    """A board on a chart's axis, short enough that five of them fit side by side (the table names it in full)."""
    return {
        "main": pgettext("board short", "沪深主板"),
        "chinext": pgettext("board short", "创业板"),
        "star": pgettext("board short", "科创板"),
        "bse": pgettext("board short", "北交所"),
        "hkex": pgettext("board short", "港股"),
        "sgx": pgettext("board short", "新加坡"),
        "overseas_other": pgettext("board short", "其他境外"),
    }.get(key) or board_label(key)


def _board_reference_name(group: str) -> str:
    board = pgettext("chart", "科创板") if group == STAR else pgettext("chart", "北交所")
    return _("%(group)s（参考）") % {"group": board}


def _whole(report: Report) -> str:
    return _("全部小巨人") if report.scope == Scope.NATIONAL else report.name


def _sources_note(report: Report, chapter: Chapter, keys: set) -> None:
    sources = sorted({report.references[k].source for k in keys if k in report.references})
    if sources:
        chapter.notes.append(
            say.sentence(_("标“参考”的数字不是门户计算的，来源：%(sources)s") % {"sources": say.join(sources)})
        )


# --- 1.5 industry shares against 科创板 and 北交所 ---------------------------------------------------------


def industry_shares(report: Report, chapter: Chapter) -> None:
    counts = report.metrics.get("industry_counts") or {}
    n = report.metrics.get("enterprise_count") or 0
    groups = [g for g in (STAR, BSE) if (g, INDUSTRY_GROUPS[0][0]) in report.references]
    if not n or not groups:
        return
    mine = [_share(sum(counts.get(f, 0) for f in fields), n) for _m, fields in INDUSTRY_GROUPS]
    series = [{"name": capfirst(_whole(report)), "values": mine}]
    used = set()
    for group in groups:
        values = []
        for measure, _fields in INDUSTRY_GROUPS:
            ref = report.references.get((group, measure))
            values.append(ref.value if ref else None)
            used.add((group, measure))
        series.append({"name": _board_reference_name(group), "values": values})
    short = [capfirst(_short_group_label(m)) for m, _f in INDUSTRY_GROUPS]
    grouped_chart(
        chapter,
        id="industries-listed",
        figure="1.5",
        title=_("产业领域结构：与科创板、北交所上市企业比较"),
        categories=short,
        series=series,
        percent=True,
        table=data_table(
            _("产业领域"), short, series, fmt.percent, labels=[capfirst(_group_label(m)) for m, _f in INDUSTRY_GROUPS]
        ),
    )
    first = max(range(len(mine)), key=lambda i: (mine[i] or 0) - (series[1]["values"][i] or 0))
    chapter.paragraphs.append(
        industry_shares_sentence(
            name=_whole(report),
            field=_group_label(INDUSTRY_GROUPS[first][0]),
            share=mine[first],
            reference=series[1]["values"][first],
            board=str(ReferenceGroup(groups[0]).label),
        )
    )
    chapter.notes.append(
        _("高端装备制造包括高档数控机床和机器人、航空航天装备、海洋工程装备、先进轨道交通装备、电力装备和农机装备。")
    )
    _sources_note(report, chapter, used)


def industry_shares_sentence(*, name: str, field: str, share, reference, board: str) -> str:
    """The field where the scope leads the board most, in percentage points."""
    comparison = say.compare(share, reference, fraction=True)
    if comparison is None or comparison.is_equal:
        return say.sentence(
            _("%(name)s中%(field)s企业占%(s)s，与%(board)s持平")
            % {"name": name, "field": field, "s": fmt.percent(share), "board": board}
        )
    template = (
        _("%(name)s中%(field)s企业占%(s)s，比%(board)s高%(d)s")
        if comparison.direction == say.HIGHER
        else _("%(name)s中%(field)s企业占%(s)s，比%(board)s低%(d)s")
    )
    return say.sentence(
        template % {"name": name, "field": field, "s": fmt.percent(share), "board": board, "d": comparison.difference}
    )


# --- 1.6 change per board against a year earlier, 1.7 contribution to each board ---------------------------------


def _board_rows(metrics: dict) -> dict[str, int]:
    counts = metrics.get("board_counts") or {}
    rows = {key: counts.get(key, 0) for key in CHANGE_BOARDS}
    rows["financed"] = metrics.get("primary_financing_count") or 0
    return rows


def _board_row_label(key: str) -> str:
    return _("一级市场融资") if key == "financed" else board_label(key)


def board_changes(report: Report, chapter: Chapter) -> None:
    if not year_earlier_ready(report, chapter):
        return
    now, before = _board_rows(report.metrics), _board_rows(report.earlier_metrics)
    keys = [k for k in now if now[k] or before.get(k)]
    if not keys:
        return
    n = report.metrics.get("enterprise_count") or 0
    earlier_name, this_name = fmt.date(report.earlier.as_of), fmt.date(report.as_of)
    categories = [_board_row_label(k) for k in keys]
    # The chart draws the boards; primary-market financing (ten times as many firms) is in the table and the
    # sentence, so that its bar does not flatten the boards' ones.
    boards = [k for k in keys if k != "financed"]
    rows = [
        [
            c,
            fmt.number(now[k]),
            fmt.percent(_share(now[k], n)),
            fmt.number(before.get(k, 0)),
            _signed(now[k] - before.get(k, 0)),
        ]
        for c, k in zip(categories, keys, strict=True)
    ]
    grouped_chart(
        chapter,
        id="capital-change",
        figure="1.6",
        title=_("各资本市场板块企业数量：与上年同期比较"),
        categories=[_short_board_label(k) for k in boards],
        series=[
            {"name": earlier_name, "values": [before.get(k, 0) for k in boards]},
            {"name": this_name, "values": [now[k] for k in boards]},
        ],
        unit=_("家"),
        table=([_("板块"), this_name, _("占比"), earlier_name, _("变化（家）")], rows),
    )
    changes = [(c, now[k] - before.get(k, 0)) for c, k in zip(categories, keys, strict=True) if k != "financed"]
    chapter.paragraphs.append(
        board_change_sentence(
            earlier=fmt.date(report.earlier.as_of),
            changes=changes,
            financed=now["financed"] - before.get("financed", 0),
        )
    )


def _signed(value: int) -> str:
    return f"{value:+,d}" if value else "0"


def board_change_sentence(*, earlier: str, changes: list[tuple[str, int]], financed: int) -> str:
    """ "与上年同期（…）相比，科创板增加69家、主板减少3家，获得一级市场融资的企业增加1,203家" """
    parts = []
    for label, change in sorted(changes, key=lambda c: -abs(c[1]))[:4]:
        if change > 0:
            parts.append(_("%(board)s增加%(n)s家") % {"board": label, "n": fmt.number(change)})
        elif change < 0:
            parts.append(_("%(board)s减少%(n)s家") % {"board": label, "n": fmt.number(-change)})
    if financed > 0:
        parts.append(_("获得一级市场融资的企业增加%(n)s家") % {"n": fmt.number(financed)})
    elif financed < 0:
        parts.append(_("获得一级市场融资的企业减少%(n)s家") % {"n": fmt.number(-financed)})
    if not parts:
        return say.sentence(_("与上年同期（%(date)s）相比，各板块企业数量没有变化") % {"date": earlier})
    return say.sentence(_("与上年同期（%(date)s）相比，%(changes)s") % {"date": earlier, "changes": say.join(parts)})


def board_contribution(report: Report, chapter: Chapter) -> None:
    counts = report.metrics.get("board_counts") or {}
    rows = []
    for board in A_SHARE_BOARDS:
        ref = report.references.get((str(board), "listed_enterprises"))
        if ref is None or not ref.value:
            continue
        rows.append((str(board), board_label(board), counts.get(board, 0), ref))
    if not rows:
        return
    label = _("贡献度")
    chapter.charts.append(
        Chart(
            id="capital-contribution",
            title=figure_title("1.7", _("贡献度：小巨人占各板块上市企业的比重")),
            kind="bar",
            categories=[_short_board_label(r[0]) for r in rows],
            series=[{"name": label, "values": [count / ref.value for _b, _l, count, ref in rows]}],
            percent=True,
            columns=[_("板块"), capfirst(_whole(report)), _("板块上市企业（参考）"), label],
            rows=[
                [name, fmt.number(count), fmt.number(ref.value), fmt.percent(count / ref.value)]
                for _b, name, count, ref in rows
            ],
        )
    )
    top = max(rows, key=lambda r: r[2] / r[3].value)
    chapter.paragraphs.append(
        contribution_sentence(name=_whole(report), board=top[1], count=top[2], total=top[3].value)
    )
    _sources_note(report, chapter, {(b, "listed_enterprises") for b, *_rest in rows})


def contribution_sentence(*, name: str, board: str, count: int, total) -> str:
    return say.sentence(
        _("%(name)s对%(board)s的贡献度最高：%(board)s上市企业中有%(n)s家是小巨人，占%(s)s")
        % {"name": name, "board": board, "n": fmt.number(count), "s": fmt.percent(_share(count, total))}
    )


# --- 2.10 PCT distribution against a year earlier, and citation growth --------------------------------------


def pct_year_on_year(report: Report, chapter: Chapter) -> None:
    if not year_earlier_ready(report, chapter):
        return
    rows = []
    for metrics in (report.earlier_metrics, report.metrics):
        n = metrics.get("enterprise_count") or 0
        buckets = metrics.get("pct_buckets") or {}
        rows.append([_share(buckets.get(k, 0), n) for k in PCT_BUCKETS])
    earlier_name, this_name = fmt.date(report.earlier.as_of), fmt.date(report.as_of)
    categories = [str(PCT_BUCKET_LABELS[k]) for k in PCT_BUCKETS]
    series = [{"name": earlier_name, "values": rows[0]}, {"name": this_name, "values": rows[1]}]
    changes = [_points(before, now) for before, now in zip(*rows, strict=True)]
    grouped_chart(
        chapter,
        id="global-pct-change",
        figure="2.10",
        title=_("PCT申请量分布：与上年同期比较"),
        categories=categories,
        series=series,
        percent=True,
        table=data_table(_("PCT申请"), categories, series, fmt.percent, more={_("变化"): changes}),
    )
    chapter.paragraphs.append(
        pct_change_sentence(earlier=earlier_name, before=1 - (rows[0][0] or 0), now=1 - (rows[1][0] or 0))
    )


def _points(before, now) -> str:
    return fmt.MISSING if before is None or now is None else fmt.signed_percent_points(now - before)


def pct_change_sentence(*, earlier: str, before, now) -> str:
    """The share of firms with at least one PCT filing, now against a year earlier."""
    comparison = say.compare(now, before, fraction=True)
    head = _("有PCT申请的企业占%(s)s") % {"s": fmt.percent(now)}
    if comparison is None or comparison.is_equal:
        tail = _("与上年同期（%(date)s）持平") % {"date": earlier}
    elif comparison.direction == say.HIGHER:
        tail = _("比上年同期（%(date)s）提高%(d)s") % {"date": earlier, "d": comparison.difference}
    else:
        tail = _("比上年同期（%(date)s）降低%(d)s") % {"date": earlier, "d": comparison.difference}
    return say.sentence(head, tail)


def citation_growth(report: Report, chapter: Chapter) -> None:
    if report.earlier is None or not report.earlier_metrics.get("enterprise_count"):
        return
    chapter.paragraphs.append(
        citation_growth_sentence(
            name=_whole(report),
            earlier=fmt.date(report.earlier.as_of),
            total=report.metrics.get("citations_total"),
            total_before=report.earlier_metrics.get("citations_total"),
            per=report.metrics.get("citations_per_enterprise"),
            per_before=report.earlier_metrics.get("citations_per_enterprise"),
        )
    )


def citation_growth_sentence(*, name: str, earlier: str, total, total_before, per, per_before) -> str:
    """Citations now against a year earlier, in total and per enterprise (relative differences)."""
    clauses = []
    for value, before, higher, lower, equal in (
        (
            total,
            total_before,
            _("专利被引总量较上年同期增长%(d)s"),
            _("专利被引总量较上年同期下降%(d)s"),
            _("专利被引总量与上年同期持平"),
        ),
        (
            per,
            per_before,
            _("平均每家被引次数增长%(d)s"),
            _("平均每家被引次数下降%(d)s"),
            _("平均每家被引次数与上年同期持平"),
        ),
    ):
        comparison = say.compare(value, before, fraction=False)
        if comparison is None:
            continue
        if comparison.is_equal:
            clauses.append(equal)
        else:
            clauses.append((higher if comparison.direction == say.HIGHER else lower) % {"d": comparison.difference})
    if not clauses:
        return ""
    return say.sentence(
        _("与上年同期（%(date)s）相比，%(name)s的%(changes)s")
        % {"date": earlier, "name": name, "changes": say.join(clauses)}
    )


# --- when there is no year earlier -------------------------------------------------------------------------


def year_earlier_ready(report: Report, chapter: Chapter) -> bool:
    """True when the region's metrics a year earlier are there; else the chapter says why, once."""
    earlier = report.earlier
    if earlier is not None and earlier.snapshot is not None and report.earlier_metrics.get("enterprise_count"):
        return True
    notice = year_earlier_notice(report)
    if notice and notice not in chapter.paragraphs:
        chapter.paragraphs.append(notice)
    return False


def year_earlier_notice(report: Report) -> str:
    earlier = report.earlier
    if earlier is None:
        return ""
    if earlier.status == "computing":
        return say.sentence(
            _("上年数据正在计算，稍后重新打开本报告即可看到与上年同期（%(date)s）的比较")
            % {"date": fmt.date(earlier.as_of)}
        )
    if earlier.status == "unavailable":
        return say.sentence(_("数据未能追溯到%(date)s，本报告无法与上年同期比较") % {"date": fmt.date(earlier.as_of)})
    return say.sentence(
        _("截至%(date)s，%(name)s没有纳入统计的专精特新“小巨人”企业，无法与上年同期比较")
        % {"date": fmt.date(earlier.as_of), "name": report.name}
    )


def year_earlier_method_note(report: Report) -> str:
    """Said when the earlier snapshot was computed after its date: boards and fields are today's records."""
    snapshot = report.earlier.snapshot if report.earlier is not None else None
    if snapshot is None or snapshot.computed_at is None or snapshot.computed_at.date() <= snapshot.as_of:
        return ""
    return say.sentence(
        _("上年同期的数字由%(computed)s按截至%(date)s的认定和专利数据计算，企业的上市板块和融资情况按计算时的记录")
        % {"computed": fmt.date(snapshot.computed_at.date()), "date": fmt.date(snapshot.as_of)}
    )
