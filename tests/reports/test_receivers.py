"""Data changes queue ONE indicator refresh per committed transaction."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from enterprises.signals import enterprises_changed
from patents.models import PatentApplicant
from patents.signals import patent_links_changed
from reports import receivers, services, tasks
from reports.models import DataState, RecomputeLock, ScopeIndicator

from .conftest import AS_OF
from .factories import enterprise, patent

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The enterprise id lists of every refresh task queued (instead of running them).

    The fixtures' own writes belong to the test's outer transaction, which never commits; the batch they
    started would absorb the test's writes, so each test starts with no batch.
    """
    monkeypatch.setattr(connection, receivers._BATCH_ATTR, None, raising=False)
    calls = []
    monkeypatch.setattr(
        tasks.snapshot_refresh_enterprises_task, "delay", lambda enterprise_ids: calls.append(enterprise_ids)
    )
    return calls


def test_an_import_of_many_enterprises_in_one_transaction_queues_one_refresh(
    queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        made = [enterprise(city="320500") for _ in range(40)]
        for e in made:
            patent(e, published=datetime.date(2022, 1, 1))
        # An import service announces what it wrote, in the same transaction.
        enterprises_changed.send(sender=None, enterprise_ids=frozenset(e.pk for e in made))
        patent_links_changed.send(sender=None, enterprise_ids=frozenset(e.pk for e in made[:5]))
    assert len(callbacks) == 1
    assert queued == [sorted(e.pk for e in made)]
    assert DataState.objects.get(pk=1).changed_at is not None


def test_a_rolled_back_transaction_queues_nothing_and_the_next_one_queues_again(
    queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            enterprise(city="320500")
            raise RuntimeError("invalid row: the import is rolled back")
        with transaction.atomic():
            kept = enterprise(city="320500")
    assert queued == [[kept.pk]]


def test_relinking_an_applicant_refreshes_both_enterprises(world, queued, django_capture_on_commit_callbacks):
    link = PatentApplicant.objects.filter(enterprise=world["D"]).first()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        link.enterprise = world["C"]
        link.save()
    assert queued == [sorted([world["C"].pk, world["D"].pk])]


def test_deleting_an_enterprise_queues_its_refresh(world, queued, django_capture_on_commit_callbacks):
    gone = world["B"].pk
    with django_capture_on_commit_callbacks(execute=True):
        world["B"].delete()
    assert queued and all(ids == [gone] for ids in queued)


def test_a_committed_change_refreshes_the_snapshot_in_process(world, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(connection, receivers._BATCH_ATTR, None, raising=False)
    # Without a broker the queued task runs in-process (CELERY_TASK_ALWAYS_EAGER), as in `make run`.
    snapshot = services.snapshot_compute(as_of=AS_OF)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        patent(world["C"], published=datetime.date(2022, 9, 9), office="WO")
    row = ScopeIndicator.objects.get(snapshot=snapshot, scope="city", code="440300")
    assert row.metrics["pct_total"] == 1


def test_refresh_task_without_a_snapshot_is_a_no_op(world):
    result = tasks.snapshot_refresh_enterprises_task.delay(enterprise_ids=[world["A"].pk]).get()
    assert result == {"status": "skipped", "reason": "no complete snapshot yet"}


def test_full_recompute_task_reports_its_outcome(world):
    result = tasks.snapshot_recompute_task.delay(as_of=AS_OF.isoformat()).get()
    assert result["status"] == "complete"
    assert ScopeIndicator.objects.filter(snapshot_id=result["snapshot_id"], scope="national").exists()


def test_refresh_task_in_process_gives_up_while_a_full_run_holds_the_date(world):
    services.snapshot_compute(as_of=AS_OF)
    now = timezone.now()
    RecomputeLock.objects.create(
        as_of=AS_OF, owner="full-run", acquired_at=now, expires_at=now + datetime.timedelta(minutes=5)
    )
    result = tasks.snapshot_refresh_enterprises_task.delay(enterprise_ids=[world["A"].pk]).get()
    assert result["status"] == "skipped"
    assert "being computed by another run" in result["reason"]
