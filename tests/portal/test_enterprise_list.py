"""/enterprises/: the FilterSet shared with the API, sorting by measures, bounded pages, the export link."""

import re

import pytest

pytestmark = pytest.mark.django_db

# The bounded count reads the matching ids (at most the rows the pages can show, plus one).
IDS_QUERY = 'SELECT "enterprises_enterprise"."id" AS "pk" FROM "enterprises_enterprise"'
# The other bounded read of ids: the matching enterprises the snapshot does not count.
UNCOUNTED = '"enterprise_id" IS NULL'


def counts(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(IDS_QUERY) and UNCOUNTED not in q["sql"]]


def names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/enterprises/[^"]+">([^<]+)</a>', page)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_list_answers_in_both_languages_within_the_query_budget(
    client, snapshots, prefix, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        response = client.get(f"{prefix}/enterprises/", {"province": "320000", "sort": "-applications"})
    assert response.status_code == 200


def test_filters_by_province_and_city_as_the_api_does(client, snapshots):
    page = client.get("/enterprises/", {"province": "440000"}).content.decode()
    assert names(page) == ["深圳测试电力装备有限公司"]
    # Every enterprise on file (the revoked R too), as the API lists them.
    page = client.get("/enterprises/", {"city": "320100", "population": "all"}).content.decode()
    assert set(names(page)) == {"南京测试农机有限公司", "南京撤销科技有限公司"}


def test_search_covers_former_names_and_credit_codes(client, snapshots, world):
    page = client.get("/enterprises/", {"q": "苏州旧名"}).content.decode()
    assert len(names(page)) == 1
    page = client.get("/enterprises/", {"q": world["B"].credit_code[:12]}).content.decode()
    assert "深圳测试电力装备有限公司" in names(page)


def test_sorting_by_applications_puts_the_most_active_first(client, snapshots):
    page = client.get("/enterprises/", {"sort": "-applications", "population": "all"}).content.decode()
    # A has 5 patents at 2023-07-31, B 3, C 1; R is outside the population (no measure) and sorts last.
    assert names(page)[:3] == [
        "&lt;script&gt;alert(1)&lt;/script&gt;科技有限公司",
        "深圳测试电力装备有限公司",
        "南京测试农机有限公司",
    ]
    assert names(page)[-1] == "南京撤销科技有限公司"


def test_an_invalid_filter_shows_no_rows_instead_of_ignoring_it(client, snapshots):
    page = client.get("/enterprises/", {"province": "999999"}).content.decode()
    assert names(page) == []
    assert "共0家企业" in page


def test_the_export_link_carries_the_current_selection(client, snapshots):
    page = client.get("/enterprises/", {"province": "320000", "sort": "-applications", "page": "1"}).content.decode()
    assert 'href="/api/v1/enterprises/?province=320000&amp;format=csv"' in page


def test_pages_are_bounded(client, snapshots):
    response = client.get("/enterprises/", {"page": "100000"})
    assert response.status_code == 200
    assert "第1页，共1页" in response.content.decode()


def test_the_count_stops_at_the_rows_the_pages_can_show(client, snapshots, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal import views

    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 2)
    monkeypatch.setattr(views, "LIST_MAX_PAGES", 1)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/enterprises/").content.decode()

    assert "超过2家企业" in page  # the world has more enterprises than one page of two
    assert len(names(page)) == 2
    counted = counts(queries.captured_queries)
    assert counted and all("LIMIT 3" in sql for sql in counted)  # never a count of every enterprise


def test_a_selection_within_the_pages_is_read_among_its_matching_ids(client, snapshots):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/enterprises/", {"city": "320100", "population": "all"}).content.decode()

    assert set(names(page)) == {"南京测试农机有限公司", "南京撤销科技有限公司"}
    assert len(counts(queries.captured_queries)) == 1
    (page_query,) = [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"] and "LIMIT 50" in q["sql"]]
    # The page's rows are looked up among the ids the count read, not found by walking the name order:
    # as one array, which is planned as fast for 2,000 ids as for 2.
    assert '"enterprises_enterprise"."id" = ANY(' in page_query


def test_a_large_selection_is_read_in_order_without_a_list_of_ids(client, snapshots, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.pages import listing

    monkeypatch.setattr(listing, "SMALL_SELECTION", 1)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/enterprises/", {"city": "320100", "population": "all"}).content.decode()

    assert set(names(page)) == {"南京测试农机有限公司", "南京撤销科技有限公司"}
    (page_query,) = [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"] and "LIMIT 50" in q["sql"]]
    assert '"enterprises_enterprise"."id" IN (' not in page_query
    assert '"enterprises_enterprise"."id" = ANY(' not in page_query


def test_a_selection_within_the_pages_shows_its_exact_count(client, snapshots):
    page = client.get("/enterprises/", {"city": "320100", "population": "all"}).content.decode()
    assert "共2家企业" in page
