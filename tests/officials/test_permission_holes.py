"""Least privilege: the holes the issue found, each closed (every test here failed before the fix)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Designation, Enterprise
from imports.models import ImportRecord
from officials.services import official_set_up
from reports.choices import SnapshotStatus
from reports.models import Snapshot
from tests.enterprises.import_helpers import csv_bytes, enterprise_row, list_bytes
from tests.enterprises.test_import_admin import decide, upload

pytestmark = pytest.mark.django_db


def staff_with(username: str, *codenames: str):
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def snapshot(regions):
    now = timezone.now()
    return Snapshot.objects.create(
        as_of=datetime.date(2023, 7, 31), status=SnapshotStatus.COMPLETE, started_at=now, computed_at=now
    )


def test_a_viewer_of_snapshots_cannot_start_a_full_recompute_with_the_button(client, snapshot):
    client.force_login(staff_with("viewer", "view_snapshot"))

    listing = client.get(reverse("admin:reports_snapshot_changelist")).content.decode()
    response = client.post(reverse("admin:reports_snapshot_recompute_today"))

    assert reverse("admin:reports_snapshot_recompute_today") not in listing
    assert response.status_code == 403
    assert list(Snapshot.objects.values_list("pk", flat=True)) == [snapshot.pk]  # not replaced by a recompute


def test_a_viewer_of_snapshots_cannot_start_a_full_recompute_with_the_action(client, snapshot):
    client.force_login(staff_with("viewer", "view_snapshot"))

    response = client.post(
        reverse("admin:reports_snapshot_changelist"), {"action": "recompute_now", "_selected_action": [snapshot.pk]}
    )

    assert response.status_code in (200, 302)
    assert list(Snapshot.objects.values_list("pk", flat=True)) == [snapshot.pk]  # not replaced by a recompute


def test_a_provincial_official_cannot_recompute_but_a_national_administrator_can(client, snapshot):
    client.force_login(official_set_up(username="js", role="provincial", province_codes=["320000"]).user)
    assert client.post(reverse("admin:reports_snapshot_recompute_today")).status_code == 403

    client.force_login(official_set_up(username="nat", role="national").user)
    assert client.post(reverse("admin:reports_snapshot_recompute_today")).status_code == 302


def test_only_a_national_administrator_changes_divisions(client, regions):
    url = reverse("admin:regions_province_change", args=["320000"])
    official = official_set_up(username="js", role="provincial", province_codes=["320000"]).user
    official.user_permissions.add(Permission.objects.get(codename="change_province"))  # granted by mistake
    client.force_login(official)

    response = client.post(url, {"code": "320000", "name": "改名省", "short_name": "改"})

    assert response.status_code == 403
    client.force_login(official_set_up(username="nat", role="national").user)
    assert "name" in client.get(url).context["adminform"].form.fields


def test_a_user_without_designation_permissions_cannot_import_an_official_list(client, regions):
    client.force_login(staff_with("importer", "add_enterprise", "change_enterprise"))

    response = upload(
        client, list_bytes([(1, "江苏省", "苏州测试科技有限公司")]), kind="designation_list", name="list.csv", batch="3"
    )

    assert response.status_code == 403
    assert not Designation.objects.exists()
    assert not ImportRecord.objects.exists()


def test_an_importer_cannot_confirm_another_users_preview(client, regions, admin_client):
    upload(admin_client, csv_bytes([enterprise_row(1)]))
    record = ImportRecord.objects.get()
    client.force_login(
        staff_with("other", "add_enterprise", "change_enterprise", "add_designation", "change_designation")
    )

    response = decide(client, record, "confirm")

    assert response.status_code == 404
    assert not Enterprise.objects.exists()
    record.refresh_from_db()
    assert record.outcome == ImportRecord.Outcome.PREVIEWED


def test_a_national_administrator_deletes_a_snapshot_with_its_indicator_rows(client, regions):
    from reports.services import snapshot_compute

    snapshot = snapshot_compute(as_of=datetime.date(2024, 6, 30))
    assert snapshot.indicators.exists()  # the parts the role holds no permission on
    client.force_login(official_set_up(username="nat", role="national").user)
    url = reverse("admin:reports_snapshot_delete", args=[snapshot.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Snapshot.objects.filter(pk=snapshot.pk).exists()


def test_a_provincial_official_cannot_delete_a_snapshot(client, regions):
    from reports.services import snapshot_compute

    snapshot = snapshot_compute(as_of=datetime.date(2024, 6, 30))
    client.force_login(official_set_up(username="js", role="provincial", province_codes=["320000"]).user)

    response = client.post(reverse("admin:reports_snapshot_delete", args=[snapshot.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()
