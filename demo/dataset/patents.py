"""Streaming writer of patents.csv rows from the per-enterprise plans.

Rows are built as plain lists and written per enterprise with ``csv.writer.writerows``; dates are day
ordinals turned into strings through a lookup table, so a row costs a few dozen microseconds.
"""

import math
from datetime import date

from . import calibration as cal
from .fitting import spread
from .model import Plan
from .names import UNIVERSITIES, NameBook
from .population import SyntheticEnterprise
from .vocabulary import DESIGN_PRODUCTS, INVENTION_TAILS, IPC_BY_INDUSTRY, TITLE_SUBJECTS, UTILITY_TAILS

PATENT_HEADER = (
    "publication_number", "application_number", "jurisdiction", "patent_type", "title", "application_date",
    "publication_date", "grant_date", "legal_status", "ipc_main", "cited_by_count", "license_count",
    "transfer_count", "applicant_names", "applicant_credit_codes",
)  # fmt: skip

_FIRST_DAY = date(1999, 1, 1).toordinal()
_LAST_DAY = cal.LAST_PUBLICATION.toordinal()
_DATES = [date.fromordinal(o).isoformat() for o in range(_FIRST_DAY, _LAST_DAY + 1)]
_YEAR_OF = [date.fromordinal(o).year for o in range(_FIRST_DAY, _LAST_DAY + 1)]
AS_OF = cal.AS_OF.toordinal()
# Publication days of a counted year: the whole year, or up to the cut-off in the cut-off year.
_YEAR_SPAN = {
    y: (date(y, 1, 1).toordinal(), AS_OF if y == cal.AS_OF.year else date(y, 12, 31).toordinal())
    for y in range(2005, cal.AS_OF.year + 1)
}

# First publication serials per year (CN A / U / S numbering ran through these ranges, roughly).
_CN_INVENTION_BASE = {
    2005: 1005,
    2006: 1008,
    2007: 1010,
    2008: 1011,
    2009: 1013,
    2010: 1016,
    2011: 1020,
    2012: 1024,
    2013: 1029,
    2014: 1034,
    2015: 1040,
    2016: 1051,
    2017: 1062,
    2018: 1074,
    2019: 1088,
    2020: 1105,
    2021: 1123,
    2022: 1141,
    2023: 1160,
    2024: 1176,
    2025: 1192,
}

OVERSEAS_OFFICES = (
    "US",
    "EP",
    "JP",
    "KR",
    "DE",
    "TW",
    "IN",
    "AU",
    "CA",
    "GB",
    "FR",
    "BR",
    "RU",
    "SG",
    "MX",
    "VN",
    "TH",
    "MY",
    "ID",
    "IL",
    "ZA",
    "ES",
    "IT",
    "TR",
    "SA",
)
# Where Chinese firms file abroad: the US and Europe first, then Japan and Korea, then the rest.
_OFFICE_WEIGHTS = (30, 22, 12, 10, 7, 5, 5, 4, 3, 3, 2, 2, 2, 1.5, 1.2, 1.2, 1, 1, 1, 0.8, 0.8, 0.7, 0.7, 0.6, 0.5)

_KIND_LETTER = {"invention": "A", "utility_model": "U", "design": "S"}
_KIND_DIGIT = {"invention": "1", "utility_model": "2", "design": "3"}

_CN_CHECK_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def cn_application_check(digits12: str) -> str:
    """CNIPA's check character over the 12-digit application number."""
    total = sum(int(d) * w for d, w in zip(digits12, _CN_CHECK_WEIGHTS, strict=True)) % 11
    return "X" if total == 10 else str(total)


# The check is linear in the digits: the serial's last seven digits contribute through two lookup tables, so a
# row does not loop over twelve digits (same result as cn_application_check).
_CHECK_HIGH = [sum(int(d) * w for d, w in zip(f"{k:03d}", (7, 8, 9), strict=True)) for k in range(1000)]
_CHECK_LOW = [sum(int(d) * w for d, w in zip(f"{k:04d}", (2, 3, 4, 5), strict=True)) for k in range(10000)]


