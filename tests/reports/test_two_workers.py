"""Two real Celery workers on the Redis broker, work queued from two sides at once (PostgreSQL).

Every refresh is done exactly once and each date is recomputed once, whichever worker takes what: the
requests are rows (the outbox), the drain runs one at a time (advisory lock), a date's run holds that
date's lock, and a refresh deletes exactly the requests it answered.
"""

import datetime
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections, transaction

from config.celery import app
from enterprises.models import Enterprise
from reports import outbox, services
from reports.choices import SnapshotStatus
from reports.models import PendingRecompute, PendingRefresh, ScopeIndicator, Snapshot
from reports.tasks import outbox_drain_task
from tests.database import worker_database_url
from utilities.locks import DRAIN_LOCKS, advisory_key

from .conftest import AS_OF, broker_emptied, other_session
from .factories import enterprise, patent

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
OLDER_DATES = [datetime.date(2021, 12, 31), datetime.date(2022, 12, 31)]
PER_SIDE = 10


def _start_worker(name: str, log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": worker_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--queues=refresh,recompute"]
            + [f"--hostname={name}@%h", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture
def two_workers(tmp_path):
    broker_emptied()
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    procs = [_start_worker(f"w{i + 1}", log) for i, log in enumerate(logs)]
    deadline = time.monotonic() + 90
    while not all("ready." in log.read_text(errors="replace") for log in logs):
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            for p in procs:
                p.kill()
            pytest.fail("the workers did not start:\n" + "\n".join(log.read_text(errors="replace") for log in logs))
        time.sleep(0.2)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield logs
    app.conf.task_always_eager = eager
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
    broker_emptied()


def _side(enterprise_ids: list[int], errors: list) -> None:
    """One web machine: edits enterprises one transaction each and asks for the recomputes."""
    try:
        for pk in enterprise_ids:
            with transaction.atomic():
                e = Enterprise.objects.get(pk=pk)
                patent(e, published=datetime.date(2022, 5, 5), office="WO")
        for day in OLDER_DATES:
            services.snapshot_recompute_enqueue(as_of=day)
    except Exception as exc:
        errors.append(exc)
    finally:
        connections.close_all()


def test_every_refresh_is_done_once_and_every_date_recomputed_once(regions, two_workers):
    made = [enterprise(city="320500" if i % 2 else "440300") for i in range(2 * PER_SIDE)]
    for e in made:
        patent(e, published=datetime.date(2021, 3, 1))
    snapshot = services.snapshot_compute(as_of=AS_OF)
    assert list(Snapshot.objects.values_list("pk", flat=True)) == [snapshot.pk]  # nothing else ran meanwhile
    PendingRefresh.objects.all().delete()
    ids = [e.pk for e in made]

    # Both sides write while a drain is "running" elsewhere, so everything is queued before any of it
    # is done; their nudges reach the workers and find the drain busy.
    blocker = other_session()
    blocker.execute("SELECT pg_advisory_lock(%s, %s)", advisory_key(DRAIN_LOCKS, 0))
    errors: list = []
    sides = [threading.Thread(target=_side, args=(ids[i::2], errors)) for i in range(2)]
    for side in sides:
        side.start()
    for side in sides:
        side.join(timeout=120)
    assert not errors, errors
    assert PendingRefresh.objects.count() == 2 * PER_SIDE
    assert set(PendingRecompute.objects.values_list("as_of", flat=True)) == set(OLDER_DATES)
    blocker.close()
    # Beat's drain, sent from both sides at once.
    outbox_drain_task.delay()
    outbox_drain_task.delay()

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        busy = (
            PendingRefresh.objects.exists()
            or PendingRecompute.objects.exists()
            or Snapshot.objects.filter(status=SnapshotStatus.RUNNING).exists()
        )
        if not busy:
            break
        time.sleep(0.3)
    else:
        pytest.fail("the outbox was not drained")

    texts = [path.read_text(errors="replace") for path in two_workers]
    print("tasks per worker:", [len(re.findall(r"Task \S+\[[^\]]+\] succeeded", text)) for text in texts])
    log = "\n".join(texts)
    refreshed = Counter(
        int(pk)
        for line in re.findall(r"refreshed \d+ enterprises in snapshot \d+: \[([^\]]*)\]", log)
        for pk in line.split(",")
        if pk.strip()
    )
    assert refreshed == Counter(ids)  # each changed enterprise refreshed exactly once
    runs = Counter(Snapshot.objects.exclude(as_of=AS_OF).values_list("as_of", flat=True))
    assert runs == Counter(OLDER_DATES)  # one run per requested date, none failed or repeated
    assert not Snapshot.objects.filter(status=SnapshotStatus.FAILED).exists()
    # And the refreshed numbers are those of a full recompute.
    incremental = {(r.scope, r.code): r.metrics for r in ScopeIndicator.objects.filter(snapshot=snapshot)}
    full = services.snapshot_compute(as_of=AS_OF)
    assert incremental == {(r.scope, r.code): r.metrics for r in ScopeIndicator.objects.filter(snapshot=full)}
    assert incremental[("national", "CN")]["pct_total"] == 2 * PER_SIDE
    assert outbox.outbox_drain()["refreshed"] == 0
