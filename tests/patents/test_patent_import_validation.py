"""patents.csv validation: every rule of data-formats.md rejects the whole file with a precise report."""

import pytest

from imports.models import ImportRecord
from patents.models import Patent, PatentApplicant
from tests.factories import PatentFactory, make_credit_code
from tests.patents.conftest import HEADER, patent_row, patents_csv, run_import
from utilities.tabular import FileRejected

pytestmark = pytest.mark.django_db


def rejected(rows, *, header=None, **options) -> list[tuple[int, str, str]]:
    """Import rows that must be rejected; return the report as (row, column, reason) and check no write."""
    with pytest.raises(FileRejected) as caught:
        run_import(patents_csv(rows, header=header), **options)
    assert not Patent.objects.exists()
    assert not PatentApplicant.objects.exists()
    return [(error.row, error.column, error.reason) for error in caught.value.report.errors]


def only_error(rows, **options) -> tuple[int, str, str]:
    errors = rejected(rows, **options)
    assert len(errors) == 1, errors
    return errors[0]


def test_a_valid_file_creates_patents_and_their_applicants(import_rows):
    outcome = import_rows([patent_row(1), patent_row(2, applicant_names="甲公司;乙公司")])
    assert outcome.counts["created"] == 2
    assert outcome.counts["applicants_written"] == 3
    patent = Patent.objects.get(publication_number="CN112000002A")
    assert patent.jurisdiction == "CN"
    assert patent.cited_by_count == 3
    assert list(patent.applicants.values_list("position", "name")) == [(1, "甲公司"), (2, "乙公司")]


def test_chinese_header_aliases_are_accepted(import_rows):
    aliases = {
        "publication_number": "公开号",
        "application_number": "申请号",
        "jurisdiction": "受理局",
        "patent_type": "专利类型",
        "title": "标题",
        "application_date": "申请日",
        "publication_date": "公开日",
        "grant_date": "授权日",
        "legal_status": "法律状态",
        "ipc_main": "主IPC",
        "cited_by_count": "被引次数",
        "license_count": "许可次数",
        "transfer_count": "转让次数",
        "applicant_names": "申请人",
        "applicant_credit_codes": "申请人信用代码",
    }
    row = {aliases[key]: value for key, value in patent_row(1).items()}
    run_import(patents_csv([row], header=[aliases[key] for key in HEADER]))
    assert Patent.objects.get().publication_number == "CN112000001A"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings_are_detected(encoding):
    run_import(patents_csv([patent_row(1, applicant_names="北京（测试）科技有限公司")], encoding=encoding))
    applicant = PatentApplicant.objects.get()
    assert applicant.name == "北京（测试）科技有限公司"  # kept as printed, whatever the encoding
    assert applicant.name_normalized == "北京(测试)科技有限公司"


def test_full_width_digits_and_letters_are_normalised():
    run_import(patents_csv([patent_row(1, publication_number="ＣＮ１１２０００００１Ａ", cited_by_count="１２")]))
    patent = Patent.objects.get()
    assert patent.publication_number == "CN112000001A"
    assert patent.cited_by_count == 12


def test_choices_are_accepted_by_chinese_label(import_rows):
    import_rows([patent_row(1, patent_type="实用新型", legal_status="有效")])
    patent = Patent.objects.get()
    assert (patent.patent_type, patent.legal_status) == ("utility_model", "valid")


def test_publication_number_must_start_with_the_jurisdiction():
    row, column, reason = only_error([patent_row(1, publication_number="US112000001A")])
    assert (row, column) == (2, "publication_number")
    assert "受理局" in reason


@pytest.mark.parametrize("jurisdiction", ["C1", "CHN", "C"])
def test_jurisdiction_must_be_two_letters(jurisdiction):
    row, column, _ = only_error([patent_row(1, jurisdiction=jurisdiction, publication_number=f"{jurisdiction}1A")])
    assert (row, column) == (2, "jurisdiction")


