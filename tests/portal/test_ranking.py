"""/rankings/<indicator>/: provinces or cities by any single-number indicator, ranked in SQL (RANK())."""

import datetime
import re

import pytest
from django.utils import timezone

from portal import selectors
from portal.pages import ranking
from reports.models import ScopeIndicator, Snapshot

from .test_chart_data import csv_rows

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


@pytest.fixture
def small_places(regions):
    """Cities of 四川 with very different populations: 凉山 has one enterprise and the highest share."""
    snapshot = Snapshot.objects.create(as_of=datetime.date(2023, 7, 31), status="complete", started_at=timezone.now())
    cities = {
        "513400": ("凉山彝族自治州", 1, 0.9, 5),
        "510100": ("成都市", 40, 0.5, 300),
        "510700": ("绵阳市", 12, 0.6, 90),
        "511100": ("乐山市", 2, 0.7, 8),
    }
    for code, (name, count, share, applications) in cities.items():
        ScopeIndicator.objects.create(
            snapshot=snapshot,
            scope="city",
            code=code,
            name=name,
            enterprise_count=count,
            metrics={"invention_share": share, "applications_total": applications},
        )
    return snapshot


def test_a_place_with_few_enterprises_gets_no_rank_for_a_share(client, small_places):
    assert ranking.MIN_RANKED_ENTERPRISES > 2
    page = client.get("/rankings/invention_share/", {"level": "city"}).content.decode()
    table = page.split('id="ranking"', 1)[1]
    # 成都 (40) and 绵阳 (12) are ranked among themselves; 凉山 (1) and 乐山 (2) follow without a rank.
    order = [table.index(f'id="r-{code}"') for code in ("510700", "510100", "513400", "511100")]
    assert order == sorted(order)
    assert re.search(r'id="r-510700">\s*<td class="num rank">1</td>', table)
    assert re.search(r'id="r-513400" class="unranked">\s*<td class="num">–</td>', table)
    assert "共2个有企业的城市参与排名" in page
    assert f"企业少于{ranking.MIN_RANKED_ENTERPRISES}家的地区不参与排名，列于表末。" in page
    english = client.get("/en/rankings/invention_share/", {"level": "city"}).content.decode()
    assert f"fewer than {ranking.MIN_RANKED_ENTERPRISES} enterprises are not ranked" in english
    # The chart's data: the ranked places with their ranks first, then the others without one.
    header, *rows = csv_rows(client.get("/charts/ranking/invention_share/ranking.csv", {"level": "city"}))
    assert [row[0] for row in rows] == ["1", "2", "", ""]
    assert [row[1] for row in rows][:2] == ["绵阳市", "成都市"]


def test_a_count_still_ranks_every_place(client, small_places):
    page = client.get("/rankings/applications_total/", {"level": "city"}).content.decode()
    table = page.split('id="ranking"', 1)[1]
    assert 'class="unranked"' not in table and "不参与排名" not in page
    assert re.search(r'id="r-513400">\s*<td class="num rank">4</td>', table)
    assert "共4个有企业的城市参与排名" in page
    rows = selectors.indicator_ranking(
        snapshot=small_places, scope="city", key="invention_share", order=("rank", "code"), min_count=0
    )
    assert rows[0]["code"] == "513400" and rows[0]["rank"] == 1  # what the minimum prevents
