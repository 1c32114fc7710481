"""When the planned patents are published: year profiles and their allocation to each firm.

The groups' profiles land the nation and each city page on the report's growth rates; the allocations
then fit each firm's years (and PCT years, and publications after the cut-off) to those profiles.
"""

import functools
import math

from . import calibration as cal
from .fitting import controlled_round, systematic_round, water_fill
from .population import SyntheticEnterprise
from .targets import NATIONAL_APPLICATIONS, group_rates, report_group_sizes

FIRST_YEAR = 2005
YEARS = tuple(range(FIRST_YEAR, cal.AS_OF.year + 1))
# Fraction of the cut-off year that lies before the cut-off (1 Jan .. 31 Jul).
PARTIAL_YEAR = (cal.AS_OF.timetuple().tm_yday) / 365.0


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
    sizes = report_group_sizes()
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


def allocate_years(members: list[SyntheticEnterprise], applications: list[int], rng) -> list[dict[int, int]]:
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


def allocate_pct_years(pct: list[int], years: list[dict[int, int]], rng) -> list[dict[int, int]]:
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


def allocate_post_cutoff(members: list[SyntheticEnterprise], years: list[dict[int, int]], rng) -> list[dict[int, int]]:
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
def national_profile() -> dict[int, float]:
    return year_profile(cal.NATIONAL["growth_cagr"], cal.NATIONAL["applications_2022"] / NATIONAL_APPLICATIONS)
