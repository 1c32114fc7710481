"""A 复核 result list (an MIIT list with 复核结果, 复核日期, 未通过原因) records review results on designations."""

import datetime
import io

import pytest
from django.utils import timezone

from enterprises.models import Designation
from enterprises.services import designation_list_import
from enterprises.validity import DUE_SOON, OVERDUE, validity_condition, years_before
from imports.reverts import import_revert
from tests.enterprises.import_helpers import list_bytes
from tests.factories import DesignationFactory, EnterpriseFactory
from utilities.tabular import FileRejected

pytestmark = pytest.mark.django_db

HEADER = ("序号", "省份", "企业名称", "统一社会信用代码", "复核结果", "复核日期", "未通过原因")


def run(rows, batch=3, header=HEADER):
    return designation_list_import(
        stream=io.BytesIO(list_bytes(rows, header=header)), file_name="第三批复核结果.csv", batch=batch
    )


def rejected(rows, batch=3, header=HEADER):
    with pytest.raises(FileRejected) as excinfo:
        run(rows, batch, header)
    return {(e.row, e.column): e.reason for e in excinfo.value.report.errors}


@pytest.fixture
def two_designations(regions):
    passing = DesignationFactory(enterprise=EnterpriseFactory(name="苏州复核通过有限公司"), batch=3)
    failing = DesignationFactory(enterprise=EnterpriseFactory(name="苏州复核未通过有限公司"), batch=3)
    return passing, failing


def test_passed_renews_validity_from_the_review_date_and_failed_revokes_with_the_reason(two_designations):
    passing, failing = two_designations
    outcome = run(
        [
            (1, "江苏省", passing.enterprise.name, passing.enterprise.credit_code, "通过", "2024-07-01", ""),
            (2, "江苏省", failing.enterprise.name, "", "未通过", "2024-07-01", "研发投入不达标"),
        ]
    )

    passing.refresh_from_db()
    failing.refresh_from_db()
    assert (passing.status, passing.reviewed_on, passing.designated_on) == (
        "reviewed",
        datetime.date(2024, 7, 1),
        datetime.date(2021, 7, 1),
    )
    assert (failing.status, failing.revoked_on, failing.revocation_reason) == (
        "revoked",
        datetime.date(2024, 7, 1),
        "研发投入不达标",
    )
    assert outcome.counts["designations_updated"] == 2
    assert (outcome.counts["designations_reviewed"], outcome.counts["designations_revoked"]) == (1, 1)
    assert outcome.counts["designations_created"] == 0
    # The history names the import, so the change can be traced and reverted.
    assert passing.history.latest().history_import_record_id == outcome.record.pk


def test_a_failed_row_without_a_reason_gets_the_default_reason(two_designations):
    _, failing = two_designations
    run([(1, "江苏省", failing.enterprise.name, "", "未通过", "2024-07-01", "")])
    failing.refresh_from_db()
    assert failing.revocation_reason == "复核未通过"


def test_a_passed_review_starts_a_new_three_years(two_designations):
    passing, _ = two_designations
    today = timezone.localdate()
    # The designation itself lapsed long ago: overdue until its review result comes.
    assert Designation.objects.filter(validity_condition(OVERDUE, today=today), pk=passing.pk).exists()
    review_day = years_before(today, 3) + datetime.timedelta(days=30)
    run([(1, "江苏省", passing.enterprise.name, "", "通过", review_day.isoformat(), "")])

    assert not Designation.objects.filter(validity_condition(OVERDUE, today=today), pk=passing.pk).exists()
    assert Designation.objects.filter(validity_condition(DUE_SOON, today=today), pk=passing.pk).exists()


def test_one_bad_row_rejects_the_whole_list_with_its_row_and_column(two_designations):
    passing, failing = two_designations
    errors = rejected(
        [
            (1, "江苏省", passing.enterprise.name, "", "通过", "2024-07-01", ""),
            (2, "江苏省", failing.enterprise.name, "", "待定", "", ""),
            (3, "江苏省", "名单上没有的企业有限公司", "", "通过", "2024-07-01", ""),
        ]
    )

    assert set(errors) == {(3, "review_result"), (3, "reviewed_on")}
    passing.refresh_from_db()
    assert passing.status == "confirmed"


def test_a_row_naming_no_stored_designation_of_the_batch_rejects_the_list(two_designations):
    passing, _ = two_designations
    errors = rejected(
        [
            (1, "江苏省", passing.enterprise.name, "", "通过", "2024-07-01", ""),
            (2, "江苏省", "名单上没有的企业有限公司", "", "通过", "2024-07-01", ""),
        ]
    )
    assert set(errors) == {(3, "name")}
    assert "未找到该企业" in errors[(3, "name")]

    errors = rejected([(1, "江苏省", passing.enterprise.name, "", "通过", "2024-07-01", "")], batch=5)
    assert set(errors) == {(2, "batch")}
    assert Designation.objects.filter(status="confirmed").count() == 2


def test_review_columns_without_a_result_column_are_refused(two_designations):
    passing, _ = two_designations
    errors = rejected(
        [(1, "江苏省", passing.enterprise.name, "2024-07-01")], header=("序号", "省份", "企业名称", "复核日期")
    )
    assert set(errors) == {(1, "review_result")}


def test_importing_the_list_twice_changes_nothing_the_second_time(two_designations):
    passing, failing = two_designations
    rows = [
        (1, "江苏省", passing.enterprise.name, "", "通过", "2024-07-01", ""),
        (2, "江苏省", failing.enterprise.name, "", "未通过", "2024-07-01", "研发投入不达标"),
    ]
    run(rows)
    again = run(rows)
    assert again.counts["designations_updated"] == 0
    assert again.counts["designations_unchanged"] == 2


def test_the_review_import_is_reverted_like_any_import(two_designations, admin_user):
    passing, failing = two_designations
    outcome = run(
        [
            (1, "江苏省", passing.enterprise.name, "", "通过", "2024-07-01", ""),
            (2, "江苏省", failing.enterprise.name, "", "未通过", "2024-07-01", "研发投入不达标"),
        ]
    )

    import_revert(record=outcome.record, user=admin_user)

    passing.refresh_from_db()
    failing.refresh_from_db()
    assert (passing.status, passing.reviewed_on) == ("confirmed", None)
    assert (failing.status, failing.revoked_on, failing.revocation_reason) == ("confirmed", None, "")
