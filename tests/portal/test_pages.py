"""Every page type in both languages, with empty, revoked and edge cases, and its query budget."""

import re
from pathlib import Path

import pytest

from .conftest import SCRIPT_NAME

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15


def page_urls(world):
    a = world["A"].credit_code
    return [
        "/",
        "/regions/320000/",
        "/regions/320000/320500/",
        "/regions/540000/",
        "/clusters/yrd/",
        "/clusters/gba/",
        f"/enterprises/{a}/",
        f"/enterprises/{world['R'].credit_code}/",
        "/compare/?codes=320000,440300,jjj",
        "/methodology/",
    ]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_page_type_answers_within_the_query_budget(
    client, snapshots, world, prefix, django_assert_max_num_queries
):
    for url in page_urls(world):
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(prefix + url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == ("en" if prefix else "zh-hans")


def test_province_profile_shows_every_block_in_the_report_order(client, snapshots):
    page = client.get("/regions/320000/").content.decode()
    blocks = [
        "资本市场参与情况",
        "科创能力画像",
        "行业特色",
        "批次构成",
        "历年专利申请量",
        "各城市专精特新",
        "代表性企业",
        "注：所有统计截至2023年7月31日",
    ]
    positions = [page.index(b) for b in blocks]
    assert positions == sorted(positions)
    # Headline: 2 members in 江苏 (A in 苏州, C in 南京; R is revoked), rank 1 among the provinces.
    assert re.search(r'<strong class="metric-value">2</strong>家专精特新', page)
    assert "企业数量居全国省份第1位（共2个省份有企业）" in page
    assert "截至2023年7月31日" in page


def test_cities_of_a_province_are_ranked_and_linked(client, snapshots):
    page = client.get("/regions/320000/").content.decode()
    assert 'href="/regions/320000/320500/"' in page and 'href="/regions/320000/320100/"' in page


def test_city_page_links_its_province(client, snapshots):
    page = client.get("/regions/320000/320500/").content.decode()
    assert '<a href="/regions/320000/">江苏省</a>' in page


def test_high_end_machinery_merges_power_agri_and_cnc(client, snapshots):
    # B (电力装备, 深圳) and C (农机装备, 南京): the national overview counts them as 高端机械装备.
    page = client.get("/").content.decode()
    assert "高端机械装备" in page
    assert "电力装备</th>" not in page and "农机装备</th>" not in page


def test_eight_indicators_carry_the_up_and_down_marks(client, snapshots):
    page = client.get("/regions/440000/440300/").content.decode()
    for key in (
        "applications_per_enterprise",
        "growth_cagr",
        "invention_share",
        "invention_grant_rate",
        "citations_per_enterprise",
        "licenses_per_enterprise",
        "pct_per_enterprise",
        "overseas_markets_per_enterprise",
    ):
        assert f'data-metric="{key}"' in page
    assert "高于全国平均" in page or "低于全国平均" in page
    assert "全国平均" in page


def test_a_region_without_members_shows_an_honest_empty_state(client, snapshots):
    response = client.get("/regions/540000/")
    assert response.status_code == 200
    assert "暂无专精特新“小巨人”企业" in response.content.decode()


def test_unknown_regions_answer_404(client, snapshots):
    assert client.get("/regions/999900/").status_code == 404
    assert client.get("/regions/320000/440300/").status_code == 404  # 深圳 is not in 江苏
    assert client.get("/clusters/xyz/").status_code == 404
    assert client.get("/enterprises/91320500XXXXXXXXXX/").status_code == 404


def test_as_of_selects_a_snapshot_and_rejects_unknown_dates(client, snapshots):
    page = client.get("/regions/320000/", {"as_of": "2022-12-31"}).content.decode()
    assert "注：所有统计截至2022年12月31日" in page
    assert client.get("/", {"as_of": "2020-01-01"}).status_code == 404
    assert client.get("/", {"as_of": "yesterday"}).status_code == 404


def test_the_as_of_selector_lists_the_complete_snapshots(client, snapshots):
    page = client.get("/").content.decode()
    assert '<option value="2023-07-31" selected>2023年7月31日</option>' in page
    assert '<option value="2022-12-31">2022年12月31日</option>' in page


def test_links_keep_an_older_snapshot(client, snapshots):
    page = client.get("/regions/320000/", {"as_of": "2022-12-31"}).content.decode()
    assert 'href="/regions/320000/320500/?as_of=2022-12-31"' in page


def test_profiles_show_the_change_since_the_earlier_snapshot(client, snapshots):
    page = client.get("/regions/320000/").content.decode()
    assert "较2022年12月31日" in page
    earliest = client.get("/regions/320000/", {"as_of": "2022-12-31"}).content.decode()
    assert "较" not in re.sub(r"<[^>]+>", "", earliest).split("科创能力画像")[1].split("行业特色")[0]


def test_representative_enterprises_link_their_profiles(client, snapshots, world):
    page = client.get("/clusters/yrd/").content.decode()
    assert f'href="/enterprises/{world["A"].credit_code}/"' in page
    assert world["R"].credit_code not in page


def test_cluster_lists_its_member_regions(client, snapshots):
    page = client.get("/clusters/gba/").content.decode()
    assert 'href="/regions/440000/440300/"' in page


def test_english_pages_use_english_names(client, snapshots):
    page = client.get("/en/regions/320000/").content.decode()
    assert "Jiangsu" in page
    assert '<html lang="en">' in page
    assert "as of 31 July 2023" in page


def test_the_table_scroll_hint_is_translated_by_the_catalogue(client, snapshots):
    # portal.js writes the hint from <body data-msg-scroll-hint>, which base.html translates.
    page = client.get("/regions/320000/").content.decode()
    assert 'data-msg-scroll-hint="左右滑动查看完整表格 →"' in page
    english = client.get("/en/regions/320000/").content.decode()
    assert 'data-msg-scroll-hint="Swipe sideways to see the whole table →"' in english


def test_the_portal_scripts_carry_no_chinese_words_of_their_own():
    # Words the scripts show come from the page (translated there); Chinese may appear only in comments.
    static = Path(__file__).resolve().parents[2] / "portal" / "static" / "portal"
    for script in static.glob("*.js"):
        code = re.sub(r"//[^\n]*|/\*.*?\*/", "", script.read_text(encoding="utf-8"), flags=re.S)
        assert not re.search(r"[\u4e00-\u9fff]", code), script.name


def test_language_switch_links_the_same_page(client, snapshots):
    page = client.get("/regions/320000/", {"as_of": "2022-12-31"}).content.decode()
    assert 'href="/en/regions/320000/?as_of=2022-12-31"' in page
    english = client.get("/en/regions/320000/").content.decode()
    assert 'href="/regions/320000/"' in english


def test_enterprise_profile_shows_identity_measures_and_patents(client, snapshots, world):
    page = client.get(f"/enterprises/{world['A'].credit_code}/").content.decode()
    for text in (
        "苏州旧名科技有限公司",
        "科创板",
        "第1批",
        "复核通过",
        "江苏省平均",
        "全国平均",
        "行业百分位",
        "专利列表",
        "主要IPC分类",
    ):
        assert text in page, text
    # P(e) at 2023-07-31: five patents, including the co-applied utility model.
    assert "专利构成（共5件）" in page
    # Since 2022-12-31 A gained one application (the utility model published 2023-02-01).
    assert "较2022年12月31日" in page
    assert '<td class="num">+1</td>' in page


def test_revoked_enterprise_says_so(client, snapshots, world):
    page = client.get(f"/enterprises/{world['R'].credit_code}/").content.decode()
    assert "认定已撤销" in page
    assert "科创指标与平均水平" not in page


def test_enterprise_name_with_markup_renders_as_text(client, snapshots, world):
    for url in (f"/enterprises/{world['A'].credit_code}/", "/regions/320000/320500/", "/clusters/yrd/"):
        page = client.get(url).content.decode()
        assert SCRIPT_NAME not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_patents_are_paged_by_keyset_and_filtered(client, snapshots, world):
    from tests.reports.factories import patents_bulk

    a = world["A"]
    import datetime

    patents_bulk(a, count=25, office="JP", published=datetime.date(2019, 1, 1), prefix="JP-KS")
    url = f"/enterprises/{a.credit_code}/"
    first = client.get(url).content.decode()
    numbers_first = re.findall(r"<code>([A-Z]{2}[-\w]+)</code></td>", first)
    assert len(numbers_first) == 20
    following = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(following).content.decode()
    numbers_second = re.findall(r"<code>([A-Z]{2}[-\w]+)</code></td>", second)
    assert len(numbers_second) == 30 - 20
    assert not set(numbers_first) & set(numbers_second)
    filtered = client.get(url, {"office": "WO"}).content.decode()
    assert len(re.findall(r"<code>([A-Z]{2}[-\w]+)</code></td>", filtered)) == 1


def test_methodology_documents_the_composite_and_limits(client, snapshots):
    page = client.get("/methodology/").content.decode()
    for text in ("统计范围", "growth_cagr", "代表性企业的综合得分", "已知局限", "Apache ECharts", "GB/T 2260"):
        assert text in page
    english = client.get("/en/methodology/").content.decode()
    assert "Known limits" in english


def test_compare_shows_up_to_four_regions_beside_the_nation(client, snapshots):
    page = client.get("/compare/", {"codes": "320000,440300,jjj,yrd,gba"}).content.decode()
    assert "最多比较4个地区" in page
    assert 'data-region="national/CN"' in page and 'data-region="province/320000"' in page
    assert 'data-region="cluster/gba"' not in page
    unknown = client.get("/compare/", {"codes": "abc"}).content.decode()
    assert "无法识别的地区：abc" in unknown


def test_without_any_snapshot_the_home_page_says_so(client, world):
    response = client.get("/")
    assert response.status_code == 200
    assert "指标尚未计算" in response.content.decode()
