"""A broker outage costs nothing but latency: against real PostgreSQL and a Redis of the test's own.

Each step runs in a subprocess configured as a production machine is (``REDIS_URL`` set, tasks sent to
the broker, not run in-process), against the PostgreSQL test database. The Redis is ``own_redis``
(tests/conftest.py), stopped for the outage: never the machine's shared one.

What the probe found before: a save, an admin change (HTTP 500) and an import each blocked about 19 s
and then failed although the data was committed; the import was recorded as rejected; the command
printed a traceback; and the refresh requests were lost.
"""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings

from enterprises.models import Enterprise
from imports.models import ImportRecord
from reports import services
from reports.models import PendingRecompute, PendingRefresh, ScopeIndicator, Snapshot
from tests.database import worker_database_url
from tests.enterprises.import_helpers import csv_bytes, enterprise_row

from .conftest import AS_OF
from .factories import enterprise, patent

pytestmark = [pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
# The whole step, including interpreter and Django start-up, must answer well before the old 19 s; a
# save's own time too (the first one in a process also loads Celery's transport, slow on a busy machine).
QUICK = 8.0


def _env(redis_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }


def _run(redis_url: str, code: str) -> tuple[dict, float]:
    """Run ``code`` (which sets ``result``) in a production-like process; (result, seconds)."""
    script = "import django, json\ndjango.setup()\n" + textwrap.dedent(code) + "\nprint('RESULT ' + json.dumps(result))"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=_env(redis_url), capture_output=True, text=True, timeout=120
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT ")), elapsed


@pytest.fixture
def down(own_redis):
    """The broker's URL, with the broker stopped."""
    own_redis.stop()
    return own_redis.url


@pytest.fixture
def populated(regions):
    a = enterprise(city="320500")
    patent(a, published=__import__("datetime").date(2022, 3, 1), office="WO")
    snapshot = services.snapshot_compute(as_of=AS_OF)
    PendingRefresh.objects.all().delete()
    return {"A": a, "snapshot": snapshot}


def test_a_save_answers_at_once_and_records_its_refresh(populated, down):
    a = populated["A"]
    result, elapsed = _run(
        down,
        f"""
        import time
        from django.db import transaction
        from enterprises.models import Enterprise
        seconds = []
        for employees in (776, 777):
            started = time.monotonic()
            with transaction.atomic():
                e = Enterprise.objects.get(pk={a.pk})
                e.employees = employees
                e.save()
            seconds.append(time.monotonic() - started)
        result = {{"seconds": seconds}}
        """,
    )
    first, second = result["seconds"]
    assert first < QUICK, result
    assert second < 0.5, result  # the outage is known: no broker attempt at all
    assert elapsed < 2 * QUICK
    assert Enterprise.objects.get(pk=a.pk).employees == 777
    assert list(PendingRefresh.objects.values_list("enterprise_id", flat=True)) == [a.pk]


def test_an_admin_change_answers_with_a_redirect_not_a_500(populated, down):
    a = populated["A"]
    result, _ = _run(
        down,
        f"""
        import time
        from django.contrib.auth import get_user_model
        from django.test import Client
        from enterprises.models import Designation
        user = get_user_model().objects.create_superuser("outage-admin", "a@example.cn", "pw")
        client = Client()
        client.force_login(user)
        d = Designation.objects.get(enterprise_id={a.pk})
        started = time.monotonic()
        response = client.post(
            f"/admin/enterprises/designation/{{d.pk}}/change/",
            {{"enterprise": d.enterprise_id, "program": d.program, "batch": 4, "status": d.status,
              "designated_on": "2022-07-01", "revoked_on": "", "note": "outage"}},
        )
        result = {{"status": response.status_code, "seconds": time.monotonic() - started}}
        """,
    )
    assert result["status"] == 302, result
    assert result["seconds"] < QUICK
    assert PendingRefresh.objects.filter(enterprise_id=a.pk).exists()


def test_an_import_is_recorded_as_applied(populated, down, tmp_path):
    path = tmp_path / "enterprises.csv"
    path.write_bytes(csv_bytes([enterprise_row(901), enterprise_row(902)]))
    result, _ = _run(
        down,
        f"""
        import io, time
        from django.core.management import call_command
        out, err = io.StringIO(), io.StringIO()
        started = time.monotonic()
        call_command("import_enterprises", {str(path)!r}, stdout=out, stderr=err)
        result = {{"out": out.getvalue(), "err": err.getvalue(), "seconds": time.monotonic() - started}}
        """,
    )
    assert result["seconds"] < QUICK, result
    record = ImportRecord.objects.latest("pk")
    assert record.outcome == ImportRecord.Outcome.APPLIED
    assert Enterprise.objects.filter(name__startswith="苏州导入测试90").count() == 2
    assert PendingRefresh.objects.count() == 2


def test_recompute_without_sync_says_the_broker_is_down_and_records_the_request(populated, down):
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", "recompute_indicators", "--as-of", "2023-07-31"],
        cwd=BASE_DIR,
        env=_env(down),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert time.monotonic() - started < 2 * QUICK
    assert "Traceback" not in done.stdout + done.stderr
    assert "the broker is unreachable" in done.stdout
    assert PendingRecompute.objects.filter(as_of=AS_OF).exists()


def test_what_was_recorded_during_the_outage_is_done_once_the_broker_is_back(populated, own_redis):
    a, snapshot = populated["A"], populated["snapshot"]
    own_redis.stop()
    _run(
        own_redis.url,
        f"""
        import datetime
        from django.db import transaction
        from patents.models import Patent, PatentApplicant
        from enterprises.models import Enterprise
        e = Enterprise.objects.get(pk={a.pk})
        with transaction.atomic():
            for i in range(3):
                p = Patent.objects.create(
                    publication_number=f"WO2022OUT{{i}}", application_number=f"PCT/CN2022/OUT{{i}}",
                    jurisdiction="WO", patent_type="invention", application_date=datetime.date(2021, 1, 1),
                    publication_date=datetime.date(2022, 6, 1), legal_status="pending")
                PatentApplicant.objects.create(patent=p, position=1, name=e.name, enterprise=e)
        result = {{}}
        """,
    )
    assert PendingRefresh.objects.filter(enterprise_id=a.pk).exists()  # nothing lost
    own_redis.start()  # the broker is back: a worker and the next scheduled drain pick the work up
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--queues=refresh,recompute"]
        + ["--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=BASE_DIR,
        env=_env(own_redis.url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _run(own_redis.url, "from reports.tasks import outbox_drain_task\noutbox_drain_task.delay()\nresult = {}")
        deadline = time.monotonic() + 60
        while PendingRefresh.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert not PendingRefresh.objects.exists()
    row = ScopeIndicator.objects.get(snapshot=snapshot, scope="city", code="320500")
    assert row.metrics["pct_total"] == 4
    assert Snapshot.objects.get(pk=snapshot.pk).refreshed_at is not None
