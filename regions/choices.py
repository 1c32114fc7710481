"""Region vocabularies: division levels and the report's three city clusters (城市群)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CityKind(models.TextChoices):
    CITY = "city", _("地级行政区")
    # Counties governed directly by a province (济源, 仙桃, 石河子...) grouped under one pseudo-prefecture.
    COUNTY_GROUP = "county_group", _("省直辖县级行政区划")


class Cluster(models.TextChoices):
    JJJ = "jjj", _("京津冀")
    YRD = "yrd", _("长三角")
    GBA = "gba", _("粤港澳")


# Membership as in metrics.md: whole provinces for 京津冀 and 长三角, nine Guangdong cities for 粤港澳
# (the report counts the Guangdong part only; Hong Kong and Macao hold no 小巨人).
CLUSTER_PROVINCES = {
    Cluster.JJJ: ("110000", "120000", "130000"),
    Cluster.YRD: ("310000", "320000", "330000", "340000"),
}
CLUSTER_CITIES = {
    Cluster.GBA: ("440100", "440300", "440400", "440600", "441300", "441900", "442000", "440700", "441200"),
}

MUNICIPALITY_PROVINCES = ("110000", "120000", "310000", "500000")

# 计划单列市: MIIT lists print them in the province column as regions of their own.
SEPARATELY_PLANNED_CITIES = ("210200", "330200", "350200", "370200", "440300")

# 新疆生产建设兵团 appears in MIIT's province column; its cities are the county-level units under 659000.
XPCC_NAME = "新疆生产建设兵团"
XPCC_PROVINCE = "650000"
XPCC_CITY = "659000"

# What people type for a cluster besides its label: full names, pinyin and English (matched by prefix,
# caselessly, spaces and hyphens ignored). Provinces and cities carry theirs as columns (slug, name_en).
CLUSTER_NAMES = {
    Cluster.JJJ: ("京津冀", "京津冀城市群", "jingjinji", "Beijing-Tianjin-Hebei", "Jing-Jin-Ji", "jjj"),
    Cluster.YRD: ("长三角", "长江三角洲", "长三角城市群", "changsanjiao", "Yangtze River Delta", "YRD", "yrd"),
    Cluster.GBA: (
        "粤港澳",
        "粤港澳大湾区",
        "大湾区",
        "yuegangao",
        "Greater Bay Area",
        "Guangdong-Hong Kong-Macao",
        "gba",
    ),
}

# Other English names people type for a province or city, where ``name_en`` keeps the official form
# (Xizang, Xigaze, Qamdo, Kashi) or a diacritic (Lüliang): matched like the names, by prefix, caselessly,
# spaces, hyphens and apostrophes ignored. Pinyin needs no alias: it is the ``slug`` column.
PLACE_ALIASES = {
    "540000": ("Tibet",),
    "540200": ("Shigatse",),
    "540300": ("Chamdo",),
    "653100": ("Kashgar",),
    "141100": ("Luliang",),
}
