"""The enterprise population: who the 12,950 designations are, where they sit, what they do.

Counts that the report prints are met exactly by *dealing*: a multiset with the exact national counts is
shuffled and handed out to the enterprises of each group, after the groups with their own printed counts
(the five city pages, the clusters) took theirs. Which enterprise of a group gets a scarce attribute (a
listing, financing) is a weighted draw on a latent firm strength, so that listed firms also patent more.
"""

import csv
import math
from datetime import date
from pathlib import Path

from regions.choices import SEPARATELY_PLANNED_CITIES

from . import calibration as cal
from .names import NameBook

DIVISIONS_CSV = Path(__file__).resolve().parents[2] / "regions" / "data" / "divisions.csv"
# 计划单列市: printed in the province column of MIIT lists (the regions app's list).
SEPARATELY_PLANNED = SEPARATELY_PLANNED_CITIES
LISTED_BOARDS = ("main", "chinext", "star", "bse", "hkex", "sgx")


class Division:
    __slots__ = ("code", "level", "name", "province_code", "short_name")

    def __init__(self, row: dict):
        self.code = row["code"]
        self.level = row["level"]
        self.name = row["name"]
        self.short_name = row["short_name"]
        self.province_code = row["province_code"]


def load_divisions(path: Path = DIVISIONS_CSV) -> dict[str, Division]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["code"]: Division(row) for row in csv.DictReader(handle)}


class SyntheticEnterprise:
    """One row of enterprises.csv plus the latent values the patent model needs."""

    __slots__ = (
        "batch", "board", "city", "credit_code", "designated_on", "employees", "former_names", "founded_on",
        "geo_group", "in_population", "industry", "name", "primary_financing", "province", "rename_year",
        "region_word", "status", "stock_code", "strength",
    )  # fmt: skip

    def __init__(self, province: str, city: str, geo_group: str):
        self.province = province
        self.city = city
        self.geo_group = geo_group
        self.batch = 0
        self.status = ""
        self.designated_on: date | None = None
        self.in_population = True
        self.industry = ""
        self.board = ""
        self.stock_code = ""
        self.primary_financing = False
        self.employees: int | None = None
        self.founded_on: date | None = None
        self.name = ""
        self.former_names: list[str] = []
        self.rename_year = 0
        self.region_word = ""
        self.credit_code = ""
        self.strength = 0.0  # latent innovation strength, standard normal


def geo_group_of(province: str, city: str) -> str:
    if city in cal.FIVE_CITIES:
        return city
    if province in ("120000", "130000"):
        return "jjj_rest"
    if province in ("320000", "330000", "340000"):
        return "yrd_rest"
    if city in cal.GBA_CITIES:
        return "gba_rest"
    return "rest"


