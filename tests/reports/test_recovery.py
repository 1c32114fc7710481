"""A worker killed (``kill -9``) in the middle of a full recompute: detected and redone within a minute.

Before: the snapshot stayed ``running``, the lock row blocked that date for 30 minutes, queued recomputes
reported ``skipped`` and refreshes gave up. Now the run's lock is an advisory lock of its database
session, which ends with the worker, and the outbox drain (beat: every minute) marks the run failed and
queues its date again.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app
from reports import outbox, tasks
from reports.choices import SnapshotStatus
from reports.models import PendingRecompute, ScopeIndicator, Snapshot
from tests.database import worker_database_url

from .conftest import AS_OF, broker_emptied, other_session
from .factories import enterprise, patent

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _empty_broker():
    # The killed worker's task stays unacknowledged in the broker: it must not reach a later test's workers.
    broker_emptied()
    yield
    broker_emptied()


def _worker(pool: str = "solo", **extra_env: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": worker_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **extra_env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={pool}", "--concurrency=1"]
        + ["--queues=refresh,recompute", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_a_worker_killed_during_a_full_recompute_is_detected_and_its_date_recomputed(regions):
    a = enterprise(city="320500")
    patent(a, published=datetime.date(2022, 3, 1), office="WO")
    # Another session holds the indicator table, so the run in the worker stops half-way, "running".
    blocker = other_session()
    blocker.execute("BEGIN")
    blocker.execute(f"LOCK TABLE {ScopeIndicator._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    worker = _worker()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        outbox.recompute_request(as_of=AS_OF)
        tasks.snapshot_recompute_task.delay(as_of=AS_OF.isoformat())
        _wait(lambda: Snapshot.objects.filter(status=SnapshotStatus.RUNNING).exists(), 60, "the run to start")
        time.sleep(0.5)  # well inside the run
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        killed_at = time.monotonic()
    finally:
        app.conf.task_always_eager = eager
        blocker.close()
        if worker.poll() is None:
            worker.kill()

    # The next scheduled drain (here: called as beat would, tasks in-process) finds the date's lock free.
    def recovered() -> bool:
        outbox.outbox_drain()
        return Snapshot.objects.filter(as_of=AS_OF, status=SnapshotStatus.COMPLETE).exists()

    _wait(recovered, 60, "the dead run to be recovered")
    elapsed = time.monotonic() - killed_at
    print(f"dead run recovered and recomputed {elapsed:.1f} s after the kill")
    assert elapsed < 60
    dead = Snapshot.objects.get(status=SnapshotStatus.FAILED)
    assert "interrupted" in dead.error
    assert not Snapshot.objects.filter(status=SnapshotStatus.RUNNING).exists()
    assert not PendingRecompute.objects.exists()
    complete = Snapshot.objects.get(status=SnapshotStatus.COMPLETE)
    national = ScopeIndicator.objects.get(snapshot=complete, scope="national").metrics
    assert (national["enterprise_count"], national["pct_total"]) == (1, 1)


def test_the_task_of_a_killed_worker_is_delivered_again_after_the_visibility_timeout(regions):
    """The broker hands an unacknowledged task out again (here after 5 s instead of production's 300 s);
    before, kombu's default of one hour meant nothing came back within six minutes."""
    a = enterprise(city="320500")
    patent(a, published=datetime.date(2022, 3, 1), office="WO")
    blocker = other_session()
    blocker.execute("BEGIN")
    blocker.execute(f"LOCK TABLE {ScopeIndicator._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    first = _worker(CELERY_VISIBILITY_TIMEOUT="5")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    second = None
    try:
        tasks.snapshot_recompute_task.delay(as_of=AS_OF.isoformat())
        _wait(lambda: Snapshot.objects.filter(status=SnapshotStatus.RUNNING).exists(), 60, "the run to start")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        blocker.close()
        killed_at = time.monotonic()
        # Another machine's worker; nobody calls the drain here: only the broker brings the task back.
        second = _worker(pool="prefork", CELERY_VISIBILITY_TIMEOUT="5")
        _wait(
            lambda: Snapshot.objects.filter(as_of=AS_OF, status=SnapshotStatus.COMPLETE).exists(),
            90,
            "the task to be delivered again",
        )
        print(f"task delivered again and completed {time.monotonic() - killed_at:.1f} s after the kill")
    finally:
        app.conf.task_always_eager = eager
        if not blocker.closed:
            blocker.close()
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)
    assert "interrupted" in Snapshot.objects.get(status=SnapshotStatus.FAILED).error
