"""Per-enterprise patent plans calibrated to the report by construction.

For each analysed enterprise the model fixes, before any patent row exists, how many of its patents are
published by the cut-off (``applications``), in which years, how many are PCT, foreign, inventions, granted,
valid, and how many citations and licenses they carry. Each quantity starts from a heavy-tailed draw on the
firm's latent strength and is then *raked* (iterative proportional fitting) so that its sums over every
published scope (batch, city page, city x industry, cluster remainder) equal the report's figure, within
per-enterprise bounds (granted <= inventions, ...). Integers come from systematic rounding along an order
that keeps each calibration cell contiguous, so every cell total is off by less than one.
"""

import functools
import math

from . import calibration as cal
from .fitting import controlled_round, rake, spread, systematic_round, water_fill
from .population import SyntheticEnterprise, five_city_industry_counts

FIRST_YEAR = 2005
YEARS = tuple(range(FIRST_YEAR, cal.AS_OF.year + 1))
# Fraction of the cut-off year that lies before the cut-off (1 Jan .. 31 Jul).
PARTIAL_YEAR = (cal.AS_OF.timetuple().tm_yday) / 365.0
NATIONAL_N = sum(cal.PROVINCE_COUNTS.values())
NATIONAL_APPLICATIONS = sum(
    cal.BATCH_INDICATORS["applications_per_enterprise"][b] * n for b, n in cal.batch_population().items()
)

INDUSTRY_INVENTION_FACTOR = {
    "next_gen_it": 1.35,
    "biomedicine": 1.25,
    "aerospace": 1.15,
    "new_materials": 1.1,
    "rail": 1.0,
    "nev": 0.9,
    "marine": 0.95,
    "power": 0.9,
    "cnc_robotics": 0.85,
    "agri_machinery": 0.7,
    "other": 0.85,
}
INDUSTRY_PCT_OFFSET = {
    "next_gen_it": 0.6,
    "biomedicine": 0.5,
    "nev": 0.2,
    "cnc_robotics": 0.2,
    "new_materials": 0.0,
    "aerospace": -0.3,
    "power": -0.1,
    "marine": -0.2,
    "rail": -0.5,
    "agri_machinery": -0.6,
    "other": -0.1,
}
BOARD_SIZE_FACTOR = {
    "star": 2.4,
    "main": 2.0,
    "chinext": 1.6,
    "hkex": 2.0,
    "sgx": 1.4,
    "bse": 1.1,
    "neeq": 1.1,
    "": 1.0,
}


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


# --- group targets (per enterprise rates of the nine calibration groups) ----------------------------


def _report_group_sizes() -> dict[str, int]:
    sizes = {city: cal.CITY_COUNTS[city] for city in cal.FIVE_CITIES}
    sizes["jjj_rest"] = cal.CLUSTER_COUNTS["jjj"] - sizes["110100"]
    sizes["yrd_rest"] = cal.CLUSTER_COUNTS["yrd"] - sizes["310100"] - sizes["330200"]
    sizes["gba_rest"] = cal.CLUSTER_COUNTS["gba"] - sizes["440300"]
    sizes["rest"] = NATIONAL_N - sum(sizes.values())
    return sizes


