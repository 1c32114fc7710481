"""The SQL of the indicators: one measure row per population member, then roll-ups to every scope.

The heavy lifting is SQL:

1. ``_measures_insert``: ONE aggregation pass over PatentApplicant ⋈ Patent (published by ``as_of``),
   grouped per (enterprise, office, year) and then per enterprise, so that the distinct overseas offices
   and the ten-year series come out of the same pass, joined with the
   population (earliest non-revoked 小巨人 designation) and inserted as one row per member. On
   PostgreSQL the SELECT is staged through ``CREATE TEMPORARY TABLE … AS`` to get a parallel plan.
2. ``_scope_rows``: roll-ups from the per-enterprise rows (about 13,000) to every scope with four
   ``UNION ALL`` queries; Python only shapes the few hundred resulting rows into the metrics JSON
   (``metrics.scope_metrics``). An incremental refresh re-rolls only the codes its enterprises belong to
   (``_scope_rows_refresh``).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import Q

from enterprises.choices import BATCH_LABELS, IndustryField, ListingBoard, Program
from enterprises.models import Designation, Enterprise
from enterprises.selectors import little_giant_batches
from patents.choices import PatentType
from regions.choices import Cluster
from regions.models import City, Province
from utilities.bulk import table_name

from .choices import NATIONAL_CODE, NATIONAL_NAME, OVERSEAS_BUCKETS, PCT_BUCKETS, UNLISTED_NAME, Scope
from .metrics import scope_metrics
from .models import YEAR_COLUMNS, EnterpriseMeasure, ScopeIndicator, Snapshot
from .sql import measures as measures_sql

# The per-enterprise totals (a group's metrics sum them), then the yearly columns.
TOTAL_MEASURE_COLUMNS = (
    "applications",
    "invention_applications",
    "granted_inventions",
    "valid_inventions",
    "citations",
    "licenses",
    "transfers",
    "pct_applications",
    "overseas_markets",
)
MEASURE_COLUMNS = [*TOTAL_MEASURE_COLUMNS, *YEAR_COLUMNS]
MEMBER_COLUMNS = [
    "snapshot_id",
    "enterprise_id",
    "province_code",
    "city_code",
    "cluster",
    "industry_field",
    "board",
    "batch",
    "employees",
    "primary_financing",
]


def _measures_select(
    *, snapshot: Snapshot, enterprise_ids: list[int] | None, population_only: bool = False
) -> tuple[str, dict]:
    """The SELECT giving one measure row per population member, columns named as MEMBER + MEASURE_COLUMNS.

    Patents are read once and grouped per (enterprise, office, year index), which keeps the per-patent
    work to one CASE and a few counts; the per-enterprise level then spreads the years into columns and
    counts the offices other than CN/WO over those few groups (the templates are in ``reports/sql/measures.py``).
    """
    p = measures_sql.Params()
    inv = p(PatentType.INVENTION)
    population = measures_sql.population(p, as_of=snapshot.as_of, enterprise_ids=enterprise_ids)
    # With ``population_only`` the full pass reads only the population's links (the result is the same):
    # see ``_population_is_a_minority``.
    links = measures_sql.links_filter(
        enterprise_ids=enterprise_ids, population_sql=population if population_only else None
    )
    by_office = measures_sql.by_office(p, as_of=snapshot.as_of, inv=inv, links=links)
    per_enterprise = measures_sql.per_enterprise(p, by_office_sql=by_office)
    sql = measures_sql.measure_rows(
        p,
        snapshot_id=snapshot.pk,
        population_sql=population,
        per_enterprise_sql=per_enterprise,
        measure_columns=MEASURE_COLUMNS,
    )
    return sql, p.values


def _population_is_a_minority() -> bool:
    """Whether most enterprises are outside the 小巨人 population (the national scale's 专精特新中小企业).

    Then the full pass reads only the population's links, through the applicants' enterprise index: its
    cost follows the population (~12,000 firms), not the 15 million patents of all the enterprises. When
    nearly every enterprise is a 小巨人 (the report's data) a filter would buy nothing, and it steers
    PostgreSQL from its parallel hash join to index probes, twice as slow there: the plain pass stays.
    """
    designated = Designation.objects.filter(program=Program.LITTLE_GIANT).values("enterprise_id").distinct().count()
    return designated * 2 < Enterprise.objects.count()


@contextmanager
def _merge_joined(cursor, *, enabled: bool) -> Iterator[None]:
    """PostgreSQL, when ``enabled``: join applicants and patents by merging them in patent order.

    Both come sorted by patent id from their indexes (the patents' primary key, the applicants' unique
    (patent, enterprise) index, read index-only), so the merge needs no hash table. The planner prices the
    hash join lower (it expects random reads, but the rows lie in id order), yet building the hash of 1.5
    million patents and probing it took 1.3 s of the 2.5 s pass at report scale; the merge join took 0.5 s.
    Only for the statement: the setting is restored at once.
    """
    if not enabled:
        yield
        return
    cursor.execute("SELECT set_config('enable_hashjoin', 'off', true)")
    try:
        yield
    finally:
        cursor.execute("SELECT set_config('enable_hashjoin', 'on', true)")


def _measures_insert(*, snapshot: Snapshot, enterprise_ids: list[int] | None = None) -> int:
    """Insert the measure rows of every population member (or of ``enterprise_ids``)."""
    population_only = enterprise_ids is None and _population_is_a_minority()
    select, params = _measures_select(snapshot=snapshot, enterprise_ids=enterprise_ids, population_only=population_only)
    columns = ", ".join(MEMBER_COLUMNS + MEASURE_COLUMNS)
    with connection.cursor() as cursor:
        # The query's cost triggers JIT compilation, for no gain in execution: with inlining and
        # optimisation it took ~3 s of a ~6 s full run at report scale; in a one-enterprise refresh at
        # 10x (estimated just above jit_above_cost) it took 40 ms of 75 (both measured with EXPLAIN
        # ANALYZE). The callers' transaction scopes the setting.
        cursor.execute("SET LOCAL jit = off")
        if enterprise_ids is None:
            # PostgreSQL plans INSERT … SELECT without parallel workers, but CREATE TABLE … AS with them:
            # stage the full pass in a temporary table (dropped at commit), then copy it over. The hash
            # aggregates need more than the default 4 MB to stay in memory.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("DROP TABLE IF EXISTS reports_measure_stage")
            with _merge_joined(cursor, enabled=not population_only):
                cursor.execute(f"CREATE TEMPORARY TABLE reports_measure_stage ON COMMIT DROP AS {select}", params)
            cursor.execute(
                f"INSERT INTO {table_name(EnterpriseMeasure)} ({columns}) SELECT {columns} FROM reports_measure_stage"
            )
        else:
            cursor.execute(f"INSERT INTO {table_name(EnterpriseMeasure)} ({columns}) {select}", params)
        return cursor.rowcount


def _statistics_refresh() -> None:
    """Statistics of the measure and scope tables that know the new snapshot.

    Until autovacuum gets to them the planner believes the new snapshot id matches no row, takes any
    (snapshot, …) index for "one row", and a page reading measures per enterprise filtered the whole
    snapshot for each one (the list sorted by applications: 33 s at report scale). ~40 ms, in the run's
    transaction, so the statistics arrive with the rows.
    """
    with connection.cursor() as cursor:
        # The snapshot column alone: statistics of all fifty columns took ~0.5 s.
        cursor.execute(
            f"ANALYZE {table_name(EnterpriseMeasure)} (snapshot_id), {table_name(ScopeIndicator)} (snapshot_id)"
        )


def _scope_dimensions() -> list[tuple[str, str, str]]:
    """(scope, SQL expression giving the code, SQL condition for membership) over measure rows ``m``."""
    return [
        (Scope.NATIONAL, f"'{NATIONAL_CODE}'", "1 = 1"),
        (Scope.PROVINCE, "m.province_code", "1 = 1"),
        (Scope.CITY, "m.city_code", "m.city_code IS NOT NULL"),
        (Scope.CLUSTER, "m.cluster", "m.cluster <> ''"),
        (Scope.INDUSTRY, "m.industry_field", "m.industry_field <> ''"),
        # Cast so that every branch of the UNION yields text codes.
        (Scope.BATCH, "CAST(m.batch AS VARCHAR(5))", "1 = 1"),
        (Scope.BOARD, "m.board", "1 = 1"),
    ]


# Every per-enterprise measure is summed over a scope's members.
_SUM_COLUMNS = MEASURE_COLUMNS


Codes = dict[str, set[str]]


def _rollup_query(
    *, snapshot_id: int, select: str, group_extra: str = "", where_extra: str = "", only: Codes | None = None
) -> tuple[str, list]:
    """The same aggregate for every scope, as one UNION ALL over the per-enterprise rows.

    ``only`` limits the roll-up to some codes per scope (an incremental refresh re-rolls the scopes its
    enterprises belong to, before and after the change).
    """
    parts, params = [], []
    for scope, code_expr, member_cond in _scope_dimensions():
        codes = None if only is None else sorted(only.get(scope.value, ()))
        if codes is not None and not codes:
            continue
        # PostgreSQL refuses a constant in GROUP BY, so the national code is grouped by nothing.
        group_by = [e for e in (code_expr, group_extra) if e and not e.startswith("'")]
        code_filter = ""
        params.append(snapshot_id)
        if codes is not None and scope != Scope.NATIONAL:
            code_filter = f"AND {code_expr} IN ({', '.join(['%s'] * len(codes))})"
            params.extend(codes)
        parts.append(
            f"SELECT '{scope.value}' AS scope, {code_expr} AS code{group_extra and ', ' + group_extra}, {select}"
            f" FROM {table_name(EnterpriseMeasure)} m WHERE m.snapshot_id = %s AND {member_cond} {code_filter} {where_extra}"
            + (f" GROUP BY {', '.join(group_by)}" if group_by else "")
        )
    return " UNION ALL ".join(parts), params


def _fetch(sql: str, params: list) -> list[tuple]:
    if not sql:
        # Every scope was left out (``only`` named no code): PostgreSQL refuses an empty query.
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _scope_aggregates(snapshot_id: int, only: Codes | None = None) -> dict[tuple[str, str], dict]:
    sums = ", ".join(f"SUM(m.{c})" for c in _SUM_COLUMNS)
    select = f"""COUNT(*), {sums},
        COUNT(m.employees), SUM(m.employees),
        SUM(CASE WHEN m.employees > 0 THEN m.valid_inventions ELSE 0 END),
        SUM(CASE WHEN m.employees > 0 THEN m.employees ELSE 0 END),
        COUNT(*) FILTER (WHERE m.primary_financing),
        COUNT(*) FILTER (WHERE m.pct_applications = 0),
        COUNT(*) FILTER (WHERE m.pct_applications BETWEEN 1 AND 9),
        COUNT(*) FILTER (WHERE m.pct_applications BETWEEN 10 AND 99),
        COUNT(*) FILTER (WHERE m.pct_applications >= 100),
        COUNT(*) FILTER (WHERE m.overseas_markets = 0),
        COUNT(*) FILTER (WHERE m.overseas_markets BETWEEN 1 AND 5),
        COUNT(*) FILTER (WHERE m.overseas_markets BETWEEN 6 AND 10),
        COUNT(*) FILTER (WHERE m.overseas_markets >= 11)"""
    names = [
        "n",
        *_SUM_COLUMNS,
        "employees_known",
        "employees_sum",
        "dense_valid",
        "dense_employees",
        "primary_financing_count",
        *(f"pct_bucket_{b}" for b in PCT_BUCKETS),
        *(f"overseas_bucket_{b}" for b in OVERSEAS_BUCKETS),
    ]
    sql, params = _rollup_query(snapshot_id=snapshot_id, select=select, only=only)
    result = {}
    for row in _fetch(sql, params):
        scope, code, *values = row
        result[(scope, code)] = {name: int(v or 0) for name, v in zip(names, values, strict=True)}
    return result


def _scope_breakdowns(snapshot_id: int, only: Codes | None = None) -> dict[tuple[str, str], dict[str, dict]]:
    """board_counts, industry_counts, industry_applications and batch_counts of every scope code."""
    result: dict[tuple[str, str], dict[str, dict]] = {}

    def put(key: str, scope: str, code: str, sub, value) -> None:
        result.setdefault((scope, code), {}).setdefault(key, {})[str(sub)] = int(value)

    sql, params = _rollup_query(snapshot_id=snapshot_id, select="COUNT(*)", group_extra="m.board", only=only)
    for scope, code, board, n in _fetch(sql, params):
        put("board_counts", scope, code, board, n)
    sql, params = _rollup_query(
        snapshot_id=snapshot_id,
        select="COUNT(*), SUM(m.applications)",
        group_extra="m.industry_field",
        where_extra="AND m.industry_field <> ''",
        only=only,
    )
    for scope, code, industry, n, applications in _fetch(sql, params):
        put("industry_counts", scope, code, industry, n)
        put("industry_applications", scope, code, industry, applications or 0)
    sql, params = _rollup_query(snapshot_id=snapshot_id, select="COUNT(*)", group_extra="m.batch", only=only)
    for scope, code, batch, n in _fetch(sql, params):
        put("batch_counts", scope, code, batch, n)
    return result


def _scope_codes() -> list[tuple[str, str, str]]:
    """Every (scope, code, name) of metrics.md, members or not: an empty province still gets its row."""
    batches = little_giant_batches()
    codes = [(Scope.NATIONAL.value, NATIONAL_CODE, str(NATIONAL_NAME))]
    codes += [(Scope.PROVINCE.value, code, name) for code, name in Province.objects.values_list("code", "name")]
    codes += [(Scope.CITY.value, code, name) for code, name in City.objects.values_list("code", "name")]
    codes += [(Scope.CLUSTER.value, c.value, str(c.label)) for c in Cluster]
    codes += [(Scope.INDUSTRY.value, c.value, str(c.label)) for c in IndustryField]
    codes += [(Scope.BATCH.value, str(b), BATCH_LABELS.get(b, f"第{b}批")) for b in batches]
    codes += [(Scope.BOARD.value, c.value, str(c.label)) for c in ListingBoard]
    codes.append((Scope.BOARD.value, "unlisted", str(UNLISTED_NAME)))
    return codes


def _scope_rows(snapshot: Snapshot) -> int:
    """Replace the snapshot's scope rows with fresh roll-ups of its measure rows."""
    aggregates = _scope_aggregates(snapshot.pk)
    breakdowns = _scope_breakdowns(snapshot.pk)
    codes = _scope_codes()
    known = {(scope, code) for scope, code, _ in codes}
    # A member whose city or batch is not among the listed codes still needs a row.
    codes += [(scope, code, code) for scope, code in sorted(set(aggregates) - known)]
    rows = []
    for scope, code, name in codes:
        metrics = scope_metrics(
            as_of=snapshot.as_of, aggregates=aggregates.get((scope, code)), breakdowns=breakdowns.get((scope, code))
        )
        rows.append(
            ScopeIndicator(
                snapshot=snapshot,
                scope=scope,
                code=code,
                name=name[:60],
                enterprise_count=metrics["enterprise_count"],
                applications_total=metrics["applications_total"],
                applications_per_enterprise=metrics["applications_per_enterprise"],
                metrics=metrics,
            )
        )
    ScopeIndicator.objects.filter(snapshot=snapshot).delete()
    ScopeIndicator.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _member_codes(snapshot: Snapshot, enterprise_ids: list[int]) -> Codes:
    """The scope codes the given enterprises' measure rows belong to."""
    codes: Codes = {scope.value: set() for scope in Scope}
    rows = EnterpriseMeasure.objects.filter(snapshot=snapshot, enterprise_id__in=enterprise_ids).values_list(
        "province_code", "city_code", "cluster", "industry_field", "batch", "board"
    )
    for province, city, cluster, industry, batch, board in rows:
        codes[Scope.NATIONAL].add(NATIONAL_CODE)
        codes[Scope.PROVINCE].add(province)
        codes[Scope.BATCH].add(str(batch))
        codes[Scope.BOARD].add(board)
        for scope, code in ((Scope.CITY, city), (Scope.CLUSTER, cluster), (Scope.INDUSTRY, industry)):
            if code:
                codes[scope].add(code)
    return codes


def _scope_rows_refresh(snapshot: Snapshot, only: Codes) -> int:
    """Re-roll the scope codes in ``only`` from the measure rows; returns how many rows were written.

    Unchanged rows are not rewritten: a one-enterprise edit touches about seven rows.
    """
    wanted = {(scope, code) for scope, codes in only.items() for code in codes}
    if not wanted:
        # Enterprises outside the population (revoked, designated after as_of) belong to no scope.
        return 0
    aggregates = _scope_aggregates(snapshot.pk, only=only)
    breakdowns = _scope_breakdowns(snapshot.pk, only=only)
    which = Q()
    for scope, codes in only.items():
        if codes:
            which |= Q(scope=scope, code__in=codes)
    existing = {(r.scope, r.code): r for r in ScopeIndicator.objects.filter(which, snapshot=snapshot)}
    changed, created = [], []
    for scope, code in sorted(wanted):
        metrics = scope_metrics(
            as_of=snapshot.as_of, aggregates=aggregates.get((scope, code)), breakdowns=breakdowns.get((scope, code))
        )
        row = existing.get((scope, code))
        if row is None:
            names = {(s, c): n for s, c, n in _scope_codes()}
            row = ScopeIndicator(snapshot=snapshot, scope=scope, code=code, name=names.get((scope, code), code)[:60])
            created.append(row)
        elif row.metrics == metrics:
            continue
        else:
            changed.append(row)
        row.metrics = metrics
        row.enterprise_count = metrics["enterprise_count"]
        row.applications_total = metrics["applications_total"]
        row.applications_per_enterprise = metrics["applications_per_enterprise"]
    ScopeIndicator.objects.bulk_update(
        changed, ["metrics", "enterprise_count", "applications_total", "applications_per_enterprise"]
    )
    ScopeIndicator.objects.bulk_create(created)
    return len(changed) + len(created)
