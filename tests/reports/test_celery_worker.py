"""Recomputes through a REAL Celery worker and the Redis broker, against the PostgreSQL test database.

The worker is a subprocess (``celery -A config worker --pool=solo``) started with
``CELERY_TASK_ALWAYS_EAGER=false`` (config/test_settings.py honours it) and ``DATABASE_URL`` pointing at
the test database; this process switches its Celery app out of eager mode for these tests only.
Skipped without PostgreSQL and Redis; required under CI=true.
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.celery import app
from reports import tasks
from reports.choices import SnapshotStatus
from reports.models import ScopeIndicator, Snapshot
from tests.database import worker_database_url

from .conftest import AS_OF, broker_emptied, lock_held_elsewhere
from .factories import enterprise, patent

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory):
    """A solo-pool worker on the Redis broker, reading and writing the test database; yields its log file."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": worker_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    broker_emptied()  # tasks left by an earlier test or an interrupted run
    log_path = tmp_path_factory.mktemp("celery-worker") / "worker.log"
    with open(log_path, "wb") as log:  # the child keeps its own descriptor
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--queues=refresh,recompute",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while "ready." not in log_path.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the Celery worker did not start:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.2)
    yield log_path
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    broker_emptied()


@pytest.fixture
def broker(worker):
    """Send tasks to the worker instead of running them here."""
    eager = app.conf.get("task_always_eager")
    app.conf.task_always_eager = False
    yield worker
    app.conf.task_always_eager = eager


def _population(regions) -> dict:
    # The refreshes these writes queue reach the worker first and do nothing: no snapshot exists yet.
    a = enterprise(city="320500")
    b = enterprise(city="440300", industry="new_materials")
    patent(a, b, published=datetime.date(2022, 3, 1), cited=3)
    patent(a, published=datetime.date(2021, 3, 1), office="WO")
    return {"A": a, "B": b}


def test_a_full_recompute_runs_in_the_worker_and_a_second_one_queued_meanwhile_is_skipped(regions, broker):
    _population(regions)
    first = tasks.snapshot_recompute_task.delay(as_of=AS_OF.isoformat(), requested_at=timezone.now().isoformat())
    second = tasks.snapshot_recompute_task.delay(as_of=AS_OF.isoformat(), requested_at=timezone.now().isoformat())
    first_result, second_result = first.get(timeout=120), second.get(timeout=120)
    worker_log = broker.read_text(errors="replace")
    assert f"reports.snapshot_recompute[{first.id}] succeeded" in worker_log  # ran there, not here

    assert first_result["status"] == "complete"
    assert second_result == {
        "status": "skipped",
        "as_of": "2023-07-31",
        "snapshot_id": first_result["snapshot_id"],
        "reason": "a snapshot completed after the request",
    }
    snapshot = Snapshot.objects.get(as_of=AS_OF)  # one run, one snapshot: the second never computed
    assert snapshot.pk == first_result["snapshot_id"]
    assert snapshot.status == SnapshotStatus.COMPLETE
    national = ScopeIndicator.objects.get(snapshot=snapshot, scope="national", code="CN").metrics
    assert (national["enterprise_count"], national["applications_total"], national["pct_total"]) == (2, 3, 1)


def test_a_recompute_arriving_while_another_process_computes_the_same_date_does_not_run(regions, broker):
    _population(regions)
    now = timezone.now()
    # Another process (here: the test) holds the date, as a first run would while it computes.
    with lock_held_elsewhere(AS_OF):
        result = tasks.snapshot_recompute_task.delay(as_of=AS_OF.isoformat(), requested_at=now.isoformat()).get(
            timeout=120
        )
    assert result["status"] == "skipped"
    assert "being computed by another run" in result["reason"]
    assert not Snapshot.objects.exists()


def test_a_committed_change_is_refreshed_by_the_worker(regions, broker):
    people = _population(regions)
    tasks.snapshot_recompute_task.delay(as_of=AS_OF.isoformat()).get(timeout=120)
    snapshot = Snapshot.objects.get(status=SnapshotStatus.COMPLETE)
    with transaction.atomic():  # one import-like transaction: one refresh task
        for _ in range(3):
            patent(people["B"], published=datetime.date(2022, 6, 1), office="WO")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row = ScopeIndicator.objects.get(snapshot=snapshot, scope="city", code="440300")
        if row.metrics["pct_total"] == 3:
            break
        time.sleep(0.3)
    assert row.metrics["pct_total"] == 3
    refreshed = Snapshot.objects.get(pk=snapshot.pk)
    assert refreshed.refreshed_at is not None and refreshed.computed_at == snapshot.computed_at
