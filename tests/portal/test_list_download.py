"""/enterprises/download/: the list as a file for people (labels, measures, snapshot, sort, BOM, XLSX)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from .conftest import AS_OF, EARLIER

pytestmark = pytest.mark.django_db

A_NAME = "<script>alert(1)</script>科技有限公司"


def download(client, prefix="", **params):
    response = client.get(f"{prefix}/enterprises/download/", params)
    assert response.status_code == 200, response.content[:300]
    return response


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel on Windows reads UTF-8 only with a BOM
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_is_labelled_in_chinese_with_the_pages_measures_and_sort(client, snapshots, world):
    response = download(client, sort="-applications", format="csv")
    assert response["Content-Disposition"] == f'attachment; filename="enterprises-{AS_OF.isoformat()}.csv"'
    header, *rows = csv_rows(response)
    assert header == [
        "企业名称", "统一社会信用代码", "省份", "城市", "产业领域", "上市板块", "批次", "纳入统计",
        "专利申请", "有效发明专利", "被引次数", "PCT申请",
    ]  # fmt: skip
    # The counted population, most applications first: A 5, B 3, C 1 (R is revoked: not counted).
    assert [row[0] for row in rows] == [A_NAME, "深圳测试电力装备有限公司", "南京测试农机有限公司"]
    a = rows[0]
    assert a[1] == world["A"].credit_code
    assert a[2:8] == ["江苏省", "苏州市", "新一代信息技术", "科创板", "第1批", "是"]
    assert a[8] == "5"
    assert rows[2][5] == "未上市"


def test_the_english_csv_has_english_headers_and_labels(client, snapshots):
    header, *rows = csv_rows(download(client, "/en", city="320500", format="csv"))
    assert header[:3] == ["Enterprise name", "Unified social credit code", "Province"]
    assert rows[0][2:8] == [
        "Jiangsu",
        "Suzhou",
        "Next-generation information technology",
        "STAR Market",
        "Batch 1",
        "yes",
    ]


def test_the_download_follows_the_pages_snapshot_and_population(client, snapshots):
    response = download(client, as_of=EARLIER.isoformat(), city="320100", population="all", format="csv")
    assert response["Content-Disposition"].endswith(f'enterprises-{EARLIER.isoformat()}.csv"')
    header, *rows = csv_rows(response)
    by_name = {row[0]: row for row in rows}
    # At the end of 2022, C (designated 2021) is counted with its one patent of 2022-09; R never is.
    assert by_name["南京测试农机有限公司"][7:9] == ["是", "1"]
    assert by_name["南京撤销科技有限公司"][6:9] == ["", "否", ""]


def test_the_xlsx_holds_the_same_rows(client, snapshots):
    response = download(client, sort="-applications", format="xlsx")
    assert response["Content-Disposition"].endswith(f'enterprises-{AS_OF.isoformat()}.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0][0] == "企业名称"
    assert [row[0] for row in values[1:]] == [A_NAME, "深圳测试电力装备有限公司", "南京测试农机有限公司"]
    assert values[1][8] == 5  # numbers stay numbers


def test_a_bad_filter_or_format_is_refused_by_name(client, snapshots):
    response = client.get("/enterprises/download/", {"province": "999999"})
    assert response.status_code == 400
    assert "province" in response.content.decode()
    assert client.get("/enterprises/download/", {"format": "pdf"}).status_code == 400


def test_the_list_links_to_its_download_with_its_selection(client, snapshots):
    page = client.get("/enterprises/", {"province": "320000", "sort": "-applications", "page": "1"}).content.decode()
    assert 'href="/enterprises/download/?province=320000&amp;sort=-applications&amp;format=csv"' in page
    assert 'href="/enterprises/download/?province=320000&amp;sort=-applications&amp;format=xlsx"' in page


def test_an_invalid_selection_offers_no_download(client, snapshots):
    page = client.get("/enterprises/", {"province": "999999"}).content.decode()
    assert "/enterprises/download/" not in page
