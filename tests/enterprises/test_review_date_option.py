"""The import page's 复核日期: a 复核 result list's date for the rows whose 复核日期 cell is empty; a cell's
date wins; a row with neither is refused. The field belongs to the 复核结果名单 kind: an MIIT list ignores it
on the page, and its command refuses it for a list without 复核结果."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from enterprises.models import Designation
from imports.models import ImportRecord
from tests.enterprises.import_helpers import list_bytes
from tests.enterprises.test_import_admin import decide, upload
from tests.enterprises.test_review_result_list import HEADER
from tests.factories import DesignationFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_designations(regions):
    passing = DesignationFactory(enterprise=EnterpriseFactory(name="苏州复核通过有限公司"), batch=3)
    failing = DesignationFactory(enterprise=EnterpriseFactory(name="苏州复核未通过有限公司"), batch=3)
    return passing, failing


def _upload_review(client, rows, **fields):
    data = list_bytes(rows, header=HEADER)
    return upload(client, data, kind="review_results", name="复核结果.csv", **fields)


def test_rows_without_a_date_take_the_forms_and_a_cells_date_wins(two_designations, admin_client):
    passing, failing = two_designations
    rows = [
        (1, "江苏省", passing.enterprise.name, "", "通过", "", ""),
        (2, "江苏省", failing.enterprise.name, "", "未通过", "2024-06-15", "研发投入不达标"),
    ]

    preview = _upload_review(admin_client, rows, reviewed_on="2024-07-01")

    assert preview.status_code == 200 and "确认导入" in preview.content.decode()
    record = ImportRecord.objects.get()
    assert record.options["reviewed_on"] == "2024-07-01"
    assert Designation.objects.filter(reviewed_on__isnull=False).count() == 0  # a preview writes nothing
    decide(admin_client, record, "confirm")
    passing.refresh_from_db()
    failing.refresh_from_db()
    assert (passing.status, passing.reviewed_on) == ("reviewed", datetime.date(2024, 7, 1))
    assert (failing.status, failing.revoked_on, failing.revocation_reason) == (
        "revoked",
        datetime.date(2024, 6, 15),
        "研发投入不达标",
    )


def test_cells_alone_are_enough(two_designations, admin_client):
    passing, _failing = two_designations
    _upload_review(admin_client, [(1, "江苏省", passing.enterprise.name, "", "通过", "2024-05-01", "")])
    decide(admin_client, ImportRecord.objects.get(), "confirm")
    passing.refresh_from_db()
    assert passing.reviewed_on == datetime.date(2024, 5, 1)


def test_a_row_with_neither_date_is_refused(two_designations, admin_client):
    passing, failing = two_designations
    rows = [
        (1, "江苏省", passing.enterprise.name, "", "通过", "2024-05-01", ""),
        (2, "江苏省", failing.enterprise.name, "", "未通过", "", ""),
    ]

    page = _upload_review(admin_client, rows).content.decode()

    assert "文件被拒绝" in page and "确认导入" not in page
    assert "<td>3</td><td>reviewed_on</td>" in page
    assert "复核日期不能为空：请在该行填写，或在导入页填写复核日期" in page
    assert ImportRecord.objects.get().outcome == ImportRecord.Outcome.REJECTED
    assert not Designation.objects.filter(status__in=["reviewed", "revoked"]).exists()


def test_an_miit_list_ignores_the_hidden_date_and_its_command_refuses_it(regions, admin_client, tmp_path):
    rows = [(1, "江苏省", "苏州新认定有限公司")]
    page = upload(
        admin_client, list_bytes(rows), kind="designation_list", name="list.csv", batch="3", reviewed_on="2024-07-01"
    ).content.decode()

    assert "确认导入" in page
    assert "reviewed_on" not in ImportRecord.objects.get().options
    path = tmp_path / "list.csv"
    path.write_bytes(list_bytes(rows))
    with pytest.raises(CommandError):
        call_command("import_designation_list", str(path), "--batch", "3", "--reviewed-on", "2024-07-01")
    assert not Designation.objects.exists()


def test_a_date_to_come_is_a_form_error(two_designations, admin_client):
    passing, _failing = two_designations
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = _upload_review(
        admin_client, [(1, "江苏省", passing.enterprise.name, "", "通过", "", "")], reviewed_on=tomorrow.isoformat()
    )

    assert response.context["form"].errors["reviewed_on"]
    assert not ImportRecord.objects.exists()


def test_the_command_takes_the_date_too(two_designations, tmp_path):
    passing, _failing = two_designations
    path = tmp_path / "复核结果.csv"
    path.write_bytes(list_bytes([(1, "江苏省", passing.enterprise.name, "", "通过", "", "")], header=HEADER))
    with pytest.raises(CommandError):
        call_command("import_designation_list", str(path), "--batch", "3")
    call_command("import_designation_list", str(path), "--batch", "3", "--reviewed-on", "2024-07-01")
    passing.refresh_from_db()
    assert (passing.status, passing.reviewed_on) == ("reviewed", datetime.date(2024, 7, 1))


def test_the_review_command_takes_the_date_too(two_designations, tmp_path):
    passing, failing = two_designations
    rows = [
        (1, "江苏省", passing.enterprise.name, "", "通过", "", ""),
        (2, "江苏省", failing.enterprise.name, "", "未通过", "", ""),
    ]
    path = tmp_path / "复核结果.csv"
    path.write_bytes(list_bytes(rows, header=HEADER))
    with pytest.raises(CommandError):
        call_command("import_review_results", str(path))
    call_command("import_review_results", str(path), "--reviewed-on", "2024-07-01")
    passing.refresh_from_db()
    failing.refresh_from_db()
    assert (passing.status, passing.reviewed_on) == ("reviewed", datetime.date(2024, 7, 1))
    assert (failing.status, failing.revoked_on, failing.revocation_cause) == (
        "revoked",
        datetime.date(2024, 7, 1),
        "failed_review",
    )
