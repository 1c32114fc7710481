"""enterprise_import: one invalid cell rejects the whole file, naming row, column, value and reason."""

import pytest

from enterprises.models import Designation, Enterprise
from imports.models import ImportRecord
from tests.enterprises.import_helpers import (
    csv_bytes,
    enterprise_row,
    one_error,
    rejected,
    run,
    with_wrong_check_character,
)
from tests.factories import EnterpriseFactory, make_credit_code
from utilities.tabular import MAX_REPORTED_ERRORS

pytestmark = pytest.mark.django_db


# --- validation: one invalid cell rejects the file with row, column, value and reason -------------------


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("credit_code", "", "不能为空"),
        ("credit_code", "91320500MA1", "应为18位"),
        ("credit_code", with_wrong_check_character(make_credit_code(1)), "校验位"),
        ("credit_code", "91320500I00000001X", "非法字符"),
        ("name", "", "不能为空"),
        ("name", "苏" * 201, "超过200字"),
        ("former_names", "苏" * 201, "超过200字"),
        ("former_names", "苏州导入测试2科技有限公司", "不能与现名相同"),
        ("province", "火星省", "未知省份"),
        ("city", "杭州市", "不在江苏省"),
        ("city", "不存在市", "未知城市"),
        ("city", "", "城市不能为空"),
        ("industry_field", "航天", "不是允许的取值"),
        ("employees", "-1", "不小于0的整数"),
        ("employees", "12.5", "不小于0的整数"),
        ("employees", "3000000000", "过大"),
        ("listing_board", "纳斯达克", "不是允许的取值"),
        ("stock_code", "688 001", "股票代码"),
        ("primary_financing", "也许", "是/否"),
        ("founded_on", "2020-13-01", "YYYY-MM-DD"),
        ("founded_on", "2098-01-01", "晚于今天"),
        ("batch", "", "不能为空"),
        ("batch", "0", "批次应为"),
        ("batch", "第一百批", "批次应为"),
        ("batch", "第三期", "批次应为"),
        ("designation_status", "通过", "不是允许的取值"),
        ("designated_on", "2021/7/1x", "YYYY-MM-DD"),
    ],
)
def test_an_invalid_cell_rejects_the_file_naming_row_column_value_and_reason(regions, column, value, reason):
    rows = [enterprise_row(1), enterprise_row(2)]
    rows[1][column] = value

    error = one_error(rejected(csv_bytes(rows)))

    assert (error.row, error.column) == (3, column)
    assert error.value == value[:100]
    assert reason in error.reason
    assert not Enterprise.objects.exists()


def test_a_credit_code_twice_in_the_file_names_both_rows(regions):
    rows = [enterprise_row(1), enterprise_row(2), enterprise_row(1, name="苏州另一家有限公司")]

    report = rejected(csv_bytes(rows))

    assert [(error.row, error.column) for error in report.errors] == [(2, "credit_code"), (4, "credit_code")]
    assert all("第2、4行" in error.reason for error in report.errors)


def test_an_unknown_column_rejects_the_file(regions):
    rows = [{**enterprise_row(1), "employes": "3"}]

    error = one_error(rejected(csv_bytes(rows)))

    assert (error.row, error.column) == (1, "employes")
    assert "未知列" in error.reason


def test_an_unknown_column_is_ignored_when_asked(regions):
    run(csv_bytes([{**enterprise_row(1), "备注": "x"}]), ignore_unknown=True)

    assert Enterprise.objects.count() == 1


@pytest.mark.parametrize("missing", ["credit_code", "name", "province", "batch"])
def test_a_missing_required_column_rejects_the_file(regions, missing):
    row = enterprise_row(1)
    del row[missing]

    error = one_error(rejected(csv_bytes([row])))

    assert error.column == missing
    assert "缺少必填列" in error.reason


def test_every_problem_of_the_file_is_reported_not_only_the_first(regions):
    rows = [enterprise_row(1, employees="-5", batch="x"), enterprise_row(2), enterprise_row(3, province="火星")]

    report = rejected(csv_bytes(rows))

    assert {(error.row, error.column) for error in report.errors} == {(2, "employees"), (2, "batch"), (4, "province")}


def test_the_report_lists_the_first_200_errors_then_a_count(regions):
    rows = [enterprise_row(i, employees="many") for i in range(1, 251)]

    report = rejected(csv_bytes(rows))

    assert report.total == 250
    assert len(report.errors) == MAX_REPORTED_ERRORS
    assert "另有 50 个错误未列出" in report.lines()[-1]


def test_one_bad_row_writes_nothing_and_records_the_rejection(regions):
    EnterpriseFactory(credit_code=make_credit_code(1), name="苏州旧名有限公司", employees=10)
    rows = [enterprise_row(1, employees="99"), enterprise_row(2), enterprise_row(3, city="杭州")]

    report = rejected(csv_bytes(rows))

    assert Enterprise.objects.count() == 1
    assert Enterprise.objects.get().employees == 10
    assert not Designation.objects.exists()
    record = ImportRecord.objects.get()
    assert record.outcome == ImportRecord.Outcome.REJECTED
    assert record.error_count == report.total == 1
    assert record.errors == [{"row": 4, "column": "city", "value": "杭州", "reason": report.errors[0].reason}]


def test_a_file_that_is_not_a_table_is_rejected(regions):
    report = rejected(b"")

    assert "缺少表头" in report.errors[0].reason
