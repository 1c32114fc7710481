"""The 2023 report's published figures, as data, and the calibration targets derived from them.

Everything ``generate_dataset --scale report`` reproduces comes from here; report-figures.md is the source.
Counts are exact population targets; rates are per-enterprise (or per-application) targets that the patent
model meets by construction (see ``model.py``).
"""

from datetime import date

AS_OF = date(2023, 7, 31)
# Last complete calendar year at AS_OF: the growth indicators compare it with two years earlier.
GROWTH_YEAR = 2022
# Patents published after the cut-off exist up to here, so later snapshots differ from the report's.
LAST_PUBLICATION = date(2025, 12, 31)

# --- Population -------------------------------------------------------------------------------------

BATCH_ANNOUNCED = {1: 248, 2: 1744, 3: 2930, 4: 4357, 5: 3671}
BATCH_REVOKED = {1: 93, 2: 665}
# Batch 4 designations still only announced (公示) at the cut-off; the rest of batch 4 is confirmed.
BATCH4_ANNOUNCED_ONLY = 29
# The day each batch's list took effect (MIIT publication dates of the five lists).
BATCH_DESIGNATED_ON = {
    1: date(2019, 6, 12),
    2: date(2020, 11, 30),
    3: date(2021, 7, 19),
    4: date(2022, 8, 11),
    5: date(2023, 7, 14),
}

PROVINCE_COUNTS = {
    "320000": 1477, "440000": 1466, "330000": 1436, "370000": 1034, "110000": 793, "310000": 687,
    "420000": 682, "340000": 601, "430000": 496, "510000": 425, "410000": 396, "130000": 386,
    "350000": 353, "210000": 295, "500000": 290, "360000": 258, "120000": 246, "610000": 188,
    "140000": 136, "450000": 101, "530000": 75, "520000": 73, "220000": 67, "650000": 60, "230000": 59,
    "620000": 37, "150000": 27, "640000": 25, "460000": 10, "630000": 9, "540000": 4,
}  # fmt: skip

# Cities with at least 150 enterprises; 天津 uses the province figure (246, the report prints 244 too).
CITY_COUNTS = {
    "110100": 793, "440300": 744, "310100": 687, "320500": 398, "330200": 349, "330100": 328,
    "420100": 309, "500100": 290, "510100": 273, "120100": 246, "440100": 237, "320200": 232,
    "320100": 208, "340100": 189, "430100": 185, "370200": 177, "441900": 172, "320400": 166,
    "330400": 152, "350200": 150,
}  # fmt: skip
# Every other city must stay below this, or it would have been printed in the list above.
UNLISTED_CITY_CAP = 149

GBA_CITIES = ("440100", "440300", "440400", "440600", "441300", "441900", "442000", "440700", "441200")
# 广东 outside 深圳 and 广州 but inside the nine 粤港澳 cities.
GBA_OTHER_SEVEN = 441

INDUSTRY_COUNTS = {
    "new_materials": 2953,
    "next_gen_it": 2788,
    "nev": 1131,
    "biomedicine": 641,
    "aerospace": 307,
    "marine": 213,
    "rail": 211,
    "other": 1543,
    # 高端机械装备 2,405: the report does not print the split. We give 高档数控机床和机器人 the largest
    # share (robots and machine tools dominate the MIIT lists), then 电力装备, then 农机装备.
    "cnc_robotics": 1300,
    "power": 850,
    "agri_machinery": 255,
}
HIGH_END_MACHINERY = ("cnc_robotics", "power", "agri_machinery")

# Boards of the 12,192. 新三板 is not printed nationally: 700 keeps the five cities' 162 at the same
# share (5.7%) as the cities' share of the population.
BOARD_COUNTS = {"main": 171, "chinext": 301, "star": 274, "bse": 97, "hkex": 12, "sgx": 1, "neeq": 700}
PRIMARY_FINANCING = 5062

