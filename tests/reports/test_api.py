"""/api/v1/indicators/ and /api/v1/snapshots/: response shape of interfaces.md, as_of selection, errors."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.utils import timezone

from reports import services
from reports.choices import SnapshotStatus
from reports.models import Snapshot

from .conftest import AS_OF
from .test_indicators import METRIC_KEYS, NATIONAL

pytestmark = pytest.mark.django_db

EARLIER = datetime.date(2022, 12, 31)


@pytest.fixture(autouse=True)
def _no_throttle_history():
    cache.clear()


@pytest.fixture
def snapshots(world):
    return {"earlier": services.snapshot_compute(as_of=EARLIER), "current": services.snapshot_compute(as_of=AS_OF)}


def test_indicator_detail_has_the_interface_shape(client, snapshots):
    response = client.get("/api/v1/indicators/province/320000/")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["scope", "code", "name", "as_of", "computed_at", "metrics"]
    assert (body["scope"], body["code"], body["name"], body["as_of"]) == ("province", "320000", "江苏省", "2023-07-31")
    assert body["computed_at"].startswith(timezone.localtime(snapshots["current"].computed_at).date().isoformat())
    assert list(body["metrics"]) == METRIC_KEYS
    assert list(body["metrics"]["pct_buckets"]) == ["0", "1-9", "10-99", "100+"]
    assert list(body["metrics"]["applications_by_year"]) == [str(y) for y in range(2014, 2024)]


def test_national_values_are_exact(client, snapshots):
    metrics = client.get("/api/v1/indicators/national/CN/").json()["metrics"]
    assert metrics["invention_share"] == pytest.approx(NATIONAL["invention_share"])
    assert metrics["applications_per_enterprise"] == 3.5
    assert metrics["employees_per_enterprise"] == 50.0


def test_empty_scope_answers_with_null_ratios(client, snapshots):
    metrics = client.get("/api/v1/indicators/province/650000/").json()["metrics"]
    assert metrics["enterprise_count"] == 0
    assert metrics["applications_per_enterprise"] is None
    assert metrics["invention_density"] is None


def test_as_of_selects_an_earlier_snapshot(client, snapshots):
    body = client.get("/api/v1/indicators/national/CN/", {"as_of": "2022-12-31"}).json()
    assert body["as_of"] == "2022-12-31"
    assert body["metrics"]["enterprise_count"] == 3


def test_default_is_the_newest_complete_snapshot_not_a_running_or_failed_one(client, snapshots):
    later = datetime.date(2024, 1, 31)
    Snapshot.objects.create(as_of=later, status=SnapshotStatus.RUNNING, started_at=timezone.now())
    Snapshot.objects.create(as_of=later, status=SnapshotStatus.FAILED, started_at=timezone.now())
    assert client.get("/api/v1/indicators/national/CN/").json()["as_of"] == "2023-07-31"
    response = client.get("/api/v1/indicators/national/CN/", {"as_of": later.isoformat()})
    assert response.status_code == 404
    assert "2024-01-31" in response.json()["detail"]


def test_scope_list_returns_every_code(client, snapshots):
    body = client.get("/api/v1/indicators/cluster/").json()
    assert (body["scope"], body["as_of"], body["count"]) == ("cluster", "2023-07-31", 3)
    assert [row["code"] for row in body["results"]] == ["gba", "jjj", "yrd"]
    assert all(list(row["metrics"]) == METRIC_KEYS for row in body["results"])
    assert all(row["computed_at"] == body["computed_at"] for row in body["results"])


def test_scope_list_reads_a_bounded_number_of_queries(client, snapshots, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/indicators/city/").json()
    assert body["count"] > 300


def test_unknown_scope_or_code_is_404_with_a_clear_message(client, snapshots):
    response = client.get("/api/v1/indicators/galaxy/")
    assert response.status_code == 404
    assert "Unknown scope 'galaxy'" in response.json()["detail"]
    response = client.get("/api/v1/indicators/province/999999/")
    assert response.status_code == 404
    assert "999999" in response.json()["detail"]


def test_bad_as_of_is_400(client, snapshots):
    response = client.get("/api/v1/indicators/national/CN/", {"as_of": "31.07.2023"})
    assert response.status_code == 400
    assert "as_of" in response.json()


def test_no_snapshot_yet_is_404(client, db):
    response = client.get("/api/v1/indicators/national/CN/")
    assert response.status_code == 404
    assert "no complete snapshot" in response.json()["detail"]


def test_snapshot_list(client, snapshots, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        body = client.get("/api/v1/snapshots/").json()
    assert [s["as_of"] for s in body["results"]] == ["2023-07-31", "2022-12-31"]
    first = body["results"][0]
    assert first["status"] == "complete"
    assert first["enterprise_count"] == 4
    assert first["duration_seconds"] >= 0
    assert client.get("/api/v1/snapshots/", {"status": "failed"}).json()["results"] == []
    assert client.get("/api/v1/snapshots/", {"status": "bogus"}).status_code == 400


def test_scope_list_as_csv_has_one_line_per_code_with_flattened_metrics(client, snapshots):
    response = client.get("/api/v1/indicators/cluster/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    assert header[:5] == ["scope", "code", "name", "as_of", "computed_at"]
    assert header[5:7] == ["enterprise_count", "applications_total"]
    assert "pct_buckets.100+" in header and "applications_by_year.2022" in header
    assert len(lines) == 4
    yrd = dict(zip(header, lines[[line.split(",")[1] for line in lines].index("yrd")].split(","), strict=False))
    assert (yrd["enterprise_count"], yrd["applications_total"], yrd["pct_buckets.1-9"]) == ("2", "10", "2")


def test_the_indicator_csv_neutralises_formula_names_and_keeps_negative_numbers_numbers(client, snapshots):
    from reports.models import ScopeIndicator

    row = ScopeIndicator.objects.get(snapshot=snapshots["current"], scope="cluster", code="yrd")
    row.name = '=HYPERLINK("http://x")'
    row.metrics = {**row.metrics, "applications_total": -3}  # not a real count: a negative number in a cell
    row.save()
    response = client.get("/api/v1/indicators/cluster/", {"format": "csv"})
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    yrd = dict(zip(table[0], next(line for line in table if line[1] == "yrd"), strict=True))
    assert yrd["name"] == '\'=HYPERLINK("http://x")'
    assert yrd["applications_total"] == "-3"


# --- hostile input: a client error, never a 500 ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/indicators/province/%00/",
        "/api/v1/indicators/province/32%000000/",
        "/api/v1/indicators/%00/",
        "/api/v1/snapshots/?status=%00",
        "/api/v1/indicators/national/CN/?as_of=2023-07-31%00",
        "/admin/enterprises/enterprise/?q=%00",
    ],
)
def test_a_nul_byte_is_a_client_error(client, snapshots, path):
    assert client.get(path).status_code in (400, 404)


def test_a_control_character_in_a_code_is_not_found(client, snapshots):
    assert client.get("/api/v1/indicators/province/%01/").status_code == 404


@pytest.mark.parametrize(
    "cursor",
    [
        "cD1hYmM=",  # p=abc
        "cD0xZTk5OTk=",  # p=1e9999
        "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ==",  # p=99999999999999999999999999 (beyond bigint)
        "bm90IGJhc2U2NA",  # not base64
    ],
)
def test_a_forged_cursor_is_a_400(client, snapshots, cursor):
    response = client.get("/api/v1/snapshots/", {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_a_cursor_from_a_response_still_pages(client, snapshots, settings):
    from reports.api.views import SnapshotPagination

    SnapshotPagination.page_size, size = 1, SnapshotPagination.page_size
    try:
        first = client.get("/api/v1/snapshots/").json()
        second = client.get(first["next"]).json()
    finally:
        SnapshotPagination.page_size = size
    assert [first["results"][0]["id"], second["results"][0]["id"]] == sorted(
        (s.pk for s in snapshots.values()), reverse=True
    )


def _failed_snapshot() -> Snapshot:
    return Snapshot.objects.create(
        as_of=AS_OF,
        status=SnapshotStatus.FAILED,
        started_at=timezone.now(),
        error='Traceback (most recent call last):\n  File "/srv/portal/reports/services.py", line 1\nProgrammingError: x',
    )


def test_anonymous_callers_do_not_see_the_traceback_of_a_failed_run(client):
    _failed_snapshot()
    body = client.get("/api/v1/snapshots/", {"status": "failed"}).content.decode()
    assert "Traceback" not in body and "services.py" not in body
    assert client.get("/api/v1/snapshots/", {"status": "failed"}).json()["results"][0]["error"]


def test_staff_see_the_traceback_of_a_failed_run(admin_client):
    _failed_snapshot()
    body = admin_client.get("/api/v1/snapshots/", {"status": "failed"}).json()
    assert body["results"][0]["error"].startswith("Traceback")


def test_a_recompute_completing_between_two_reads_of_a_request_is_not_a_404(client, snapshots, monkeypatch):
    """The request picks the visible snapshot, then a recompute replaces it before the row is read."""
    from reports import selectors as reads

    real_get = reads.scope_indicator_get
    replaced = []

    def get_after_a_recompute(*, snapshot, scope, code):
        if not replaced:
            replaced.append(services.snapshot_compute(as_of=AS_OF))  # deletes the snapshot being read
        return real_get(snapshot=snapshot, scope=scope, code=code)

    monkeypatch.setattr(reads, "scope_indicator_get", get_after_a_recompute)
    response = client.get("/api/v1/indicators/province/320000/")
    assert response.status_code == 200
    assert response.json()["computed_at"]


SNAPSHOT_READERS = ["/api/v1/indicators/national/CN/", "/api/v1/provinces/", "/api/v1/enterprises/{code}/"]


@pytest.mark.parametrize("url", SNAPSHOT_READERS)
def test_a_malformed_as_of_is_refused_alike_by_every_endpoint_that_reads_a_snapshot(client, snapshots, world, url):
    code = world["A"].credit_code
    response = client.get(url.format(code=code), {"as_of": "31.07.2023"})
    # The shape of every refused value in the API (README): the parameter and a list of messages.
    assert (response.status_code, response.json()) == (
        400,
        {"as_of": ["'31.07.2023' is not a date in the form YYYY-MM-DD."]},
    )


@pytest.mark.parametrize("url", SNAPSHOT_READERS)
def test_an_as_of_without_a_snapshot_is_404_alike_on_every_endpoint_that_reads_one(client, snapshots, world, url):
    code = world["A"].credit_code
    response = client.get(url.format(code=code), {"as_of": "2020-01-01"})
    assert (response.status_code, response.json()["detail"]) == (
        404,
        "No complete snapshot for as_of=2020-01-01; see /api/v1/snapshots/ for the available dates.",
    )
