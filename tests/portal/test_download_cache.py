"""Chart and bulk downloads are cached like the pages (#26): a repeated download reads no table; an edit of
the data or a new snapshot leads to a new file. Files stay streamed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.choices import DesignationStatus
from reports import services
from tests.reports.factories import enterprise

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    assert response.status_code == 200
    assert response.streaming  # a kept file is still sent as a stream
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "url",
    [
        "/charts/overview/national/provinces.csv",
        "/en/charts/province/320000/batches.xlsx",
        "/charts/ranking/invention_share/ranking.csv?level=city",
        "/data/indicators.csv",
        "/en/data/indicators.xlsx",
    ],
)
def test_a_second_download_reads_no_table(client, snapshots, url, django_assert_num_queries):
    first = client.get(url)
    disposition = first["Content-Disposition"]
    content = body(first)
    with django_assert_num_queries(0):
        again = client.get(url)
        assert body(again) == content
    assert again["Content-Disposition"] == disposition
    assert again["Content-Type"] == first["Content-Type"]


def test_files_are_kept_per_language_snapshot_and_parameter(client, snapshots):
    chinese = body(client.get("/charts/overview/national/provinces.csv"))
    assert body(client.get("/en/charts/overview/national/provinces.csv")) != chinese
    earlier = client.get("/charts/province/320000/years.csv", {"as_of": "2022-12-31"})
    assert earlier["Content-Disposition"].endswith('years-2022-12-31.csv"')
    current = client.get("/charts/province/320000/years.csv", {"junk": "1"})
    assert current["Content-Disposition"].endswith('years-2023-07-31.csv"')
    body(current)  # kept once sent to the end
    # A parameter the file does not read makes no entry of its own.
    with CaptureQueriesContext(connection) as queries:
        body(client.get("/charts/province/320000/years.csv", {"junk": "2"}))
    assert not queries.captured_queries


def test_an_edit_and_a_new_snapshot_give_a_new_file(client, snapshots, world):
    url = "/charts/overview/national/provinces.csv"
    assert "广东省,1" in body(client.get(url)).decode("utf-8-sig")
    shenzhen = world["B"]
    shenzhen.name = "深圳改名电力装备有限公司"
    shenzhen.save()  # an edit: the file is made anew (the snapshot's numbers wait for its refresh)
    with CaptureQueriesContext(connection) as queries:
        assert "广东省,1" in body(client.get(url)).decode("utf-8-sig")
    assert queries.captured_queries
    enterprise(city="440100", designations=((2, DesignationStatus.CONFIRMED, datetime.date(2020, 7, 1)),))
    services.snapshot_compute(as_of=datetime.date(2023, 12, 31))
    response = client.get(url)
    assert response["Content-Disposition"].endswith('provinces-2023-12-31.csv"')
    assert "广东省,2" in body(response).decode("utf-8-sig")


def test_an_unknown_chart_is_not_kept(client, snapshots):
    assert client.get("/charts/province/320000/nothing.csv").status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/charts/province/320000/nothing.csv").status_code == 404
    assert queries.captured_queries


def test_with_redis_unreachable_files_and_the_list_are_made_anew(client, snapshots):
    from django.test import override_settings

    closed = {
        "default": {
            "BACKEND": "utilities.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: refused at once
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "retry_after": 5},
        }
    }
    with override_settings(CACHES=closed):  # Django's setting_changed receiver opens the new caches
        from django.core.cache import cache

        cache.set("probe", 1)
        assert cache.get("probe") is None  # really no cache
        for _ in range(2):
            assert "广东省,1" in body(client.get("/charts/overview/national/provinces.csv")).decode("utf-8-sig")
            page = client.get("/enterprises/", {"q": "南京"}).content.decode()
            assert 'value="320100"> 南京市</label>' in page and "南京测试农机有限公司" in page
