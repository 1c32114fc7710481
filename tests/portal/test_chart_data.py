"""/charts/<page>/<key>/<chart>.csv|xlsx: the "数据" beside every chart and table, rebuilt by the page's builder."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from .conftest import AS_OF, EARLIER

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel on Windows reads UTF-8 only with a BOM
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def data_links(html: str) -> list[str]:
    return re.findall(r'class="chart-download" href="([^"]+)"', html)


PAGES = [
    ("/", {"batches", "provinces", "cities", "industries", "boards", "pct-buckets", "overseas-buckets", "years", "clusters",
           "panel", "clusters-table"}),
    ("/regions/320000/", {"industries", "batches", "years", "panel", "members"}),
    ("/regions/320000/320500/", {"industries", "batches", "years", "panel"}),
    ("/clusters/yrd/", {"industries", "batches", "years", "panel", "members"}),
    ("/compare/?places=320000,440000", {"compare-years", "compare-industries", "compare-table"}),
    ("/rankings/invention_share/", {"ranking"}),
]  # fmt: skip


@pytest.mark.parametrize("url,charts", PAGES)
def test_every_chart_and_table_offers_its_data_and_every_link_answers(client, snapshots, url, charts):
    html = client.get(url).content.decode()
    links = data_links(html)
    assert {link.split("/")[-1].split(".")[0] for link in links} == charts
    for link in links:
        rows = csv_rows(client.get(link))
        assert rows[0] and all(rows[0]), link  # a labelled header
        assert f'href="{link.replace(".csv", ".xlsx")}"' in html
    for chart in charts:
        assert f'class="chart-share" href="{url.split("?")[0]}' in html
        assert f'#{chart}"' in html and f'id="{chart}"' in html


def test_an_enterprise_profile_offers_its_charts_and_measures(client, snapshots, world):
    code = world["A"].credit_code
    html = client.get(f"/enterprises/{code}/").content.decode()
    names = {link.split("/")[-1].split(".")[0] for link in data_links(html)}
    assert names == {"enterprise-years", "enterprise-types", "enterprise-offices", "enterprise-measures"}
    header, *rows = csv_rows(client.get(f"/charts/enterprise/{code}/enterprise-measures.csv"))
    assert header[:2] == ["指标", "本企业"]
    assert rows[0][:2] == ["专利申请", "5"]


def test_the_csv_holds_the_charts_numbers_with_human_labels(client, snapshots):
    header, *rows = csv_rows(client.get("/charts/overview/national/provinces.csv"))
    assert header == ["省份", "企业数（家）"]
    assert rows == [["江苏省", "2"], ["广东省", "1"]]
    header, *rows = csv_rows(client.get("/charts/province/320000/batches.csv"))
    assert header == ["批次", "企业数（家）"]
    assert rows == [["第1批", "1"], ["第3批", "1"]]


def test_the_english_file_is_labelled_in_english(client, snapshots):
    header, *rows = csv_rows(client.get("/en/charts/overview/national/provinces.csv"))
    assert header == ["Province", "Enterprises"]
    assert rows[0] == ["Jiangsu", "2"]


def test_the_file_follows_the_pages_snapshot(client, snapshots):
    html = client.get("/regions/320000/", {"as_of": EARLIER.isoformat()}).content.decode()
    link = next(link for link in data_links(html) if "/years.csv" in link)
    assert link.endswith(f"?as_of={EARLIER.isoformat()}")
    response = client.get(link)
    assert response["Content-Disposition"] == f'attachment; filename="province-320000-years-{EARLIER}.csv"'
    years = {row[0].rstrip("*") for row in csv_rows(response)[1:]}
    assert "2023" not in years  # the earlier snapshot ends in 2022
    current = client.get("/charts/province/320000/years.csv")
    assert current["Content-Disposition"].endswith(f'years-{AS_OF}.csv"')
    assert "2023" in {row[0].rstrip("*") for row in csv_rows(current)[1:]}


def test_the_xlsx_holds_numbers_as_numbers(client, snapshots):
    response = client.get("/charts/overview/national/provinces.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert list(sheet.values) == [("省份", "企业数（家）"), ("江苏省", 2), ("广东省", 1)]


def test_indicator_values_are_rounded_as_printed_and_shares_given_in_per_cent(client, snapshots):
    from reports.models import ScopeIndicator

    metrics = ScopeIndicator.objects.get(snapshot=snapshots["current"], scope="province", code="320000").metrics
    header, *rows = csv_rows(client.get("/charts/province/320000/panel.csv"))
    assert header == ["维度", "指标", "单位", "数值", "全国平均"]
    by_name = {row[1]: row for row in rows}
    assert by_name["发明专利占比"][2] == "%"
    assert by_name["发明专利占比"][3] == str(round(metrics["invention_share"] * 100, 1))
    assert by_name["专利申请总量"][2] == "件/家"
    assert by_name["专利申请总量"][3] == str(round(metrics["applications_per_enterprise"], 1))
    assert all(len(cell.rpartition(".")[2]) <= 2 for row in rows for cell in row[3:] if cell)

    header, *rows = csv_rows(client.get("/charts/ranking/invention_share/ranking.csv"))
    assert header[2] == "发明专利占比（%）"
    assert float(rows[0][2]) > 1  # in per cent, not a fraction
    header, *_rows = csv_rows(client.get("/en/charts/ranking/invention_share/ranking.csv"))
    assert header[2].endswith(" (%)")


def test_the_ranking_file_follows_the_level(client, snapshots):
    header, *rows = csv_rows(client.get("/charts/ranking/enterprise_count/ranking.csv", {"level": "city"}))
    assert header[:3] == ["排名", "城市", "所属省份"]
    assert {row[1] for row in rows} == {"苏州市", "南京市", "深圳市"}


@pytest.mark.parametrize(
    "url",
    [
        "/charts/overview/national/nothing.csv",
        "/charts/province/990000/years.csv",
        "/charts/region/320000/years.csv",
        "/charts/ranking/not_an_indicator/ranking.csv",
        "/charts/compare/zz/compare-table.csv",
        "/charts/enterprise/91320000000000000X/enterprise-types.csv",
        "/charts/province/540000/years.csv",  # 西藏 has no member: no charts
    ],
)
def test_unknown_pages_and_charts_are_404(client, snapshots, url):
    assert client.get(url).status_code == 404


def test_batch_colours_follow_the_batch_not_its_position(client, snapshots):
    import json

    def pie(url):
        html = client.get(url).content.decode()
        spec = re.search(r'<script id="chart-data-batches" type="application/json">(.*?)</script>', html).group(1)
        return json.loads(spec)

    jiangsu = pie("/regions/320000/")  # batches 1 and 3
    nanjing = pie("/regions/320000/320100/")  # batch 3 only: first position, still batch 3's colour
    colours = dict(zip(jiangsu["categories"], jiangsu["colours"], strict=True))
    assert colours["第1批"] != colours["第3批"]
    assert nanjing["categories"] == ["第3批"] and nanjing["colours"] == [colours["第3批"]]
    assert pie("/regions/440000/")["colours"] != [colours["第3批"]]  # 广东: batch 2, its own colour


def test_an_empty_city_offers_no_report(client, snapshots):
    empty = client.get("/regions/540000/").content.decode()  # 西藏: no counted enterprise
    assert "/reports/province/540000/" not in empty
    assert "/reports/province/320000/" in client.get("/regions/320000/").content.decode()


def test_cluster_rankings(client, snapshots):
    page = client.get("/rankings/enterprise_count/", {"level": "cluster"}).content.decode()
    assert "未知的排名层级" not in page
    assert 'href="/clusters/yrd/"' in page and 'id="r-yrd"' in page
    assert '<option value="cluster" selected>' in page
    header, *rows = csv_rows(client.get("/charts/ranking/enterprise_count/ranking.csv", {"level": "cluster"}))
    assert header[:2] == ["排名", "城市群"]
    assert [row[:2] for row in rows][0] == ["1", "长三角"]
    # A cluster's panel links to the clusters' ranking at its own row.
    assert "/rankings/invention_share/?level=cluster#r-yrd" in client.get("/clusters/yrd/").content.decode()