def apportion(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """Largest-remainder split of ``total`` in proportion to ``weights``, never above ``caps``."""
    n = len(weights)
    result = [0] * n
    open_idx = [i for i in range(n) if weights[i] > 0]
    remaining = total
    while remaining > 0 and open_idx:
        weight_sum = sum(weights[i] for i in open_idx)
        shares = {i: remaining * weights[i] / weight_sum for i in open_idx}
        floors = {i: int(shares[i]) for i in open_idx}
        left = remaining - sum(floors.values())
        for i in sorted(open_idx, key=lambda i: (floors[i] - shares[i], i))[:left]:
            floors[i] += 1
        capped = [i for i in open_idx if caps and result[i] + floors[i] > caps[i]]
        if not capped:
            for i in open_idx:
                result[i] += floors[i]
            return result
        for i in capped:
            remaining -= caps[i] - result[i]
            result[i] = caps[i]
        open_idx = [i for i in open_idx if i not in capped]
    if remaining:
        raise ValueError(f"cannot place {remaining} within the caps")
    return result


def city_counts(divisions: dict[str, Division], rng) -> dict[str, int]:
    """Population per city: the printed cities exactly, the rest of each province over its other cities."""
    cities_of: dict[str, list[str]] = {}
    for division in divisions.values():
        if division.level != "province":
            cities_of.setdefault(division.province_code, []).append(division.code)
    counts: dict[str, int] = {}
    for province, total in cal.PROVINCE_COUNTS.items():
        cities = sorted(cities_of[province])
        fixed = {c: cal.CITY_COUNTS[c] for c in cities if c in cal.CITY_COUNTS}
        counts.update(fixed)
        if province == "440000":
            # 粤港澳: the seven nine-city members besides 深圳 and 广州 hold exactly 441 (东莞's printed 172
            # among them); the cities of 广东 outside the nine take what is left.
            seven = [c for c in cal.GBA_CITIES if c not in fixed]
            seven_total = cal.GBA_OTHER_SEVEN - sum(n for c, n in fixed.items() if c not in ("440300", "440100"))
            outside = [c for c in cities if c not in cal.GBA_CITIES]
            pools = [(seven, seven_total), (outside, total - sum(fixed.values()) - seven_total)]
        else:
            pools = [([c for c in cities if c not in fixed], total - sum(fixed.values()))]
        for pool, pool_total in pools:
            if not pool:
                continue
            capital = province[:2] + "0100"
            weights = []
            for c in pool:
                if divisions[c].level == "county_group":
                    weights.append(0.15)
                elif c == capital:
                    weights.append(3.0)
                else:
                    weights.append(rng.uniform(0.4, 1.6))
            caps = [cal.UNLISTED_CITY_CAP] * len(pool)
            for c, n in zip(pool, apportion(pool_total, weights, caps), strict=True):
                counts[c] = n
    return counts


def _weighted_pick(rng, members: list[SyntheticEnterprise], k: int, weight) -> list[SyntheticEnterprise]:
    """k members without replacement, chance proportional to ``weight`` (Efraimidis-Spirakis keys)."""
    keyed = [(rng.random() ** (1.0 / weight(e)), i) for i, e in enumerate(members)]
    keyed.sort(reverse=True)
    return [members[i] for _key, i in keyed[:k]]


def _deal(rng, labels: dict[str, int]) -> list[str]:
    deck = [label for label, n in labels.items() for _ in range(n)]
    rng.shuffle(deck)
    return deck


def five_city_industry_counts(city: str, n: int) -> dict[str, int]:
    """Industry mix of a city page so that its 行业特色 totals come out at a plausible per-firm level."""
    intensity = {
        "next_gen_it": 1.15,
        "biomedicine": 1.0,
        "high_end_machinery": 0.95,
        "nev": 1.0,
        "aerospace": 1.1,
        "new_materials": 0.85,
        "rail": 1.2,
        "marine": 1.0,
        "other": 0.9,
    }
    cells = dict(cal.CITY_INDUSTRY_APPLICATIONS[city])
    cells["other"] = cal.CITY_INDICATORS[city]["applications"] - sum(cells.values())
    keys = list(cells)
    # One firm per printed cell at least, so that every printed total has someone to carry it.
    base = apportion(n - len(keys), [cells[k] / intensity[k] for k in keys])
    grouped = {k: base[i] + 1 for i, k in enumerate(keys)}
    machinery = grouped.pop("high_end_machinery")
    split = apportion(machinery, [cal.INDUSTRY_COUNTS[f] for f in cal.HIGH_END_MACHINERY])
    for field, count in zip(cal.HIGH_END_MACHINERY, split, strict=True):
        grouped[field] = count
    return grouped


def build_population(rng, *, sample_size: int | None = None) -> tuple[list[SyntheticEnterprise], NameBook]:
    """All 12,950 designations of the report, attributes exact to report-figures.md, or a stratified sample
    of about ``sample_size`` of them (the demo).

    Also returns the name book, so that the patent file's unlinked co-applicants never take a listed name.
    """
    divisions = load_divisions()
    counts = city_counts(divisions, rng)
    members: list[SyntheticEnterprise] = []
    for city in sorted(counts):
        province = divisions[city].province_code
        group = geo_group_of(province, city)
        members.extend(SyntheticEnterprise(province, city, group) for _ in range(counts[city]))
    for e in members:
        e.strength = rng.gauss(0.0, 1.0)

    # Batches of the analysed population, dealt at random over the country.
    for e, batch in zip(members, _deal(rng, {str(b): n for b, n in cal.batch_population().items()}), strict=True):
        e.batch = int(batch)

    _assign_industries(rng, members)
    _assign_boards(rng, members)
    chosen = _weighted_pick(
        rng, members, cal.PRIMARY_FINANCING, lambda e: math.exp(0.5 * e.strength) * (1.6 if e.board else 1.0)
    )
    for e in chosen:
        e.primary_financing = True

    revoked = _revoked(rng, members)
    everyone = members + revoked
    _assign_status(rng, everyone)
    if sample_size:
        everyone = stratified_sample(everyone, rng, sample_size)
    book = _assign_identity(rng, everyone, divisions)
    _assign_employees(rng, everyone)
    # The MIIT lists are ordered by batch and province; shuffle inside that order so nothing leaks from dealing.
    rng.shuffle(everyone)
    everyone.sort(key=lambda e: (e.batch, e.province))
    return everyone, book


def stratified_sample(everyone: list[SyntheticEnterprise], rng, size: int) -> list[SyntheticEnterprise]:
    """About ``size`` designations, a systematic sample over (population, city, batch, industry) so that every
    stratum keeps its share, plus one firm of every province the sample would otherwise miss."""
    ordered = sorted(everyone, key=lambda e: (not e.in_population, e.city, e.batch, e.industry, e.board, -e.strength))
    step = len(ordered) / size
    offset = rng.random() * step
    picked = {int(offset + k * step) for k in range(size)}
    provinces = {ordered[i].province for i in picked if ordered[i].in_population}
    for i, e in enumerate(ordered):
        if e.in_population and e.province not in provinces:
            picked.add(i)
            provinces.add(e.province)
    return [ordered[i] for i in sorted(picked)]


def _assign_industries(rng, members: list[SyntheticEnterprise]) -> None:
    remaining = dict(cal.INDUSTRY_COUNTS)
    others = []
    by_city: dict[str, list[SyntheticEnterprise]] = {}
    for e in members:
        if e.city in cal.FIVE_CITIES:
            by_city.setdefault(e.city, []).append(e)
        else:
            others.append(e)
    for city in cal.FIVE_CITIES:
        city_members = by_city[city]
        mix = five_city_industry_counts(city, len(city_members))
        for field, n in mix.items():
            remaining[field] -= n
        for e, field in zip(city_members, _deal(rng, mix), strict=True):
            e.industry = field
    for e, field in zip(others, _deal(rng, remaining), strict=True):
        e.industry = field


def _listing_weight(e: SyntheticEnterprise) -> float:
    # Older batches and stronger firms are more often listed.
    return math.exp(0.9 * e.strength) * (1.6 if e.batch <= 2 else 1.0)


def _assign_boards(rng, members: list[SyntheticEnterprise]) -> None:
    groups: dict[str, list[SyntheticEnterprise]] = {}
    for e in members:
        groups.setdefault(e.geo_group, []).append(e)
    remaining = {b: cal.BOARD_COUNTS[b] for b in LISTED_BOARDS}
    neeq_left = cal.BOARD_COUNTS["neeq"]
    for city, boards in cal.FIVE_CITY_BOARDS.items():
        ranked = _weighted_pick(rng, groups[city], sum(boards.values()), _listing_weight)
        for e, board in zip(ranked, _deal(rng, {b: n for b, n in boards.items() if n}), strict=True):
            e.board = board
        for board, n in boards.items():
            if board == "neeq":
                neeq_left -= n
            else:
                remaining[board] -= n
    # Listed firms of the rest of each cluster follow from the cluster's printed "of which listed".
    listed_in_group = {
        "jjj_rest": cal.CLUSTER_LISTED["jjj"] - _listed(cal.FIVE_CITY_BOARDS["110100"]),
        "yrd_rest": cal.CLUSTER_LISTED["yrd"]
        - _listed(cal.FIVE_CITY_BOARDS["310100"])
        - _listed(cal.FIVE_CITY_BOARDS["330200"]),
        "gba_rest": cal.CLUSTER_LISTED["gba"] - _listed(cal.FIVE_CITY_BOARDS["440300"]),
    }
    listed_in_group["rest"] = sum(remaining.values()) - sum(listed_in_group.values())
    deck = _deal(rng, remaining)
    start = 0
    for group, n in listed_in_group.items():
        ranked = _weighted_pick(rng, groups[group], n, _listing_weight)
        for e, board in zip(ranked, deck[start : start + n], strict=True):
            e.board = board
        start += n
    unlisted_rest = [e for g in listed_in_group for e in groups[g] if not e.board]
    for e in _weighted_pick(rng, unlisted_rest, neeq_left, _listing_weight):
        e.board = "neeq"


def _listed(boards: dict[str, int]) -> int:
    return sum(n for b, n in boards.items() if b != "neeq")


def _revoked(rng, members: list[SyntheticEnterprise]) -> list[SyntheticEnterprise]:
    """The 758 designations that failed the three-year review: located like the rest, weaker on average."""
    revoked = []
    industries = list(cal.INDUSTRY_COUNTS)
    industry_weights = list(cal.INDUSTRY_COUNTS.values())
    for batch, n in cal.BATCH_REVOKED.items():
        for _ in range(n):
            twin = rng.choice(members)
            e = SyntheticEnterprise(twin.province, twin.city, twin.geo_group)
            e.batch = batch
            e.in_population = False
            e.strength = rng.gauss(-0.4, 1.0)
            e.industry = rng.choices(industries, industry_weights)[0]
            e.board = "neeq" if rng.random() < 0.04 else ""
            e.primary_financing = rng.random() < 0.3
            revoked.append(e)
    return revoked


def _assign_status(rng, everyone: list[SyntheticEnterprise]) -> None:
    batch4 = [e for e in everyone if e.batch == 4]
    announced_only = set(map(id, rng.sample(batch4, cal.BATCH4_ANNOUNCED_ONLY)))
    for e in everyone:
        if not e.in_population:
            e.status = "revoked"
        elif e.batch <= 2:
            e.status = "reviewed"
        elif id(e) in announced_only:
            e.status = "announced"
        else:
            # Batch 3 (2021) is confirmed: its three-year review falls due in 2024, after the cut-off.
            e.status = "confirmed"
        # An announced designation has not taken effect yet, so its date is unknown (it still counts).
        e.designated_on = None if e.status == "announced" else cal.BATCH_DESIGNATED_ON[e.batch]


def _assign_identity(rng, everyone: list[SyntheticEnterprise], divisions: dict[str, Division]) -> NameBook:
    book = NameBook(rng)
    for e in everyone:
        designated_year = cal.BATCH_DESIGNATED_ON[e.batch].year
        # Little giants are typically 10-20 years old when designated; stronger firms a bit older.
        age = max(3, min(35, int(round(rng.gauss(14.0 + 2.0 * e.strength, 6.0)))))
        year = designated_year - age
        e.founded_on = date(year, rng.randint(1, 12), rng.randint(1, 28))
        city = divisions[e.city]
        e.region_word = city.short_name if city.level != "county_group" else divisions[e.province].short_name
        joint_stock = bool(e.board) or rng.random() < 0.18
        bracketed = rng.random() < 0.08
        e.name = book.company_name(e.region_word, e.industry, joint_stock=joint_stock, bracketed=bracketed)
        if rng.random() < 0.15 and year < 2019:
            e.former_names = [book.former_name(e.name, e.region_word, e.industry)]
            e.rename_year = rng.randint(max(year + 2, 2012), 2021)
        e.credit_code = book.credit_code(e.city, year)
        if e.board:
            e.stock_code = book.stock_code(e.board)
    return book


def _assign_employees(rng, everyone: list[SyntheticEnterprise]) -> None:
    """参保人数: log-normal around 150, larger for stronger firms; ~7% unknown; mean 251 over known values."""
    raw = []
    for e in everyone:
        if rng.random() < 0.07:
            raw.append(None)
        else:
            raw.append(math.exp(math.log(150) + 0.35 * e.strength + rng.gauss(0.0, 0.8)))
    known = [v for v, e in zip(raw, everyone, strict=True) if v is not None and e.in_population]
    scale = cal.NATIONAL["employees_per_enterprise"] / (sum(known) / len(known))
    for e, v in zip(everyone, raw, strict=True):
        e.employees = None if v is None else max(8, int(round(v * scale)))
