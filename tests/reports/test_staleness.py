"""Staleness is exact: the newest snapshot is fresh only when no refresh is pending for it.

The probe that found the bug: a snapshot's ``computed_at`` was moved by any partial refresh, so a
refresh of one unrelated enterprise cleared the stale mark while hundreds of rows still differed.
"""

import datetime
import uuid

import pytest
from django.utils import timezone

from reports import outbox, selectors, services
from reports.models import EnterpriseMeasure, PendingRefresh

from .conftest import AS_OF
from .factories import patent

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(world):
    return services.snapshot_compute(as_of=AS_OF)


def test_a_full_run_answers_every_request_it_read(world, snapshot):
    assert not PendingRefresh.objects.exists()  # the fixture's writes were all read by the run
    assert not selectors.snapshot_is_stale(snapshot=snapshot)


def test_a_refresh_of_one_enterprise_does_not_make_the_snapshot_fresh_while_others_wait(world, snapshot):
    patent(world["C"], published=datetime.date(2022, 9, 9), office="WO")  # C changed: its request is recorded
    assert list(PendingRefresh.objects.values_list("enterprise_id", flat=True)) == [world["C"].pk]
    assert selectors.snapshot_is_stale(snapshot=snapshot)

    refreshed = services.snapshot_refresh_enterprises(enterprise_ids=[world["A"].pk])  # an unrelated one

    assert refreshed.computed_at == snapshot.computed_at  # the full run's read time does not move
    assert selectors.snapshot_is_stale(snapshot=refreshed)
    services.snapshot_refresh_enterprises(enterprise_ids=[world["C"].pk])
    assert not selectors.snapshot_is_stale(snapshot=refreshed)


def test_a_change_committed_during_a_refresh_stays_pending(world, snapshot, monkeypatch):
    outbox.refresh_request([world["C"].pk])
    real_insert = services._measures_insert

    def insert_then_change(**kwargs):
        rows = real_insert(**kwargs)
        outbox.refresh_request([world["C"].pk])  # a newer change to C after the refresh read its data
        return rows

    monkeypatch.setattr(services, "_measures_insert", insert_then_change)
    services.snapshot_refresh_enterprises(enterprise_ids=[world["C"].pk])
    assert PendingRefresh.objects.filter(enterprise=world["C"]).exists()


def test_a_run_answers_thousands_of_requests_but_not_one_renewed_since_it_read_them(world, snapshot):
    """The first run after a large import answers a request per enterprise, in several statements."""
    now = timezone.now()
    PendingRefresh.objects.bulk_create(
        PendingRefresh(enterprise_id=pk, requested_at=now, token=uuid.uuid4()) for pk in range(10_000, 11_200)
    )
    read = services._pending_tokens()
    PendingRefresh.objects.filter(enterprise_id=10_500).update(token=uuid.uuid4())  # a change after the read

    assert services._pending_complete(read) == 1_199
    assert list(PendingRefresh.objects.values_list("enterprise_id", flat=True)) == [10_500]


def test_an_older_snapshot_is_stale_once_the_data_changed_after_it(world):
    older = services.snapshot_compute(as_of=datetime.date(2022, 12, 31))
    services.snapshot_compute(as_of=AS_OF)
    assert not selectors.snapshot_is_stale(snapshot=older)
    services.data_changed_mark()
    assert selectors.snapshot_is_stale(snapshot=older)


def test_the_admin_lists_the_enterprises_pending(admin_client, world, snapshot):
    outbox.refresh_request([world["B"].pk])
    page = admin_client.get("/admin/reports/pendingrefresh/").content.decode()
    assert world["B"].name in page


def test_refreshing_an_enterprise_outside_the_population_changes_nothing(world, snapshot):
    # X1 holds only a revoked designation: no measure row, no scope; on PostgreSQL the empty scope sets
    # used to give an empty roll-up query (ProgrammingError: EMPTY_QUERY), a 500 on the admin edit.
    before = EnterpriseMeasure.objects.filter(snapshot=snapshot).count()
    refreshed = services.snapshot_refresh_enterprises(enterprise_ids=[world["X1"].pk])
    assert refreshed.pk == snapshot.pk
    assert EnterpriseMeasure.objects.filter(snapshot=snapshot).count() == before


def test_the_pending_list_speaks_english_under_en(admin_client, world, snapshot):
    page = admin_client.get("/en/admin/reports/pendingrefresh/").content.decode()
    assert "Enterprises pending refresh" in page
