"""Reads the public pages need beyond ``reports.selectors``: all of them over stored rows.

Region pages read ``ScopeIndicator`` and ``EnterpriseMeasure`` rows only. The enterprise page also groups
that one enterprise's own patents (by type, office and IPC class) and pages through them: a bounded read
over the (enterprise, patent) index, never an aggregate over all patents.
"""

import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, F, FloatField, Q, QuerySet, Value, Window
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Least, Rank, Substr

from enterprises.choices import Program
from enterprises.models import Designation, Enterprise
from patents.models import Patent
from regions.choices import CLUSTER_CITIES, CLUSTER_PROVINCES
from reports.choices import NATIONAL_CODE, Scope
from reports.metrics import last_complete_year
from reports.models import EnterpriseMeasure, ScopeIndicator, Snapshot
from reports.selectors import (  # noqa: F401  (re-exported for the enterprise page and the snapshot choice)
    enterprise_percentiles,
    snapshot_is_stale_among,
    snapshots_with_staleness,
)


def snapshots_complete() -> list[Snapshot]:
    """The complete snapshots, newest first: the ``as_of`` selector's choices, with what their staleness
    needs (``snapshot_is_stale_among``), in one query."""
    return list(
        snapshots_with_staleness(Snapshot.objects.filter(status="complete"))
        .only("pk", "as_of", "computed_at", "refreshed_at", "status", "enterprise_count")
        .order_by("-as_of")
    )


def indicators_get(*, snapshot: Snapshot, keys: list[tuple[str, str]]) -> dict[tuple[str, str], ScopeIndicator]:
    """Several (scope, code) rows of one snapshot in one query."""
    if not keys:
        return {}
    condition = Q()
    for scope, code in keys:
        condition |= Q(scope=scope, code=code)
    rows = ScopeIndicator.objects.filter(condition, snapshot=snapshot)
    return {(row.scope, row.code): row for row in rows}


def peer_rank(*, indicator: ScopeIndicator) -> tuple[int, int]:
    """National rank of a region's enterprise count among its peers (same scope), and the number of peers
    that have any member. Ties share the better rank. One query."""
    counts = ScopeIndicator.objects.filter(snapshot_id=indicator.snapshot_id, scope=indicator.scope).aggregate(
        above=Count("pk", filter=Q(enterprise_count__gt=indicator.enterprise_count)),
        peers=Count("pk", filter=Q(enterprise_count__gt=0)),
    )
    return counts["above"] + 1, counts["peers"]


def scope_rows(*, snapshot: Snapshot, scope: str, codes=None, prefix: str = "", limit: int | None = None):
    """Rows of a scope ordered by enterprise count (largest first), optionally restricted to codes or to a
    code prefix (the cities of a province share its first two digits)."""
    rows = ScopeIndicator.objects.filter(snapshot=snapshot, scope=scope).order_by("-enterprise_count", "code")
    if codes is not None:
        rows = rows.filter(code__in=list(codes))
    if prefix:
        rows = rows.filter(code__startswith=prefix)
    if limit:
        rows = rows[:limit]
    return list(rows)


def cluster_member_keys(cluster: str) -> tuple[str, list[str]]:
    """The scope and codes of a cluster's members: provinces for 京津冀 and 长三角, cities for 粤港澳."""
    if cluster in CLUSTER_PROVINCES:
        return Scope.PROVINCE.value, list(CLUSTER_PROVINCES[cluster])
    return Scope.CITY.value, list(CLUSTER_CITIES.get(cluster, ()))


def measure_filter(*, scope: str, code: str) -> Q:
    """The ``EnterpriseMeasure`` rows of a region's members."""
    if scope == Scope.PROVINCE:
        return Q(province_code=code)
    if scope == Scope.CITY:
        return Q(city_code=code)
    if scope == Scope.CLUSTER:
        return Q(cluster=code)
    if scope == Scope.INDUSTRY:
        return Q(industry_field=code)
    return Q()


