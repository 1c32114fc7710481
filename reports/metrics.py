"""The metric definitions of metrics.md: ratios, growth (CAGR), the last complete year, the metrics JSON.

As Zulip's ``analytics/lib/counts.py`` keeps its stat definitions apart from the code that fills the
tables, these functions say what each indicator *means*; ``rollups.py`` computes the sums they read.
"""

import datetime

from .choices import OVERSEAS_BUCKETS, PCT_BUCKETS, YEAR_SPAN


def _ratio(numerator: int | float, denominator: int | float) -> float | None:
    """metrics.md: a ratio whose denominator is 0 is null, never 0 and never an error."""
    return numerator / denominator if denominator else None


def _cagr(series: dict[str, int], last_year: int) -> float | None:
    later, earlier = series.get(str(last_year), 0), series.get(str(last_year - 2), 0)
    if not earlier:
        return None
    return (later / earlier) ** 0.5 - 1


def last_complete_year(as_of: datetime.date) -> int:
    """``Y`` of metrics.md: the last calendar year that has ended at ``as_of`` (2023-07-31 → 2022, 12-31 → 2023)."""
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def scope_metrics(*, as_of: datetime.date, aggregates: dict | None, breakdowns: dict | None) -> dict:
    """The metrics JSON of one scope code, with exactly the keys of metrics.md, from its SQL sums."""
    a = aggregates or {"n": 0}

    def s(key: str) -> int:
        return a.get(key, 0)

    n = s("n")
    years = list(range(as_of.year - YEAR_SPAN + 1, as_of.year + 1))
    applications_by_year = {str(y): s(f"applications_y{i}") for i, y in enumerate(years)}
    pct_by_year = {str(y): s(f"pct_y{i}") for i, y in enumerate(years)}
    y = last_complete_year(as_of)
    b = breakdowns or {}
    return {
        "enterprise_count": n,
        "applications_total": s("applications"),
        "applications_per_enterprise": _ratio(s("applications"), n),
        "invention_applications_total": s("invention_applications"),
        "invention_share": _ratio(s("invention_applications"), s("applications")),
        "granted_inventions_total": s("granted_inventions"),
        "invention_grant_rate": _ratio(s("granted_inventions"), s("invention_applications")),
        "valid_inventions_total": s("valid_inventions"),
        "valid_inventions_per_enterprise": _ratio(s("valid_inventions"), n),
        "citations_total": s("citations"),
        "citations_per_enterprise": _ratio(s("citations"), n),
        "licenses_total": s("licenses"),
        "licenses_per_enterprise": _ratio(s("licenses"), n),
        "transfers_total": s("transfers"),
        "transfers_per_enterprise": _ratio(s("transfers"), n),
        "pct_total": s("pct_applications"),
        "pct_per_enterprise": _ratio(s("pct_applications"), n),
        "pct_share": _ratio(s("pct_applications"), s("applications")),
        "overseas_markets_per_enterprise": _ratio(s("overseas_markets"), n),
        "employees_known": s("employees_known"),
        "employees_per_enterprise": _ratio(s("employees_sum"), s("employees_known")),
        "invention_density": _ratio(1000 * s("dense_valid"), s("dense_employees")),
        "applications_by_year": applications_by_year,
        "growth_cagr": _cagr(applications_by_year, y),
        "pct_by_year": pct_by_year,
        "pct_growth_cagr": _cagr(pct_by_year, y),
        "pct_buckets": {k: s(f"pct_bucket_{k}") for k in PCT_BUCKETS},
        "overseas_buckets": {k: s(f"overseas_bucket_{k}") for k in OVERSEAS_BUCKETS},
        "board_counts": b.get("board_counts", {}),
        "primary_financing_count": s("primary_financing_count"),
        "industry_counts": b.get("industry_counts", {}),
        "industry_applications": b.get("industry_applications", {}),
        "batch_counts": b.get("batch_counts", {}),
    }
