"""The header search: JSON suggestions (places, enterprises) and the results page."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def suggest(client, q, prefix="", **params):
    response = client.get(f"{prefix}/search/suggest/", {"q": q, **params})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.parametrize("q", ["广东", "guangdong", "Guang", "GUANGDONG"])
def test_places_are_suggested_by_chinese_name_pinyin_or_english(client, regions, q):
    places = suggest(client, q, kind="places")["places"]
    assert places[0]["code"] == "440000" and places[0]["url"] == "/regions/440000/"


def test_suzhou_suggests_both_suzhous_with_their_provinces_in_english(client, regions):
    places = suggest(client, "Suzhou", prefix="/en", kind="places")["places"]
    assert [(p["code"], p["name"], p["parent"]) for p in places] == [
        ("320500", "Suzhou", "Jiangsu"),
        ("341300", "Suzhou", "Anhui"),
    ]
    assert places[0]["url"] == "/en/regions/320000/320500/"


def test_places_are_suggested_by_the_english_names_people_use(client, regions):
    # 内蒙古 is "Inner Mongolia" (its pinyin still finds it); Xizang keeps its name and is found as Tibet.
    places = suggest(client, "Inner", prefix="/en", kind="places")["places"]
    assert (places[0]["code"], places[0]["name"]) == ("150000", "Inner Mongolia")
    assert suggest(client, "neimenggu", kind="places")["places"][0]["name"] == "内蒙古自治区"
    assert [(p["code"], p["name"]) for p in suggest(client, "Tibet", prefix="/en", kind="places")["places"]] == [
        ("540000", "Xizang")
    ]
    urumqi = suggest(client, "Urumqi", prefix="/en", kind="places")["places"]
    assert [(p["name"], p["parent"]) for p in urumqi] == [("Urumqi", "Xinjiang")]


def test_suggestions_are_at_most_ten_of_each_kind(client, regions):
    assert len(suggest(client, "s", kind="places")["places"]) == 10


def test_enterprises_are_suggested_by_name_former_name_and_credit_code(client, world):
    a = world["A"]
    by_name = suggest(client, "深圳测试")["enterprises"]
    assert [e["name"] for e in by_name] == ["深圳测试电力装备有限公司"]
    by_former = suggest(client, "苏州旧名")["enterprises"]
    assert by_former[0]["credit_code"] == a.credit_code and by_former[0]["former_name"] == "苏州旧名科技有限公司"
    by_code = suggest(client, a.credit_code[:10])["enterprises"]
    assert [e["credit_code"] for e in by_code] == [a.credit_code]
    assert suggest(client, "苏州旧名", kind="places")["enterprises"] == []


def test_suggestions_cost_three_queries_then_none(client, world, django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(3):  # provinces, cities, enterprises
        suggest(client, "南京")
    with django_assert_num_queries(0):
        data = suggest(client, "南京")
    assert data["places"][0]["code"] == "320100"
    assert {e["name"] for e in data["enterprises"]} == {"南京测试农机有限公司", "南京撤销科技有限公司"}


def test_empty_text_suggests_nothing(client, regions):
    assert suggest(client, "  ") == {"q": "", "places": [], "enterprises": []}


def test_every_page_has_the_header_search(client, snapshots):
    for url in ("/", "/regions/320000/", "/methodology/", "/en/compare/"):
        page = client.get(url).content.decode()
        assert 'role="search"' in page and 'name="q"' in page, url


def test_the_results_page_lists_places_and_enterprises(client, snapshots, world):
    page = client.get("/search/", {"q": "南京"}).content.decode()
    assert "/regions/320000/320100/" in page
    assert "南京测试农机有限公司" in page and "南京撤销科技有限公司" in page
    assert "/enterprises/?q=%E5%8D%97%E4%BA%AC" in page  # the list's q= for all of them
    english = client.get("/en/search/", {"q": "suzhou"}).content.decode()
    assert "/en/regions/320000/320500/" in english and "Anhui" in english
    nothing = client.get("/search/", {"q": "火星"}).content.decode()
    assert "没有名称以“火星”开头的地区" in nothing


def test_one_character_suggests_places_only(client, world, django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(2):  # provinces and cities; no scan of every enterprise for one letter
        data = suggest(client, "南")
    assert data["enterprises"] == [] and data["places"][0]["code"] == "320100"


def test_enterprise_suggestions_are_at_most_ten_beginning_with_the_text_first(client, regions):
    from tests.reports.factories import enterprise

    for i, name in enumerate([f"江苏样例{i:02d}精密有限公司" for i in range(6)] + ["样例精密科技有限公司"] * 6):
        e = enterprise(city="320500")
        e.name = name if i < 6 else f"{name}{i}"
        e.save()
    names = [x["name"] for x in suggest(client, "样例")["enterprises"]]
    # Any ten of the twelve (the index scan stops at the tenth: no sort of every match), those whose
    # name begins with the text first.
    assert len(names) == 10
    begins = [n.startswith("样例") for n in names]
    assert begins == sorted(begins, reverse=True) and any(begins)