# The composite of the representative enterprises, documented on the methodology page: each of the eight
# indicators has a per-enterprise counterpart, divided by the national average of that counterpart and
# capped, so that one outlier measure cannot carry a firm; the composite is the mean of the eight ratios.
COMPOSITE_CAP = 5.0
COMPOSITE_TERMS = (
    # (measure column or "recent", national average: metric key or callable over the national metrics)
    ("applications", "applications_per_enterprise"),
    ("recent", None),  # applications in the last two complete years: stands in for the growth rate
    ("invention_applications", "invention_applications_total"),
    ("granted_inventions", "granted_inventions_total"),
    ("citations", "citations_per_enterprise"),
    ("licenses", "licenses_per_enterprise"),
    ("pct_applications", "pct_per_enterprise"),
    ("overseas_markets", "overseas_markets_per_enterprise"),
)


def _recent_columns(snapshot: Snapshot) -> list[str]:
    year = last_complete_year(snapshot.as_of)
    years = snapshot.years
    return [f"applications_y{years.index(y)}" for y in (year - 1, year) if y in years]


def composite_expression(*, snapshot: Snapshot, national: dict):
    """The SQL expression of the composite score (see ``COMPOSITE_TERMS``) against national averages."""
    n = national.get("enterprise_count") or 0
    terms = []
    for column, source in COMPOSITE_TERMS:
        if column == "recent":
            columns = _recent_columns(snapshot)
            by_year = national.get("applications_by_year") or {}
            year = last_complete_year(snapshot.as_of)
            total = sum(by_year.get(str(y), 0) for y in (year - 1, year))
            average = total / n if n else None
            expression = sum((F(c) for c in columns[1:]), F(columns[0])) if columns else None
        else:
            value = national.get(source)
            average = (value / n if n else None) if source.endswith("_total") else value
            expression = F(column)
        if not average or expression is None:
            continue
        terms.append(
            Least(ExpressionWrapper(expression * Value(1.0 / average), output_field=FloatField()), Value(COMPOSITE_CAP))
        )
    if not terms:
        return Value(0.0, output_field=FloatField())
    return ExpressionWrapper(sum(terms[1:], terms[0]) / Value(float(len(COMPOSITE_TERMS))), output_field=FloatField())


def representative_enterprises(*, snapshot: Snapshot, scope: str, code: str, national: dict, limit: int = 10):
    """The top ``limit`` members of a region by the composite, with their enterprise (one query)."""
    return list(
        EnterpriseMeasure.objects.filter(measure_filter(scope=scope, code=code), snapshot=snapshot)
        .annotate(composite=composite_expression(snapshot=snapshot, national=national))
        .select_related("enterprise")
        .only(
            "enterprise__name",
            "enterprise__credit_code",
            "industry_field",
            "applications",
            "citations",
            "pct_applications",
            "snapshot_id",
        )
        .order_by("-composite", "enterprise_id")[:limit]
    )


def batch_announced_counts() -> dict[int, dict[str, int]]:
    """Per batch of 小巨人 designations: every announced one and those not revoked (overview chart)."""
    rows = (
        Designation.objects.filter(program=Program.LITTLE_GIANT)
        .values("batch")
        .annotate(announced=Count("pk"), revoked=Count("pk", filter=Q(status="revoked")))
        .order_by("batch")
    )
    return {row["batch"]: {"announced": row["announced"], "revoked": row["revoked"]} for row in rows}


# --- Enterprise page ----------------------------------------------------------------------------


def enterprise_get(*, credit_code: str) -> Enterprise | None:
    return (
        Enterprise.objects.filter(credit_code=credit_code)
        .select_related("province", "city")
        .prefetch_related("designations")
        .first()
    )