def test_lower_case_office_codes_are_accepted(import_rows):
    import_rows([patent_row(1, jurisdiction="wo", publication_number="wo2021123456a1")])
    assert Patent.objects.get().publication_number == "WO2021123456A1"


def test_unknown_patent_type_is_rejected():
    row, column, reason = only_error([patent_row(1, patent_type="软件著作权")])
    assert (row, column) == (2, "patent_type")
    assert "invention" in reason


def test_unknown_legal_status_is_rejected():
    assert only_error([patent_row(1, legal_status="expired")])[:2] == (2, "legal_status")


@pytest.mark.parametrize("column", ["publication_number", "application_number", "application_date", "legal_status"])
def test_required_cells_must_not_be_empty(column):
    errors = rejected([patent_row(1, **{column: ""})])
    assert (2, column, "必填项为空") in errors


def test_missing_required_column_rejects_the_header():
    header = [key for key in HEADER if key != "publication_date"]
    row, column, reason = only_error([patent_row(1)], header=header)
    assert (row, column) == (1, "publication_date")
    assert "缺少必填列" in reason


def test_dates_must_be_iso_dates():
    assert only_error([patent_row(1, application_date="2020-13-45")])[:2] == (2, "application_date")


def test_publication_date_must_not_be_before_application_date():
    row, column, reason = only_error([patent_row(1, application_date="2021-01-02", publication_date="2021-01-01")])
    assert (row, column) == (2, "publication_date")
    assert "早于申请日" in reason


def test_grant_date_must_not_be_before_application_date():
    assert only_error([patent_row(1, grant_date="2019-12-31")])[:2] == (2, "grant_date")


def test_publication_on_the_application_day_is_valid(import_rows):
    import_rows([patent_row(1, application_date="2021-01-01", publication_date="2021-01-01", grant_date="2021-01-01")])
    assert Patent.objects.get().grant_date.isoformat() == "2021-01-01"


@pytest.mark.parametrize("value", ["-1", "1.5", "many"])
def test_counts_must_be_non_negative_integers(value):
    assert only_error([patent_row(1, license_count=value)])[:2] == (2, "license_count")


def test_empty_counts_default_to_zero(import_rows):
    import_rows([patent_row(1, cited_by_count="", license_count="", transfer_count="")])
    patent = Patent.objects.get()
    assert (patent.cited_by_count, patent.license_count, patent.transfer_count) == (0, 0, 0)


def test_at_least_one_applicant_is_required():
    errors = rejected([patent_row(1, applicant_names="")])
    assert [(row, column) for row, column, _ in errors] == [(2, "applicant_names")]


def test_an_empty_applicant_between_separators_is_rejected():
    assert only_error([patent_row(1, applicant_names="甲公司;;乙公司")])[:2] == (2, "applicant_names")


def test_full_width_list_separator_is_accepted(import_rows):
    import_rows([patent_row(1, applicant_names="甲公司；乙公司")])
    assert list(PatentApplicant.objects.values_list("name", flat=True)) == ["甲公司", "乙公司"]


def test_credit_codes_must_align_with_applicant_names():
    row, column, reason = only_error(
        [patent_row(1, applicant_names="甲;乙", applicant_credit_codes=make_credit_code(1))]
    )
    assert (row, column) == (2, "applicant_credit_codes")
    assert "与申请人个数" in reason


def test_empty_credit_code_entries_mean_match_by_name(import_rows):
    code = make_credit_code(7)
    import_rows([patent_row(1, applicant_names="甲;乙", applicant_credit_codes=f";{code}")])
    assert list(PatentApplicant.objects.values_list("credit_code", flat=True)) == ["", code]


def test_credit_codes_must_verify():
    bad = make_credit_code(1)[:-1] + ("0" if make_credit_code(1)[-1] != "0" else "1")
    row, column, reason = only_error([patent_row(1, applicant_credit_codes=bad)])
    assert (row, column) == (2, "applicant_credit_codes")
    assert "校验位应为" in reason


