"""/api/v1/provinces/ and /api/v1/cities/, and the snapshot ETag they share with the indicator endpoints."""

import datetime

import pytest

from regions.models import Province
from reports import services as report_services
from tests.api_helpers import body_of, fresh_throttles  # noqa: F401
from tests.factories import DesignationFactory, EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]


@pytest.fixture
def snapshot(regions):
    DesignationFactory(enterprise=EnterpriseFactory())
    return report_services.snapshot_compute(as_of=datetime.date(2023, 7, 31))


def test_provinces_with_their_counts(client, snapshot):
    rows = client.get("/api/v1/provinces/").json()
    assert [row["code"] for row in rows] == list(Province.objects.order_by("code").values_list("code", flat=True))
    jiangsu = next(row for row in rows if row["code"] == "320000")
    assert (jiangsu["name"], jiangsu["enterprise_count"]) == ("江苏省", 1)
    assert next(row for row in rows if row["code"] == "110000")["enterprise_count"] == 0


def test_cities_filtered_by_province_and_cluster(client, snapshot):
    suzhou = next(
        row for row in client.get("/api/v1/cities/", {"province": "320000"}).json() if row["code"] == "320500"
    )
    assert (suzhou["cluster"], suzhou["enterprise_count"]) == ("yrd", 1)
    gba = client.get("/api/v1/cities/", {"cluster": "gba"}).json()
    assert len(gba) == 9
    assert client.get("/api/v1/cities/", {"province": "99"}).status_code == 400


def test_divisions_without_a_snapshot_have_null_counts(client, regions):
    assert client.get("/api/v1/provinces/").json()[0]["enterprise_count"] is None


def test_divisions_export_as_csv(client, snapshot):
    text = body_of(client.get("/api/v1/provinces/", {"format": "csv"})).decode()
    assert text.splitlines()[0] == "code,name,short_name,name_en,is_municipality,enterprise_count,applications_total"


@pytest.mark.parametrize(
    "url",
    ["/api/v1/provinces/", "/api/v1/cities/", "/api/v1/indicators/province/", "/api/v1/indicators/province/320000/"],
)
def test_conditional_get_on_the_snapshot_etag(client, snapshot, url):
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == etag
    assert not unchanged.content
    # Recomputing the snapshot changes the ETag: the old one no longer matches.
    report_services.snapshot_compute(as_of=datetime.date(2023, 7, 31))
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_etag_differs_per_representation(client, snapshot):
    assert client.get("/api/v1/provinces/")["ETag"] != client.get("/api/v1/provinces/", {"format": "csv"})["ETag"]