def group_rates() -> dict[str, dict[str, float]]:
    """Per-group targets so that city pages, clusters and nation all come out as printed.

    The rest of a cluster is the cluster's total minus its city pages; the rest of the country is the
    nation minus everything else. Returns {group: {measure: value}} with ``applications``, ``citations``,
    ``pct`` per enterprise and ``invention_share`` per application.
    """
    sizes = _report_group_sizes()
    rates: dict[str, dict[str, float]] = {}
    totals: dict[str, dict[str, float]] = {}
    for city in cal.FIVE_CITIES:
        ind = cal.CITY_INDICATORS[city]
        n = sizes[city]
        totals[city] = {
            "applications": ind["applications"],
            "inventions": ind["applications"] * ind["invention_share"],
            "citations": ind["citations_per_enterprise"] * n,
            "pct": ind["pct_per_enterprise"] * n,
        }
    national = {
        "applications": NATIONAL_APPLICATIONS,
        "inventions": NATIONAL_APPLICATIONS * cal.NATIONAL["invention_share"],
        "citations": sum(
            cal.BATCH_INDICATORS["citations_per_enterprise"][b] * n for b, n in cal.batch_population().items()
        ),
        "pct": cal.NATIONAL["pct_per_enterprise"] * NATIONAL_N,
    }
    cluster_cities = {"jjj": ("110100",), "yrd": ("310100", "330200"), "gba": ("440300",)}
    for cluster, cities in cluster_cities.items():
        ind = cal.CLUSTER_INDICATORS[cluster]
        n = cal.CLUSTER_COUNTS[cluster]
        apps = ind["applications_per_enterprise"] * n
        whole = {
            "applications": apps,
            "inventions": apps * ind["invention_share"],
            "citations": ind["citations_per_enterprise"] * n,
            "pct": ind["pct_per_enterprise"] * n,
        }
        totals[f"{cluster}_rest"] = {k: v - sum(totals[c][k] for c in cities) for k, v in whole.items()}
    totals["rest"] = {k: v - sum(t[k] for t in totals.values()) for k, v in national.items()}
    for group, t in totals.items():
        n = sizes[group]
        rates[group] = {
            "applications": t["applications"] / n,
            "invention_share": t["inventions"] / t["applications"],
            "citations": t["citations"] / n,
            "pct": t["pct"] / n,
        }
    return rates


def _pooled_rate(key: str, national_total: float, sizes: dict[str, int]) -> float:
    """Per-enterprise rate of the groups without a printed value, given the five city pages'."""
    cities = sum(cal.CITY_INDICATORS[c][key] * sizes[c] for c in cal.FIVE_CITIES)
    rest_n = sum(n for g, n in sizes.items() if g not in cal.FIVE_CITIES)
    return (national_total - cities) / rest_n


# --- year profiles ---------------------------------------------------------------------------------


def year_profile(growth: float, share_growth_year: float | None, decay: float | None = None) -> dict[int, float]:
    """Weights per publication year: CAGR ``growth`` over the two years to GROWTH_YEAR, a partial cut-off
    year, and a geometric decline before; ``decay`` is solved so that GROWTH_YEAR holds the given share."""
    y = cal.GROWTH_YEAR

    def build(d: float) -> dict[int, float]:
        w = {
            y: 1.0,
            y - 1: 1.0 / (1 + growth),
            y - 2: 1.0 / (1 + growth) ** 2,
            y + 1: PARTIAL_YEAR * (1 + growth) * 0.95,
        }
        for year in range(FIRST_YEAR, y - 2):
            w[year] = w[y - 2] * d ** (y - 2 - year)
        return w

    if decay is None:
        lo, hi = 0.05, 0.999
        for _ in range(60):
            mid = (lo + hi) / 2
            if 1.0 / sum(build(mid).values()) > share_growth_year:
                lo = mid
            else:
                hi = mid
        decay = (lo + hi) / 2
    w = build(decay)
    total = sum(w.values())
    return {year: w[year] / total for year in YEARS}


def group_year_profiles() -> dict[str, dict[int, float]]:
    """City pages grow as printed; the other groups share one profile that lands the nation on its CAGR and
    on 241,600 applications published in 2022."""
    sizes = _report_group_sizes()
    rates = group_rates()
    national_share = cal.NATIONAL["applications_2022"] / NATIONAL_APPLICATIONS
    profiles = {}
    a2022 = cal.NATIONAL["applications_2022"]
    a2020 = a2022 / (1 + cal.NATIONAL["growth_cagr"]) ** 2
    rest_total = NATIONAL_APPLICATIONS
    for city in cal.FIVE_CITIES:
        growth = cal.CITY_INDICATORS[city]["growth_cagr"]
        share = national_share * ((1 + growth) / (1 + cal.NATIONAL["growth_cagr"])) ** 1.5
        profiles[city] = year_profile(growth, share)
        total = rates[city]["applications"] * sizes[city]
        a2022 -= total * profiles[city][cal.GROWTH_YEAR]
        a2020 -= total * profiles[city][cal.GROWTH_YEAR - 2]
        rest_total -= total
    rest_growth = math.sqrt(a2022 / a2020) - 1
    rest_profile = year_profile(rest_growth, a2022 / rest_total)
    for group in ("jjj_rest", "yrd_rest", "gba_rest", "rest"):
        profiles[group] = rest_profile
    return profiles


