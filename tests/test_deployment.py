"""Production on several machines: /healthz, the Celery queues and the process definitions."""

import re
from pathlib import Path
from unittest.mock import ANY

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import override_settings

from config import health
from config.celery import app
from tests.conftest import OUTAGE_REDIS_PORT

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture
def snapshot(regions):
    import datetime

    from reports.services import snapshot_compute

    return snapshot_compute(as_of=datetime.date(2023, 7, 31))


def test_healthz_is_ok_with_database_broker_and_a_fresh_snapshot(client, snapshot):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "snapshot"}
    assert body["checks"]["snapshot"]["as_of"] == "2023-07-31"
    assert body["checks"]["snapshot"]["age_seconds"] < 60


def test_healthz_with_the_broker_down_is_degraded_but_keeps_the_machine_in_service(client, snapshot, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["ok"] is False
    assert client.get("/healthz", {"strict": "1"}).status_code == 503


def test_healthz_without_the_database_is_503(client, monkeypatch):
    def down():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(health, "_database", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["checks"]["database"]["error"] == "unreachable"


def test_healthz_says_what_is_down_but_not_where(client, snapshot, settings, caplog):
    port = OUTAGE_REDIS_PORT  # this run's own port, where nothing listens outside an outage test
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"

    response = client.get("/healthz")

    assert response.json()["checks"]["broker"] == {"ok": False, "error": "unreachable", "ms": ANY}
    assert "127.0.0.1" not in response.content.decode() and str(port) not in response.content.decode()
    assert f"127.0.0.1:{port}" in caplog.text  # the detail is in the server's log


def test_healthz_without_any_snapshot_is_degraded(client):
    body = client.get("/healthz").json()
    assert body["checks"]["snapshot"]["ok"] is False
    assert body["status"] == "degraded"


def test_healthz_answers_plain_http_when_https_is_enforced(client):
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"]):
        assert client.get("/healthz").status_code in (200, 503)
        assert client.get("/api/v1/snapshots/").status_code == 301


def test_the_production_settings_exempt_healthz_from_the_https_redirect():
    text = (BASE_DIR / "config" / "settings.py").read_text()
    assert 'SECURE_REDIRECT_EXEMPT = [r"^healthz$"]' in text


def test_full_recomputes_and_refreshes_go_to_separate_queues():
    def queue(name: str) -> str:
        return app.amqp.router.route({}, name)["queue"].name

    assert queue("reports.snapshot_recompute") == "recompute"
    assert queue("reports.snapshot_refresh_enterprises") == "refresh"


def test_every_task_and_every_beat_entry_has_a_queue_route():
    """A task without a route goes to the default queue by accident, not by choice: the routes are where
    each task's queue is decided (the test above named two tasks only, so a new beat task went unseen)."""
    app.loader.import_default_modules()  # the apps' tasks modules, as a worker imports them
    tasks = {name for name in app.tasks if not name.startswith("celery.")}
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= tasks
    assert tasks - set(settings.CELERY_TASK_ROUTES) == set()


def test_an_unacknowledged_task_comes_back_within_minutes():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["visibility_timeout"] <= 600
    assert options["unacked_restore_interval"] * options["unacked_restore_throttle"] <= 60


def test_the_procfile_runs_web_workers_for_each_queue_and_beat():
    processes = dict(
        line.split(":", 1) for line in (BASE_DIR / "Procfile").read_text().splitlines() if re.match(r"^\w+:", line)
    )
    assert "gunicorn config.wsgi" in processes["web"]
    served = set()
    for command in processes.values():
        match = re.search(r"--queues (\S+)", command)
        if match:
            served |= set(match.group(1).split(","))
    assert served == {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert "celery -A config beat" in processes["beat"]


def test_the_systemd_units_cover_web_workers_and_beat():
    units = {path.name for path in (BASE_DIR / "deploy").glob("*.service")}
    assert units == {"little-giants-web.service", "little-giants-worker@.service", "little-giants-beat.service"}
