"""Indicators of metrics.md computed straight from the two CSV files, streaming, for calibration checks.

Independent of the portal's importer and indicator code on purpose: it re-implements the spec's linking
rules (credit code first, else normalised current or former name) and measures, so the generator can be
checked anywhere, and the portal's numbers can later be compared with these.
"""

import csv
import math
from datetime import date
from pathlib import Path

from enterprises.names import normalize_name
from regions.choices import CLUSTER_PROVINCES

from . import calibration as cal
from .population import SEPARATELY_PLANNED, load_divisions


def _names_index(divisions) -> dict[str, list]:
    by_name: dict[str, list] = {}
    for d in divisions.values():
        by_name.setdefault(d.name, []).append(d)
    return by_name


def resolve_province_city(province_cell: str, city_cell: str, divisions, by_name=None) -> tuple[str, str]:
    """Division codes from the cells this generator writes (full names, or a city code)."""
    by_name = by_name or _names_index(divisions)
    province = next((d for d in by_name.get(province_cell, []) if d.level == "province"), None)
    if province is None:
        planned = next(d for d in by_name[province_cell] if d.code in SEPARATELY_PLANNED)
        province = divisions[planned.province_code]
    if city_cell.isdigit():
        city = divisions[city_cell]
    else:
        city = next(d for d in by_name[city_cell] if d.level != "province" and d.province_code == province.code)
    return province.code, city.code


def read_enterprises(path: Path | str) -> list[dict]:
    divisions = load_divisions()
    by_name = _names_index(divisions)
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            row["province_code"], row["city_code"] = resolve_province_city(
                row["province"], row["city"], divisions, by_name
            )
            rows.append(row)
    return rows


def in_population(row: dict, as_of: date) -> bool:
    """A 小巨人 designation in force at ``as_of`` (the national scales' 专精特新中小企业 are not counted)."""
    if row.get("program", "") not in ("", "little_giant"):
        return False
    designated = row["designated_on"]
    return row["designation_status"] != "revoked" and (not designated or date.fromisoformat(designated) <= as_of)


def compute(enterprises_csv: Path | str, patents_csv: Path | str, as_of: date = cal.AS_OF) -> dict:
    """Scope indicators for nation, batches, the five city pages, the clusters and city x industry."""
    rows = read_enterprises(enterprises_csv)
    member = [in_population(r, as_of) for r in rows]
    growth_year = as_of.year - 1 if as_of.month < 12 or as_of.day < 31 else as_of.year
    tally = _Tally(len(rows), (growth_year - 2, growth_year))
    _tally_patents(patents_csv, tally, _linker(rows, member), as_of)
    return _scopes(rows, [i for i in range(len(rows)) if member[i]], tally)


class _Tally:
    """Per-enterprise measures (by position in the enterprise file), summed from the patent rows."""

    def __init__(self, n: int, years: tuple[int, int]):
        self.apps = [0] * n
        self.inv = [0] * n
        self.granted = [0] * n
        self.valid = [0] * n
        self.cites = [0] * n
        self.lic = [0] * n
        self.pct = [0] * n
        self.markets: list[set | None] = [None] * n
        # The two ends of the growth window (CAGR over two years).
        self.years = years
        self.apps_y = {y: [0] * n for y in years}
        self.pct_y = {y: [0] * n for y in years}


def _linker(rows: list[dict], member: list[bool]):
    """The spec's linking rule as a function of a patent's two applicant cells: the linked members' positions.

    Credit code first, else the normalised current or former name (current names win over former ones)."""
    by_code = {r["credit_code"]: i for i, r in enumerate(rows)}
    by_name: dict[str, int] = {}
    for i, r in enumerate(rows):
        by_name[normalize_name(r["name"])] = i
        for former in filter(None, r["former_names"].split(";")):
            by_name.setdefault(normalize_name(former), i)
    name_cache: dict[str, int | None] = {}

    def linked(names_cell: str, codes_cell: str) -> set[int]:
        names = names_cell.split(";")
        codes = codes_cell.split(";") if codes_cell else [""] * len(names)
        found = set()
        for name, code in zip(names, codes, strict=True):
            if code:
                idx = by_code.get(code)
            else:
                if name not in name_cache:
                    name_cache[name] = by_name.get(normalize_name(name))
                idx = name_cache[name]
            if idx is not None and member[idx]:
                found.add(idx)
        return found

    return linked


