"""Snapshot life cycle: atomic visibility, replacement, failure records, locking, refresh and pruning."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from enterprises.models import Designation
from patents.models import PatentApplicant
from regions.models import City, Province
from reports import selectors, services
from reports.choices import SnapshotStatus
from reports.locks import snapshot_lock_is_free
from reports.models import EnterpriseMeasure, ScopeIndicator, Snapshot

from .conftest import AS_OF, lock_held_elsewhere
from .factories import enterprise, patent

pytestmark = pytest.mark.django_db


def national(snapshot) -> dict:
    return ScopeIndicator.objects.get(snapshot=snapshot, scope="national", code="CN").metrics


def all_scope_metrics(snapshot) -> dict:
    return {(r.scope, r.code): r.metrics for r in ScopeIndicator.objects.filter(snapshot=snapshot)}


def test_a_complete_snapshot_records_its_run(world):
    snapshot = services.snapshot_compute(as_of=AS_OF)
    assert snapshot.status == SnapshotStatus.COMPLETE
    assert snapshot.finished_at >= snapshot.started_at
    assert snapshot.duration == snapshot.finished_at - snapshot.started_at
    assert snapshot.computed_at == snapshot.started_at
    # Patents published by as_of, whoever applied: 17 in the world minus P6 and R3.
    assert (snapshot.enterprise_count, snapshot.patent_count) == (4, 15)
    assert snapshot.scope_count == ScopeIndicator.objects.filter(snapshot=snapshot).count()
    assert snapshot.error == ""


def test_recomputing_the_same_as_of_replaces_the_snapshot_and_keeps_other_dates(world):
    earlier = services.snapshot_compute(as_of=datetime.date(2022, 12, 31))
    first = services.snapshot_compute(as_of=AS_OF)
    second = services.snapshot_compute(as_of=AS_OF)
    assert not Snapshot.objects.filter(pk=first.pk).exists()
    assert not EnterpriseMeasure.objects.filter(snapshot_id=first.pk).exists()
    assert selectors.snapshot_visible() == second
    assert selectors.snapshot_visible(as_of=datetime.date(2022, 12, 31)) == earlier
    assert national(earlier)["enterprise_count"] == 3  # D was designated in 2023


def test_a_run_failing_midway_leaves_the_previous_snapshot_readable_and_records_the_failure(world, monkeypatch):
    good = services.snapshot_compute(as_of=AS_OF)

    def broken_rollup(snapshot):
        raise RuntimeError("disk full while rolling up")

    monkeypatch.setattr(services, "_scope_rows", broken_rollup)
    with pytest.raises(RuntimeError):
        services.snapshot_compute(as_of=AS_OF)

    assert selectors.snapshot_visible(as_of=AS_OF) == good
    assert national(good)["enterprise_count"] == 4
    failed = Snapshot.objects.get(status=SnapshotStatus.FAILED)
    assert "disk full while rolling up" in failed.error
    assert failed.finished_at is not None
    # The measure rows the failed run had inserted were rolled back with it.
    assert not EnterpriseMeasure.objects.filter(snapshot=failed).exists()
    assert snapshot_lock_is_free(AS_OF)


def test_a_run_killed_earlier_is_marked_failed_by_the_next_run(world):
    dead = Snapshot.objects.create(as_of=AS_OF, status=SnapshotStatus.RUNNING, started_at=timezone.now())
    services.snapshot_compute(as_of=AS_OF)
    dead.refresh_from_db()
    assert dead.status == SnapshotStatus.FAILED
    assert "interrupted" in dead.error


def test_no_two_runs_for_the_same_as_of_at_once(world):
    now = timezone.now()
    with lock_held_elsewhere(AS_OF):
        with pytest.raises(services.SnapshotLocked):
            services.snapshot_compute(as_of=AS_OF)
        outcome = services.snapshot_recompute_requested(as_of=AS_OF, requested_at=now)
    assert outcome.status == "skipped"
    assert not Snapshot.objects.exists()
    # Another date is not blocked.
    assert services.snapshot_compute(as_of=datetime.date(2022, 12, 31)).status == SnapshotStatus.COMPLETE


def test_the_lock_of_a_dead_worker_is_taken_over(world):
    with lock_held_elsewhere(AS_OF):
        pass  # the worker's database session ended: its advisory lock went with it, at once
    assert services.snapshot_compute(as_of=AS_OF).status == SnapshotStatus.COMPLETE
    assert snapshot_lock_is_free(AS_OF)


def test_a_recompute_requested_before_a_run_completed_is_answered_by_that_run(world):
    requested_at = timezone.now()
    done = services.snapshot_compute(as_of=AS_OF)
    outcome = services.snapshot_recompute_requested(as_of=AS_OF, requested_at=requested_at)
    assert (outcome.status, outcome.snapshot_id) == ("skipped", done.pk)
    later = services.snapshot_recompute_requested(as_of=AS_OF, requested_at=timezone.now())
    assert later.status == "complete"
    assert later.snapshot_id != done.pk


def test_refresh_of_changed_enterprises_equals_a_full_recompute(world):
    snapshot = services.snapshot_compute(as_of=AS_OF)
    a, c, d = world["A"], world["C"], world["D"]
    # C gains a WO filing, D moves to Shanghai, A loses its population membership, a newcomer appears.
    patent(c, published=datetime.date(2022, 9, 9), office="WO", cited=3)
    d.province = Province.objects.get(code="310000")
    d.city = City.objects.get(code="310100")
    d.save()
    Designation.objects.filter(enterprise=a).update(status="revoked")
    newcomer = enterprise(city="330200", industry="nev", designations=((4, "confirmed", datetime.date(2022, 8, 1)),))
    patent(newcomer, published=datetime.date(2021, 1, 1))

    refreshed = services.snapshot_refresh_enterprises(enterprise_ids=[a.pk, c.pk, d.pk, newcomer.pk])
    assert refreshed.pk == snapshot.pk
    # A partial refresh does not move the full run's read time (see test_staleness.py).
    assert (refreshed.computed_at, refreshed.refreshed_at is not None) == (snapshot.computed_at, True)
    incremental = all_scope_metrics(refreshed)
    full = all_scope_metrics(services.snapshot_compute(as_of=AS_OF))
    assert incremental == full
    assert incremental[("province", "110000")]["enterprise_count"] == 0
    assert incremental[("cluster", "yrd")]["enterprise_count"] == 3  # B, D (now Shanghai), newcomer (Ningbo)
    assert incremental[("national", "CN")]["pct_total"] == 2  # B's and C's new WO; A left the population
    assert refreshed.enterprise_count == 4


def test_refresh_follows_an_applicant_relinked_to_another_enterprise(world):
    snapshot = services.snapshot_compute(as_of=AS_OF)
    link = PatentApplicant.objects.get(enterprise=world["D"], patent__patent_type="design")
    link.enterprise = world["C"]
    link.save()
    services.snapshot_refresh_enterprises(enterprise_ids=[world["C"].pk, world["D"].pk])
    assert all_scope_metrics(snapshot) == all_scope_metrics(services.snapshot_compute(as_of=AS_OF))


def test_refresh_without_a_complete_snapshot_does_nothing(world):
    assert services.snapshot_refresh_enterprises(enterprise_ids=[world["A"].pk]) is None
    assert not Snapshot.objects.exists()


def test_refresh_of_many_enterprises_recomputes_the_whole_snapshot(world, monkeypatch):
    first = services.snapshot_compute(as_of=AS_OF)
    monkeypatch.setattr(services, "REFRESH_MAX_IDS", 2)
    replaced = services.snapshot_refresh_enterprises(enterprise_ids=[world[k].pk for k in "ABC"])
    assert replaced.pk != first.pk
    assert selectors.snapshot_visible() == replaced


def test_refresh_waits_for_a_running_full_recompute(world):
    services.snapshot_compute(as_of=AS_OF)
    with lock_held_elsewhere(AS_OF), pytest.raises(services.SnapshotLocked):
        services.snapshot_refresh_enterprises(enterprise_ids=[world["A"].pk])


def test_prune_keeps_the_newest_complete_snapshots(world):
    old = services.snapshot_compute(as_of=datetime.date(2021, 12, 31))
    middle = services.snapshot_compute(as_of=datetime.date(2022, 12, 31))
    newest = services.snapshot_compute(as_of=AS_OF)
    failed = Snapshot.objects.create(as_of=AS_OF, status=SnapshotStatus.FAILED, started_at=timezone.now())
    running = Snapshot.objects.create(as_of=AS_OF, status=SnapshotStatus.RUNNING, started_at=timezone.now())
    call_command("prune_snapshots", "--keep", "2")
    assert set(Snapshot.objects.values_list("pk", flat=True)) == {middle.pk, newest.pk, running.pk}
    assert not EnterpriseMeasure.objects.filter(snapshot_id=old.pk).exists()
    assert not ScopeIndicator.objects.filter(snapshot_id__in=[old.pk, failed.pk]).exists()


def test_percentile_rank_within_the_industry(world):
    snapshot = services.snapshot_compute(as_of=AS_OF)
    a = selectors.enterprise_measure_get(snapshot=snapshot, enterprise_id=world["A"].pk)
    c = selectors.enterprise_measure_get(snapshot=snapshot, enterprise_id=world["C"].pk)
    d = selectors.enterprise_measure_get(snapshot=snapshot, enterprise_id=world["D"].pk)
    # next_gen_it holds A (7 applications, 1 valid, 21 citations) and C (2, 1, 8).
    assert selectors.enterprise_percentiles(measure=a) == {
        "applications": 1.0,
        "valid_inventions": 1.0,
        "citations": 1.0,
    }
    assert selectors.enterprise_percentiles(measure=c) == {
        "applications": 0.5,
        "valid_inventions": 1.0,
        "citations": 0.5,
    }
    assert selectors.enterprise_percentiles(measure=d) == dict.fromkeys(
        ["applications", "valid_inventions", "citations"]
    )
