"""A whole import is reverted from its record: previewed, all-or-nothing, recorded, refused after a later edit."""

import pytest
from django.urls import reverse

from enterprises.models import Designation, Enterprise
from imports.models import ImportRecord
from tests.enterprises.import_helpers import csv_bytes, enterprise_row
from tests.enterprises.test_import_admin import decide, upload
from utilities.history import Channel, history_stamp, history_stamped

pytestmark = pytest.mark.django_db


def imported(client, rows) -> ImportRecord:
    """Upload and confirm; the attempt's record (what the import-record list shows)."""
    upload(client, csv_bytes(rows))
    record = ImportRecord.objects.get(outcome=ImportRecord.Outcome.PREVIEWED)
    decide(client, record, "confirm")
    record.refresh_from_db()
    return record


def revert_url(record) -> str:
    return reverse("admin:imports_importrecord_revert", args=[record.pk])


def test_reverting_an_import_deletes_what_it_created_and_restores_what_it_changed(regions, admin_client):
    first = imported(admin_client, [enterprise_row(1, employees="100")])
    second = imported(admin_client, [enterprise_row(1, employees="250"), enterprise_row(2)])

    preview = admin_client.get(revert_url(second))
    assert preview.context["deletes"] == 2 and preview.context["restores"] == 1  # enterprise 2 + its designation
    assert Enterprise.objects.count() == 2  # the preview wrote nothing

    response = admin_client.post(revert_url(second), follow=True)

    assert list(Enterprise.objects.values_list("employees", flat=True)) == [100]
    assert Designation.objects.count() == 1
    revert = ImportRecord.objects.get(kind=ImportRecord.Kind.REVERT)
    assert revert.counts == {
        "enterprises_restored": 1,
        "enterprises_deleted": 1,
        "designations_restored": 0,
        "designations_deleted": 1,
    }
    assert "删除企业 1" in response.content.decode()
    latest = Enterprise.objects.get().history.latest()
    assert (latest.history_channel, latest.history_import_record_id) == ("import", revert.pk)
    second.refresh_from_db()
    assert second.reverted_by == revert
    assert first.reverted_by is None


def test_an_import_is_reverted_only_once(regions, admin_client):
    record = imported(admin_client, [enterprise_row(1)])
    admin_client.post(revert_url(record))

    response = admin_client.post(revert_url(record))

    assert "已经撤销过了" in response.content.decode()
    assert ImportRecord.objects.filter(kind=ImportRecord.Kind.REVERT).count() == 1


def test_the_revert_is_refused_whole_when_a_later_change_touched_the_same_field(regions, admin_client, admin_user):
    imported(admin_client, [enterprise_row(1, employees="100"), enterprise_row(2, employees="100")])
    second = imported(admin_client, [enterprise_row(1, employees="200"), enterprise_row(2, employees="200")])
    edited = Enterprise.objects.get(credit_code=enterprise_row(2)["credit_code"])
    edited.employees = 300
    with history_stamped(history_stamp(user=admin_user, channel=Channel.ADMIN)):
        edited.save()

    response = admin_client.post(revert_url(second))

    html = response.content.decode()
    assert "参保人数" in html and "不能撤销" in html and edited.name in html
    assert sorted(Enterprise.objects.values_list("employees", flat=True)) == [200, 300]  # nothing reverted
    assert not ImportRecord.objects.filter(kind=ImportRecord.Kind.REVERT).exists()


def test_an_enterprise_the_import_created_and_someone_edited_is_not_deleted(regions, admin_client, admin_user):
    record = imported(admin_client, [enterprise_row(1)])
    enterprise = Enterprise.objects.get()
    enterprise.stock_code = "688001"
    enterprise.save()

    response = admin_client.post(revert_url(record))

    assert "不能删除" in response.content.decode()
    assert Enterprise.objects.exists()


def test_a_provincial_official_reverts_their_own_import(js_client):
    record = imported(js_client, [enterprise_row(1)])

    js_client.post(revert_url(record))

    assert not Enterprise.objects.exists()
