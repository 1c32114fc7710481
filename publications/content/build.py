"""Which chapters a region's report has, and its headline."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal import formatting as fmt
from portal import selectors
from portal.pages import (
    Region,
    division_name,
    region_resolve,
)
from reports.choices import NATIONAL_CODE, Scope
from reports.models import Snapshot

from .. import sentences as say
from ..selectors import reference_figures, sme_metrics
from .advice import advice_chapter
from .analysis import capability_chapter
from .capability import _appendix, _globalisation, _innovation, _leading_cities, _representatives, _series
from .findings import findings_chapter, foreword_chapter
from .market import _capital, _industries, _places, _population
from .policy import policy_chapter
from .regions import regions_chapter
from .structure import LEADING_CITIES, NATIONAL, Report, _peer_kind


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


def report_build(*, region: Region, snapshot: Snapshot, earlier=None) -> Report:
    """Every chapter of ``region``'s report at ``snapshot``, in the active language.

    ``earlier``: the snapshot a year before (``reports.services.YearEarlier``), for charts 1.6 and 2.10 and
    the citation growth; without it the report leaves those out, and says why when it knows.
    """
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
        references=reference_figures(as_of=snapshot.as_of),
        earlier=earlier,
        earlier_metrics=_earlier_metrics(earlier, region),
    )
    if not report.is_empty:
        report.sme = sme_metrics(snapshot=snapshot, scope=region.scope, code=region.code)
    if report.is_empty:
        report.headline = say.sentence(
            _("截至%(date)s，%(name)s没有纳入统计的专精特新“小巨人”企业")
            % {"date": fmt.date(snapshot.as_of), "name": region.name}
        )
        report.chapters = [_appendix(report)]
        report.number_chapters()
        return report
    peers = _peer_rows(report, row)
    report.headline = _headline(report, row, peers)
    report.chapters = _chapters(report, peers)
    report.number_chapters()
    return report


def _earlier_metrics(earlier, region: Region) -> dict:
    if earlier is None or earlier.snapshot is None:
        return {}
    key = (region.scope, region.code)
    row = selectors.indicators_get(snapshot=earlier.snapshot, keys=[key]).get(key)
    return row.metrics if row else {}


def _chapters(report: Report, peers: list) -> list:
    """The chapters of a region with counted enterprises, in the original's order."""
    chapters = [
        foreword_chapter(report),
        findings_chapter(report),
        policy_chapter(),
        _population(report),
        _places(report),
        _industries(report),
        _capital(report),
        _innovation(report, peers),
        capability_chapter(report),
        _globalisation(report),
        _series(report),
        _representatives(report),
    ]
    regions = regions_chapter(report)
    if regions is not None:
        chapters.append(regions)
    if report.scope in LEADING_CITIES:
        cities = _leading_cities(report)
        if cities:
            chapters.append(cities)
    return chapters + [advice_chapter(report), _appendix(report)]


def _peer_rows(report: Report, row) -> list:
    """The region's peers (same scope, with members), the region included; none for the nation."""
    if report.scope == Scope.NATIONAL or row is None:
        return []
    return [r for r in selectors.scope_rows(snapshot=report.snapshot, scope=report.scope) if r.enterprise_count]


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
