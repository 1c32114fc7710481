"""Data changes record their refresh requests in the same transaction, and nudge a worker ONCE per commit."""

import datetime

import pytest
from django.db import connection, transaction

from enterprises.signals import enterprises_changed
from patents.models import PatentApplicant
from patents.signals import patent_links_changed
from reports import outbox, services, tasks
from reports.models import DataState, PendingRefresh, ScopeIndicator

from .conftest import AS_OF, lock_held_elsewhere
from .factories import enterprise, patent

pytestmark = pytest.mark.django_db


@pytest.fixture
def nudges(monkeypatch):
    """Count the nudges sent to the workers (instead of draining); the requests are PendingRefresh rows.

    The fixtures' own writes belong to the test's outer transaction and recorded requests too: each
    test starts from none.
    """
    PendingRefresh.objects.all().delete()
    monkeypatch.setattr(connection, "run_on_commit", [])
    calls = []
    monkeypatch.setattr(outbox, "kick", lambda: calls.append(1) or True)
    return calls


def pending() -> list[int]:
    return sorted(PendingRefresh.objects.values_list("enterprise_id", flat=True))


def test_an_import_of_many_enterprises_in_one_transaction_nudges_once(nudges, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        made = [enterprise(city="320500") for _ in range(40)]
        for e in made:
            patent(e, published=datetime.date(2022, 1, 1))
        # An import service announces what it wrote, in the same transaction.
        enterprises_changed.send(sender=None, enterprise_ids=frozenset(e.pk for e in made))
        patent_links_changed.send(sender=None, enterprise_ids=frozenset(e.pk for e in made[:5]))
    # One indicator nudge, and one advance of the API cache's data version (utilities/api/caching.py).
    assert sorted(callback.__name__ for callback in callbacks) == ["_after_commit", "data_version_advance"]
    assert nudges == [1]
    assert pending() == sorted(e.pk for e in made)
    assert DataState.objects.get(pk=1).changed_at is not None


def test_a_rolled_back_transaction_records_nothing_and_the_next_one_records_again(
    nudges, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            enterprise(city="320500")
            raise RuntimeError("invalid row: the import is rolled back")
        with transaction.atomic():
            kept = enterprise(city="320500")
    assert pending() == [kept.pk]
    assert nudges == [1]


def test_relinking_an_applicant_refreshes_both_enterprises(world, nudges, django_capture_on_commit_callbacks):
    link = PatentApplicant.objects.filter(enterprise=world["D"]).first()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        link.enterprise = world["C"]
        link.save()
    assert pending() == sorted([world["C"].pk, world["D"].pk])


def test_deleting_an_enterprise_records_its_refresh(world, nudges, django_capture_on_commit_callbacks):
    gone = world["B"].pk
    with django_capture_on_commit_callbacks(execute=True):
        world["B"].delete()
    assert pending() == [gone]


def test_a_committed_change_refreshes_the_snapshot_in_process(world, monkeypatch, django_capture_on_commit_callbacks):
    # The fixture's writes registered their callback in the test's outer transaction, which never commits.
    monkeypatch.setattr(connection, "run_on_commit", [])
    # Without a broker the drain runs in-process (CELERY_TASK_ALWAYS_EAGER), as in `make run`.
    snapshot = services.snapshot_compute(as_of=AS_OF)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        patent(world["C"], published=datetime.date(2022, 9, 9), office="WO")
    row = ScopeIndicator.objects.get(snapshot=snapshot, scope="city", code="440300")
    assert row.metrics["pct_total"] == 1
    assert not PendingRefresh.objects.exists()


def test_requests_wait_for_the_first_snapshot(world):
    result = tasks.snapshot_refresh_enterprises_task.delay(enterprise_ids=[world["A"].pk]).get()
    assert result["refreshed"] == 0
    assert PendingRefresh.objects.filter(enterprise=world["A"]).exists()  # the first full run answers it
    services.snapshot_compute(as_of=AS_OF)
    assert not PendingRefresh.objects.exists()


def test_full_recompute_task_reports_its_outcome(world):
    result = tasks.snapshot_recompute_task.delay(as_of=AS_OF.isoformat()).get()
    assert result["status"] == "complete"
    assert ScopeIndicator.objects.filter(snapshot_id=result["snapshot_id"], scope="national").exists()


def test_a_refresh_while_a_full_run_holds_the_date_stays_pending(world):
    services.snapshot_compute(as_of=AS_OF)
    with lock_held_elsewhere(AS_OF):
        result = tasks.snapshot_refresh_enterprises_task.delay(enterprise_ids=[world["A"].pk]).get()
    assert result["status"] == "partial"
    assert "being computed by another run" in result["reason"]
    assert PendingRefresh.objects.filter(enterprise=world["A"]).exists()
    assert outbox.outbox_drain()["refreshed"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_failing_nudge_after_commit_never_reaches_the_saving_code(regions, monkeypatch, caplog):
    """on_commit(robust=True) logs a failing hook by its ``__qualname__``: the hook is a plain function.

    The old hook was a callable object without that attribute, so logging the broker error raised an
    AttributeError into the view after the data was committed.
    """

    def broken_broker():
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(outbox, "kick", broken_broker)
    with transaction.atomic():
        saved = enterprise(city="320500")
    assert PendingRefresh.objects.filter(enterprise=saved).exists()
    assert "_after_commit" in caplog.text
