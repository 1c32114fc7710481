"""Chart 2.2's 专精特新中小企业 column, computed with the snapshot: the metrics of each region's firms holding a
standing SME designation (``Program.SME``) that are not 小巨人 at the snapshot's date.

The report read them from the live tables when it was rendered, so a report of an older snapshot could
disagree with itself (its SME column counting designations and patents the rest of the report does not).
Computed in the snapshot's transaction instead and kept on its ``ScopeIndicator`` rows. Their patents are
counted by the very SQL that counts the 小巨人's (``reports/sql/measures.py``), every region in one
grouped query; a dataset without the programme (the report scale) costs one EXISTS.
"""

import datetime

from django.db import connection

from enterprises.choices import DesignationStatus, Program
from enterprises.models import Designation, Enterprise
from patents.choices import PatentType
from utilities.bulk import table_name

from .choices import Scope
from .metrics import scope_metrics
from .models import ScopeIndicator, Snapshot
from .sql import measures as measures_sql

NATIONAL_CODE = "CN"
# GROUPING(province, city, cluster) of each grouping set: a bit set for each column left out.
_SETS = {0b011: Scope.PROVINCE, 0b101: Scope.CITY, 0b110: Scope.CLUSTER, 0b111: Scope.NATIONAL}


def _sql(p: measures_sql.Params, *, as_of: datetime.date) -> str:
    little_giants = measures_sql.population(p, as_of=as_of, enterprise_ids=None)
    population = f"""
        SELECT DISTINCT d.enterprise_id AS enterprise_id FROM {table_name(Designation)} d
        WHERE d.program = {p(Program.SME)} AND d.status <> {p(DesignationStatus.REVOKED)}
            AND (d.designated_on IS NULL OR d.designated_on <= {p(as_of)})
            AND d.enterprise_id NOT IN (SELECT lg.enterprise_id FROM ({little_giants}) lg)
    """
    links = measures_sql.links_filter(enterprise_ids=None, population_sql=population)
    by_office = measures_sql.by_office(p, as_of=as_of, inv=p(PatentType.INVENTION), links=links)
    per_enterprise = measures_sql.per_enterprise(p, by_office_sql=by_office)
    return f"""
        SELECT GROUPING(e.province_id, e.city_id, cl.cluster), e.province_id, e.city_id, cl.cluster,
            COUNT(*), COALESCE(SUM(a.applications), 0), COALESCE(SUM(a.inv), 0), COALESCE(SUM(a.cit), 0),
            COALESCE(SUM(a.pct), 0)
        FROM ({population}) pop JOIN {table_name(Enterprise)} e ON e.id = pop.enterprise_id
            CROSS JOIN LATERAL (SELECT {measures_sql.cluster_case(p)} AS cluster) cl
            LEFT JOIN ({per_enterprise}) a ON a.enterprise_id = pop.enterprise_id
        GROUP BY GROUPING SETS ((e.province_id), (e.city_id), (cl.cluster), ())
    """


def sme_scope_metrics(*, as_of: datetime.date) -> dict[tuple[str, str], dict]:
    """The SME metrics at ``as_of`` of every region that has such firms, by (scope, code)."""
    if not Designation.objects.filter(program=Program.SME).exists():
        return {}
    p = measures_sql.Params()
    sql = _sql(p, as_of=as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, p.values)
        rows = cursor.fetchall()
    found = {}
    for grouping, province, city, cluster, n, applications, inventions, citations, pct in rows:
        scope = _SETS[grouping]
        code = {Scope.PROVINCE: province, Scope.CITY: city, Scope.CLUSTER: cluster}.get(scope, NATIONAL_CODE)
        if not code or not n:
            continue
        sums = {
            "n": n,
            "applications": applications,
            "invention_applications": inventions,
            "citations": citations,
            "pct_applications": pct,
        }
        found[(scope, code)] = scope_metrics(as_of=as_of, aggregates=sums, breakdowns=None)
    return found


def sme_rows_store(snapshot: Snapshot) -> int:
    """Put each region's SME metrics on its row of ``snapshot``; the number of rows that got them."""
    found = sme_scope_metrics(as_of=snapshot.as_of)
    rows = [
        row
        for row in ScopeIndicator.objects.filter(snapshot=snapshot, scope__in=list(_SETS.values()))
        if (row.scope, row.code) in found
    ]
    for row in rows:
        row.sme = found[(row.scope, row.code)]
    ScopeIndicator.objects.bulk_update(rows, ["sme"], batch_size=500)
    return len(rows)
