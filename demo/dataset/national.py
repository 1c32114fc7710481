"""The 专精特新中小企业 around the 小巨人: the ``national`` scales of ``generate_dataset``.

A province keeps a list of 专精特新中小企业 about ten times as long as its 小巨人 list. The ``national``
scale writes the report's 12,950 小巨人 designations exactly as ``report`` calibrates them, plus about
117,000 small and medium firms of the same provinces (``program`` = ``sme``), each with the uncalibrated
patent model of a revoked 小巨人 at a lower level: about 130,000 enterprises and 15 million rows of
patents.csv (~108 per small firm, ``SME_PATENTS_PER_FIRM``; ~2.8 GB).

Streaming: the small firms are never held in a list. One random stream of their own makes them, one at a
time, for the enterprise file; the patent file makes them again from the same stream (same seed, same
firms) and writes each one's patents before making the next. What stays in memory grows with the number of
enterprises (the names and codes already handed out, so none repeats) and not with the number of patents.
"""

import math
from collections.abc import Iterator
from datetime import date

from . import calibration as cal
from .model import plan_unanalysed
from .names import NameBook
from .population import SyntheticEnterprise, geo_group_of

# About 130,000 enterprises in all with the 12,950 小巨人 designations of the report.
NATIONAL_SMES = 117_050
# ``national-demo``: the demo's 小巨人 sample and ten times as many small firms.
NATIONAL_DEMO_SMES = 5_400

# Provincial lists, one a year. The later lists are the longer ones (the programme grew fast after 2021).
SME_BATCHES = {
    1: (date(2019, 12, 20), 0.07),
    2: (date(2020, 12, 18), 0.12),
    3: (date(2021, 12, 17), 0.21),
    4: (date(2022, 12, 16), 0.29),
    5: (date(2023, 6, 30), 0.31),
}
# About 15 million patents.csv rows in all: the 小巨人's (2,312,107 at report scale, the same at ``national``)
# and ~108 per small firm.
NATIONAL_PATENTS = 15_000_000
LITTLE_GIANT_PATENTS = 2_312_107
SME_PATENTS_PER_FIRM = round((NATIONAL_PATENTS - LITTLE_GIANT_PATENTS) / NATIONAL_SMES)
# ``plan_unanalysed``'s base is the median firm's applications, not its rows. A firm writes one row per
# application (its PCT and foreign filings among them) and, after the cut-off, its 2020-22 level grown at
# the national rate to the end of 2025 (~0.65 rows per application); the mean applications are ~1.7 times the
# median (a lognormal of sigma ~1). So ~2.78 rows per unit of base (measured over 50,000 firms): 39 gives
# ~108 rows per small firm. (66 gave ~185: 24 million rows in all.)
SME_PATENT_BASE = 39
# The small firms' boards: a few on 新三板 and 北交所, almost none on the main boards.
_SME_BOARDS = (("neeq", 0.045), ("bse", 0.004), ("chinext", 0.002), ("star", 0.001), ("main", 0.001))


class SmallFirms:
    """The 专精特新中小企业 of one seed: ``iterate()`` makes them again, the same each time.

    ``city_weights``: where they are, as a weight per city code (the 小巨人 counts, smoothed, so that every
    city with a 小巨人 list has a longer SME list). ``taken``: the names and codes already handed out to
    the 小巨人, which the small firms never reuse.
    """

    def __init__(self, *, seed: int, count: int, city_weights: dict[str, float], divisions, book: NameBook):
        self.seed = seed
        self.count = count
        self.divisions = divisions
        self.cities = sorted(city_weights)
        cumulative, total = [], 0.0
        for city in self.cities:
            total += city_weights[city]
            cumulative.append(total)
        self.cumulative = cumulative
        self.total_weight = total
        self._taken = (frozenset(book.taken_names), frozenset(book.taken_codes), frozenset(book.taken_stock))
        self.last_book: NameBook | None = None
        industries = list(cal.INDUSTRY_COUNTS)
        self.industries = industries
        self.industry_weights = [cal.INDUSTRY_COUNTS[i] for i in industries]
        batches = sorted(SME_BATCHES)
        self.batches = batches
        self.batch_weights = [SME_BATCHES[b][1] for b in batches]

    def _city(self, r: float) -> str:
        # Bisection over the cumulative weights: a few hundred cities, a few steps.
        target = r * self.total_weight
        lo, hi = 0, len(self.cumulative) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cumulative[mid] < target:
                lo = mid + 1
            else:
                hi = mid
        return self.cities[lo]

    def iterate(self) -> Iterator[SyntheticEnterprise]:
        import random

        rng = random.Random(self.seed)
        book = NameBook(rng)
        book.taken_names, book.taken_codes, book.taken_stock = (set(s) for s in self._taken)
        self.last_book = book
        divisions = self.divisions
        for _ in range(self.count):
            city = self._city(rng.random())
            province = divisions[city].province_code
            e = SyntheticEnterprise(province, city, geo_group_of(province, city))
            e.in_population = False
            e.strength = rng.gauss(0.0, 1.0)
            e.batch = rng.choices(self.batches, self.batch_weights)[0]
            designated_on = SME_BATCHES[e.batch][0]
            if e.batch <= 2:
                e.status = "revoked" if rng.random() < 0.08 else "reviewed"
            elif e.batch == 5 and rng.random() < 0.1:
                e.status = "announced"
            else:
                e.status = "confirmed"
            e.designated_on = None if e.status == "announced" else designated_on
            e.industry = rng.choices(self.industries, self.industry_weights)[0]
            r = rng.random()
            for board, share in _SME_BOARDS:
                if r < share:
                    e.board = board
                    break
                r -= share
            e.primary_financing = rng.random() < 0.22
            # Small firms are younger than the 小巨人: 5-15 years when first listed.
            age = max(2, min(30, int(round(rng.gauss(10.0 + 1.5 * e.strength, 5.0)))))
            year = designated_on.year - age
            e.founded_on = date(year, rng.randint(1, 12), rng.randint(1, 28))
            division = divisions[city]
            e.region_word = division.short_name if division.level != "county_group" else divisions[province].short_name
            joint_stock = bool(e.board) or rng.random() < 0.08
            e.name = book.company_name(
                e.region_word, e.industry, joint_stock=joint_stock, bracketed=rng.random() < 0.05
            )
            if rng.random() < 0.1 and year < 2019:
                e.former_names = [book.former_name(e.name, e.region_word, e.industry)]
                e.rename_year = rng.randint(max(year + 2, 2012), 2021)
            e.credit_code = book.credit_code(city, year)
            if e.board:
                e.stock_code = book.stock_code(e.board)
            e.employees = (
                None if rng.random() < 0.08 else max(5, int(round(math.exp(math.log(80) + rng.gauss(0.0, 0.7)))))
            )
            yield e


def city_weights(everyone: list[SyntheticEnterprise], divisions) -> dict[str, float]:
    """Where the small firms are: like the 小巨人 (their counts per city), plus a floor for every city."""
    counts: dict[str, int] = {}
    for e in everyone:
        counts[e.city] = counts.get(e.city, 0) + 1
    return {
        code: counts.get(code, 0) + 3.0
        for code, division in divisions.items()
        if division.level != "province" and (code in counts or division.level == "city")
    }


def plan_small_firm(e: SyntheticEnterprise, rng):
    return plan_unanalysed(e, rng, base=SME_PATENT_BASE)


__all__ = ["NATIONAL_DEMO_SMES", "NATIONAL_SMES", "SmallFirms", "city_weights", "plan_small_firm"]
