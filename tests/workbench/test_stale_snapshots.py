"""Stale snapshots are fixed without a national administrator: an official whose province changed queues them."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reports import services
from reports.choices import SnapshotStatus
from reports.models import PendingRecompute, Snapshot
from reports.selectors import snapshots_stale_for

pytestmark = pytest.mark.django_db

EARLIER, NEWEST = datetime.date(2023, 7, 31), datetime.date(2024, 7, 31)


@pytest.fixture
def snapshots(province_world):
    return {"earlier": services.snapshot_compute(as_of=EARLIER), "newest": services.snapshot_compute(as_of=NEWEST)}


def _edit_in_jiangsu(world):
    enterprise = world["js"]["valid"]
    enterprise.employees = 321
    enterprise.save()


def test_an_edit_makes_older_snapshots_stale_for_its_province_only(province_world, snapshots):
    assert not snapshots_stale_for(province_codes=frozenset({"320000"})).exists()
    _edit_in_jiangsu(province_world)
    # The newest snapshot is refreshed by the outbox by itself; the older one needs a recompute.
    assert list(snapshots_stale_for(province_codes=frozenset({"320000"}))) == [snapshots["earlier"]]
    assert not snapshots_stale_for(province_codes=frozenset({"330000"})).exists()


def test_the_provincial_official_queues_the_recompute_from_the_workbench(
    province_world, snapshots, js_official, client
):
    _edit_in_jiangsu(province_world)
    client.force_login(js_official)
    page = client.get(reverse("admin:workbench")).content.decode()
    assert 'id="recompute-stale-form"' in page and 'id="count-stale">1<' in page
    response = client.post(reverse("admin:workbench_recompute_stale"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:workbench")
    assert "2023-07-31" in str(list(get_messages(response.wsgi_request))[0])
    # No broker in the tests: the outbox ran the recompute in-process; the earlier date is fresh again.
    fresh = Snapshot.objects.get(as_of=EARLIER, status=SnapshotStatus.COMPLETE)
    assert fresh.pk != snapshots["earlier"].pk
    assert not snapshots_stale_for(province_codes=frozenset({"320000"})).exists()
    assert not PendingRecompute.objects.exists()


def test_an_official_of_another_province_queues_nothing(province_world, snapshots, zj_official, client):
    _edit_in_jiangsu(province_world)
    client.force_login(zj_official)
    assert 'id="recompute-stale-form"' not in client.get(reverse("admin:workbench")).content.decode()
    client.post(reverse("admin:workbench_recompute_stale"))
    assert Snapshot.objects.get(as_of=EARLIER, status=SnapshotStatus.COMPLETE).pk == snapshots["earlier"].pk


def test_the_button_is_post_only_and_refused_to_readers(province_world, client, regions):
    from officials.services import official_set_up

    analyst = official_set_up(username="reader", role="analyst").user
    client.force_login(analyst)
    assert client.get(reverse("admin:workbench_recompute_stale")).status_code == 405
    assert client.post(reverse("admin:workbench_recompute_stale")).status_code == 403