def test_a_publication_number_twice_in_the_file_is_rejected():
    rows = [patent_row(1), patent_row(2, publication_number="CN112000001A")]
    assert only_error(rows)[:2] == (3, "publication_number")


def test_an_application_number_twice_at_one_office_is_rejected():
    rows = [patent_row(1), patent_row(2, application_number=patent_row(1)["application_number"])]
    assert only_error(rows)[:2] == (3, "application_number")


def test_the_same_application_number_at_two_offices_is_valid(import_rows):
    number = patent_row(1)["application_number"]
    import_rows(
        [
            patent_row(1),
            patent_row(2, jurisdiction="WO", publication_number="WO2021000002A1", application_number=number),
        ]
    )
    assert Patent.objects.count() == 2


def test_an_application_number_of_another_patent_in_the_database_is_rejected():
    PatentFactory(publication_number="CN999A", jurisdiction="CN", application_number="2020100000001.1")
    with pytest.raises(FileRejected) as caught:
        run_import(patents_csv([patent_row(1, application_number="2020100000001.1")]))
    [error] = caught.value.report.errors
    assert (error.row, error.column) == (2, "application_number")
    assert "CN999A" in error.reason
    assert Patent.objects.count() == 1


def test_unknown_columns_are_rejected():
    header = [*HEADER, "备注"]
    row, column, reason = only_error([{**patent_row(1), "备注": "x"}], header=header)
    assert (row, column) == (1, "备注")
    assert "--ignore-unknown" in reason


def test_unknown_columns_are_ignored_on_request():
    outcome = run_import(patents_csv([{**patent_row(1), "备注": "x"}], header=[*HEADER, "备注"]), ignore_unknown=True)
    assert outcome.counts["created"] == 1
    assert "备注" in outcome.warnings[0]


def test_the_report_names_row_column_value_and_reason():
    with pytest.raises(FileRejected) as caught:
        run_import(patents_csv([patent_row(1), patent_row(2, cited_by_count="-3")]))
    [error] = caught.value.report.errors
    assert (error.row, error.column, error.value) == (3, "cited_by_count", "-3")
    assert "应为不小于0的整数" in error.reason


def test_the_report_lists_the_first_200_problems_then_counts_them():
    with pytest.raises(FileRejected) as caught:
        run_import(patents_csv([patent_row(n, legal_status="?") for n in range(1, 251)]))
    report = caught.value.report
    assert report.total == 250
    assert len(report.errors) == 200
    assert "50" in report.lines()[-1]


def test_one_invalid_row_rejects_the_whole_file_and_writes_nothing():
    rows = [patent_row(n) for n in range(1, 30)] + [patent_row(30, patent_type="bogus")]
    rejected(rows)


def test_a_rejected_file_leaves_existing_patents_untouched(import_rows):
    import_rows([patent_row(1)])
    with pytest.raises(FileRejected):
        import_rows([patent_row(1, title="改过的标题"), patent_row(2, grant_date="1999-01-01")])
    assert Patent.objects.get().title == "一种测试装置1"
    assert Patent.objects.count() == 1


def test_a_rejected_file_is_recorded_with_its_errors():
    with pytest.raises(FileRejected):
        run_import(patents_csv([patent_row(1, jurisdiction="XX")]))
    record = ImportRecord.objects.get()
    assert record.kind == ImportRecord.Kind.PATENTS
    assert record.outcome == ImportRecord.Outcome.REJECTED
    assert record.error_count == 1
    assert record.errors[0]["column"] == "publication_number"


def test_xlsx_is_not_accepted_for_patents():
    with pytest.raises(FileRejected) as caught:
        run_import(b"PK\x03\x04rest-of-a-zip")
    assert "只接受 CSV" in caught.value.report.errors[0].reason
