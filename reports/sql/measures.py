"""The measure pass as named SQL templates: population → by_office → per_enterprise → measure rows.

Each template returns SQL text and binds the values it needs through one shared ``Params``; the caller
composes them inside-out (a template's result is a subquery of the next), as Zulip's analytics names
each query. ``reports.rollups`` runs the result.
"""

import datetime
import enum

from django.conf import settings

from enterprises.choices import DesignationStatus, Program
from enterprises.models import Designation, Enterprise
from enterprises.validity import VALID_YEARS, years_before
from patents.choices import HOME_OFFICE, PCT_OFFICE, LegalStatus
from patents.models import Patent, PatentApplicant
from regions.choices import CLUSTER_CITIES, CLUSTER_PROVINCES, Cluster
from utilities.bulk import table_name

from ..choices import YEAR_SPAN


class Params:
    """Named parameters: the SQL is assembled inside-out, so positional ones would not line up."""

    def __init__(self):
        self.values: dict = {}

    def __call__(self, value) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value.value if isinstance(value, enum.Enum) else value
        return f"%({name})s"

    def in_list(self, values) -> str:
        return "(" + ", ".join(self(v) for v in values) + ")"


def id_list(values) -> str:
    # Inlined integers (int() makes them safe): a refresh's id list stays clear of parameter limits.
    return "(" + ", ".join(str(int(v)) for v in values) + ")"


def count_if(condition: str) -> str:
    # Counts are cast to INTEGER at each level: PostgreSQL sums BIGINT into NUMERIC, which is several
    # times slower to add up (per-enterprise values fit an INTEGER by far).
    return f"CAST(COUNT(*) FILTER (WHERE {condition}) AS INTEGER)"


def total(expr: str) -> str:
    return f"CAST(SUM({expr}) AS INTEGER)"


