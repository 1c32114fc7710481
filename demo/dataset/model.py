"""Per-enterprise patent plans calibrated to the report by construction.

For each analysed enterprise the model fixes, before any patent row exists, how many of its patents are
published by the cut-off (``applications``), in which years, how many are PCT, foreign, inventions, granted,
valid, and how many citations and licenses they carry. Each quantity starts from a heavy-tailed draw on the
firm's latent strength and is then *raked* (iterative proportional fitting) so that its sums over every
published scope (batch, city page, city x industry, cluster remainder) equal the report's figure, within
per-enterprise bounds (granted <= inventions, ...). Integers come from systematic rounding along an order
that keeps each calibration cell contiguous, so every cell total is off by less than one.
"""

import math
from dataclasses import dataclass

from . import calibration as cal
from .buckets import MARKETS_TYPICAL, PCT_TYPICAL, bucketed, offset_scores
from .fitting import rake, spread, systematic_round
from .population import SyntheticEnterprise, five_city_industry_counts
from .targets import (
    BOARD_SIZE_FACTOR,
    INDUSTRY_INVENTION_FACTOR,
    INDUSTRY_PCT_OFFSET,
    NATIONAL_N,
    bucket_targets,
    count_by,
    group_rates,
    pooled_rate,
    report_group_sizes,
    scaled_targets,
    sum_by,
)
from .years import (
    FIRST_YEAR,
    PCT_PROFILE,
    POST_FRACTION,
    POST_YEARS,
    YEARS,
    allocate_pct_years,
    allocate_post_cutoff,
    allocate_years,
    national_profile,
)


class Plan:
    """What one enterprise's patent file must add up to."""

    __slots__ = (
        "applications",
        "citations",
        "foreign",
        "granted",
        "inventions",
        "licenses",
        "markets",
        "pct",
        "pct_years",
        "post_cutoff",
        "valid",
        "years",
    )

    def __init__(self):
        self.applications = 0
        self.years: dict[int, int] = {}
        self.pct = 0
        self.pct_years: dict[int, int] = {}
        self.foreign = 0
        self.markets = 0
        self.inventions = 0
        self.granted = 0
        self.valid = 0
        self.citations = 0
        self.licenses = 0
        # Publications after the cut-off per calendar year (not counted at the report's as_of).
        self.post_cutoff: dict[int, int] = {}


# --- the plan ----------------------------------------------------------------------------------------
# Each step below draws from ``rng`` in turn: their order is part of the output (same seed, same file).


@dataclass
class _Groups:
    """The calibration labels of each member, by position, and the report's rates of those groups."""

    members: list[SyntheticEnterprise]
    sizes: dict[str, int]
    rates: dict[str, dict[str, float]]
    batch: list
    geo: list
    # The city page of each member, or "rest": the margin of the printed per-city rates.
    page: list

    @property
    def n(self) -> int:
        return len(self.members)

    def order(self, *labels: list) -> list[int]:
        """Member positions sorted by the given labels, then position: keeps each cell contiguous."""
        return sorted(range(self.n), key=lambda i: (*(label[i] for label in labels), i))


def plan_population(members: list[SyntheticEnterprise], rng) -> list[Plan]:
    """Calibrated plans for the analysed enterprises (``members`` all in the population)."""
    geo = [e.geo_group for e in members]
    g = _Groups(
        members=members,
        sizes=report_group_sizes(),
        rates=group_rates(),
        batch=[e.batch for e in members],
        geo=geo,
        page=[group if group in cal.FIVE_CITIES else "rest" for group in geo],
    )
    applications = _applications(g, rng)
    pct, pct_propensity = _pct(g, applications, rng)
    markets, foreign = _markets(g, applications, pct, pct_propensity, rng)
    inventions = _inventions(g, applications, pct, foreign, rng)
    granted, valid = _granted_and_valid(g, inventions, pct, rng)
    citations = _citations(g, applications, rng)
    licenses = _licenses(g, applications, rng)
    years = allocate_years(members, applications, rng)
    pct_years = allocate_pct_years(pct, years, rng)
    post_cutoff = allocate_post_cutoff(members, years, rng)
    columns = {
        "applications": applications,
        "years": years,
        "pct": pct,
        "pct_years": pct_years,
        "markets": markets,
        "foreign": foreign,
        "inventions": inventions,
        "granted": granted,
        "valid": valid,
        "citations": citations,
        "licenses": licenses,
        "post_cutoff": post_cutoff,
    }
    return [_plan({name: values[i] for name, values in columns.items()}) for i in range(g.n)]