class PatentWriter:
    def __init__(self, writer, rng, book: NameBook, *, wide_numbers: bool = False):
        self.writer = writer
        # The national scale publishes ten times as many CN patents a year as the report's numbering ranges
        # hold: it numbers each year in a wider range, and the small firms' serials run without gaps.
        self.wide_numbers = wide_numbers
        self.dense = False
        self.rng = rng
        self.rows_written = 0
        self._pub_serial: dict = {}
        self._app_serial: dict = {}
        self._check_prefix: dict = {}
        self.partners: dict[int, tuple[SyntheticEnterprise, int]] = {}
        regions = ("北京", "上海", "深圳", "苏州", "杭州", "武汉", "成都", "西安", "合肥", "南京")
        self.outsiders = list(UNIVERSITIES) + [book.unknown_firm(rng.choice(regions)) for _ in range(120)]

    # -- numbering ------------------------------------------------------------------------------------

    def _next(self, table: dict, key, start_span: int, step: int) -> int:
        value = table.get(key)
        if value is None:
            value = int(self.rng.random() * start_span)
        else:
            value += 1 if self.dense else 1 + int(self.rng.random() * step)
        table[key] = value
        return value

    def _cn_numbers(self, kind: str, pub_year: int, app_year: int) -> tuple[str, str]:
        serial = self._next(self._pub_serial, (kind, pub_year), 20_000, 6)
        if self.wide_numbers:
            # 4 million numbers a year per kind (at most ~1.5 million used), still nine digits.
            first = {"invention": 100_000_000, "utility_model": 200_000_000}.get(kind, 300_000_000)
            publication = f"CN{first + (pub_year - 2005) * 4_000_000 + serial}{_KIND_LETTER[kind]}"
            type_digit = _KIND_DIGIT[kind]
        elif kind == "invention":
            publication = f"CN{_CN_INVENTION_BASE[pub_year] * 100_000 + serial}A"
            type_digit = "1"
        elif kind == "utility_model":
            publication = f"CN{200_000_000 + (pub_year - 2005) * 1_100_000 + serial}U"
            type_digit = "2"
        else:
            publication = f"CN{300_000_000 + (pub_year - 2005) * 400_000 + serial}S"
            type_digit = "3"
        key = ("CN", app_year, type_digit)
        app_serial = self._next(self._app_serial, key, 50_000, 9)
        prefix = self._check_prefix.get(key)
        if prefix is None:
            prefix = self._check_prefix[key] = sum(
                int(d) * w for d, w in zip(f"{app_year}{type_digit}", _CN_CHECK_WEIGHTS, strict=False)
            )
        check = (prefix + _CHECK_HIGH[app_serial // 10_000] + _CHECK_LOW[app_serial % 10_000]) % 11
        return publication, f"CN{app_year}{type_digit}{app_serial:07d}.{'X' if check == 10 else check}"

    def _foreign_numbers(self, office: str, pub_year: int, app_year: int) -> tuple[str, str]:
        serial = self._next(self._pub_serial, (office, pub_year), 30_000, 40)
        if office == "US":
            # US application serial codes run for about two years each (16/ from late 2016, 17/ from 2019...).
            series = 16 + max(0, app_year - 2017) // 2
            app_serial = self._next(self._app_serial, (office, series), 30_000, 40)
            return f"US{pub_year}{serial:07d}A1", f"US{series}/{app_serial:06d}"
        app_serial = self._next(self._app_serial, (office, app_year), 30_000, 40)
        if office == "WO":
            return f"WO{pub_year}{serial:06d}A1", f"PCT/CN{app_year}/{app_serial:06d}"
        if office == "EP":
            return (
                f"EP{3_000_000 + (pub_year - 2005) * 130_000 + serial}A1",
                f"EP{app_year % 100:02d}{app_serial:06d}.{app_serial % 10}",
            )
        if office == "JP":
            return f"JP{pub_year}{serial:06d}A", f"JP{app_year}-{app_serial:06d}"
        if office == "KR":
            return f"KR10{pub_year}{serial:07d}A", f"KR10-{app_year}-{app_serial:07d}"
        if office == "DE":
            return f"DE10{pub_year}{serial:06d}A1", f"DE10{app_year}{app_serial:06d}.{app_serial % 10}"
        return f"{office}{pub_year}{serial:06d}A", f"{office}{app_year}{app_serial:06d}"

    # -- one enterprise -------------------------------------------------------------------------------

    def write_enterprise(self, e: SyntheticEnterprise, index: int, plan: Plan) -> None:
        # The steps draw from the one generator in this order: reordering them changes every later row.
        slots = _YearSlots.spread(plan, self.rng.random)
        markets = self._markets(plan.markets)
        patents = self._counted_patents(e, slots, self._foreign_offices(plan, markets))
        cites = self._citations(patents, plan.citations)
        licensed = self._licensed(patents, plan.licenses)
        rows = self._counted_rows(e, index, patents, cites, licensed)
        for year, count in sorted(plan.post_cutoff.items()):
            for _ in range(count):
                rows.append(self._post_cutoff_row(e, plan, markets, year))
        self.writer.writerows(rows)
        self.rows_written += len(rows)

    def _foreign_offices(self, plan: Plan, markets: list[str]) -> list[str]:
        """One office per foreign filing: every market once, the more common markets again, shuffled."""
        rand = self.rng.random
        foreign_offices = list(markets)
        while len(foreign_offices) < plan.foreign:
            foreign_offices.append(markets[min(len(markets) - 1, int(rand() ** 2 * len(markets)))])
        self.rng.shuffle(foreign_offices)
        return foreign_offices

    def _counted_patents(
        self, e: SyntheticEnterprise, slots: "_YearSlots", foreign_offices: list[str]
    ) -> list[tuple[str, int, bool, bool]]:
        """(kind, year, granted, valid) per counted patent."""
        rand = self.rng.random
        patents: list[tuple[str, int, bool, bool]] = []
        for k, y in enumerate(slots.years):
            g, v = slots.granted[k], slots.valid[k]
            foreign, cn_inventions, candidates = slots.foreign[k], slots.cn_inventions[k], slots.candidates[k]
            # Granted slots go first to foreign filings in proportion, the rest to CN inventions.
            g_foreign = min(foreign, round(g * foreign / candidates)) if candidates else 0
            g_cn = g - g_foreign
            v_cn = min(v, g_cn)
            v_foreign = v - v_cn
            for _ in range(slots.wo[k]):
                patents.append(("WO", y, False, False))
            for j in range(foreign):
                patents.append((foreign_offices.pop(), y, j < g_foreign, j < v_foreign))
            for j in range(cn_inventions):
                patents.append(("invention", y, j < g_cn, j < v_cn))
            design_share = 0.2 if e.industry in ("other", "nev", "biomedicine") else 0.08
            for _ in range(slots.left[k] - cn_inventions):
                patents.append(("design" if rand() < design_share else "utility_model", y, False, False))
        return patents

    def _citations(self, patents: list[tuple[str, int, bool, bool]], total: int) -> list[int]:
        """Citations: older patents and inventions are cited more; the counts add up to ``total``."""
        rng = self.rng
        weights = []
        for kind, y, _g, _v in patents:
            age = cal.AS_OF.year + 0.6 - y
            factor = 0.4 if kind == "design" else 1.0 if kind == "utility_model" else 1.8
            weights.append(factor * age**1.1 * math.exp(rng.gauss(0.0, 0.6)))
        total_weight = sum(weights) or 1.0
        cites = [0] * len(patents)
        acc = rng.random()
        prev = 0
        scale = total / total_weight
        for j, w in enumerate(weights):
            acc += w * scale
            cur = int(acc)
            cites[j] = cur - prev
            prev = cur
        return cites

    def _licensed(self, patents: list[tuple[str, int, bool, bool]], licenses: int) -> list[int]:
        """Licences land on valid patents and utility models (on any patent when there is none)."""
        licensed = [0] * len(patents)
        eligible = [j for j, p in enumerate(patents) if p[3] or p[0] == "utility_model"] or list(range(len(patents)))
        for _ in range(licenses if eligible else 0):
            licensed[self.rng.choice(eligible)] += 1
        return licensed

    def _counted_rows(
        self, e: SyntheticEnterprise, index: int, patents: list, cites: list[int], licensed: list[int]
    ) -> list[list]:
        """The rows of the counted patents, dated within their year; the partner co-applies on the first ones."""
        partner = self.partners.get(index)
        co_applied = partner[1] if partner else 0
        rows = []
        rand = self.rng.random
        for j, (kind, y, is_granted, is_valid) in enumerate(patents):
            extra = partner[0] if co_applied and kind in ("invention", "utility_model") else None
            if extra:
                co_applied -= 1
            start, end = _YEAR_SPAN[y]
            pub = start + int(rand() * (end - start + 1))
            rows.append(
                self._row(e, kind, pub, is_granted, is_valid, cites[j], licensed[j], counted=True, partner=extra)
            )
        return rows

    def _markets(self, count: int) -> list[str]:
        chosen: list[str] = []
        offices = list(OVERSEAS_OFFICES)
        weights = list(_OFFICE_WEIGHTS)
        for _ in range(min(count, len(offices))):
            total = sum(weights)
            r = self.rng.random() * total
            k = 0
            while k < len(weights) - 1 and r > weights[k]:
                r -= weights[k]
                k += 1
            chosen.append(offices.pop(k))
            weights.pop(k)
        return chosen

    def _dates(self, kind: str, pub: int) -> int:
        rand = self.rng.random
        if kind == "invention":
            lag = 300 + int(rand() * 330)
        elif kind == "utility_model":
            lag = 120 + int(rand() * 240)
        elif kind == "design":
            lag = 90 + int(rand() * 200)
        elif kind == "WO":
            lag = 150 + int(rand() * 120)
        else:
            lag = 400 + int(rand() * 400)
        return max(_FIRST_DAY, pub - lag)

    def _row(
        self,
        e: SyntheticEnterprise,
        kind: str,
        pub: int,
        is_granted: bool,
        is_valid: bool,
        cites: int,
        licenses: int,
        *,
        counted: bool,
        partner=None,
    ) -> list:
        rand = self.rng.random
        app = self._dates(kind, pub)
        pub_year = _YEAR_OF[pub - _FIRST_DAY]
        app_year = _YEAR_OF[app - _FIRST_DAY]
        if kind in ("utility_model", "design"):
            patent_type, jurisdiction = kind, "CN"
            publication, application = self._cn_numbers(kind, pub_year, app_year)
            grant, status = self._published_on_grant(pub, pub_year)
        else:
            patent_type, jurisdiction = "invention", "CN" if kind == "invention" else kind
            if kind == "invention":
                publication, application = self._cn_numbers("invention", pub_year, app_year)
            else:
                publication, application = self._foreign_numbers(kind, pub_year, app_year)
            grant, status = self._invention_status(kind, pub, app, pub_year, is_granted, is_valid, counted)
        title = self._title(e, patent_type)
        ipcs = IPC_BY_INDUSTRY[e.industry]
        ipc = ipcs[int(rand() * len(ipcs))]
        transfers = 1 if rand() < (0.025 if pub_year < 2020 else 0.008) else 0
        names, codes = self._applicant_cells(e, pub_year, partner)
        return [
            publication,
            application,
            jurisdiction,
            patent_type,
            title,
            _DATES[app - _FIRST_DAY],
            _DATES[pub - _FIRST_DAY],
            grant,
            status,
            ipc,
            cites,
            licenses,
            transfers,
            names,
            codes,
        ]

    def _published_on_grant(self, pub: int, year: int) -> tuple[str, str]:
        """Utility models and designs are published on grant; many lapse when annuities stop."""
        status = "valid" if self.rng.random() < (0.85 if year >= 2019 else 0.55) else "invalid"
        return _DATES[pub - _FIRST_DAY], status

    def _invention_status(
        self, kind: str, pub: int, app: int, year: int, is_granted: bool, is_valid: bool, counted: bool
    ) -> tuple[str, str]:
        """(grant date, legal status) of an invention or a PCT/foreign filing."""
        rand = self.rng.random
        if kind == "WO":
            # A PCT application is never granted itself; its international phase ends after 30 months.
            return "", "invalid" if year < 2021 else "pending"
        if is_granted:
            low = max(pub, min(app + 365, AS_OF))
            wanted = app + 500 + int(rand() * 900)
            grant_day = wanted if low <= wanted <= AS_OF else low + int(rand() * (AS_OF - low + 1))
            return _DATES[grant_day - _FIRST_DAY], "valid" if is_valid else "invalid"
        if counted and year >= 2021 and rand() < 0.45:
            # Still in examination at the cut-off, granted later: valid today, not granted at as_of.
            grant_day = AS_OF + 1 + int(rand() * (_LAST_DAY - AS_OF))
            return _DATES[grant_day - _FIRST_DAY], "valid"
        if not counted and kind == "invention" and rand() < 0.15:
            grant_day = min(_LAST_DAY, pub + 120 + int(rand() * 400))
            return _DATES[grant_day - _FIRST_DAY], "valid"
        return "", "pending" if year >= 2020 else "invalid"

    def _title(self, e: SyntheticEnterprise, patent_type: str) -> str:
        rand = self.rng.random
        subjects = TITLE_SUBJECTS[e.industry]
        # Drawn for every type (designs do not use it), which keeps the draws in step across types.
        subject = subjects[int(rand() * len(subjects))]
        if patent_type == "design":
            return f"{DESIGN_PRODUCTS[int(rand() * len(DESIGN_PRODUCTS))]}（{'ABCDEFGHKMXZ'[int(rand() * 12)]}{int(rand() * 9) + 1}）"
        if patent_type == "utility_model":
            return f"一种{subject}{UTILITY_TAILS[int(rand() * len(UTILITY_TAILS))]}"
        return f"一种{subject}{INVENTION_TAILS[int(rand() * len(INVENTION_TAILS))]}"

    def _applicant_cells(self, e: SyntheticEnterprise, pub_year: int, partner) -> tuple[str, str]:
        """The applicant names and credit codes cells: the firm, its co-applying partner, rarely an outsider."""
        names, codes = self._applicants(e, pub_year)
        if partner:
            partner_names, partner_codes = self._applicants(partner, pub_year)
            names += ";" + partner_names
            codes += ";" + partner_codes
        if self.rng.random() < 0.015:
            names += ";" + self.outsiders[int(self.rng.random() * len(self.outsiders))]
            codes += ";"
        return names, codes

    def _applicants(self, e: SyntheticEnterprise, pub_year: int) -> tuple[str, str]:
        r = self.rng.random()
        if e.former_names and pub_year < e.rename_year:
            # Filed before the rename: printed under the old name, sometimes without the credit code.
            return e.former_names[0], ("" if r < 0.5 else e.credit_code)
        name = e.name
        if "（" in name and r < 0.3:
            name = name.replace("（", "(").replace("）", ")")
        return name, ("" if r > 0.92 else e.credit_code)

    def _post_cutoff_row(self, e: SyntheticEnterprise, plan: Plan, markets: list[str], year: int) -> list:
        rand = self.rng.random
        start = max(AS_OF + 1, date(year, 1, 1).toordinal())
        end = min(_LAST_DAY, date(year, 12, 31).toordinal())
        pub = start + int(rand() * (end - start + 1))
        apps = max(1, plan.applications)
        r = rand()
        if r < plan.pct / apps:
            kind = "WO"
        elif r < (plan.pct + plan.foreign) / apps:
            kind = markets[int(rand() * len(markets))] if markets else "US"
        elif r < plan.inventions / apps:
            kind = "invention"
        else:
            kind = "design" if rand() < 0.1 else "utility_model"
        return self._row(e, kind, pub, False, False, int(rand() * 1.6), 0, counted=False)

    def write_outsider_patents(self, count: int) -> None:
        """Patents whose only applicant is not a 小巨人 at all: kept, and never linked."""
        rows = []
        rand = self.rng.random
        for _ in range(count):
            year = 2015 + int(rand() * 9)
            pub = date(year, 1, 1).toordinal() + int(rand() * 200)
            app = pub - 300 - int(rand() * 300)
            publication, application = self._cn_numbers("invention", year, _YEAR_OF[app - _FIRST_DAY])
            applicant = self.outsiders[int(rand() * len(self.outsiders))]
            industry = list(IPC_BY_INDUSTRY)[int(rand() * len(IPC_BY_INDUSTRY))]
            title = f"一种{TITLE_SUBJECTS[industry][0]}方法"
            rows.append(
                [
                    publication,
                    application,
                    "CN",
                    "invention",
                    title,
                    _DATES[app - _FIRST_DAY],
                    _DATES[pub - _FIRST_DAY],
                    "",
                    "pending" if year >= 2021 else "invalid",
                    IPC_BY_INDUSTRY[industry][0],
                    int(rand() * 5),
                    0,
                    0,
                    applicant,
                    "",
                ]
            )
        self.writer.writerows(rows)
        self.rows_written += len(rows)


class _YearSlots:
    """An enterprise's counted patents per publication year, split by kind and by grant and validity."""

    __slots__ = ("candidates", "cn_inventions", "foreign", "granted", "left", "valid", "wo", "years")

    @classmethod
    def spread(cls, plan: Plan, rand) -> "_YearSlots":
        slots = cls()
        slots.years = years = sorted(plan.years)
        capacity = [plan.years[y] for y in years]
        slots.wo = [plan.pct_years.get(y, 0) for y in years]
        left = [c - w for c, w in zip(capacity, slots.wo, strict=True)]
        slots.foreign = spread(plan.foreign, left, left, rand)
        # What is left after PCT and foreign filings: CN inventions, then utility models and designs.
        slots.left = left = [a - b for a, b in zip(left, slots.foreign, strict=True)]
        slots.cn_inventions = spread(plan.inventions - plan.pct - plan.foreign, left, left, rand)
        slots.candidates = candidates = [a + b for a, b in zip(slots.foreign, slots.cn_inventions, strict=True)]
        # Older inventions have had time to be examined; a 2023 publication is rarely granted by July.
        age_weight = [1.0 if y <= 2020 else 0.85 if y == 2021 else 0.45 if y == 2022 else 0.08 for y in years]
        weights = [c * w for c, w in zip(candidates, age_weight, strict=True)]
        slots.granted = spread(plan.granted, weights, candidates, rand)
        # Older grants lapse more often (annuities stop), so the valid ones lean recent.
        grant_weights = [g * (y - 2000) for g, y in zip(slots.granted, years, strict=True)]
        slots.valid = spread(plan.valid, grant_weights, slots.granted, rand)
        return slots
