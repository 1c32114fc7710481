"""数据与API (/data/): bulk files per snapshot with their dictionary; Open Graph tags; the methodology page."""

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
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("url", ["/", "/regions/320000/", "/methodology/", "/compare/", "/enterprises/"])
def test_every_page_links_to_the_data_page(client, snapshots, url):
    html = client.get(url).content.decode()
    assert 'href="/data/"' in html


def test_the_data_page_offers_the_snapshots_files_the_api_licence_and_terms(client, snapshots):
    html = client.get("/data/", {"as_of": EARLIER.isoformat()}).content.decode()
    assert f'href="/data/indicators.csv?as_of={EARLIER}"' in html
    assert f'href="/data/indicators.xlsx?as_of={EARLIER}"' in html
    assert f"/enterprises/download/?as_of={EARLIER}&amp;population=all&amp;format=csv" in html
    assert 'href="/api/docs/"' in html and 'href="/api/schema/"' in html
    assert "MIT" in html and 'id="terms"' in html
    # The dictionary names every column of the indicator file, with its meaning and unit.
    header = csv_rows(client.get(f"/data/indicators.csv?as_of={EARLIER}"))[0]
    for column in header:
        assert f'<th scope="row">{column}</th>' in html, column
    assert "发明专利申请之和除以专利申请之和。" in html


def test_the_english_data_page(client, snapshots):
    html = client.get("/en/data/").content.decode()
    assert "<h1>Data and API</h1>" in html
    main = re.sub(r'lang="zh-CN"[^>]*>[^<]*', "", html.split("<main", 1)[1])
    assert not re.search(r"[\u4e00-\u9fff]", main)
    full_width = re.search(r"[：，。（）]", main)  # no full-width punctuation either ("Region indicators：")
    assert full_width is None, main[full_width.start() - 120 : full_width.end()]


def test_the_indicator_file_holds_every_region_of_the_snapshot(client, snapshots):
    header, *rows = csv_rows(client.get("/data/indicators.csv"))
    assert header[:4] == ["口径", "代码", "名称", "企业数"]
    by_code = {row[1]: row for row in rows}
    assert by_code["CN"][:4] == ["全国", "CN", "全国", "3"]
    assert by_code["320000"][:4] == ["省份", "320000", "江苏省", "2"]
    assert by_code["320500"][:4] == ["城市", "320500", "苏州市", "1"]
    assert by_code["yrd"][0] == "城市群"
    share = header.index("发明专利占比")
    assert 0 <= float(by_code["CN"][share]) <= 1  # raw, as the API gives it
    earlier = csv_rows(client.get("/data/indicators.csv", {"as_of": EARLIER.isoformat()}))
    assert {row[1]: row for row in earlier[1:]}["CN"][3] == "3"


def test_the_indicator_file_in_english_and_as_xlsx(client, snapshots):
    header, *rows = csv_rows(client.get("/en/data/indicators.csv"))
    assert header[:4] == ["Scope", "Code", "Name", "Enterprise count"]
    assert ["Province", "320000", "Jiangsu", "2"] in [row[:4] for row in rows]
    response = client.get("/data/indicators.xlsx")
    assert response["Content-Disposition"].endswith(f'indicators-{AS_OF}.xlsx"')
    values = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert values[0][:3] == ("口径", "代码", "名称")
    assert ("省份", "320000", "江苏省", 2) in [row[:4] for row in values[1:]]


def test_the_indicator_file_streams(client, snapshots):
    response = client.get("/data/indicators.csv")
    assert response.streaming
    assert response["Content-Disposition"] == f'attachment; filename="indicators-{AS_OF}.csv"'


@pytest.mark.parametrize(
    "url,title",
    [
        ("/", "全国概览"),
        ("/regions/320000/", "江苏省"),
        ("/en/regions/320000/", "Jiangsu"),
        ("/data/", "数据与API"),
        ("/methodology/", "指标定义与方法说明"),
        ("/rankings/invention_share/?x=1", "发明专利占比"),
    ],
)
def test_every_public_page_has_open_graph_tags(client, snapshots, url, title):
    html = client.get(url).content.decode()
    tags = dict(re.findall(r'<meta property="(og:[a-z:_]+)" content="([^"]*)"', html))
    assert title in tags["og:title"]
    assert tags["og:description"]
    assert tags["og:type"] == "website"
    assert tags["og:url"] == "http://testserver" + url.split("?")[0]  # the page's own parameters only
    assert tags["og:locale"] == ("en_GB" if url.startswith("/en/") else "zh_CN")


def test_the_methodology_page_shows_names_not_identifiers_paths_or_a_stray_button(client, snapshots):
    for prefix in ("", "/en"):
        html = client.get(f"{prefix}/methodology/").content.decode()
        main = html.split("<main", 1)[1]
        assert "<code>" not in main
        assert "invention_applications" not in main.replace('id="m-invention_applications"', "")
        assert "PROVENANCE" not in html and "regions/data" not in html
        assert 'class="as-of-form"' not in html  # no date to choose: its 切换 button showed without script
    assert "发明专利申请" in client.get("/methodology/").content.decode()