def year_bounds(as_of: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """[start, end) of each calendar year of the window, oldest first."""
    first = as_of.year - YEAR_SPAN + 1
    return [(datetime.date(y, 1, 1), datetime.date(y + 1, 1, 1)) for y in range(first, as_of.year + 1)]


def population(p: Params, *, as_of: datetime.date, enterprise_ids: list[int] | None) -> str:
    """One row per population member at ``as_of`` (or among ``enterprise_ids``) with its earliest batch.

    With settings.INDICATORS_EXCLUDE_LAPSED a designation past its three-year validity at ``as_of`` without
    a 复核 result (enterprises.validity: 认定通过 since, or 复核通过 since, three years or more) counts no more.
    """
    only = f"AND d.enterprise_id IN {id_list(enterprise_ids)}" if enterprise_ids is not None else ""
    return f"""
        SELECT d.enterprise_id AS enterprise_id, MIN(d.batch) AS batch
        FROM {table_name(Designation)} d
        WHERE d.program = {p(Program.LITTLE_GIANT)} AND d.status <> {p(DesignationStatus.REVOKED)}
            AND (d.designated_on IS NULL OR d.designated_on <= {p(as_of)}) {only} {_not_lapsed(p, as_of)}
        GROUP BY d.enterprise_id
    """


def _not_lapsed(p: Params, as_of: datetime.date) -> str:
    """The optional rule: no designation whose validity ended on or before ``as_of`` (empty when off)."""
    if not settings.INDICATORS_EXCLUDE_LAPSED:
        return ""
    ended = p(years_before(as_of, VALID_YEARS))
    confirmed, reviewed = p(DesignationStatus.CONFIRMED), p(DesignationStatus.REVIEWED)
    return f"""AND NOT (
            (d.status = {confirmed} AND d.designated_on IS NOT NULL AND d.designated_on <= {ended})
            OR (d.status = {reviewed} AND d.reviewed_on IS NOT NULL AND d.reviewed_on <= {ended}))"""


def links_filter(*, enterprise_ids: list[int] | None, population_sql: str | None) -> str:
    """Which applicant links the pass reads: those of ``enterprise_ids``, of the population, or all."""
    if enterprise_ids is not None:
        return f"AND pa.enterprise_id IN {id_list(enterprise_ids)}"
    if population_sql is not None:
        return f"AND pa.enterprise_id IN (SELECT d.enterprise_id FROM ({population_sql}) d)"
    return ""


def by_office(p: Params, *, as_of: datetime.date, inv: str, links: str) -> str:
    """One row per (enterprise, office) of the patents published by ``as_of``.

    The patents are read once and every measure is a filtered count or a sum over the same rows, so the
    groups stay few (an enterprise files with a handful of offices) and are hashed, not sorted; the year
    of each patent is a filter per year rather than a grouping key.
    """
    granted = f"p.patent_type = {inv} AND p.grant_date <= {p(as_of)}"
    valid = count_if(f"{granted} AND p.legal_status = {p(LegalStatus.VALID)}")
    years = ", ".join(
        f"{count_if(f'p.publication_date >= {p(lo)} AND p.publication_date < {p(hi)}')} AS y{i}"
        for i, (lo, hi) in enumerate(year_bounds(as_of))
    )
    return f"""
        SELECT pa.enterprise_id AS enterprise_id, p.jurisdiction AS jurisdiction,
            CAST(COUNT(*) AS INTEGER) AS n, {count_if(f"p.patent_type = {inv}")} AS inv, {count_if(granted)} AS granted,
            {valid} AS valid,
            CAST(SUM(p.cited_by_count) AS INTEGER) AS cit, CAST(SUM(p.license_count) AS INTEGER) AS lic,
            CAST(SUM(p.transfer_count) AS INTEGER) AS tra,
            {years}
        FROM {table_name(PatentApplicant)} pa JOIN {table_name(Patent)} p ON p.id = pa.patent_id
        WHERE pa.enterprise_id IS NOT NULL AND p.publication_date <= {p(as_of)} {links}
        GROUP BY 1, 2
    """


# The per-enterprise columns, in MEASURE_COLUMNS order (the years of all applications, then of PCT ones).
PER_ENTERPRISE_COLUMNS = [
    "applications",
    "inv",
    "granted",
    "valid",
    "cit",
    "lic",
    "tra",
    "pct",
    "overseas",
    *(f"ay{i}" for i in range(YEAR_SPAN)),
    *(f"py{i}" for i in range(YEAR_SPAN)),
]


def per_enterprise(p: Params, *, by_office_sql: str) -> str:
    """The (enterprise, office) rows summed per enterprise, the years spread into columns.

    Each office is one row of its enterprise here, so counting the rows of other offices than CN/WO
    counts the distinct overseas offices.
    """
    wo = p(PCT_OFFICE)
    pct_years = ", ".join(
        f"{total(f'CASE WHEN y.jurisdiction = {wo} THEN y.y{i} ELSE 0 END')} AS py{i}" for i in range(YEAR_SPAN)
    )
    return f"""
        SELECT y.enterprise_id AS enterprise_id, {total("y.n")} AS applications, {total("y.inv")} AS inv,
            {total("y.granted")} AS granted, {total("y.valid")} AS valid, {total("y.cit")} AS cit,
            {total("y.lic")} AS lic, {total("y.tra")} AS tra,
            {total(f"CASE WHEN y.jurisdiction = {wo} THEN y.n ELSE 0 END")} AS pct,
            CAST(COUNT(*) FILTER (WHERE y.jurisdiction NOT IN ({p(HOME_OFFICE)}, {wo})) AS INTEGER) AS overseas,
            {", ".join(f"{total(f'y.y{i}')} AS ay{i}" for i in range(YEAR_SPAN))},
            {pct_years}
        FROM ({by_office_sql}) y
        GROUP BY 1
    """


def cluster_case(p: Params) -> str:
    """The cluster of an enterprise ``e`` (京津冀 and 长三角 by province, 粤港澳 by city), or ''."""
    return (
        f"CASE WHEN e.province_id IN {p.in_list(CLUSTER_PROVINCES[Cluster.JJJ])} THEN {p(Cluster.JJJ)}"
        f" WHEN e.province_id IN {p.in_list(CLUSTER_PROVINCES[Cluster.YRD])} THEN {p(Cluster.YRD)}"
        f" WHEN e.city_id IN {p.in_list(CLUSTER_CITIES[Cluster.GBA])} THEN {p(Cluster.GBA)} ELSE '' END"
    )


def measure_rows(
    p: Params, *, snapshot_id: int, population_sql: str, per_enterprise_sql: str, measure_columns: list[str]
) -> str:
    """One row per population member: its scope columns (MEMBER_COLUMNS) and measures (0 without patents)."""
    cluster = cluster_case(p)
    measures = ", ".join(
        f"COALESCE(a.{src}, 0) AS {column}" for src, column in zip(PER_ENTERPRISE_COLUMNS, measure_columns, strict=True)
    )
    return f"""
        SELECT {p(snapshot_id)} AS snapshot_id, e.id AS enterprise_id, e.province_id AS province_code,
            e.city_id AS city_code, {cluster} AS cluster, e.industry_field AS industry_field,
            CASE WHEN e.listing_board = '' THEN {p("unlisted")} ELSE e.listing_board END AS board,
            pop.batch AS batch, e.employees AS employees, e.primary_financing AS primary_financing,
            {measures}
        FROM ({population_sql}) pop
        JOIN {table_name(Enterprise)} e ON e.id = pop.enterprise_id
        LEFT JOIN ({per_enterprise_sql}) a ON a.enterprise_id = e.id
    """