def _plan(values: dict) -> Plan:
    plan = Plan()
    for name, value in values.items():
        setattr(plan, name, value)
    return plan


def _cell_rates(g: _Groups) -> dict[str, float]:
    """Applications per firm of each city page x industry group (as printed) and of each remainder group."""
    cell_rate = {}
    for city in cal.FIVE_CITIES:
        report_mix = five_city_industry_counts(city, g.sizes[city])
        grouped: dict[str, int] = {}
        for field, k in report_mix.items():
            grouped[cal.industry_group(field)] = grouped.get(cal.industry_group(field), 0) + k
        printed = dict(cal.CITY_INDUSTRY_APPLICATIONS[city])
        printed["other"] = cal.CITY_INDICATORS[city]["applications"] - sum(printed.values())
        for key, apps in printed.items():
            cell_rate[f"{city}:{key}"] = apps / grouped[key]
    for group in ("jjj_rest", "yrd_rest", "gba_rest", "rest"):
        cell_rate[group] = g.rates[group]["applications"]
    return cell_rate


def _applications(g: _Groups, rng) -> list[int]:
    """Applications: batch x (city page x industry | cluster remainder)."""
    cell = [
        f"{e.geo_group}:{cal.industry_group(e.industry)}" if e.geo_group in cal.FIVE_CITIES else e.geo_group
        for e in g.members
    ]
    batch_apps = scaled_targets(count_by(g.batch), cal.BATCH_INDICATORS["applications_per_enterprise"])
    cell_apps = scaled_targets(count_by(cell), _cell_rates(g))
    # At demo scale the two margins differ slightly; the batch margin sets the total.
    ratio = sum(batch_apps.values()) / sum(cell_apps.values())
    cell_apps = {k: v * ratio for k, v in cell_apps.items()}
    raw = [math.exp(0.95 * e.strength + rng.gauss(0.0, 0.55)) * BOARD_SIZE_FACTOR[e.board] for e in g.members]
    apps_real = rake(raw, [(g.batch, batch_apps), (cell, cell_apps)], lo=[3.0] * g.n)
    return systematic_round(apps_real, g.order(cell, g.batch), rng)


def _pct(g: _Groups, applications: list[int], rng) -> tuple[list[int], list[float]]:
    """PCT: bucket membership by rank of a propensity, then raked per group within the bucket bounds.

    A firm enters a bucket only if it publishes at least the bucket's lower bound (PCT are applications).
    Returns the PCT counts and the propensity (the overseas markets share a term of it)."""
    n = g.n
    pct_buckets = bucket_targets(cal.PCT_BUCKETS, n)
    pct_ranges = ((0, 0), (1, 9), (10, 99), (100, 2500))
    pct_targets = {group: g.rates[group]["pct"] * k for group, k in count_by(g.geo).items()}
    pct_propensity = [
        math.log(applications[i]) + INDUSTRY_PCT_OFFSET[g.members[i].industry] + rng.gauss(0.0, 0.9) for i in range(n)
    ]
    pct_score = offset_scores(pct_propensity, g.geo, pct_targets, pct_buckets, PCT_TYPICAL, pct_ranges, applications)
    pct_bounds = bucketed(pct_score, pct_buckets, pct_ranges, applications)
    pct_base = [
        0.0 if high == 0 else min(high, low * math.exp(rng.random() * math.log(high / low + 1.0) * 0.8))
        for low, high in pct_bounds
    ]
    pct_hi = [min(high, max(low, 0.6 * applications[i])) for i, (low, high) in enumerate(pct_bounds)]
    pct_lo = [float(low) for low, _high in pct_bounds]
    pct = systematic_round(rake(pct_base, [(g.geo, pct_targets)], lo=pct_lo, hi=pct_hi), g.order(g.geo, g.batch), rng)
    return pct, pct_propensity


