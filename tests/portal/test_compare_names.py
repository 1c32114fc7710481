"""/compare/ by names: Chinese, pinyin or English, with codes still understood."""

import pytest

pytestmark = pytest.mark.django_db


def compared(page: str) -> list[str]:
    import re

    return sorted(set(re.findall(r'data-region="((?:province|city|cluster)/[^"]+)"', page)))


def test_places_by_name_pinyin_and_english(client, snapshots):
    page = client.get("/compare/", {"places": "广东，江苏省, 苏州"}).content.decode()
    assert compared(page) == ["city/320500", "province/320000", "province/440000"]
    english = client.get("/en/compare/", {"places": "Guangdong, jiangsu, Yangtze River Delta"}).content.decode()
    assert compared(english) == ["cluster/yrd", "province/320000", "province/440000"]


def test_codes_still_work_in_either_parameter(client, snapshots):
    assert compared(client.get("/compare/", {"codes": "320000,gba"}).content.decode()) == [
        "cluster/gba",
        "province/320000",
    ]
    assert compared(client.get("/compare/", {"places": "440300"}).content.decode()) == ["city/440300"]


def test_unknown_names_are_named_and_the_typed_text_is_kept(client, snapshots):
    page = client.get("/compare/", {"places": "广东, 火星"}).content.decode()
    assert "无法识别的地区：火星" in page
    assert 'value="广东, 火星"' in page  # the field keeps what was typed
    assert 'data-pending="火星"' in page  # and the picker what is left to correct
    assert compared(page) == ["province/440000"]


def test_a_shared_name_offers_each_place(client, snapshots):
    page = client.get("/compare/", {"places": "广东,Suzhou"}).content.decode()
    assert "“Suzhou”可指多个地区" in page
    assert "/compare/?places=440000%2C320500" in page and "/compare/?places=440000%2C341300" in page
    assert "苏州市 · 江苏省" in page and "宿州市 · 安徽省" in page


def test_a_resolved_comparison_shows_names_in_the_field_and_chips(client, snapshots):
    page = client.get("/compare/", {"places": "320000,440300"}).content.decode()
    assert 'value="江苏省, 深圳市"' in page
    assert 'data-code="320000"' in page and 'data-code="440300"' in page


def test_every_profile_offers_to_add_itself_to_the_comparison(client, snapshots):
    for url, code in (("/regions/320000/", "320000"), ("/regions/320000/320500/", "320500"), ("/clusters/gba/", "gba")):
        page = client.get(url).content.decode()
        assert f'href="/compare/?places={code}" data-add-compare="{code}"' in page, url


def test_four_names_stay_within_the_page_query_budget(client, snapshots, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = client.get("/compare/", {"places": "广东,江苏,苏州,长三角"}).content.decode()
    assert compared(page) == ["city/320500", "cluster/yrd", "province/320000", "province/440000"]