PCT_PROFILE = year_profile(cal.NATIONAL["pct_growth_cagr"], None, decay=0.8)


def _scaled_targets(counts: dict, per_enterprise: dict) -> dict:
    return {label: per_enterprise[label] * n for label, n in counts.items()}


def _count(labels: list) -> dict:
    out: dict = {}
    for label in labels:
        out[label] = out.get(label, 0) + 1
    return out


def _bucket_targets(buckets: dict[str, int], n: int) -> list[int]:
    """The report's bucket sizes, scaled to ``n`` enterprises (exact at report scale)."""
    from .population import apportion

    return apportion(n, list(buckets.values())) if n != NATIONAL_N else list(buckets.values())


# --- the plan ----------------------------------------------------------------------------------------


def plan_population(members: list[SyntheticEnterprise], rng) -> list[Plan]:
    """Calibrated plans for the analysed enterprises (``members`` all in the population)."""
    n = len(members)
    sizes = _report_group_sizes()
    rates = group_rates()
    batch = [e.batch for e in members]
    geo = [e.geo_group for e in members]
    batch_n = _count(batch)
    geo_n = _count(geo)

    # -- applications: batch x (city page x industry | cluster remainder) --------------------------
    cell = [
        f"{e.geo_group}:{cal.industry_group(e.industry)}" if e.geo_group in cal.FIVE_CITIES else e.geo_group
        for e in members
    ]
    cell_n = _count(cell)
    cell_rate = {}
    for city in cal.FIVE_CITIES:
        report_mix = five_city_industry_counts(city, sizes[city])
        grouped: dict[str, int] = {}
        for field, k in report_mix.items():
            grouped[cal.industry_group(field)] = grouped.get(cal.industry_group(field), 0) + k
        printed = dict(cal.CITY_INDUSTRY_APPLICATIONS[city])
        printed["other"] = cal.CITY_INDICATORS[city]["applications"] - sum(printed.values())
        for key, apps in printed.items():
            cell_rate[f"{city}:{key}"] = apps / grouped[key]
    for group in ("jjj_rest", "yrd_rest", "gba_rest", "rest"):
        cell_rate[group] = rates[group]["applications"]
    batch_apps = _scaled_targets(batch_n, cal.BATCH_INDICATORS["applications_per_enterprise"])
    cell_apps = _scaled_targets(cell_n, cell_rate)
    # At demo scale the two margins differ slightly; the batch margin sets the total.
    ratio = sum(batch_apps.values()) / sum(cell_apps.values())
    cell_apps = {k: v * ratio for k, v in cell_apps.items()}
    raw = [math.exp(0.95 * e.strength + rng.gauss(0.0, 0.55)) * BOARD_SIZE_FACTOR[e.board] for e in members]
    apps_real = rake(raw, [(batch, batch_apps), (cell, cell_apps)], lo=[3.0] * n)
    order = sorted(range(n), key=lambda i: (cell[i], batch[i], i))
    applications = systematic_round(apps_real, order, rng)
    geo_order = sorted(range(n), key=lambda i: (geo[i], batch[i], i))

    # -- PCT: bucket membership by rank of a propensity, then raked per group within the bucket bounds --
    # A firm enters a bucket only if it publishes at least the bucket's lower bound (PCT are applications).
    pct_buckets = _bucket_targets(cal.PCT_BUCKETS, n)
    pct_ranges = ((0, 0), (1, 9), (10, 99), (100, 2500))
    pct_targets = {g: rates[g]["pct"] * k for g, k in geo_n.items()}
    pct_propensity = [
        math.log(applications[i]) + INDUSTRY_PCT_OFFSET[members[i].industry] + rng.gauss(0.0, 0.9) for i in range(n)
    ]
    pct_score = _offset_scores(pct_propensity, geo, pct_targets, pct_buckets, _PCT_TYPICAL, pct_ranges, applications)
    pct_bounds = _bucketed(pct_score, pct_buckets, pct_ranges, applications)
    pct_base = []
    for low, high in pct_bounds:
        if high == 0:
            pct_base.append(0.0)
        else:
            pct_base.append(min(high, low * math.exp(rng.random() * math.log(high / low + 1.0) * 0.8)))
    pct_hi = [min(high, max(low, 0.6 * applications[i])) for i, (low, high) in enumerate(pct_bounds)]
    pct_lo = [float(low) for low, _high in pct_bounds]
    pct = systematic_round(rake(pct_base, [(geo, pct_targets)], lo=pct_lo, hi=pct_hi), geo_order, rng)

    # -- overseas markets: buckets by rank (correlated with PCT), raked per city page / rest -----------
    # Each market needs a foreign filing, and those come out of the applications left after PCT: a firm
    # with 100 PCT among 119 applications has room for 19 foreign filings. A firm without room for a
    # bucket's lower bound is passed over for it, so the bucket counts stay exact in the written file.
    market_buckets = _bucket_targets(cal.OVERSEAS_BUCKETS, n)
    market_ranges = ((0, 0), (1, 5), (6, 10), (11, 24))
    foreign_room = [applications[i] - pct[i] for i in range(n)]
    page = [g if g in cal.FIVE_CITIES else "rest" for g in geo]
    market_rate = {c: cal.CITY_INDICATORS[c]["overseas_markets_per_enterprise"] for c in cal.FIVE_CITIES}
    market_rate["rest"] = _pooled_rate(
        "overseas_markets_per_enterprise", cal.NATIONAL["overseas_markets_per_enterprise"] * NATIONAL_N, sizes
    )
    market_targets = _scaled_targets(_count(page), market_rate)
    # Firms that file PCT applications are the ones that enter foreign markets, so the propensities share a term.
    market_propensity = [
        0.7 * pct_propensity[i] + 0.3 * math.log(applications[i]) + rng.gauss(0.0, 0.7) for i in range(n)
    ]
    market_score = _offset_scores(
        market_propensity, page, market_targets, market_buckets, _MARKETS_TYPICAL, market_ranges, foreign_room
    )
    market_bounds = _bucketed(market_score, market_buckets, market_ranges, foreign_room)
    market_base = [0.0 if high == 0 else low + (high - low) * rng.random() ** 2.0 for low, high in market_bounds]
    market_hi = [
        float(min(high, max(low, applications[i] // 3), foreign_room[i])) for i, (low, high) in enumerate(market_bounds)
    ]
    markets = systematic_round(
        rake(market_base, [(page, market_targets)], lo=[float(low) for low, _h in market_bounds], hi=market_hi),
        sorted(range(n), key=lambda i: (page[i], i)),
        rng,
    )
    # Each market holds at least one patent; bigger portfolios file a few more abroad, within their room.
    foreign = [
        0
        if markets[i] == 0
        else min(
            markets[i] + int(markets[i] * rng.random() * 1.5),
            max(markets[i], applications[i] // 3),
            foreign_room[i],
        )
        for i in range(n)
    ]

    # -- inventions: invention share per group, at least the PCT and foreign filings ------------------
    inv_base = [
        applications[i]
        * min(
            0.97,
            rates[geo[i]]["invention_share"]
            * INDUSTRY_INVENTION_FACTOR[members[i].industry]
            * math.exp(rng.gauss(0.0, 0.35) + 0.1 * members[i].strength),
        )
        for i in range(n)
    ]
    group_apps = _sum_by(geo, applications)
    inv_targets = {g: rates[g]["invention_share"] * a for g, a in group_apps.items()}
    inv_lo = [float(pct[i] + foreign[i]) for i in range(n)]
    inv_hi = [float(applications[i]) for i in range(n)]
    inventions = systematic_round(rake(inv_base, [(geo, inv_targets)], lo=inv_lo, hi=inv_hi), geo_order, rng)

    # -- granted by the cut-off: grant rate per city page (the rest pooled), granted per batch ---------
    # The per-batch granted totals follow from the printed valid inventions and one national valid ratio.
    valid_aim = _scaled_targets(batch_n, cal.VALID_INVENTIONS_AIM)
    total_inventions = sum(inventions)
    granted_total = cal.NATIONAL["invention_grant_rate"] * total_inventions
    valid_ratio = sum(valid_aim.values()) / granted_total
    batch_granted = {b: v / valid_ratio for b, v in valid_aim.items()}
    page_inventions = _sum_by(page, inventions)
    page_granted = {
        c: cal.CITY_INDICATORS[c]["invention_grant_rate"] * page_inventions[c]
        for c in cal.FIVE_CITIES
        if c in page_inventions
    }
    page_granted["rest"] = granted_total - sum(page_granted.values())
    grantable = [inventions[i] - pct[i] for i in range(n)]
    granted_base = [g * 0.4 * math.exp(rng.gauss(0.0, 0.25)) for g in grantable]
    granted_hi = [0.92 * g for g in grantable]
    granted = systematic_round(
        rake(granted_base, [(batch, batch_granted), (page, page_granted)], lo=[0.0] * n, hi=granted_hi),
        sorted(range(n), key=lambda i: (page[i], batch[i], i)),
        rng,
    )

    valid_base = [g * valid_ratio * math.exp(rng.gauss(0.0, 0.05)) for g in granted]
    valid = systematic_round(
        rake(valid_base, [(batch, valid_aim)], lo=[0.0] * n, hi=[float(g) for g in granted]),
        sorted(range(n), key=lambda i: (batch[i], i)),
        rng,
    )

    # -- citations: batch and group margins --------------------------------------------------------
    cite_base = [
        applications[i] * math.exp(rng.gauss(0.0, 0.6)) * INDUSTRY_INVENTION_FACTOR[members[i].industry]
        for i in range(n)
    ]
    cite_batch = _scaled_targets(batch_n, cal.BATCH_INDICATORS["citations_per_enterprise"])
    cite_geo = {g: rates[g]["citations"] * k for g, k in geo_n.items()}
    ratio = sum(cite_batch.values()) / sum(cite_geo.values())
    cite_geo = {g: v * ratio for g, v in cite_geo.items()}
    citations = systematic_round(rake(cite_base, [(batch, cite_batch), (geo, cite_geo)]), geo_order, rng)

    # -- licenses: few firms license at all; batch and city-page margins -----------------------------
    lic_base = [
        (applications[i] ** 0.7) * math.exp(rng.gauss(0.0, 0.8)) if rng.random() < 0.22 else 0.0 for i in range(n)
    ]
    lic_batch = _scaled_targets(batch_n, cal.BATCH_INDICATORS["licenses_per_enterprise"])
    lic_rate = {c: cal.CITY_INDICATORS[c]["licenses_per_enterprise"] for c in cal.FIVE_CITIES}
    lic_rate["rest"] = _pooled_rate("licenses_per_enterprise", sum(lic_batch.values()) * NATIONAL_N / n, sizes)
    lic_page = _scaled_targets(_count(page), lic_rate)
    ratio = sum(lic_batch.values()) / sum(lic_page.values())
    lic_page = {g: v * ratio for g, v in lic_page.items()}
    licenses = systematic_round(
        rake(lic_base, [(batch, lic_batch), (page, lic_page)]),
        sorted(range(n), key=lambda i: (page[i], batch[i], i)),
        rng,
    )

    years = _allocate_years(members, applications, rng)
    pct_years = _allocate_pct_years(pct, years, rng)
    post_cutoff = _allocate_post_cutoff(members, years, rng)

    plans = []
    for i in range(n):
        plan = Plan()
        plan.applications = applications[i]
        plan.years = years[i]
        plan.pct = pct[i]
        plan.pct_years = pct_years[i]
        plan.markets = markets[i]
        plan.foreign = foreign[i]
        plan.inventions = inventions[i]
        plan.granted = granted[i]
        plan.valid = valid[i]
        plan.citations = citations[i]
        plan.licenses = licenses[i]
        plan.post_cutoff = post_cutoff[i]
        plans.append(plan)
    return plans


# Typical value of a firm in each bucket (0, 1-9, 10-99, 100+), the national buckets' mean solved from the
# printed total; used only to place the right number of high-bucket firms in each group.
_PCT_TYPICAL = (0.0, 3.0, 22.0, 149.0)
_MARKETS_TYPICAL = (0.0, 1.9, 7.2, 13.0)


def _offset_scores(
    propensity: list[float], groups: list, targets: dict, bucket_sizes: list[int], typical, ranges, room: list[int]
) -> list[float]:
    """Shift each group's propensity until the buckets it wins would carry about its target total; the
    raking inside the bucket bounds then closes the remaining gap exactly."""
    offsets = dict.fromkeys(targets, 0.0)
    for _ in range(25):
        score = [p + offsets[g] for p, g in zip(propensity, groups, strict=True)]
        bucket = _bucket_indices(score, bucket_sizes, ranges, room)
        expected = dict.fromkeys(targets, 0.0)
        for b, g in zip(bucket, groups, strict=True):
            expected[g] += typical[b]
        for g, target in targets.items():
            offsets[g] += 0.5 * math.log(max(target, 0.5) / max(expected[g], 0.5))
    return [p + offsets[g] for p, g in zip(propensity, groups, strict=True)]


def _bucketed(score: list[float], bucket_sizes: list[int], ranges, room: list[int]) -> list[tuple[int, int]]:
    """The (low, high) range of each enterprise's bucket (see ``_bucket_indices``)."""
    return [ranges[b] for b in _bucket_indices(score, bucket_sizes, ranges, room)]


def _bucket_indices(score: list[float], bucket_sizes: list[int], ranges, room: list[int]) -> list[int]:
    """Bucket per enterprise: the top-ranked get the highest bucket, and so on down to 0, each bucket taking
    exactly its size from the firms with ``room`` for its lower bound (the others wait for a lower bucket).

    Ranking alone can put a firm in a bucket its plan cannot fill (seed 10 gave 6-10 markets to a firm whose
    100 applications were all PCT), and the written file then misses the report's bucket count by that firm,
    for some seeds only."""
    ranked = sorted(range(len(score)), key=lambda i: (-score[i], i))
    result = [0] * len(score)
    for bucket in range(len(bucket_sizes) - 1, 0, -1):
        low = ranges[bucket][0]
        left = []
        taken = 0
        for i in ranked:
            if taken < bucket_sizes[bucket] and room[i] >= low:
                result[i] = bucket
                taken += 1
            else:
                left.append(i)
        if taken < bucket_sizes[bucket]:
            raise ValueError(f"only {taken} of {bucket_sizes[bucket]} firms have room for bucket {ranges[bucket]}")
        ranked = left
    return result


def _sum_by(labels: list, values: list) -> dict:
    out: dict = {}
    for label, value in zip(labels, values, strict=True):
        out[label] = out.get(label, 0) + value
    return out


def _allocate_years(members: list[SyntheticEnterprise], applications: list[int], rng) -> list[dict[int, int]]:
    """Publication years: each group's profile, tilted per firm and cut at its founding, then fitted back
    (IPF over firm x year) so that each group's year totals follow the profile exactly."""
    profiles = group_year_profiles()
    by_group: dict[str, list[int]] = {}
    for i, e in enumerate(members):
        by_group.setdefault(e.geo_group, []).append(i)
    result: list[dict[int, int]] = [{} for _ in members]
    for group in sorted(by_group):
        idx = by_group[group]
        profile = profiles[group]
        rows = []
        for i in idx:
            e = members[i]
            tilt = rng.gauss(0.0, 0.12)
            start = max(FIRST_YEAR, e.founded_on.year + 1)
            row = {y: profile[y] * math.exp(tilt * (y - 2020)) for y in YEARS if y >= start}
            if not row:
                row = {cal.AS_OF.year: 1.0}
            rows.append(row)
        total = sum(applications[i] for i in idx)
        target = {y: total * profile[y] for y in YEARS}
        for _ in range(12):
            for row, i in zip(rows, idx, strict=True):
                s = sum(row.values())
                f = applications[i] / s
                for y in row:
                    row[y] *= f
            col: dict[int, float] = {}
            for row in rows:
                for y, v in row.items():
                    col[y] = col.get(y, 0.0) + v
            for row in rows:
                for y in row:
                    row[y] *= target[y] / col[y] if col[y] > 0 else 1.0
        values = []
        for row, i in zip(rows, idx, strict=True):
            s = sum(row.values())
            values.append({y: v * applications[i] / s for y, v in row.items()})
        for i, counts in zip(idx, controlled_round(values, [applications[i] for i in idx]), strict=True):
            result[i] = counts
    return result


def _allocate_pct_years(pct: list[int], years: list[dict[int, int]], rng) -> list[dict[int, int]]:
    """PCT publications per year: the national PCT profile (its own, faster growth), fitted over firm x
    year so that the nation's PCT years follow it even though each firm can only use years it published in."""
    rows = {}
    for i, p in enumerate(pct):
        if p:
            rows[i] = {y: PCT_PROFILE[y] for y, c in years[i].items() if c}
    total = sum(pct)
    target = {y: total * PCT_PROFILE[y] for y in YEARS}
    for _ in range(15):
        col: dict[int, float] = {}
        for i, row in rows.items():
            s = sum(row.values())
            for y in row:
                row[y] = min(years[i][y], row[y] * pct[i] / s)
                col[y] = col.get(y, 0.0) + row[y]
        for row in rows.values():
            for y in row:
                row[y] *= target[y] / col[y]
    result: list[dict[int, int]] = [{} for _ in pct]
    firms = sorted(rows)
    values = []
    for i in firms:
        ys = sorted(rows[i])
        filled = water_fill(pct[i], [rows[i][y] for y in ys], [years[i][y] for y in ys])
        values.append(dict(zip(ys, filled, strict=True)))
    caps = [years[i] for i in firms]
    for i, counts in zip(firms, controlled_round(values, [pct[i] for i in firms], caps), strict=True):
        result[i] = counts
    return result


# Calendar years published after the cut-off, and the share of each that lies after it (Aug-Dec 2023).
POST_YEARS = tuple(range(cal.AS_OF.year, cal.LAST_PUBLICATION.year + 1))
POST_FRACTION = {y: (1.0 - PARTIAL_YEAR if y == cal.AS_OF.year else 1.0) for y in POST_YEARS}


def _allocate_post_cutoff(members: list[SyntheticEnterprise], years: list[dict[int, int]], rng) -> list[dict[int, int]]:
    """Publications after the cut-off that continue each group's calibrated trend: a firm's expected count
    in a later year is its group's growth compounded on the firm's own recent level (the mean of its last
    three complete years, so a firm that had nothing lately stays small). Rounded systematically along
    (year, group, firm), so each year's total is within one unit of the trend whatever the seed; a
    snapshot taken today then shows growth like the report's, not a collapse of the thin tail it had."""
    profiles = group_year_profiles()
    y = cal.GROWTH_YEAR
    expected: list[dict[int, float]] = []
    for i, e in enumerate(members):
        profile = profiles[e.geo_group]
        growth = profile[y] / profile[y - 1] if profile[y - 1] else 1.0
        recent = sum(years[i].get(k, 0) for k in (y - 2, y - 1, y)) / 3.0
        # The mean of Y-2..Y sits one year before Y on the trend.
        level = recent * growth
        expected.append({py: level * growth ** (py - y) * POST_FRACTION[py] for py in POST_YEARS})
    order = sorted(range(len(members)), key=lambda i: (members[i].geo_group, i))
    result: list[dict[int, int]] = [{} for _ in members]
    for py in POST_YEARS:
        counts = systematic_round([expected[i][py] for i in range(len(members))], order, rng)
        for i, c in enumerate(counts):
            if c:
                result[i][py] = c
    return result


@functools.cache
def _national_profile() -> dict[int, float]:
    return year_profile(cal.NATIONAL["growth_cagr"], cal.NATIONAL["applications_2022"] / NATIONAL_APPLICATIONS)


def plan_unanalysed(e: SyntheticEnterprise, rng, *, base: int = 60) -> Plan:
    """Revoked firms keep their patents (they are in the file) but follow national averages, uncalibrated.

    ``base``: the median firm's applications (the 专精特新中小企业 of the national scale use their own).
    """
    plan = Plan()
    national = _national_profile()
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
