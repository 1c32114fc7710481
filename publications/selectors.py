"""Reads of the publications app's own tables."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils.translation import get_language

from enterprises.choices import ListingBoard
from portal.selectors import measure_filter
from reports.choices import Scope
from reports.metrics import scope_metrics
from reports.models import YEAR_COLUMNS, EnterpriseMeasure, ScopeIndicator, Snapshot
from reports.rollups import TOTAL_MEASURE_COLUMNS

from .choices import FRACTION_MEASURES
from .models import ReferenceFigure

A_SHARE_BOARDS = (ListingBoard.MAIN, ListingBoard.CHINEXT, ListingBoard.STAR, ListingBoard.BSE)


@dataclass(frozen=True)
class Reference:
    """One reference figure as a report uses it: a float value and where it comes from, in both languages."""

    group: str
    measure: str
    value: float
    unit: str
    source_zh: str
    source_en: str
    as_of: datetime.date

    @property
    def fraction(self) -> bool:
        return self.measure in FRACTION_MEASURES

    @property
    def source(self) -> str:
        """The source in the active language: the English one in an English report when an administrator
        gave it, else the Chinese one (a title cited as published)."""
        english = not (get_language() or "zh").startswith("zh")
        return self.source_en if english and self.source_en else self.source_zh


def reference_figures(*, as_of: datetime.date) -> dict[tuple[str, str], Reference]:
    """The newest figure of each (group, measure) dated on or before ``as_of`` (one query, DISTINCT ON)."""
    rows = (
        ReferenceFigure.objects.filter(as_of__lte=as_of)
        .order_by("group", "measure", "-as_of")
        .distinct("group", "measure")
    )
    return {
        (r.group, r.measure): Reference(r.group, r.measure, float(r.value), r.unit, r.source, r.source_en, r.as_of)
        for r in rows
    }


def _sums(*, snapshot: Snapshot) -> dict:
    sums = {"n": Count("pk")}
    sums.update({column: Sum(column) for column in TOTAL_MEASURE_COLUMNS})
    sums.update({column: Sum(column) for column in YEAR_COLUMNS})
    return sums


def _metrics(snapshot: Snapshot, row: dict) -> dict:
    return scope_metrics(as_of=snapshot.as_of, aggregates={k: v or 0 for k, v in row.items()}, breakdowns=None)


def batch_metrics(*, snapshot: Snapshot, scope: str, code: str) -> dict[str, dict]:
    """``{batch: metrics}`` of a region's members by batch. The nation's are the stored batch scopes; a
    region's are summed in one GROUP BY over its members' stored measures (no batch scope per region)."""
    if scope == Scope.NATIONAL:
        rows = ScopeIndicator.objects.filter(snapshot=snapshot, scope=Scope.BATCH, enterprise_count__gt=0)
        return {row.code: row.metrics for row in rows}
    rows = (
        EnterpriseMeasure.objects.filter(measure_filter(scope=scope, code=code), snapshot=snapshot)
        .values("batch")
        .annotate(**_sums(snapshot=snapshot))
        .order_by("batch")
    )
    return {str(row.pop("batch")): _metrics(snapshot, row) for row in rows}


def a_share_metrics(*, snapshot: Snapshot, scope: str, code: str) -> dict:
    """The metrics of a region's members listed on an A-share board (one aggregate over stored measures)."""
    row = EnterpriseMeasure.objects.filter(
        measure_filter(scope=scope, code=code), snapshot=snapshot, board__in=A_SHARE_BOARDS
    ).aggregate(**_sums(snapshot=snapshot))
    return _metrics(snapshot, row)


def sme_metrics(*, snapshot: Snapshot, scope: str, code: str) -> dict | None:
    """The metrics of a region's 专精特新中小企业 as ``snapshot`` computed them (``reports.sme``), or None: the
    data holds no SME programme there, or the snapshot predates the stored column (the reference value)."""
    return (
        ScopeIndicator.objects.filter(snapshot=snapshot, scope=scope, code=code).values_list("sme", flat=True).first()
    )
