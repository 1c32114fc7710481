"""A 复核 result list as its own kind of import, in MIIT's columns (no batch): it only updates the designations
it names, all-or-nothing, previewed, kept, revertable, scoped to an official's provinces; and a failed 复核
is told from any other revocation."""

import datetime
import io

import pytest
from django.urls import reverse

from enterprises.models import Designation
from enterprises.services import review_list_import
from enterprises.validity import FAILED_REVIEW, REVOKED_OTHERWISE, revocation_cause_condition
from imports.models import ImportRecord
from imports.reverts import import_revert
from officials.services import official_set_up
from regions.models import City, Province
from tests.enterprises.import_helpers import list_bytes
from tests.enterprises.test_import_admin import decide, upload
from tests.factories import DesignationFactory, EnterpriseFactory, make_credit_code
from utilities.tabular import FileRejected

pytestmark = pytest.mark.django_db

HEADER = ("序号", "省份", "企业名称", "统一社会信用代码", "复核结果", "复核日期", "未通过原因")
JULY = datetime.date(2024, 7, 1)


def run(rows, header=HEADER, **options):
    return review_list_import(stream=io.BytesIO(list_bytes(rows, header=header)), file_name="复核结果.csv", **options)


def rejected(rows, header=HEADER, **options):
    with pytest.raises(FileRejected) as excinfo:
        run(rows, header, **options)
    return {(e.row, e.column): e.reason for e in excinfo.value.report.errors}


@pytest.fixture
def two_designations(regions):
    passing = DesignationFactory(enterprise=EnterpriseFactory(name="苏州复核通过有限公司"), batch=2)
    failing = DesignationFactory(enterprise=EnterpriseFactory(name="苏州复核未通过有限公司"), batch=4)
    return passing, failing


def test_a_list_without_batches_updates_each_firms_designation_in_force(two_designations):
    passing, failing = two_designations
    outcome = run(
        [
            (1, "江苏省", passing.enterprise.name, passing.enterprise.credit_code, "通过", "2024-07-01", ""),
            (2, "江苏省", failing.enterprise.name, "", "未通过", "", "研发投入不达标"),
        ],
        reviewed_on=datetime.date(2024, 6, 15),
    )

    passing.refresh_from_db()
    failing.refresh_from_db()
    assert (passing.status, passing.reviewed_on, passing.revocation_cause) == ("reviewed", JULY, None)
    assert (failing.status, failing.revoked_on, failing.revocation_reason, failing.revocation_cause) == (
        "revoked",
        datetime.date(2024, 6, 15),
        "研发投入不达标",
        FAILED_REVIEW,
    )
    assert outcome.record.kind == ImportRecord.Kind.REVIEW_RESULTS
    assert outcome.record.options == {"reviewed_on": "2024-06-15"}
    assert (outcome.counts["designations_reviewed"], outcome.counts["designations_revoked"]) == (1, 1)
    assert outcome.counts["designations_created"] == outcome.counts["enterprises_created"] == 0
    assert passing.history.latest().history_import_record_id == outcome.record.pk


def test_a_firm_without_a_designation_is_a_row_error_and_nothing_is_written(two_designations):
    passing, _failing = two_designations
    EnterpriseFactory(name="苏州未认定有限公司")
    errors = rejected(
        [
            (1, "江苏省", passing.enterprise.name, "", "通过", "2024-07-01", ""),
            (2, "江苏省", "苏州未认定有限公司", "", "通过", "2024-07-01", ""),
            (3, "江苏省", "名单上没有的企业有限公司", "", "未通过", "2024-07-01", ""),
        ]
    )

    assert errors == {
        (3, "name"): "该企业没有有效的小巨人认定：复核结果只能记录在已有的认定上",
        (4, "name"): "未找到该企业：复核结果只能记录在已有的认定上",
    }
    passing.refresh_from_db()
    assert passing.status == "confirmed"
    assert ImportRecord.objects.get().outcome == ImportRecord.Outcome.REJECTED


def test_a_firm_with_two_designations_in_force_needs_a_batch_column(two_designations):
    passing, _failing = two_designations
    second = DesignationFactory(enterprise=passing.enterprise, batch=5)
    row = (1, "江苏省", passing.enterprise.name, "", "通过", "2024-07-01", "")

    errors = rejected([row])
    assert set(errors) == {(2, "name")} and "第2、5批" in errors[(2, "name")]

    run([(*row, "5")], header=(*HEADER, "批次"))
    second.refresh_from_db()
    passing.refresh_from_db()
    assert (second.status, passing.status) == ("reviewed", "confirmed")


