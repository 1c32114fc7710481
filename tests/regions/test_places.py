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