FIVE_CITIES = ("110100", "440300", "310100", "330200", "500100")
FIVE_CITY_BOARDS = {  # 港股 / 主板 / 创业板 / 科创板 / 北交所 / 新三板
    "110100": {"hkex": 4, "main": 10, "chinext": 16, "star": 28, "bse": 4, "neeq": 71},
    "440300": {"hkex": 0, "main": 11, "chinext": 26, "star": 27, "bse": 4, "neeq": 29},
    "310100": {"hkex": 2, "main": 15, "chinext": 16, "star": 38, "bse": 5, "neeq": 40},
    "330200": {"hkex": 0, "main": 4, "chinext": 7, "star": 0, "bse": 2, "neeq": 12},
    "500100": {"hkex": 0, "main": 3, "chinext": 3, "star": 2, "bse": 1, "neeq": 10},
}
# Listed (A-share, HK or Singapore; not 新三板) enterprises per cluster, section 3.2.
CLUSTER_LISTED = {"jjj": 84, "yrd": 421, "gba": 115}

# --- Calibration groups ------------------------------------------------------------------------------
# The five city pages, the rest of each cluster, and the rest of the country: the indicators of every
# published scope are sums over these nine groups.
GEO_GROUPS = ("110100", "440300", "310100", "330200", "500100", "jjj_rest", "yrd_rest", "gba_rest", "rest")
CLUSTER_OF_GROUP = {
    "110100": "jjj",
    "310100": "yrd",
    "330200": "yrd",
    "440300": "gba",
    "jjj_rest": "jjj",
    "yrd_rest": "yrd",
    "gba_rest": "gba",
}
CLUSTER_COUNTS = {"jjj": 1425, "yrd": 4201, "gba": 1422}

# --- Indicators --------------------------------------------------------------------------------------

NATIONAL = {
    "applications_per_enterprise": 115,
    "valid_inventions_per_enterprise": 20,
    "invention_share": 0.454,
    "invention_grant_rate": 0.402,
    "citations_per_enterprise": 234.08,
    "licenses_per_enterprise": 0.43,
    "pct_per_enterprise": 1.65,
    "overseas_markets_per_enterprise": 0.8,
    "growth_cagr": 0.156,
    "pct_growth_cagr": 0.226,
    "employees_per_enterprise": 251,
    "applications_2022": 241_600,
}
# PCT applications as a share of all applications, nationally (printed, not a calibration target).
PCT_SHARE = 0.014
PCT_BUCKETS = {"0": 9334, "1-9": 2404, "10-99": 431, "100+": 23}
OVERSEAS_BUCKETS = {"0": 8898, "1-5": 2790, "6-10": 368, "11+": 136}

BATCH_INDICATORS = {
    "applications_per_enterprise": {1: 183, 2: 152, 3: 122, 4: 111, 5: 100},
    "valid_inventions_per_enterprise": {1: 28, 2: 25, 3: 19, 4: 19, 5: 18},
    "citations_per_enterprise": {1: 373.84, 2: 295.63, 3: 236.42, 4: 225.60, 5: 218.28},
    "licenses_per_enterprise": {1: 0.61, 2: 0.47, 3: 0.48, 4: 0.36, 5: 0.44},
}
# The printed per-batch valid inventions are rounded integers whose weighted mean (19.3) is 3.3% under the
# printed national 20; aiming 0.3-0.4 higher keeps every batch within about 2% and the nation within 1.5%.
VALID_INVENTIONS_AIM = {1: 28.3, 2: 25.3, 3: 19.4, 4: 19.4, 5: 18.4}

