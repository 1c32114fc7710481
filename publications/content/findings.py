"""The foreword (前言) and the seven findings (核心发现) of a report, in the 2023 report's order.

Each finding is two or three sentences written from the scope's own numbers: its batches, fields, boards,
share of the nation, typical firm, places; the seventh points to chapter 04 with the scope's weakest
indicators. Findings that need numbers the scope does not have are left out rather than printed empty.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enterprises.choices import IndustryField
from portal import selectors
from portal.indicators import industries_merged
from portal.pages import batch_label, boards_block, names_for
from reports.choices import Scope
from reports.metrics import last_complete_year

from .. import narrative as tell
from .. import sentences as say
from .advice import weakest, yardstick
from .structure import A_SHARE_BOARDS, Chapter, Report, Section, _share


def foreword_chapter(report: Report) -> Chapter:
    m = report.metrics
    batches = max((int(b) for b in (m.get("batch_counts") or {})), default=0)
    chapter = Chapter("foreword", _("前言"), numbered=False)
    chapter.paragraphs += tell.foreword(
        name=report.name, as_of=report.as_of, n=m.get("enterprise_count"), batches=batches
    )
    return chapter


def findings_chapter(report: Report) -> Chapter:
    chapter = Chapter("findings", _("核心发现"), numbered=False)
    for title, text in (
        (_("最新培育进展"), _cultivation(report)),
        (_("行业表现"), _industries(report)),
        (_("资本市场"), _capital(report)),
        (_("科技贡献"), _contribution(report)),
        (_("科创画像"), _portrait(report)),
        (_("区域版图"), _places(report)),
        (
            _("科创成长建议"),
            tell.finding_advice(weakest=[w.item() for w in weakest(report, 2)], yardstick=yardstick(report)),
        ),
    ):
        if text:
            chapter.sections.append(Section(title, [text]))
    return chapter


def _whole(report: Report) -> str:
    return _("全部小巨人") if report.scope == Scope.NATIONAL else report.name


def _cultivation(report: Report) -> str:
    m = report.metrics
    n = m.get("enterprise_count") or 0
    counted = m.get("batch_counts") or {}
    if not counted:
        return ""
    batch, count = max(counted.items(), key=lambda kv: (kv[1], -int(kv[0])))
    announced, target = None, None
    if report.scope == Scope.NATIONAL:
        announced = sum(a["announced"] for a in selectors.batch_announced_counts().values())
        plan = report.references.get(("plan", "target_enterprises"))
        target = plan.value if plan else None
    return tell.finding_cultivation(
        name=report.name,
        n=n,
        announced=announced,
        batches=max(int(b) for b in counted),
        largest_batch=batch_label(batch),
        largest_share=_share(count, n),
        target=target,
    )


def _industries(report: Report) -> str:
    m = report.metrics
    n = m.get("enterprise_count") or 0
    counts = m.get("industry_counts") or {}
    if not counts or not n:
        return ""
    key_fields = sum(v for k, v in counts.items() if k != IndustryField.OTHER)
    leaders = [(label, _share(v, n)) for k, label, v in industries_merged(counts)[:3]]
    return tell.finding_industries(key_share=_share(key_fields, n), leaders=leaders)


def _capital(report: Report) -> str:
    m = report.metrics
    n = m.get("enterprise_count") or 0
    counts = m.get("board_counts") or {}
    block = boards_block(m)
    a_share = [(label, c) for k, label, c in block["boards"] if k in A_SHARE_BOARDS]
    leading = max(a_share, key=lambda b: b[1], default=("", 0))
    return tell.finding_capital(
        a_share=sum(counts.get(b, 0) for b in A_SHARE_BOARDS),
        a_share_share=_share(sum(counts.get(b, 0) for b in A_SHARE_BOARDS), n),
        leading_board=leading[0],
        leading_count=leading[1],
        financed_share=block["financed_share"],
    )


def _contribution(report: Report) -> str:
    m, nat = report.metrics, report.national
    year = last_complete_year(report.as_of)
    applications = (m.get("applications_by_year") or {}).get(str(year))
    if report.scope == Scope.NATIONAL:
        enterprises = report.references.get(("nation", "enterprises"))
        total = report.references.get(("nation", "applications_in_year"))
        return tell.finding_contribution(
            whole=pgettext("share of", "全国"),
            enterprise_share=_share(m.get("enterprise_count"), enterprises.value) if enterprises else None,
            applications_share=_share(applications, total.value) if total and total.as_of.year == year else None,
            year=year,
        )
    national_year = (nat.get("applications_by_year") or {}).get(str(year))
    return tell.finding_contribution(
        whole=_("全国小巨人"),
        enterprise_share=_share(m.get("enterprise_count"), nat.get("enterprise_count")),
        applications_share=_share(applications, national_year) if applications is not None else None,
        year=year,
    )


def _portrait(report: Report) -> str:
    m = report.metrics
    apps = m.get("applications_per_enterprise")
    sme = report.references.get(("sme", "applications_per_enterprise"))
    # The SME figure computed from the data when it holds the programme, as chart 2.2 shows it.
    sme_apps = report.sme["applications_per_enterprise"] if report.sme else (sme.value if sme else None)
    champion = report.references.get(("champion", "applications_per_enterprise"))
    return tell.finding_portrait(
        name=report.name,
        applications=apps,
        invention_share=m.get("invention_share"),
        citations=m.get("citations_per_enterprise"),
        pct=m.get("pct_per_enterprise"),
        sme=sme_apps,
        champion=champion.value if champion else None,
    )


def _places(report: Report) -> str:
    snapshot, n = report.snapshot, report.metrics.get("enterprise_count") or 0
    if report.scope == Scope.NATIONAL:
        rows = [r for r in selectors.scope_rows(snapshot=snapshot, scope=Scope.PROVINCE, limit=3) if r.enterprise_count]
        cities = [r for r in selectors.scope_rows(snapshot=snapshot, scope=Scope.CITY, limit=3) if r.enterprise_count]
        names, city_names = names_for(rows, Scope.PROVINCE), names_for(cities, Scope.CITY)
        second = (
            _("城市中企业最多的是%(names)s") % {"names": tell.join([city_names.get(c.code, c.name) for c in cities])}
            if cities
            else ""
        )
        whole = pgettext("share of", "全国")
    elif report.scope == Scope.CITY:
        return _city_place(report)
    else:
        scope, codes = (
            (Scope.CITY, None) if report.scope == Scope.PROVINCE else selectors.cluster_member_keys(report.code)
        )
        prefix = report.code[:2] if report.scope == Scope.PROVINCE else ""
        rows = [
            r
            for r in selectors.scope_rows(snapshot=snapshot, scope=scope, codes=codes, prefix=prefix, limit=3)
            if r.enterprise_count
        ]
        names, second, whole = names_for(rows, scope), "", report.name
    if not rows:
        return ""
    total = sum(r.enterprise_count for r in rows)
    return tell.finding_places(
        names=[names.get(r.code, r.name) for r in rows], total=total, share=_share(total, n), whole=whole, second=second
    )


def _city_place(report: Report) -> str:
    """A city's share of its province and its rank among the province's cities."""
    snapshot, n = report.snapshot, report.metrics.get("enterprise_count") or 0
    cities = [
        r
        for r in selectors.scope_rows(snapshot=snapshot, scope=Scope.CITY, prefix=report.code[:2])
        if r.enterprise_count
    ]
    rank = next((i for i, c in enumerate(cities, start=1) if c.code == report.code), None)
    key = (Scope.PROVINCE.value, f"{report.code[:2]}0000")
    province = selectors.indicators_get(snapshot=snapshot, keys=[key]).get(key)
    if province is None or not rank:
        return ""
    return say.city_within_province(
        name=report.name,
        province=report.parent_name,
        share=_share(n, province.enterprise_count),
        rank=rank,
        cities=len(cities),
    )