def enterprise_measure(*, snapshot: Snapshot, enterprise: Enterprise) -> EnterpriseMeasure | None:
    measure = EnterpriseMeasure.objects.filter(snapshot=snapshot, enterprise_id=enterprise.pk).first()
    if measure is not None:
        measure.snapshot = snapshot
    return measure


def enterprise_averages(*, snapshot: Snapshot, enterprise: Enterprise) -> dict[str, ScopeIndicator]:
    """The rows of the enterprise's province, industry and the nation (one query)."""
    keys = [(Scope.NATIONAL.value, NATIONAL_CODE), (Scope.PROVINCE.value, enterprise.province_id)]
    if enterprise.industry_field:
        keys.append((Scope.INDUSTRY.value, enterprise.industry_field))
    rows = indicators_get(snapshot=snapshot, keys=keys)
    return {scope: row for (scope, _code), row in rows.items()}


def enterprise_patents(*, enterprise: Enterprise, as_of: datetime.date) -> QuerySet[Patent]:
    """P(e) of metrics.md: the enterprise's linked patents published by ``as_of``."""
    return Patent.objects.filter(applicants__enterprise=enterprise, publication_date__lte=as_of)


def patent_breakdown(*, patents: QuerySet[Patent]) -> list[dict]:
    """Counts per (type, office, IPC subclass) of one enterprise's patents, in one grouped query; the page
    sums them by type, by office and by IPC subclass (first four characters of the main class)."""
    return list(
        patents.annotate(ipc=Substr("ipc_main", 1, 4))
        .values("patent_type", "jurisdiction", "ipc")
        .annotate(n=Count("pk"))
        .order_by()
    )


def patents_page(
    *, patents: QuerySet[Patent], after: tuple[datetime.date, str] | None, size: int
) -> tuple[list[Patent], tuple[datetime.date, str] | None]:
    """One page of patents, newest first, by keyset on (publication_date, publication_number): the page
    after ``after`` costs the same however deep it is. Returns the rows and the key of the next page."""
    rows = patents.order_by("-publication_date", "publication_number")
    if after is not None:
        date, number = after
        rows = rows.filter(Q(publication_date__lt=date) | Q(publication_date=date, publication_number__gt=number))
    rows = list(
        rows.only(
            "publication_number",
            "title",
            "patent_type",
            "jurisdiction",
            "publication_date",
            "grant_date",
            "legal_status",
            "ipc_main",
            "cited_by_count",
        )[: size + 1]
    )
    following = (rows[size - 1].publication_date, rows[size - 1].publication_number) if len(rows) > size else None
    return rows[:size], following


# --- Rankings -----------------------------------------------------------------------------------


def indicator_ranking(
    *, snapshot: Snapshot, scope: str, key: str, order: tuple[str, ...], min_count: int = 0
) -> list[dict]:
    """Every place of ``scope`` with members and a value of indicator ``key``, with its rank among them
    (``RANK() OVER`` the stored value, largest first: ties share a rank and the next one is skipped),
    in ``order``. One query over the snapshot's stored rows of that scope.

    Places with fewer than ``min_count`` enterprises are no peers: they get no rank (None) and, in an
    order by rank, come after the ranked places (the ranked ones are ranked among themselves only)."""
    value = Cast(KT(f"metrics__{key}"), FloatField())
    peer = ExpressionWrapper(Q(enterprise_count__gte=min_count), output_field=BooleanField())
    if order and order[0].lstrip("-") == "rank":
        order = ("-peer", *order)
    rows = list(
        ScopeIndicator.objects.filter(snapshot=snapshot, scope=scope, enterprise_count__gt=0)
        .annotate(value=value)
        .filter(value__isnull=False)
        .annotate(peer=peer)
        .annotate(rank=Window(Rank(), partition_by=[F("peer")], order_by=F("value").desc()))
        .order_by(*order)
        .values("code", "name", "enterprise_count", "value", "rank", "peer")
    )
    for row in rows:
        if not row.pop("peer"):
            row["rank"] = None
    return rows