# City pages. ``applications`` is the printed "95,400+" made concrete (inside both it and per-firm 120).
CITY_INDICATORS = {
    "110100": {"applications": 95_450, "growth_cagr": 0.256, "invention_share": 0.652, "invention_grant_rate": 0.429, "citations_per_enterprise": 325.62, "licenses_per_enterprise": 0.6, "pct_per_enterprise": 2.24, "overseas_markets_per_enterprise": 1.1},
    "440300": {"applications": 113_150, "growth_cagr": 0.218, "invention_share": 0.485, "invention_grant_rate": 0.352, "citations_per_enterprise": 283.87, "licenses_per_enterprise": 0.16, "pct_per_enterprise": 6.47, "overseas_markets_per_enterprise": 1.4},
    "310100": {"applications": 94_950, "growth_cagr": 0.152, "invention_share": 0.559, "invention_grant_rate": 0.376, "citations_per_enterprise": 347.51, "licenses_per_enterprise": 0.79, "pct_per_enterprise": 2.84, "overseas_markets_per_enterprise": 1.5},
    "330200": {"applications": 36_650, "growth_cagr": 0.172, "invention_share": 0.294, "invention_grant_rate": 0.476, "citations_per_enterprise": 171.43, "licenses_per_enterprise": 0.66, "pct_per_enterprise": 0.5, "overseas_markets_per_enterprise": 0.9},
    "500100": {"applications": 31_150, "growth_cagr": 0.203, "invention_share": 0.327, "invention_grant_rate": 0.407, "citations_per_enterprise": 168.81, "licenses_per_enterprise": 0.17, "pct_per_enterprise": 0.63, "overseas_markets_per_enterprise": 0.4},
}  # fmt: skip
CITY_PRINTED_APPLICATIONS = {"110100": 95_400, "440300": 113_100, "310100": 94_900, "330200": 36_600, "500100": 31_100}
CITY_PER_FIRM = {"110100": 120, "440300": 152, "310100": 138, "330200": 105, "500100": 107}

# 行业特色: applications by industry in the five cities; 高端机械装备 is the three machinery fields together.
CITY_INDUSTRY_APPLICATIONS = {
    "110100": {"next_gen_it": 41_600, "biomedicine": 10_414, "high_end_machinery": 9_256, "nev": 8_929, "aerospace": 5_374, "new_materials": 4_580, "rail": 2_580, "marine": 1_523},
    "440300": {"next_gen_it": 60_611, "high_end_machinery": 18_043, "biomedicine": 8_017, "nev": 7_473, "new_materials": 3_398, "aerospace": 1_177, "marine": 708, "rail": 353},
    "310100": {"next_gen_it": 28_844, "high_end_machinery": 15_571, "new_materials": 15_062, "nev": 9_833, "biomedicine": 6_774, "marine": 3_081, "aerospace": 2_088, "rail": 623},
    "330200": {"high_end_machinery": 13_941, "new_materials": 6_994, "next_gen_it": 6_016, "nev": 4_384, "biomedicine": 987, "marine": 431, "rail": 295, "aerospace": 290},
    "500100": {"high_end_machinery": 10_385, "next_gen_it": 4_772, "new_materials": 4_240, "nev": 3_821, "biomedicine": 2_062, "aerospace": 868, "marine": 429, "rail": 118},
}  # fmt: skip

CLUSTER_INDICATORS = {
    "jjj": {"applications_per_enterprise": 113.29, "invention_share": 0.548, "citations_per_enterprise": 267.77, "pct_per_enterprise": 1.57},
    "yrd": {"applications_per_enterprise": 126.84, "invention_share": 0.460, "citations_per_enterprise": 263.12, "pct_per_enterprise": 1.80},
    "gba": {"applications_per_enterprise": 142.79, "invention_share": 0.477, "citations_per_enterprise": 280.87, "pct_per_enterprise": 4.76},
}  # fmt: skip

INDUSTRY_GROUP = {
    "cnc_robotics": "high_end_machinery",
    "power": "high_end_machinery",
    "agri_machinery": "high_end_machinery",
}


def industry_group(industry_field: str) -> str:
    """The report's chart grouping: the three machinery fields are one 高端机械装备 column."""
    return INDUSTRY_GROUP.get(industry_field, industry_field)


def batch_population() -> dict[int, int]:
    return {batch: announced - BATCH_REVOKED.get(batch, 0) for batch, announced in BATCH_ANNOUNCED.items()}