def test_a_file_without_a_result_column_is_refused(two_designations):
    passing, _failing = two_designations
    errors = rejected([(1, "江苏省", passing.enterprise.name)], header=("序号", "省份", "企业名称"))
    assert set(errors) == {(1, "review_result")}


def test_importing_twice_changes_nothing_and_the_import_reverts(two_designations, admin_user):
    passing, failing = two_designations
    rows = [
        (1, "江苏省", passing.enterprise.name, "", "通过", "2024-07-01", ""),
        (2, "江苏省", failing.enterprise.name, "", "未通过", "2024-07-01", ""),
    ]
    first = run(rows)
    again = run(rows)
    assert (again.counts["designations_updated"], again.counts["designations_unchanged"]) == (0, 2)

    import_revert(record=first.record, user=admin_user)
    passing.refresh_from_db()
    failing.refresh_from_db()
    assert (passing.status, passing.reviewed_on) == ("confirmed", None)
    assert (failing.status, failing.reviewed_on, failing.revoked_on, failing.revocation_reason) == (
        "confirmed",
        None,
        None,
        "",
    )


def test_the_cause_tells_a_failed_review_from_another_revocation(regions):
    by_review = DesignationFactory(status="revoked", reviewed_on=JULY, revoked_on=JULY)
    by_official = DesignationFactory(status="revoked", revoked_on=JULY, revocation_reason="企业申请撤销")
    # Passed an earlier 复核, revoked later for another reason.
    after_review = DesignationFactory(status="revoked", reviewed_on=datetime.date(2023, 1, 5), revoked_on=JULY)
    in_force = DesignationFactory(reviewed_on=JULY)

    assert [d.revocation_cause for d in (by_review, by_official, after_review, in_force)] == [
        FAILED_REVIEW,
        REVOKED_OTHERWISE,
        REVOKED_OTHERWISE,
        None,
    ]
    assert set(Designation.objects.filter(revocation_cause_condition(FAILED_REVIEW))) == {by_review}
    assert set(Designation.objects.filter(revocation_cause_condition(REVOKED_OTHERWISE))) == {by_official, after_review}


def test_the_upload_is_previewed_confirmed_and_kept_in_history(two_designations, admin_client):
    passing, _failing = two_designations
    data = list_bytes([(1, "江苏省", passing.enterprise.name, "", "通过", "", "")], header=HEADER)

    preview = upload(admin_client, data, kind="review_results", name="复核结果.csv", reviewed_on="2024-07-01")

    assert 'name="confirm"' in preview.content.decode(), preview.context.get("errors")
    passing.refresh_from_db()
    assert passing.status == "confirmed"
    record = ImportRecord.objects.get()
    assert (record.kind, record.outcome) == ("review_results", "previewed")
    decide(admin_client, record, "confirm")
    passing.refresh_from_db()
    assert (passing.status, passing.reviewed_on) == ("reviewed", JULY)
    history = admin_client.get(reverse("admin:imports_importrecord_changelist")).content.decode()
    assert "复核结果名单" in history


def test_a_provincial_official_may_not_name_another_province(two_designations, client):
    passing, _failing = two_designations
    zhejiang = EnterpriseFactory(
        name="杭州复核有限公司",
        province=Province.objects.get(code="330000"),
        city=City.objects.get(code="330100"),
        credit_code=make_credit_code(4343, "330100"),
    )
    DesignationFactory(enterprise=zhejiang)
    client.force_login(official_set_up(username="o-js", role="provincial", province_codes=["320000"]).user)
    rows = [
        (1, "江苏省", passing.enterprise.name, "", "通过", "2024-07-01", ""),
        (2, "浙江省", zhejiang.name, "", "通过", "2024-07-01", ""),
    ]

    page = upload(client, list_bytes(rows, header=HEADER), kind="review_results", name="复核结果.csv")

    html = page.content.decode()
    assert 'name="confirm"' not in html and "<td>3</td>" in html
    assert not Designation.objects.filter(status="reviewed").exists()
