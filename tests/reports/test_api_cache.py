"""Anonymous reads of the indicator endpoints served from the cache, keyed by their snapshot (#28).

A hit costs no query: which snapshot is current is itself cached under the snapshot version, which every
save or delete of a snapshot advances; a refresh (``data_read_at`` moves) or a new snapshot makes the old
entries unreachable.
"""

import pytest
from django.core.cache import cache
from django.utils import timezone

from reports import services
from reports.models import Snapshot
from utilities.api.caching import snapshot_written

from .conftest import AS_OF

pytestmark = pytest.mark.django_db

DETAIL = "/api/v1/indicators/province/320000/"


@pytest.fixture(autouse=True)
def _no_throttle_history():
    cache.clear()


@pytest.fixture
def snapshot(world):
    return services.snapshot_compute(as_of=AS_OF)


@pytest.mark.parametrize(
    "url",
    [DETAIL, "/api/v1/indicators/province/", f"{DETAIL}?format=csv", "/api/v1/provinces/", "/api/v1/cities/"],
)
def test_a_hit_costs_no_query(client, snapshot, url, django_assert_num_queries):
    first = client.get(url)
    assert first.status_code == 200

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_a_refresh_of_the_snapshot_is_read_at_once(client, snapshot, world):
    before = client.get(DETAIL)
    # An incremental refresh rewrites some rows and moves refreshed_at (its save advances the version).
    services.snapshot_refresh_enterprises(enterprise_ids=[world["A"].pk])

    after = client.get(DETAIL, headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]


def test_a_snapshot_change_without_signals_is_not_seen_until_the_version_moves(client, snapshot):
    before = client.get(DETAIL)
    Snapshot.objects.filter(pk=snapshot.pk).update(refreshed_at=timezone.now())  # no post_save

    assert client.get(DETAIL, headers={"If-None-Match": before["ETag"]}).status_code == 304
    snapshot_written()  # what any save or delete of a snapshot does
    assert client.get(DETAIL, headers={"If-None-Match": before["ETag"]}).status_code == 200


def test_a_304_costs_no_query(client, snapshot, django_assert_num_queries):
    etag = client.get(DETAIL)["ETag"]

    with django_assert_num_queries(0):
        assert client.get(DETAIL, headers={"If-None-Match": etag}).status_code == 304


def test_a_new_snapshot_is_read_at_once(client, snapshot):
    before = client.get(DETAIL)
    services.snapshot_compute(as_of=AS_OF)  # a full recompute replaces the snapshot

    after = client.get(DETAIL, headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert after.json()["computed_at"] != before.json()["computed_at"]


def test_a_matching_etag_is_answered_304(client, snapshot):
    etag = client.get(DETAIL)["ETag"]

    assert client.get(DETAIL, headers={"If-None-Match": etag}).status_code == 304


def test_parameters_the_endpoint_does_not_read_share_one_entry(client, snapshot, django_assert_num_queries):
    first = client.get(DETAIL)
    with django_assert_num_queries(0):  # three hits
        junk = [client.get(DETAIL, {"x": str(n)}) for n in range(3)]
    assert {response["ETag"] for response in junk} == {first["ETag"]}


def test_an_unknown_date_is_a_404_not_a_cached_answer(client, snapshot):
    assert client.get(DETAIL, {"as_of": "2001-01-01"}).status_code == 404
    assert client.get(DETAIL, {"as_of": "2001-01-01"}).status_code == 404


def test_the_enterprise_detail_joins_the_snapshot_and_the_data_version(
    client, snapshot, world, django_assert_num_queries
):
    url = f"/api/v1/enterprises/{world['A'].credit_code}/"
    first = client.get(url)
    assert client.get(url)["ETag"] == first["ETag"]

    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200

    world["A"].employees = 101
    world["A"].save()

    changed = client.get(url)
    assert changed["ETag"] != first["ETag"]
    assert changed.json()["employees"] == 101


def test_an_enterprise_detail_miss_is_two_queries_once_the_snapshot_is_known(
    client, snapshot, world, django_assert_num_queries
):
    # The first detail read since the snapshot changed looks it up (and caches which one is current).
    assert client.get(f"/api/v1/enterprises/{world['C'].credit_code}/").status_code == 200
    url = f"/api/v1/enterprises/{world['A'].credit_code}/"

    with django_assert_num_queries(2):  # the enterprise with its designations; its measures
        response = client.get(url)

    assert response.status_code == 200
    assert response.json()["measures"]["as_of"] == AS_OF.isoformat()


def test_no_snapshot_yet_is_a_404_where_one_is_needed_after_a_read_that_cached_none(client, world):
    assert client.get("/api/v1/provinces/").json()[0]["enterprise_count"] is None  # caches "no snapshot"
    assert client.get(DETAIL).status_code == 404

    services.snapshot_compute(as_of=AS_OF)  # its save advances the snapshot version

    assert client.get(DETAIL).status_code == 200
    assert client.get("/api/v1/provinces/").json()[0]["enterprise_count"] is not None
