"""The officials' import in the admin: upload → preview (dry run) → confirm or cancel."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from enterprises.models import Designation, Enterprise
from imports.models import ImportRecord
from tests.enterprises.import_helpers import csv_bytes, enterprise_row, list_bytes
from tests.factories import EnterpriseFactory, make_credit_code

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:enterprises_enterprise_import"


def upload(
    client: Client, data: bytes, *, kind: str = "enterprises", name: str = "enterprises.csv", follow=False, **fields
):
    return client.post(
        reverse(IMPORT_URL),
        {"kind": kind, "file": SimpleUploadedFile(name, data), "status": "confirmed", **fields},
        follow=follow,
    )


def decide(client: Client, record: ImportRecord, action: str):
    return client.post(reverse("admin:enterprises_enterprise_import_decide", args=[record.pk]), {action: "1"})


def kept_file(record: ImportRecord) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / record.sha256


def test_the_changelist_links_to_the_import_page(regions, admin_client):
    response = admin_client.get(reverse("admin:enterprises_enterprise_changelist"))

    assert reverse(IMPORT_URL) in response.content.decode()


def test_the_import_page_shows_the_upload_form(regions, admin_client):
    response = admin_client.get(reverse(IMPORT_URL))

    assert response.status_code == 200
    assert 'name="file"' in response.content.decode()
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_an_upload_shows_a_preview_and_writes_nothing(regions, admin_client, admin_user):
    EnterpriseFactory(credit_code=make_credit_code(1), name="苏州导入测试1科技有限公司", employees=5)

    response = upload(admin_client, csv_bytes([enterprise_row(1), enterprise_row(2)]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "新建企业 1" in page and "更新企业 1" in page
    assert "参保人数 5 → 120" in page
    assert "确认导入" in page
    assert Enterprise.objects.count() == 1
    record = ImportRecord.objects.get()
    assert record.outcome == ImportRecord.Outcome.PREVIEWED
    assert (record.imported_by, record.via, record.file_name) == (admin_user, "admin", "enterprises.csv")
    assert kept_file(record).read_bytes() == csv_bytes([enterprise_row(1), enterprise_row(2)])


def test_confirming_a_preview_applies_it_through_the_service(regions, admin_client, admin_user):
    upload(admin_client, csv_bytes([enterprise_row(1), enterprise_row(2)]))
    record = ImportRecord.objects.get()

    response = decide(admin_client, record, "confirm")

    # The official lands on the record of this import, not on the enterprise list.
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:imports_importrecord_change", args=[record.pk])
    assert Enterprise.objects.count() == 2
    assert Enterprise.history.filter(history_user=admin_user).count() == 2
    record.refresh_from_db()
    assert record.outcome == ImportRecord.Outcome.APPLIED
    assert record.counts["enterprises_created"] == 2
    applied = record.applied_record
    assert (applied.outcome, applied.via, applied.imported_by) == (ImportRecord.Outcome.APPLIED, "admin", admin_user)
    assert not kept_file(record).exists()


def test_cancelling_a_preview_writes_nothing_and_deletes_the_file(regions, admin_client):
    upload(admin_client, csv_bytes([enterprise_row(1)]))
    record = ImportRecord.objects.get()

    response = decide(admin_client, record, "cancel")

    assert response.status_code == 302
    assert not Enterprise.objects.exists()
    record.refresh_from_db()
    assert record.outcome == ImportRecord.Outcome.CANCELLED
    assert not kept_file(record).exists()


def test_a_preview_confirmed_twice_says_it_is_already_imported(regions, admin_client):
    upload(admin_client, csv_bytes([enterprise_row(1)]))
    record = ImportRecord.objects.get()
    decide(admin_client, record, "confirm")

    response = admin_client.post(
        reverse("admin:enterprises_enterprise_import_decide", args=[record.pk]), {"confirm": "1"}, follow=True
    )

    assert "这个文件已经导入" in response.content.decode()
    assert ImportRecord.objects.filter(outcome=ImportRecord.Outcome.APPLIED).count() == 2  # preview + apply run


def test_an_invalid_upload_shows_every_error_and_offers_no_confirmation(regions, admin_client):
    response = upload(admin_client, csv_bytes([enterprise_row(1, employees="-1"), enterprise_row(2, city="杭州")]))

    page = response.content.decode()
    assert "文件被拒绝" in page
    assert "<td>2</td><td>employees</td><td>-1</td>" in page
    assert "<td>3</td><td>city</td><td>杭州</td>" in page
    assert "确认导入" not in page
    assert ImportRecord.objects.get().outcome == ImportRecord.Outcome.REJECTED
    assert not (Path(settings.MEDIA_ROOT) / "imports" / ImportRecord.objects.get().sha256).exists()


def test_an_official_list_is_previewed_and_confirmed_with_its_batch(regions, admin_client):
    upload(
        admin_client,
        list_bytes([(1, "大连市", "大连测试有限公司")]),
        kind="designation_list",
        name="list.csv",
        batch="4",
    )
    record = ImportRecord.objects.get()
    assert record.options["batch"] == 4

    decide(admin_client, record, "confirm")

    designation = Designation.objects.get()
    assert designation.batch == 4
    assert (designation.enterprise.province_id, designation.enterprise.city_id) == ("210000", "210200")


def test_a_staff_user_without_permissions_is_refused(regions, client):
    staff = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(staff)

    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert upload(client, csv_bytes([enterprise_row(1)])).status_code == 403
    assert not Enterprise.objects.exists()


def test_a_staff_user_who_may_only_change_cannot_import_or_decide(regions, client, admin_client):
    upload(admin_client, csv_bytes([enterprise_row(1)]))
    record = ImportRecord.objects.get()
    staff = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_enterprise"))
    client.force_login(staff)

    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert decide(client, record, "confirm").status_code == 403
    assert not Enterprise.objects.exists()


def test_a_provincial_official_imports_a_file_of_their_province(regions, client):
    from officials.services import official_set_up

    client.force_login(official_set_up(username="importer", role="provincial", province_codes=["320000"]).user)

    upload(client, csv_bytes([enterprise_row(1)]))
    decide(client, ImportRecord.objects.get(), "confirm")

    assert Enterprise.objects.count() == 1


def test_a_staff_user_without_a_role_imports_nothing_even_with_permissions(regions, client):
    staff = get_user_model().objects.create_user("importer", password="x", is_staff=True)
    codenames = ["add_enterprise", "change_enterprise", "add_designation", "change_designation"]
    staff.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(staff)

    response = upload(client, csv_bytes([enterprise_row(1)]))

    assert "不在您负责的省份内" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_an_enterprise_file_with_designations_needs_the_designation_permissions(regions, client):
    from officials.models import Official

    staff = get_user_model().objects.create_user("importer", password="x", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["add_enterprise", "change_enterprise"]))
    Official.objects.create(user=staff, role="provincial").provinces.set(["320000"])
    client.force_login(staff)

    response = upload(client, csv_bytes([enterprise_row(1)]), follow=True)

    assert "没有新建或修改认定的权限" in response.content.decode()
    assert ImportRecord.objects.get().outcome == ImportRecord.Outcome.CANCELLED
    assert not Enterprise.objects.exists()


def test_an_upload_without_the_csrf_token_is_refused(regions, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    response = upload(client, csv_bytes([enterprise_row(1)]))

    assert response.status_code == 403
    assert not ImportRecord.objects.exists()


def test_import_records_are_listed_read_only(regions, admin_client):
    upload(admin_client, csv_bytes([enterprise_row(1)]))
    record = ImportRecord.objects.get()

    listing = admin_client.get(reverse("admin:imports_importrecord_changelist"))
    detail = admin_client.get(reverse("admin:imports_importrecord_change", args=[record.pk]))

    assert "enterprises.csv" in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="file_name"' not in detail.content.decode()  # read-only: no input fields
    assert admin_client.get(reverse("admin:imports_importrecord_add")).status_code == 403


def test_the_changelist_filters_incomplete_enterprises(regions, admin_client):
    EnterpriseFactory(credit_code=None, name="待补全企业有限公司", city=None)
    EnterpriseFactory(name="完整企业有限公司")

    page = admin_client.get(reverse("admin:enterprises_enterprise_changelist") + "?complete=no").content.decode()

    assert "待补全企业有限公司" in page
    assert "完整企业有限公司" not in page


def test_a_header_only_file_is_an_error_not_an_empty_preview(regions, admin_client):
    response = upload(admin_client, csv_bytes([], header=list(enterprise_row(1))))

    html = response.content.decode()
    assert "文件只有表头，没有数据行" in html
    assert 'name="confirm"' not in html
    assert ImportRecord.objects.get().outcome == ImportRecord.Outcome.REJECTED


def test_one_upload_and_its_confirmation_show_as_one_attempt_with_words_and_units(regions, admin_client):
    upload(admin_client, csv_bytes([enterprise_row(1), enterprise_row(2)]))
    decide(admin_client, ImportRecord.objects.get(), "confirm")

    response = admin_client.get(reverse("admin:imports_importrecord_changelist"))

    assert response.context["cl"].result_count == 1
    html = response.content.decode()
    assert "新建企业 2" in html and "新建认定 2" in html
    assert "字节" in html  # e.g. "560 字节"
    assert "enterprises_created" not in html


def test_a_preview_left_for_a_day_expires_and_its_file_is_deleted(regions, admin_client):
    upload(admin_client, csv_bytes([enterprise_row(1)]))
    record = ImportRecord.objects.get()
    ImportRecord.objects.filter(pk=record.pk).update(
        started_at=record.started_at - datetime.timedelta(days=1, minutes=1)
    )

    response = admin_client.post(
        reverse("admin:enterprises_enterprise_import_decide", args=[record.pk]), {"confirm": "1"}, follow=True
    )

    assert "已过期" in response.content.decode()
    record.refresh_from_db()
    assert record.outcome == ImportRecord.Outcome.CANCELLED
    assert not kept_file(record).exists()
    assert not Enterprise.objects.exists()


def test_an_official_cancels_a_pending_preview_from_the_list(regions, admin_client):
    upload(admin_client, csv_bytes([enterprise_row(1)]))
    record = ImportRecord.objects.get()

    admin_client.post(
        reverse("admin:imports_importrecord_changelist"),
        {"action": "cancel_previews", "_selected_action": [record.pk]},
    )

    record.refresh_from_db()
    assert record.outcome == ImportRecord.Outcome.CANCELLED
    assert not kept_file(record).exists()


def test_the_admin_index_leads_to_the_import_and_its_documentation(regions, admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert reverse(IMPORT_URL) in html
    assert reverse("admin:enterprises_enterprise_import_help") in html


@pytest.mark.parametrize(("prefix", "words"), [("", "企业名单：每行一家企业"), ("/en", "Enterprise file: one row")])
def test_the_import_help_page_documents_the_formats_in_each_language(regions, admin_client, prefix, words):
    response = admin_client.get(prefix + reverse("admin:enterprises_enterprise_import_help"))
    html = response.content.decode()
    assert response.status_code == 200
    assert words in html and "data-formats.md" not in html


@pytest.mark.parametrize(
    ("name", "kind", "fields"),
    [
        ("enterprises-sample.csv", "enterprises", {}),
        ("designation-list-sample.csv", "designation_list", {"batch": "3"}),
    ],
)
def test_the_sample_files_download_and_preview_without_errors(regions, admin_client, name, kind, fields):
    response = admin_client.get(reverse("admin:enterprises_enterprise_import_sample", args=[name]))
    data = b"".join(response.streaming_content)

    preview = upload(admin_client, data, kind=kind, name=name, **fields)

    assert 'name="confirm"' in preview.content.decode(), preview.context.get("errors")


def test_only_the_sample_files_can_be_downloaded(regions, admin_client):
    url = reverse("admin:enterprises_enterprise_import_sample", args=["..%2Fmodels.py"])
    assert admin_client.get(url).status_code == 404
