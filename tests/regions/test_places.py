"""Places by the names people type: Chinese (full or short), pinyin, English, codes; clusters too."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regions.selectors import place_key, places_matching, places_named

pytestmark = pytest.mark.django_db


def codes(places):
    return [p.code for p in places]


@pytest.mark.parametrize("text", ["广东", "广东省", "guangdong", "Guangdong", "GUANGDONG", "440000"])
def test_a_province_is_named_by_full_or_short_name_pinyin_english_or_code(regions, text):
    assert codes(places_named(text)) == ["440000"]


@pytest.mark.parametrize("text", ["苏州", "苏州市", "320500"])
def test_a_city_is_named_by_its_chinese_name_or_code(regions, text):
    assert codes(places_named(text)) == ["320500"]


def test_a_shared_pinyin_names_every_place_that_has_it(regions):
    # 苏州 (江苏) and 宿州 (安徽) are both Suzhou: the picker offers both, with their provinces.
    places = places_named("Suzhou")
    assert codes(places) == ["320500", "341300"]
    assert [p.province_name for p in places] == ["江苏省", "安徽省"]
    assert codes(places_named("su zhou")) == ["320500", "341300"]


def test_a_municipality_is_one_place_the_province(regions):
    assert codes(places_named("北京")) == ["110000"]
    assert codes(places_named("Beijing")) == ["110000"]


@pytest.mark.parametrize(
    ("text", "cluster"),
    [("长三角", "yrd"), ("Yangtze River Delta", "yrd"), ("jingjinji", "jjj"), ("大湾区", "gba"), ("gba", "gba")],
)
def test_clusters_are_named_in_both_languages_and_pinyin(regions, text, cluster):
    assert codes(places_named(text)) == [cluster]


def test_unknown_text_names_nothing(regions):
    assert places_named("火星") == []
    assert places_named("   ") == []


def test_suggestions_begin_with_the_text_exact_names_first(regions):
    assert codes(places_matching("jiangs")) == ["320000"]
    assert codes(places_matching("jiang"))[:2] == ["320000", "360000"]  # 江苏, 江西 before the cities
    assert codes(places_matching("苏州")) == ["320500"]
    assert codes(places_matching("长三"))[0] == "yrd"
    # "Jilin" is the province and the city: both, exact, the province first.
    assert codes(places_matching("Jilin"))[:2] == ["220000", "220200"]


def test_suggestions_are_at_most_ten_in_two_queries(regions):
    with CaptureQueriesContext(connection) as queries:
        places = places_matching("s")
    assert len(places) == 10
    assert len(queries) == 2


def test_place_keys_ignore_case_spaces_and_hyphens():
    assert place_key(" Xi'an ") == "xian"
    assert place_key("Beijing-Tianjin-Hebei") == "beijingtianjinhebei"
    assert place_key("Ｓｕｚｈｏｕ") == "suzhou"


# --- English names people use (issue #26): the official English form, the pinyin and aliases all find it ---


@pytest.mark.parametrize("text", ["Inner Mongolia", "inner mongolia", "neimenggu", "Neimenggu", "内蒙古", "150000"])
def test_inner_mongolia_is_named_in_english_and_in_pinyin(regions, text):
    assert codes(places_named(text)) == ["150000"]


@pytest.mark.parametrize("text", ["Xizang", "xizang", "Tibet", "西藏"])
def test_xizang_keeps_its_official_name_and_is_found_as_tibet(regions, text):
    places = places_named(text)
    assert codes(places) == ["540000"]
    assert places[0].name_en == "Xizang"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Urumqi", "650100"),
        ("wulumuqi", "650100"),
        ("Hohhot", "150100"),
        ("huhehaote", "150100"),
        ("Harbin", "230100"),
        ("Lhasa", "540100"),
        ("Shigatse", "540200"),
        ("Xigaze", "540200"),
        ("Kashgar", "653100"),
        ("Kashi", "653100"),
        ("Xi'an", "610100"),
        ("Xian", "610100"),
        ("Lüliang", "141100"),
        ("Luliang", "141100"),
        ("lvliang", "141100"),
    ],
)
def test_cities_are_named_by_their_english_name_pinyin_or_alias(regions, text, code):
    assert codes(places_named(text)) == [code]


def test_suggestions_find_english_names_and_aliases_by_their_beginning(regions):
    assert codes(places_matching("Inner"))[0] == "150000"
    assert codes(places_matching("neimeng"))[0] == "150000"
    assert codes(places_matching("Tib")) == ["540000"]
    assert "540000" in codes(places_matching("Xiz"))
    assert codes(places_matching("Urum")) == ["650100"]


def test_english_display_names_are_the_ones_people_read(regions):
    from django.utils.translation import override

    with override("en"):
        assert places_named("内蒙古")[0].display_name == "Inner Mongolia"
        assert places_named("呼和浩特")[0].display_parent == "Inner Mongolia"
        assert places_named("西安")[0].display_name == "Xi'an"


def test_every_province_has_its_english_name(regions):
    # The 31 names a reader expects (the official English forms; Xizang as the government writes it).
    from regions.models import Province

    assert dict(Province.objects.values_list("short_name", "name_en")) == {
        "北京": "Beijing", "天津": "Tianjin", "河北": "Hebei", "山西": "Shanxi", "内蒙古": "Inner Mongolia",
        "辽宁": "Liaoning", "吉林": "Jilin", "黑龙江": "Heilongjiang", "上海": "Shanghai", "江苏": "Jiangsu",
        "浙江": "Zhejiang", "安徽": "Anhui", "福建": "Fujian", "江西": "Jiangxi", "山东": "Shandong",
        "河南": "Henan", "湖北": "Hubei", "湖南": "Hunan", "广东": "Guangdong", "广西": "Guangxi",
        "海南": "Hainan", "重庆": "Chongqing", "四川": "Sichuan", "贵州": "Guizhou", "云南": "Yunnan",
        "西藏": "Xizang", "陕西": "Shaanxi", "甘肃": "Gansu", "青海": "Qinghai", "宁夏": "Ningxia",
        "新疆": "Xinjiang",
    }  # fmt: skip


def _migration():
    import importlib

    return importlib.import_module("regions.migrations.0003_english_place_names")


def test_the_data_migration_renames_the_pinyin_names_and_back(regions):
    from django.apps import apps

    from regions.models import City, Province

    migration = _migration()
    # A database loaded before the change, with one name an official edited since: that one is kept.
    for model, names in ((Province, migration.PROVINCES), (City, migration.CITIES)):
        for code, (old, _new) in names.items():
            model.objects.filter(code=code).update(name_en=old)
    City.objects.filter(code="650100").update(name_en="Ürümqi")
    migration.forwards(apps, None)
    assert Province.objects.get(code="150000").name_en == "Inner Mongolia"
    assert City.objects.get(code="610100").name_en == "Xi'an"
    assert City.objects.get(code="650100").name_en == "Ürümqi"
    migration.backwards(apps, None)
    assert Province.objects.get(code="150000").name_en == "Neimenggu"
    assert City.objects.get(code="610100").name_en == "Xian"


def test_the_migration_and_the_bundled_divisions_agree():
    # A new database (load_regions from divisions.csv) and a migrated one carry the same English names.
    import csv

    from regions.services import DIVISIONS_CSV

    migration = _migration()
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as handle:
        english = {row["code"]: row["name_en"] for row in csv.DictReader(handle)}
    for code, (_old, new) in {**migration.PROVINCES, **migration.CITIES}.items():
        assert english[code] == new, code
