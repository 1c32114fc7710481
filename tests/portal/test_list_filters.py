"""The list's filters for people: checkbox drop-downs of values that exist, chips, sortable headers."""

import re

import pytest

pytestmark = pytest.mark.django_db


def options(page: str, name: str) -> list[str]:
    return re.findall(rf'<input type="checkbox" name="{name}" value="([^"]+)"', page)


def visible_cities(page: str) -> list[str]:
    return re.findall(r'<label data-province="\d+"><input type="checkbox" name="city" value="(\d+)"', page)


def names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/enterprises/[^"]+">([^<]+)</a>', page)


def test_only_batches_and_places_with_members_are_offered(client, snapshots):
    page = client.get("/enterprises/").content.decode()
    # The world's counted members are of batches 1, 2 and 3, in 江苏 (苏州, 南京) and 广东 (深圳).
    assert options(page, "batch") == ["1", "2", "3"]
    assert options(page, "province") == ["320000", "440000"]
    assert options(page, "city") == ["320100", "320500", "440300"]


def test_the_filters_are_checkboxes_in_drop_downs(client, snapshots):
    page = client.get("/enterprises/", {"batch": "2"}).content.decode()
    assert '<details class="filter-drop" data-filter="batch">' in page
    assert '<input type="checkbox" name="batch" value="2" checked>' in page
    assert "multiple" not in page  # no Ctrl-click list boxes


def test_the_city_list_follows_the_chosen_provinces(client, snapshots):
    page = client.get("/enterprises/", {"province": "440000"}).content.decode()
    assert visible_cities(page) == ["440300"]
    # The others stay in the page, hidden, for the browser to show when their province is ticked.
    assert '<label data-province="320000" hidden><input type="checkbox" name="city" value="320100"' in page


def test_each_chosen_value_is_a_chip_that_removes_it(client, snapshots):
    page = client.get("/enterprises/", {"city": ["320100", "320500"], "page": "1"}).content.decode()
    chips = re.findall(r'<li><a href="([^"]*)">([^<]*) <span aria-hidden="true">×</span>', page)
    assert chips == [
        ("/enterprises/?city=320500", "城市：南京市"),
        ("/enterprises/?city=320100", "城市：苏州市"),
    ]


def test_a_measure_header_sorts_most_first_then_fewest_first(client, snapshots):
    page = client.get("/enterprises/").content.decode()
    assert '<a class="sort-link" href="/enterprises/?sort=-applications">专利申请' in page
    page = client.get("/enterprises/", {"sort": "-applications"}).content.decode()
    assert (
        '<th scope="col" class="num" aria-sort="descending"><a class="sort-link" href="/enterprises/?sort=applications">'
        in page
    )
    assert names(page)[0].endswith("alert(1)&lt;/script&gt;科技有限公司")  # A: 5 applications
    page = client.get("/enterprises/", {"sort": "applications"}).content.decode()
    assert names(page)[0] == "南京测试农机有限公司"  # C: 1 application


def test_the_english_list_has_english_sort_options_and_headers(client, snapshots):
    page = client.get("/en/enterprises/").content.decode()
    sort_select = re.search(r'<select name="sort">.*?</select>', page, re.S).group(0)
    assert not re.search(r"[\u4e00-\u9fff]", sort_select)
    thead = re.search(r"<thead>.*?</thead>", page, re.S).group(0)
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"<[^>]+>", "", thead))
