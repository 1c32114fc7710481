"""Anonymous visitors get report PDFs from kept files, or from a locked, throttled render (issue #22)."""

import threading
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connections

from publications import services
from publications.models import RenderedReport
from utilities.locks import REPORT_RENDER_LOCKS, advisory_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """WeasyPrint replaced by a counter: what is tested is who may start a render, not the render."""
    started = []

    def render(*, scope, code, snapshot, language, wait=True):
        started.append((scope, code, language))
        return b"%PDF-1.7 " + f"{scope}/{code}/{language}".encode(), 1

    monkeypatch.setattr(services, "report_pdf_render", render)
    return started


@pytest.fixture
def rate(settings):
    settings.REPORT_RENDER_RATE = "2/hour"
    cache.clear()  # the throttle's history
    yield
    cache.clear()


def test_beyond_the_rate_an_anonymous_address_gets_429_for_renders_but_still_the_kept_files(
    client, snapshots, renders, rate
):
    assert client.get("/reports/city/320500/report.pdf").status_code == 200
    assert client.get("/reports/city/320100/report.pdf").status_code == 200
    refused = client.get("/reports/city/440300/report.pdf")
    assert refused.status_code == 429
    assert 3000 < int(refused["Retry-After"]) <= 3600
    assert len(renders) == 2 and RenderedReport.objects.count() == 2
    for _ in range(5):
        kept = client.get("/reports/city/320500/report.pdf")
        assert kept.status_code == 200
        assert b"".join(kept.streaming_content) == b"%PDF-1.7 city/320500/zh-hans"
    # The rate is for anonymous visitors: a signed-in official at the same address is not counted.
    client.force_login(get_user_model().objects.create_user("analyst", password="x"))
    assert client.get("/reports/city/440300/report.pdf").status_code == 200
    assert len(renders) == 3


def test_the_rate_is_per_address_and_a_forwarded_for_header_does_not_reset_it(client, snapshots, renders, rate):
    client.get("/reports/city/320500/report.pdf")
    client.get("/reports/city/320100/report.pdf")
    spoofed = client.get("/reports/city/440300/report.pdf", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert spoofed.status_code == 429
    other = client.get("/reports/city/440300/report.pdf", REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200
    assert len(renders) == 3


@contextmanager
def _render_running_elsewhere(*, scope, code, snapshot, language):
    """Another database session holds the report's render lock, as a request rendering it would."""
    subject = services.report_render_lock_subject(scope=scope, code=code, snapshot=snapshot, language=language)
    key = advisory_key(REPORT_RENDER_LOCKS, subject)
    taken, release, done = threading.Event(), threading.Event(), threading.Event()

    def hold():
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
                taken.set()
                release.wait(30)
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
        finally:
            other.close()
            done.set()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join(10)


def test_a_second_request_while_a_render_runs_gets_503_with_retry_after_and_no_second_render(
    client, snapshots, renders, rate
):
    with _render_running_elsewhere(scope="city", code="320500", snapshot=snapshots["current"], language="zh-hans"):
        busy = client.get("/reports/city/320500/report.pdf")
        assert busy.status_code == 503
        assert int(busy["Retry-After"]) > 0
        assert renders == []
        # Another report is not held up by it.
        assert client.get("/reports/city/320100/report.pdf").status_code == 200
    assert client.get("/reports/city/320500/report.pdf").status_code == 200
    assert renders == [("city", "320100", "zh-hans"), ("city", "320500", "zh-hans")]


def test_a_waiting_request_does_not_use_up_the_rate(client, snapshots, renders, rate):
    with _render_running_elsewhere(scope="city", code="320500", snapshot=snapshots["current"], language="zh-hans"):
        for _ in range(3):
            assert client.get("/reports/city/320500/report.pdf").status_code == 503
    assert client.get("/reports/city/320500/report.pdf").status_code == 200
    assert client.get("/reports/city/320100/report.pdf").status_code == 200


def test_the_background_render_leaves_a_report_that_a_request_is_rendering_alone(snapshots, renders):
    current = snapshots["current"]
    with _render_running_elsewhere(scope="national", code="CN", snapshot=current, language="zh-hans"):
        result = services.snapshot_reports_render(snapshot_id=current.pk)
    assert ("national", "CN", "zh-hans") not in renders
    assert ("national", "CN", "en") in renders
    assert result["busy"] == 1