def _markets(
    g: _Groups, applications: list[int], pct: list[int], pct_propensity: list[float], rng
) -> tuple[list[int], list[int]]:
    """Overseas markets: buckets by rank (correlated with PCT), raked per city page / rest.

    Each market needs a foreign filing, and those come out of the applications left after PCT: a firm
    with 100 PCT among 119 applications has room for 19 foreign filings. A firm without room for a
    bucket's lower bound is passed over for it, so the bucket counts stay exact in the written file.
    Returns the markets and the foreign filings per firm."""
    n = g.n
    market_buckets = bucket_targets(cal.OVERSEAS_BUCKETS, n)
    market_ranges = ((0, 0), (1, 5), (6, 10), (11, 24))
    foreign_room = [applications[i] - pct[i] for i in range(n)]
    market_rate = {c: cal.CITY_INDICATORS[c]["overseas_markets_per_enterprise"] for c in cal.FIVE_CITIES}
    market_rate["rest"] = pooled_rate(
        "overseas_markets_per_enterprise", cal.NATIONAL["overseas_markets_per_enterprise"] * NATIONAL_N, g.sizes
    )
    market_targets = scaled_targets(count_by(g.page), market_rate)
    # Firms that file PCT applications are the ones that enter foreign markets, so the propensities share a term.
    market_propensity = [
        0.7 * pct_propensity[i] + 0.3 * math.log(applications[i]) + rng.gauss(0.0, 0.7) for i in range(n)
    ]
    market_score = offset_scores(
        market_propensity, g.page, market_targets, market_buckets, MARKETS_TYPICAL, market_ranges, foreign_room
    )
    market_bounds = bucketed(market_score, market_buckets, market_ranges, foreign_room)
    market_base = [0.0 if high == 0 else low + (high - low) * rng.random() ** 2.0 for low, high in market_bounds]
    market_hi = [
        float(min(high, max(low, applications[i] // 3), foreign_room[i])) for i, (low, high) in enumerate(market_bounds)
    ]
    markets = systematic_round(
        rake(market_base, [(g.page, market_targets)], lo=[float(low) for low, _h in market_bounds], hi=market_hi),
        g.order(g.page),
        rng,
    )
    return markets, _foreign(markets, applications, foreign_room, rng)


def _foreign(markets: list[int], applications: list[int], foreign_room: list[int], rng) -> list[int]:
    """Each market holds at least one patent; bigger portfolios file a few more abroad, within their room."""
    return [
        0
        if markets[i] == 0
        else min(
            markets[i] + int(markets[i] * rng.random() * 1.5),
            max(markets[i], applications[i] // 3),
            foreign_room[i],
        )
        for i in range(len(markets))
    ]


def _inventions(g: _Groups, applications: list[int], pct: list[int], foreign: list[int], rng) -> list[int]:
    """Inventions: invention share per group, at least the PCT and foreign filings."""
    n = g.n
    inv_base = [
        applications[i]
        * min(
            0.97,
            g.rates[g.geo[i]]["invention_share"]
            * INDUSTRY_INVENTION_FACTOR[g.members[i].industry]
            * math.exp(rng.gauss(0.0, 0.35) + 0.1 * g.members[i].strength),
        )
        for i in range(n)
    ]
    group_apps = sum_by(g.geo, applications)
    inv_targets = {group: g.rates[group]["invention_share"] * a for group, a in group_apps.items()}
    inv_lo = [float(pct[i] + foreign[i]) for i in range(n)]
    inv_hi = [float(applications[i]) for i in range(n)]
    return systematic_round(rake(inv_base, [(g.geo, inv_targets)], lo=inv_lo, hi=inv_hi), g.order(g.geo, g.batch), rng)


def _granted_and_valid(g: _Groups, inventions: list[int], pct: list[int], rng) -> tuple[list[int], list[int]]:
    """Granted by the cut-off: grant rate per city page (the rest pooled), granted per batch; then valid.

    The per-batch granted totals follow from the printed valid inventions and one national valid ratio."""
    n = g.n
    valid_aim = scaled_targets(count_by(g.batch), cal.VALID_INVENTIONS_AIM)
    total_inventions = sum(inventions)
    granted_total = cal.NATIONAL["invention_grant_rate"] * total_inventions
    valid_ratio = sum(valid_aim.values()) / granted_total
    batch_granted = {b: v / valid_ratio for b, v in valid_aim.items()}
    page_inventions = sum_by(g.page, inventions)
    page_granted = {
        c: cal.CITY_INDICATORS[c]["invention_grant_rate"] * page_inventions[c]
        for c in cal.FIVE_CITIES
        if c in page_inventions
    }
    page_granted["rest"] = granted_total - sum(page_granted.values())
    grantable = [inventions[i] - pct[i] for i in range(n)]
    granted_base = [gr * 0.4 * math.exp(rng.gauss(0.0, 0.25)) for gr in grantable]
    granted_hi = [0.92 * gr for gr in grantable]
    granted = systematic_round(
        rake(granted_base, [(g.batch, batch_granted), (g.page, page_granted)], lo=[0.0] * n, hi=granted_hi),
        g.order(g.page, g.batch),
        rng,
    )
    valid_base = [gr * valid_ratio * math.exp(rng.gauss(0.0, 0.05)) for gr in granted]
    valid = systematic_round(
        rake(valid_base, [(g.batch, valid_aim)], lo=[0.0] * n, hi=[float(gr) for gr in granted]),
        g.order(g.batch),
        rng,
    )
    return granted, valid


def _citations(g: _Groups, applications: list[int], rng) -> list[int]:
    """Citations: batch and group margins."""
    cite_base = [
        applications[i] * math.exp(rng.gauss(0.0, 0.6)) * INDUSTRY_INVENTION_FACTOR[g.members[i].industry]
        for i in range(g.n)
    ]
    cite_batch = scaled_targets(count_by(g.batch), cal.BATCH_INDICATORS["citations_per_enterprise"])
    cite_geo = {group: g.rates[group]["citations"] * k for group, k in count_by(g.geo).items()}
    ratio = sum(cite_batch.values()) / sum(cite_geo.values())
    cite_geo = {group: v * ratio for group, v in cite_geo.items()}
    return systematic_round(rake(cite_base, [(g.batch, cite_batch), (g.geo, cite_geo)]), g.order(g.geo, g.batch), rng)


def _licenses(g: _Groups, applications: list[int], rng) -> list[int]:
    """Licenses: few firms license at all; batch and city-page margins."""
    n = g.n
    lic_base = [
        (applications[i] ** 0.7) * math.exp(rng.gauss(0.0, 0.8)) if rng.random() < 0.22 else 0.0 for i in range(n)
    ]
    lic_batch = scaled_targets(count_by(g.batch), cal.BATCH_INDICATORS["licenses_per_enterprise"])
    lic_rate = {c: cal.CITY_INDICATORS[c]["licenses_per_enterprise"] for c in cal.FIVE_CITIES}
    lic_rate["rest"] = pooled_rate("licenses_per_enterprise", sum(lic_batch.values()) * NATIONAL_N / n, g.sizes)
    lic_page = scaled_targets(count_by(g.page), lic_rate)
    ratio = sum(lic_batch.values()) / sum(lic_page.values())
    lic_page = {group: v * ratio for group, v in lic_page.items()}
    return systematic_round(
        rake(lic_base, [(g.batch, lic_batch), (g.page, lic_page)]),
        g.order(g.page, g.batch),
        rng,
    )


def plan_unanalysed(e: SyntheticEnterprise, rng, *, base: int = 60) -> Plan:
    """Revoked firms keep their patents (they are in the file) but follow national averages, uncalibrated.

    ``base``: the median firm's applications (the 专精特新中小企业 of the national scale use their own).
    """
    plan = Plan()
    national = national_profile()
    plan.applications = max(2, int(base * math.exp(0.9 * e.strength + rng.gauss(0.0, 0.5))))
    start = max(FIRST_YEAR, e.founded_on.year + 1)
    ys = [y for y in YEARS if y >= start] or [cal.AS_OF.year]
    weights = [national.get(y, 0.0) or 1e-3 for y in ys]
    s = sum(weights)
    counts = systematic_round([plan.applications * w / s for w in weights], list(range(len(ys))), rng)
    plan.years = {y: c for y, c in zip(ys, counts, strict=True) if c}
    plan.pct = int(plan.applications * 0.01 * rng.random() * 2)
    if plan.pct:
        ys = sorted(plan.years)
        counts = spread(plan.pct, [PCT_PROFILE[y] for y in ys], [plan.years[y] for y in ys], rng.random)
        plan.pct_years = {y: c for y, c in zip(ys, counts, strict=True) if c}
    plan.markets = 1 if plan.pct and rng.random() < 0.5 else 0
    plan.foreign = plan.markets
    plan.inventions = max(plan.pct + plan.foreign, int(plan.applications * rng.uniform(0.25, 0.5)))
    plan.granted = int((plan.inventions - plan.pct) * rng.uniform(0.3, 0.45))
    plan.valid = int(plan.granted * 0.85)
    plan.citations = int(plan.applications * rng.uniform(1.0, 2.5))
    plan.licenses = 0
    # Not counted anywhere: a plain continuation of the national trend is enough.
    growth = 1 + cal.NATIONAL["growth_cagr"]
    recent = sum(plan.years.get(k, 0) for k in (cal.GROWTH_YEAR - 2, cal.GROWTH_YEAR - 1, cal.GROWTH_YEAR)) / 3.0
    plan.post_cutoff = {}
    for py in POST_YEARS:
        c = int(recent * growth ** (py - cal.GROWTH_YEAR + 1) * POST_FRACTION[py] + rng.random())
        if c:
            plan.post_cutoff[py] = c
    return plan
