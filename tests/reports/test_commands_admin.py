"""recompute_indicators, and the admin's snapshot list, stale mark and "recompute now" action."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reports import outbox, services
from reports.choices import SnapshotStatus
from reports.models import Snapshot

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_recompute_sync_prints_the_snapshot_summary(world):
    out = io.StringIO()
    call_command("recompute_indicators", "--as-of", "2023-07-31", "--sync", stdout=out)
    snapshot = Snapshot.objects.get(status=SnapshotStatus.COMPLETE)
    assert snapshot.as_of == AS_OF
    text = out.getvalue()
    assert f"snapshot #{snapshot.pk} as_of 2023-07-31 complete: 4 enterprises, 15 patents" in text
    assert " s" in text


def test_recompute_without_sync_queues_the_recompute(world):
    out = io.StringIO()
    call_command("recompute_indicators", "--as-of", "2023-07-31", stdout=out)
    assert "queued recompute of 2023-07-31" in out.getvalue()
    # No broker in this run: the task ran in-process.
    assert Snapshot.objects.filter(as_of=AS_OF, status=SnapshotStatus.COMPLETE).exists()


def test_recompute_defaults_to_today(world):
    call_command("recompute_indicators", "--sync", stdout=io.StringIO())
    assert Snapshot.objects.get().as_of == timezone.localdate()


def test_recompute_rejects_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("recompute_indicators", "--as-of", "2023-31-07", "--sync")


def test_prune_refuses_to_keep_nothing(db):
    with pytest.raises(CommandError):
        call_command("prune_snapshots", "--keep", "0")


def test_admin_lists_snapshots_with_the_stale_mark(admin_client, world):
    snapshot = services.snapshot_compute(as_of=AS_OF)
    response = admin_client.get("/admin/reports/snapshot/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "2023" in page and "最新" in page and "已过期" not in page
    outbox.refresh_request([world["A"].pk])  # a change not refreshed yet
    page = admin_client.get("/admin/reports/snapshot/").content.decode()
    assert "已过期" in page
    assert admin_client.get(f"/admin/reports/snapshot/{snapshot.pk}/change/").status_code == 200


def test_admin_recompute_now_action_queues_a_recompute(admin_client, world):
    first = services.snapshot_compute(as_of=AS_OF)
    response = admin_client.post(
        "/admin/reports/snapshot/", {"action": "recompute_now", "_selected_action": [first.pk]}, follow=True
    )
    assert response.status_code == 200
    replaced = Snapshot.objects.get(status=SnapshotStatus.COMPLETE)
    assert replaced.pk != first.pk and replaced.as_of == AS_OF


def test_scope_indicators_are_read_only_in_the_admin(admin_client, world):
    services.snapshot_compute(as_of=AS_OF)
    response = admin_client.get("/admin/reports/scopeindicator/?scope__exact=province")
    assert response.status_code == 200
    assert "江苏省" in response.content.decode()
    assert admin_client.get("/admin/reports/scopeindicator/add/").status_code == 403


def test_admin_button_queues_a_recompute_for_today(admin_client, world):
    response = admin_client.get("/admin/reports/snapshot/")
    assert "/admin/reports/snapshot/recompute-today/" in response.content.decode()
    assert admin_client.get("/admin/reports/snapshot/recompute-today/").status_code == 405
    response = admin_client.post("/admin/reports/snapshot/recompute-today/")
    assert response.status_code == 302
    assert Snapshot.objects.get(status=SnapshotStatus.COMPLETE).as_of == timezone.localdate()


def test_durations_read_in_seconds_and_minutes():
    import datetime

    from reports.admin import duration_display

    assert duration_display(datetime.timedelta(microseconds=167654)) == "0.17 秒"
    assert duration_display(datetime.timedelta(seconds=12.34)) == "12.3 秒"
    assert duration_display(datetime.timedelta(seconds=245)) == "4 分 5 秒"
    assert duration_display(None) == "—"


def test_recompute_now_says_what_will_happen_not_a_task_id(admin_client, world):
    response = admin_client.post("/admin/reports/snapshot/recompute-today/", follow=True)
    said = [str(message) for message in response.context["messages"]]
    assert len(said) == 1 and "全部指标" in said[0] and "任务" not in said[0]
