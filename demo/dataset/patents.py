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

IPC_BY_INDUSTRY = {
    "next_gen_it": (
        "G06F16/35",
        "G06F9/50",
        "H04L67/12",
        "G06N3/08",
        "H01L21/67",
        "G06T7/00",
        "H04W72/04",
        "H01L23/498",
        "G06Q10/06",
    ),
    "cnc_robotics": ("B25J9/16", "B23Q3/06", "G05B19/414", "B25J15/00", "B23K37/04", "B23B31/00"),
    "power": ("H02J3/38", "H01F27/28", "H02B1/26", "H02H7/26", "G01R31/08", "H01H33/66"),
    "agri_machinery": ("A01B49/02", "A01D41/12", "A01C7/20", "A01M7/00", "A01D34/00"),
    "new_materials": ("C08L23/06", "C04B35/622", "C22C38/02", "C08K3/04", "C09D163/00", "B32B27/08", "C01B32/05"),
    "biomedicine": ("A61K9/20", "A61B5/00", "C12N15/11", "A61M25/00", "A61K31/4709", "G01N33/68", "A61F2/82"),
    "aerospace": ("B64C27/08", "B64D45/00", "B64F5/60", "G01S19/42", "B64G1/22"),
    "marine": ("B63B35/44", "B63H21/17", "E02B17/00", "B63B21/50", "B63G8/00"),
    "rail": ("B61L27/04", "B61F5/24", "B60L5/00", "E01B9/30", "B61D17/04"),
    "nev": ("H01M10/0525", "B60L58/12", "H01M4/62", "B60K6/24", "H02K1/27", "B60R16/02"),
    "other": ("G01N21/01", "F16K31/06", "B01D53/86", "F24F11/00", "B65G47/90", "F16C33/10"),
}
TITLE_SUBJECTS = {
    "next_gen_it": ("数据处理", "芯片封装结构", "图像识别", "通信基站天线", "存储控制", "光模块", "边缘计算任务调度"),
    "cnc_robotics": ("机器人关节减速器", "数控机床主轴", "机械臂抓取", "焊接机器人", "五轴加工中心夹具", "伺服驱动"),
    "power": ("智能断路器", "储能变流器", "变压器绕组", "配电网故障定位", "光伏逆变器"),
    "agri_machinery": ("联合收割机脱粒装置", "精量播种机", "植保无人机喷洒", "秸秆还田机"),
    "new_materials": ("高分子复合材料", "陶瓷基复合材料", "耐热合金", "石墨烯导电浆料", "环保涂料", "锂电隔膜"),
    "biomedicine": ("抗体药物", "医用导管", "体外诊断试剂盒", "药物缓释制剂", "血管支架", "基因检测"),
    "aerospace": ("无人机旋翼", "航空发动机叶片", "卫星姿态控制", "机载设备减振"),
    "marine": ("船舶推进", "海洋平台系泊", "水下机器人", "船用发动机"),
    "rail": ("轨道车辆转向架", "列车运行控制", "受电弓", "轨道扣件"),
    "nev": ("动力电池模组", "电池管理系统", "驱动电机", "车载充电机", "热管理系统"),
    "other": ("环境监测仪", "阀门密封结构", "废气处理", "智能仓储输送", "检测治具"),
}
_INVENTION_TAILS = ("方法", "装置", "系统", "方法及系统", "方法、装置及存储介质", "及其制备方法", "组件")
_UTILITY_TAILS = ("装置", "结构", "组件", "机构", "设备")
_DESIGN_PRODUCTS = (
    "控制器",
    "检测仪",
    "电源适配器",
    "机械手",
    "传感器外壳",
    "充电桩",
    "操作面板",
    "工业相机",
    "储能柜",
    "显示终端",
)


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
        rng = self.rng
        rand = rng.random
        years = sorted(plan.years)
        capacity = [plan.years[y] for y in years]
        wo = [plan.pct_years.get(y, 0) for y in years]
        left = [c - w for c, w in zip(capacity, wo, strict=True)]
        foreign = spread(plan.foreign, left, left, rand)
        left = [a - b for a, b in zip(left, foreign, strict=True)]
        cn_inventions = spread(plan.inventions - plan.pct - plan.foreign, left, left, rand)
        candidates = [a + b for a, b in zip(foreign, cn_inventions, strict=True)]
        # Older inventions have had time to be examined; a 2023 publication is rarely granted by July.
        age_weight = [1.0 if y <= 2020 else 0.85 if y == 2021 else 0.45 if y == 2022 else 0.08 for y in years]
        granted = spread(plan.granted, [c * w for c, w in zip(candidates, age_weight, strict=True)], candidates, rand)
        # Older grants lapse more often (annuities stop), so the valid ones lean recent.
        valid = spread(plan.valid, [g * (y - 2000) for g, y in zip(granted, years, strict=True)], granted, rand)

        markets = self._markets(plan.markets)
        foreign_offices = list(markets)
        while len(foreign_offices) < plan.foreign:
            foreign_offices.append(markets[min(len(markets) - 1, int(rand() ** 2 * len(markets)))])
        rng.shuffle(foreign_offices)

        # (kind, year, granted, valid) per counted patent.
        patents: list[tuple[str, int, bool, bool]] = []
        for k, y in enumerate(years):
            g, v = granted[k], valid[k]
            # Granted slots go first to foreign filings in proportion, the rest to CN inventions.
            g_foreign = min(foreign[k], round(g * foreign[k] / candidates[k])) if candidates[k] else 0
            g_cn = g - g_foreign
            v_cn = min(v, g_cn)
            v_foreign = v - v_cn
            for _ in range(wo[k]):
                patents.append(("WO", y, False, False))
            for j in range(foreign[k]):
                patents.append((foreign_offices.pop(), y, j < g_foreign, j < v_foreign))
            for j in range(cn_inventions[k]):
                patents.append(("invention", y, j < g_cn, j < v_cn))
            design_share = 0.2 if e.industry in ("other", "nev", "biomedicine") else 0.08
            for _ in range(left[k] - cn_inventions[k]):
                patents.append(("design" if rand() < design_share else "utility_model", y, False, False))

        # Citations: older patents and inventions are cited more.
        weights = []
        for kind, y, _g, _v in patents:
            age = cal.AS_OF.year + 0.6 - y
            factor = 0.4 if kind == "design" else 1.0 if kind == "utility_model" else 1.8
            weights.append(factor * age**1.1 * math.exp(rng.gauss(0.0, 0.6)))
        total_weight = sum(weights) or 1.0
        cites = [0] * len(patents)
        acc = rand()
        prev = 0
        scale = plan.citations / total_weight
        for j, w in enumerate(weights):
            acc += w * scale
            cur = int(acc)
            cites[j] = cur - prev
            prev = cur
        licensed = [0] * len(patents)
        eligible = [j for j, p in enumerate(patents) if p[3] or p[0] == "utility_model"] or list(range(len(patents)))
        for _ in range(plan.licenses if eligible else 0):
            licensed[rng.choice(eligible)] += 1

        partner = self.partners.get(index)
        co_applied = partner[1] if partner else 0
        rows = []
        rand = rng.random
        for j, (kind, y, is_granted, is_valid) in enumerate(patents):
            extra = partner[0] if co_applied and kind in ("invention", "utility_model") else None
            if extra:
                co_applied -= 1
            start, end = _YEAR_SPAN[y]
            pub = start + int(rand() * (end - start + 1))
            rows.append(
                self._row(e, kind, pub, is_granted, is_valid, cites[j], licensed[j], counted=True, partner=extra)
            )
        for year, count in sorted(plan.post_cutoff.items()):
            for _ in range(count):
                rows.append(self._post_cutoff_row(e, plan, markets, year))
        self.writer.writerows(rows)
        self.rows_written += len(rows)

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
        year = pub_year
        grant = ""
        if kind in ("utility_model", "design"):
            patent_type = kind
            publication, application = self._cn_numbers(kind, pub_year, app_year)
            # Utility models and designs are published on grant; many lapse when annuities stop.
            grant = _DATES[pub - _FIRST_DAY]
            status = "valid" if rand() < (0.85 if year >= 2019 else 0.55) else "invalid"
            jurisdiction = "CN"
        else:
            patent_type = "invention"
            if kind == "invention":
                publication, application = self._cn_numbers("invention", pub_year, app_year)
                jurisdiction = "CN"
            else:
                publication, application = self._foreign_numbers(kind, pub_year, app_year)
                jurisdiction = kind
            if kind == "WO":
                # A PCT application is never granted itself; its international phase ends after 30 months.
                status = "invalid" if year < 2021 else "pending"
            elif is_granted:
                low = max(pub, min(app + 365, AS_OF))
                wanted = app + 500 + int(rand() * 900)
                grant_day = wanted if low <= wanted <= AS_OF else low + int(rand() * (AS_OF - low + 1))
                grant = _DATES[grant_day - _FIRST_DAY]
                status = "valid" if is_valid else "invalid"
            elif counted and year >= 2021 and rand() < 0.45:
                # Still in examination at the cut-off, granted later: valid today, not granted at as_of.
                grant_day = AS_OF + 1 + int(rand() * (_LAST_DAY - AS_OF))
                grant = _DATES[grant_day - _FIRST_DAY]
                status = "valid"
            elif not counted and kind == "invention" and rand() < 0.15:
                grant_day = min(_LAST_DAY, pub + 120 + int(rand() * 400))
                grant = _DATES[grant_day - _FIRST_DAY]
                status = "valid"
            else:
                status = "pending" if year >= 2020 else "invalid"
        subjects = TITLE_SUBJECTS[e.industry]
        subject = subjects[int(rand() * len(subjects))]
        if patent_type == "design":
            title = f"{_DESIGN_PRODUCTS[int(rand() * len(_DESIGN_PRODUCTS))]}（{'ABCDEFGHKMXZ'[int(rand() * 12)]}{int(rand() * 9) + 1}）"
        elif patent_type == "utility_model":
            title = f"一种{subject}{_UTILITY_TAILS[int(rand() * len(_UTILITY_TAILS))]}"
        else:
            title = f"一种{subject}{_INVENTION_TAILS[int(rand() * len(_INVENTION_TAILS))]}"
        ipcs = IPC_BY_INDUSTRY[e.industry]
        ipc = ipcs[int(rand() * len(ipcs))]
        transfers = 1 if rand() < (0.025 if year < 2020 else 0.008) else 0
        names, codes = self._applicants(e, pub_year)
        if partner:
            partner_names, partner_codes = self._applicants(partner, pub_year)
            names += ";" + partner_names
            codes += ";" + partner_codes
        if rand() < 0.015:
            names += ";" + self.outsiders[int(rand() * len(self.outsiders))]
            codes += ";"
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
