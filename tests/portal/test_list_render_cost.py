"""What a warm render of /enterprises/ reads and writes (issue 26: p95 < 50 ms warm at report scale).

The filters' options are cached per snapshot, data version and language; a page of a small selection is
read among its ids alone; the rows and options are printed as the template printed them before."""

import re

import pytest

from portal import caching

pytestmark = pytest.mark.django_db


def _render_again(client, url, params, monkeypatch):
    """The page rendered anew (a page version no cached entry has), the other caches kept."""
    monkeypatch.setattr(caching, "PAGE_VERSION", caching.PAGE_VERSION + 1)
    return client.get(url, params)


def test_a_second_render_reads_no_option_of_the_filters(client, snapshots, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get("/enterprises/", {"q": "科技"}).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = _render_again(client, "/enterprises/", {"q": "科技"}, monkeypatch).content.decode()
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert 'FROM "regions_city"' not in read and 'FROM "reports_scopeindicator"' not in read
    assert again == first
    assert '<label data-province="320000"><input type="checkbox" name="city" value="320100"> 南京市</label>' in again


def test_the_options_follow_the_language_and_a_chosen_city_without_members(client, snapshots):
    client.get("/enterprises/")
    page = client.get("/en/enterprises/").content.decode()
    assert 'value="320100"> Nanjing</label>' in page
    # 北京 has no member in the snapshot: not offered, unless chosen (a link from elsewhere).
    assert 'value="110100"' not in page
    page = client.get("/enterprises/", {"city": "110100"}).content.decode()
    assert 'value="110100" checked> 北京市</label>' in page


def test_a_small_selection_is_read_among_its_ids_without_its_filters_again(client, snapshots):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/enterprises/", {"q": "南京", "batch": "3", "population": "all"}).content.decode()
    (page_query,) = [q["sql"] for q in queries.captured_queries if q["sql"].endswith("LIMIT 50")]
    assert '"enterprises_enterprise"."id" = ANY(' in page_query
    assert "search_bigrams" not in page_query and "enterprises_designation" not in page_query
    assert re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page) == ["南京测试农机有限公司"]


def test_rows_link_to_the_enterprise_at_the_pages_snapshot(client, snapshots, world):
    earlier = snapshots["earlier"].as_of.isoformat()
    page = client.get("/enterprises/", {"as_of": earlier, "population": "all", "city": "320500"}).content.decode()
    code = world["A"].credit_code
    assert f'<a href="/enterprises/{code}/?as_of={earlier}">' in page
    row = re.search(r'<tr><th scope="row">.*?</tr>', page).group(0)
    assert '江苏省 ·</span> <span class="place-part">苏州市' in row and "新一代信息技术" in row and "科创板" in row
