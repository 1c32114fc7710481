"""RowValidator's fast path (``_valid``) for the common row: it may decline any row, but a row it accepts
must be one that every check (``_checked``) accepts, with the very same values."""

import pytest

from patents.services.validation import RowValidator
from tests.patents.conftest import patent_row
from utilities.tabular import ErrorReport

VARIANTS = [
    {},
    {"patent_type": "发明"},  # a label: the checks' business
    {"patent_type": "INVENTION"},
    {"legal_status": "有效"},
    {"cited_by_count": "1,234"},
    {"cited_by_count": "12.0"},
    {"cited_by_count": "9999999999"},
    {"cited_by_count": "٣"},  # a digit, but not ASCII
    {"license_count": ""},
    {"application_date": "2020/03/01"},
    {"application_date": "2020年3月1日"},
    {"application_date": "2020-13-01"},
    {"publication_date": "2019-01-01"},  # before the application
    {"grant_date": "2019-01-01"},
    {"grant_date": "2021-01-01"},
    {"jurisdiction": "cn", "publication_number": "cn112000001a"},
    {"jurisdiction": "C1"},
    {"jurisdiction": "US"},  # the publication number says CN
    {"publication_number": "CN"},
    {"publication_number": "CN 112"},
    {"publication_number": "CN" + "1" * 200},
    {"application_number": ""},
    {"title": "题" * 1000},
    {"ipc_main": "G" * 200},
    {"applicant_names": ""},
    {"applicant_names": "  甲公司  "},
    {"applicant_names": "甲;乙", "applicant_credit_codes": ";"},
    {"applicant_names": "甲；乙"},
    {"applicant_names": "名" * 300},
    {"applicant_credit_codes": "91110000600037341l"},  # lower case: upper-cased, then valid or not
    {"applicant_credit_codes": "91110000600037341L"},
    {"applicant_credit_codes": "911100006000373410"},
    {"applicant_credit_codes": "123"},
]


@pytest.mark.parametrize("change", VARIANTS, ids=[str(v) for v in VARIANTS])
def test_the_fast_path_accepts_only_what_the_checks_accept_with_the_same_values(change):
    row = {**patent_row(1), **change}
    report = ErrorReport()
    validator = RowValidator(report)
    fast = validator._valid(dict(row))
    checked = validator._checked(2, dict(row))
    if fast is not None:
        assert not report and fast == checked
    assert validator(2, dict(row)) == checked


def test_the_common_row_takes_the_fast_path():
    assert RowValidator(ErrorReport())._valid(patent_row(1)) is not None
