"""/rankings/<indicator>/: provinces or cities by any single-number indicator, ranked in SQL (RANK())."""

import datetime

import pytest
from django.utils import timezone

from portal import selectors
from reports.models import ScopeIndicator, Snapshot

pytestmark = pytest.mark.django_db


def test_ranks_are_shared_by_ties_and_the_next_rank_is_skipped(regions):
    snapshot = Snapshot.objects.create(as_of=datetime.date(2023, 7, 31), status="complete", started_at=timezone.now())
    values = {"320000": 0.5, "440000": 0.7, "330000": 0.5, "110000": 0.2, "540000": None}
    for code, share in values.items():
        ScopeIndicator.objects.create(
            snapshot=snapshot,
            scope="province",
            code=code,
            name=code,
            enterprise_count=3,
            metrics={"invention_share": share},
        )
    # A province without members is no peer, whatever its stored value.
    ScopeIndicator.objects.create(
        snapshot=snapshot,
        scope="province",
        code="650000",
        name="x",
        enterprise_count=0,
        metrics={"invention_share": 0.9},
    )
    rows = selectors.indicator_ranking(
        snapshot=snapshot, scope="province", key="invention_share", order=("rank", "code")
    )
    # 广东 0.7 first; 江苏 and 浙江 tie at 0.5 (both 2nd); 北京 0.2 is 4th; 西藏 has no value: not ranked.
    assert [(r["code"], r["rank"]) for r in rows] == [("440000", 1), ("320000", 2), ("330000", 2), ("110000", 4)]
    reverse = selectors.indicator_ranking(
        snapshot=snapshot, scope="province", key="invention_share", order=("-rank", "code")
    )
    assert [r["code"] for r in reverse] == ["110000", "320000", "330000", "440000"]


def test_the_province_ranking_shows_each_rank_and_the_national_value(client, snapshots):
    page = client.get("/rankings/enterprise_count/").content.decode()
    # 江苏 has A and C (R is revoked), 广东 has B: two provinces with members, nation 3.
    assert page.index("江苏省") < page.index("广东省")
    assert 'data-region="national/CN" data-value="3"' in page
    assert 'id="r-320000"' in page and 'id="r-440000"' in page
    assert "共2个有企业的省份参与排名" in page


def test_the_city_ranking_names_each_city_with_its_province(client, snapshots):
    page = client.get("/en/rankings/enterprise_count/", {"level": "city"}).content.decode()
    for city in ("Suzhou", "Shenzhen", "Nanjing"):
        assert city in page
    assert "Jiangsu" in page and "Guangdong" in page
    assert "江苏" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_sort_turns_the_ranking_over(client, snapshots):
    page = client.get("/rankings/enterprise_count/", {"sort": "-rank"}).content.decode()
    assert page.index("广东省") < page.index("江苏省")


def test_an_unknown_indicator_is_not_found_and_an_unknown_level_is_said(client, snapshots):
    assert client.get("/rankings/applications_by_year/").status_code == 404
    assert client.get("/rankings/nonsense/").status_code == 404
    page = client.get("/rankings/enterprise_count/", {"level": "county"}).content.decode()
    assert "未知的排名层级“county”" in page


def test_every_indicator_of_a_profile_links_to_its_ranking(client, snapshots):
    page = client.get("/regions/320000/320500/").content.decode()
    assert '/rankings/invention_share/?level=city#r-320500"' in page
    province = client.get("/regions/320000/").content.decode()
    assert '/rankings/growth_cagr/?level=province#r-320000"' in province
    # The headline's rank among the provinces links to the ranking by enterprise count.
    assert '/rankings/enterprise_count/?level=province#r-320000">查看排名</a>' in province


def test_the_ranking_page_stays_within_the_query_budget(client, snapshots, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get("/en/rankings/invention_share/", {"level": "city"}).status_code == 200
