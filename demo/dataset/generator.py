"""``generate_dataset``: the synthetic enterprises.csv and patents.csv, same seed, same bytes.

Needs no database: geography comes from the bundled regions/data/divisions.csv. Two random streams are
derived from the seed, one for enterprises and one for patents, so the enterprise file does not depend on
whether the patent file is written too. The national scales add a third, for the 专精特新中小企业
(``national.py``), and a ``program`` column to the enterprise file.
"""

import csv
import random
from pathlib import Path

from .model import plan_population, plan_unanalysed
from .national import NATIONAL_DEMO_SMES, NATIONAL_SMES, SmallFirms, city_weights, plan_small_firm
from .patents import PATENT_HEADER, PatentWriter
from .population import SEPARATELY_PLANNED, SyntheticEnterprise, build_population, load_divisions

SCALES = ("demo", "report", "national", "national-demo")
DEMO_SIZE = 600
# Small firms per scale; the 小巨人 are the demo's sample or the report's whole population.
_SMALL_FIRMS = {"national": NATIONAL_SMES, "national-demo": NATIONAL_DEMO_SMES}

ENTERPRISE_HEADER = (
    "credit_code", "name", "former_names", "province", "city", "industry_field", "employees", "listing_board",
    "stock_code", "primary_financing", "founded_on", "batch", "designation_status", "designated_on",
)  # fmt: skip


def generate_dataset(
    *, scale: str, seed: int, out: Path | str, patents: bool = True, small_firms: int | None = None
) -> dict[str, int]:
    """Write ``out``/enterprises.csv (and patents.csv unless ``patents`` is false); return row counts.

    ``small_firms`` overrides the number of 专精特新中小企业 of a national scale (tests use a few).
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sample = DEMO_SIZE if scale in ("demo", "national-demo") else None
    everyone, book = build_population(random.Random(seed), sample_size=sample)
    patent_rng = random.Random(seed * 1_000_003 + 17)
    if scale not in _SMALL_FIRMS:
        counts = {"enterprises": write_enterprises(everyone, out / "enterprises.csv")}
        if patents:
            counts["patents"] = write_patents(everyone, book, out / "patents.csv", patent_rng)
        return counts
    divisions = load_divisions()
    small = SmallFirms(
        seed=seed * 7_919 + 29,
        count=_SMALL_FIRMS[scale] if small_firms is None else small_firms,
        city_weights=city_weights(everyone, divisions),
        divisions=divisions,
        book=book,
    )
    counts = {"enterprises": write_enterprises(everyone, out / "enterprises.csv", small_firms=small)}
    if patents:
        # The unlinked co-applicants of the patent file take no name of a small firm either.
        book.taken_names = small.last_book.taken_names
        counts["patents"] = write_patents(everyone, book, out / "patents.csv", patent_rng, small_firms=small)
    return counts


def _province_cell(e: SyntheticEnterprise, divisions) -> str:
    # MIIT lists print the 计划单列市 in the province column; the interchange format accepts that.
    if e.city in SEPARATELY_PLANNED:
        return divisions[e.city].name
    return divisions[e.province].name


def write_enterprises(everyone: list[SyntheticEnterprise], path: Path, *, small_firms: SmallFirms | None = None) -> int:
    """The 小巨人 rows, then (national scales) the small firms', each with its programme."""
    divisions = load_divisions()
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if small_firms is None:
            writer.writerow(ENTERPRISE_HEADER)
            writer.writerows(_enterprise_row(e, divisions) for e in everyone)
            return len(everyone)
        writer.writerow((*ENTERPRISE_HEADER, "program"))
        writer.writerows((*_enterprise_row(e, divisions), "little_giant") for e in everyone)
        count = len(everyone)
        for e in small_firms.iterate():
            writer.writerow((*_enterprise_row(e, divisions), "sme"))
            count += 1
    return count


def _enterprise_row(e: SyntheticEnterprise, divisions) -> tuple:
    city = divisions[e.city]
    return (
        e.credit_code,
        e.name,
        ";".join(e.former_names),
        _province_cell(e, divisions),
        # 省直辖县级行政区划 has the same name in four provinces: the code is unambiguous.
        city.code if city.level == "county_group" else city.name,
        e.industry,
        "" if e.employees is None else e.employees,
        e.board,
        e.stock_code,
        "1" if e.primary_financing else "0",
        e.founded_on.isoformat(),
        e.batch,
        e.status,
        e.designated_on.isoformat() if e.designated_on else "",
    )


def write_patents(
    everyone: list[SyntheticEnterprise], book, path: Path, rng, *, small_firms: SmallFirms | None = None
) -> int:
    members = [e for e in everyone if e.in_population]
    plans = plan_population(members, rng)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PATENT_HEADER)
        patent_writer = PatentWriter(writer, rng, book, wide_numbers=small_firms is not None)
        _pair_co_applicants(members, plans, patent_writer, rng)
        for index, (e, plan) in enumerate(zip(members, plans, strict=True)):
            patent_writer.write_enterprise(e, index, plan)
        for e in everyone:
            if not e.in_population:
                patent_writer.write_enterprise(e, -1, plan_unanalysed(e, rng))
        patent_writer.write_outsider_patents(max(20, len(members) // 25))
        if small_firms is not None:
            # One firm at a time, made again from its own stream: nothing of them is kept in between.
            patent_writer.dense = True
            for e in small_firms.iterate():
                patent_writer.write_enterprise(e, -1, plan_small_firm(e, rng))
    return patent_writer.rows_written


def _pair_co_applicants(members: list[SyntheticEnterprise], plans, patent_writer: PatentWriter, rng) -> None:
    """A few patents co-applied by two 小巨人 of the same province (each then counts it once)."""
    by_province: dict[str, list[int]] = {}
    for i, e in enumerate(members):
        by_province.setdefault(e.province, []).append(i)
    for _ in range(max(3, len(members) // 80)):
        first = rng.randrange(len(members))
        peers = by_province[members[first].province]
        second = peers[rng.randrange(len(peers))]
        if (
            second != first
            and plans[first].applications - plans[first].inventions > 3
            and first not in patent_writer.partners
        ):
            patent_writer.partners[first] = (members[second], rng.randint(1, 3))


__all__ = ["ENTERPRISE_HEADER", "PATENT_HEADER", "SCALES", "generate_dataset"]