def _tally_patents(patents_csv: Path | str, t: _Tally, linked, as_of: date) -> None:
    """Stream the patent file once, adding each patent published by ``as_of`` to its linked members."""
    as_of_iso = as_of.isoformat()
    with open(patents_csv, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        col = {k: header.index(k) for k in header}
        c_pub, c_j, c_type, c_grant, c_status = (
            col["publication_date"],
            col["jurisdiction"],
            col["patent_type"],
            col["grant_date"],
            col["legal_status"],
        )
        c_cite, c_lic, c_names, c_codes = (
            col["cited_by_count"],
            col["license_count"],
            col["applicant_names"],
            col["applicant_credit_codes"],
        )
        for row in reader:
            pub = row[c_pub]
            if pub > as_of_iso:
                continue
            members = linked(row[c_names], row[c_codes])
            if not members:
                continue
            is_invention = row[c_type] == "invention"
            is_granted = is_invention and row[c_grant] != "" and row[c_grant] <= as_of_iso
            _add(
                t,
                members,
                jurisdiction=row[c_j],
                year=int(pub[:4]),
                flags=(is_invention, is_granted, is_granted and row[c_status] == "valid"),
                cite=int(row[c_cite] or 0),
                license_count=int(row[c_lic] or 0),
            )


def _add(t: _Tally, members: set[int], *, jurisdiction: str, year: int, flags, cite: int, license_count: int) -> None:
    is_invention, is_granted, is_valid = flags
    for i in members:
        t.apps[i] += 1
        t.inv[i] += is_invention
        t.granted[i] += is_granted
        t.valid[i] += is_valid
        t.cites[i] += cite
        t.lic[i] += license_count
        if jurisdiction == "WO":
            t.pct[i] += 1
            if year in t.pct_y:
                t.pct_y[year][i] += 1
        elif jurisdiction != "CN":
            if t.markets[i] is None:
                t.markets[i] = set()
            t.markets[i].add(jurisdiction)
        if year in t.apps_y:
            t.apps_y[year][i] += 1


def _ratio(x, y):
    return x / y if y else None


def _scope(t: _Tally, rows: list[dict], indices: list[int]) -> dict:
    """The indicators of metrics.md over the members at ``indices``."""
    k = len(indices)
    a = sum(t.apps[i] for i in indices)
    iv = sum(t.inv[i] for i in indices)
    gr = sum(t.granted[i] for i in indices)
    mk = [len(t.markets[i]) if t.markets[i] else 0 for i in indices]
    emp = [int(rows[i]["employees"]) for i in indices if rows[i]["employees"]]

    def cagr(series):
        first, last = (sum(series[y][i] for i in indices) for y in t.years)
        return (last / first) ** 0.5 - 1 if first else None

    return {
        "enterprise_count": k,
        "applications_total": a,
        "applications_per_enterprise": _ratio(a, k),
        "invention_share": _ratio(iv, a),
        "invention_grant_rate": _ratio(gr, iv),
        "valid_inventions_per_enterprise": _ratio(sum(t.valid[i] for i in indices), k),
        "citations_per_enterprise": _ratio(sum(t.cites[i] for i in indices), k),
        "licenses_per_enterprise": _ratio(sum(t.lic[i] for i in indices), k),
        "pct_per_enterprise": _ratio(sum(t.pct[i] for i in indices), k),
        "overseas_markets_per_enterprise": _ratio(sum(mk), k),
        "employees_per_enterprise": _ratio(sum(emp), len(emp)),
        "growth_cagr": cagr(t.apps_y),
        "pct_growth_cagr": cagr(t.pct_y),
        "applications_last_year": sum(t.apps_y[t.years[1]][i] for i in indices),
        "pct_buckets": _buckets(
            [t.pct[i] for i in indices], ((0, 0), (1, 9), (10, 99), (100, math.inf)), ("0", "1-9", "10-99", "100+")
        ),
        "overseas_buckets": _buckets(mk, ((0, 0), (1, 5), (6, 10), (11, math.inf)), ("0", "1-5", "6-10", "11+")),
    }


def _scopes(rows: list[dict], population: list[int], t: _Tally) -> dict:
    """Nation, each batch, the five city pages (with their industry split) and the three clusters."""
    result = {"national": _scope(t, rows, population), "batch": {}, "city": {}, "cluster": {}, "city_industry": {}}
    for b in sorted({int(rows[i]["batch"]) for i in population}):
        result["batch"][b] = _scope(t, rows, [i for i in population if int(rows[i]["batch"]) == b])
    for city in cal.FIVE_CITIES:
        members = [i for i in population if rows[i]["city_code"] == city]
        result["city"][city] = _scope(t, rows, members)
        per_industry: dict[str, int] = {}
        for i in members:
            key = cal.industry_group(rows[i]["industry_field"])
            per_industry[key] = per_industry.get(key, 0) + t.apps[i]
        result["city_industry"][city] = per_industry
    for cluster in ("jjj", "yrd", "gba"):
        if cluster == "gba":
            members = [i for i in population if rows[i]["city_code"] in cal.GBA_CITIES]
        else:
            members = [i for i in population if rows[i]["province_code"] in CLUSTER_PROVINCES[cluster]]
        result["cluster"][cluster] = _scope(t, rows, members)
    return result


def _buckets(values: list[int], bounds, keys) -> dict[str, int]:
    out = dict.fromkeys(keys, 0)
    for v in values:
        for (low, high), key in zip(bounds, keys, strict=True):
            if low <= v <= high:
                out[key] += 1
                break
    return out


def comparison_table(result: dict) -> list[tuple[str, float, float]]:
    """(indicator, report value, generated value) for every calibrated figure of report-figures.md."""
    table: list[tuple[str, float, float]] = []
    nat = result["national"]
    for key, report in cal.NATIONAL.items():
        generated = nat["applications_last_year"] if key == "applications_2022" else nat[key]
        table.append((f"national {key}", report, generated))
    for key, report in cal.PCT_BUCKETS.items():
        table.append((f"national pct_buckets {key}", report, nat["pct_buckets"][key]))
    for key, report in cal.OVERSEAS_BUCKETS.items():
        table.append((f"national overseas_buckets {key}", report, nat["overseas_buckets"][key]))
    for key, per_batch in cal.BATCH_INDICATORS.items():
        for b, report in per_batch.items():
            table.append((f"batch {b} {key}", report, result["batch"][b][key]))
    for city in cal.FIVE_CITIES:
        got = result["city"][city]
        table.append((f"city {city} enterprise_count", cal.CITY_COUNTS[city], got["enterprise_count"]))
        table.append(
            (f"city {city} applications_total", cal.CITY_PRINTED_APPLICATIONS[city], got["applications_total"])
        )
        table.append(
            (f"city {city} applications_per_enterprise", cal.CITY_PER_FIRM[city], got["applications_per_enterprise"])
        )
        for key, report in cal.CITY_INDICATORS[city].items():
            if key != "applications":
                table.append((f"city {city} {key}", report, got[key]))
        for industry, report in cal.CITY_INDUSTRY_APPLICATIONS[city].items():
            table.append((f"city {city} industry {industry}", report, result["city_industry"][city].get(industry, 0)))
    for cluster, indicators in cal.CLUSTER_INDICATORS.items():
        got = result["cluster"][cluster]
        table.append((f"cluster {cluster} enterprise_count", cal.CLUSTER_COUNTS[cluster], got["enterprise_count"]))
        for key, report in indicators.items():
            table.append((f"cluster {cluster} {key}", report, got[key]))
    return table
