"""Reads of the publications app's own tables."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Sum
from django.utils.translation import get_language

from enterprises.choices import DesignationStatus, ListingBoard, Program
from enterprises.models import Designation, Enterprise
from patents.choices import PatentType
from portal.selectors import measure_filter
from reports.choices import Scope
from reports.metrics import scope_metrics
from reports.models import YEAR_COLUMNS, EnterpriseMeasure, ScopeIndicator, Snapshot
from reports.rollups import TOTAL_MEASURE_COLUMNS
from reports.sql import measures as measures_sql
from utilities.bulk import table_name

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


def _region_condition(p: measures_sql.Params, *, scope: str, code: str) -> str:
    """The SQL condition on an enterprise ``e`` of being in the region (as the stored measures place it)."""
    if scope == Scope.PROVINCE:
        return f"AND e.province_id = {p(code)}"
    if scope == Scope.CITY:
        return f"AND e.city_id = {p(code)}"
    if scope == Scope.CLUSTER:
        return f"AND ({measures_sql.cluster_case(p)}) = {p(code)}"
    return ""


def sme_metrics(*, as_of: datetime.date, scope: str, code: str) -> dict | None:
    """The metrics of a region's 专精特新中小企业 at ``as_of`` when the data holds that programme, else None.

    The firms with a standing SME designation (``Program.SME``) that are not 小巨人 at ``as_of``, so that
    the two columns of chart 2.2 compare groups apart; their patents are counted by the very SQL that
    counts the 小巨人's (``reports/sql/measures.py``), summed in the same query. Datasets without the
    programme (the report scale) cost one EXISTS and keep the reference value.
    """
    if not Designation.objects.filter(program=Program.SME).exists():
        return None
    p = measures_sql.Params()
    little_giants = measures_sql.population(p, as_of=as_of, enterprise_ids=None)
    population = f"""
        SELECT DISTINCT d.enterprise_id AS enterprise_id
        FROM {table_name(Designation)} d JOIN {table_name(Enterprise)} e ON e.id = d.enterprise_id
        WHERE d.program = {p(Program.SME)} AND d.status <> {p(DesignationStatus.REVOKED)}
            AND (d.designated_on IS NULL OR d.designated_on <= {p(as_of)}) {_region_condition(p, scope=scope, code=code)}
            AND d.enterprise_id NOT IN (SELECT lg.enterprise_id FROM ({little_giants}) lg)
    """
    links = measures_sql.links_filter(enterprise_ids=None, population_sql=population)
    by_office = measures_sql.by_office(p, as_of=as_of, inv=p(PatentType.INVENTION), links=links)
    per_enterprise = measures_sql.per_enterprise(p, by_office_sql=by_office)
    sql = f"""
        SELECT COUNT(*), COALESCE(SUM(a.applications), 0), COALESCE(SUM(a.inv), 0), COALESCE(SUM(a.cit), 0),
            COALESCE(SUM(a.pct), 0)
        FROM ({population}) pop LEFT JOIN ({per_enterprise}) a ON a.enterprise_id = pop.enterprise_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, p.values)
        n, applications, inventions, citations, pct = cursor.fetchone()
    if not n:
        return None
    sums = {
        "n": n,
        "applications": applications,
        "invention_applications": inventions,
        "citations": citations,
        "pct_applications": pct,
    }
    return scope_metrics(as_of=as_of, aggregates=sums, breakdowns=None)
