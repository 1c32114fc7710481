"""RowValidator's two ways through a patents.csv row: the fast path (``_valid``) may decline any row, but a
row it accepts must be one that every check (``_checked``) accepts, with the very same values, and the
validator as called must give what the checks give, errors included. Hypothesis generates the rows from
valid cells and their usual faults (labels, case, "1,234", bad and out-of-order dates, lists, long texts)."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from patents.choices import LegalStatus, PatentType
from patents.models import Patent, PatentApplicant
from patents.services.validation import RowValidator
from tests.factories import make_credit_code
from tests.patents.conftest import patent_row
from utilities.tabular import ErrorReport

# Reproducible in CI (derandomize) and no example database written into the checkout.
CHECKS = settings(max_examples=1000, deadline=None, derandomize=True, database=None)


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _over(name: str, model=Patent) -> str:
    return "长" * (_max_length(model, name) + 1)


ANY = st.text(max_size=6)
OFFICE = st.one_of(st.sampled_from(["CN", "cn", "US", "WO", "EP", "C1", "C", "CNN", "", "ＣＮ", "ß"]), ANY)
NUMBER_TAIL = st.one_of(st.sampled_from(["112000001A", "1", "", " 112", "112 A", "１１２"]), ANY)
DATE = st.dates(min_value=datetime.date(1890, 1, 1), max_value=datetime.date(2110, 12, 31))
DATE_CELL = st.one_of(
    DATE.map(datetime.date.isoformat),
    DATE.map(lambda d: f"{d.year}/{d.month}/{d.day}"),
    DATE.map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    DATE.map(lambda d: f"{d.isoformat()} 00:00:00"),
    st.sampled_from(["", "2020-13-01", "2020-02-30", "0001-01-01", "20200301", "2020.3.1", "T"]),
    ANY,
)
COUNT = st.one_of(
    st.integers(min_value=0, max_value=10**11).map(str),
    st.sampled_from(["", "1,234", "12.0", "2147483647", "2147483648", "٣", "²", "-1", " 1", "1e3", "0x1"]),
    ANY,
)


def _choice(choices) -> st.SearchStrategy[str]:
    keys = list(choices.values)
    labels = [str(label) for label in choices.labels]
    return st.one_of(
        st.sampled_from(keys + labels + [key.upper() for key in keys] + ["", "unknown"]),
        ANY,
    )


NAME = st.one_of(
    st.sampled_from(["测试申请人有限公司", "  甲公司  ", "", " ", _over("name", PatentApplicant), "A<b>"]),
    ANY,
)
NAMES = st.one_of(NAME, st.lists(NAME, min_size=2, max_size=3).map(";".join), st.just("甲；乙"))
CODE = st.one_of(
    st.integers(min_value=1, max_value=9999).map(make_credit_code),
    st.integers(min_value=1, max_value=9999).map(lambda n: make_credit_code(n).lower()),
    st.integers(min_value=1, max_value=9999).map(lambda n: f" {make_credit_code(n)} "),
    st.sampled_from(["", "123", "911100006000373410", "91110000600037341L"]),
    ANY,
)
CODES = st.one_of(CODE, st.lists(CODE, min_size=2, max_size=3).map(";".join))
OPTIONAL = [
    "title",
    "grant_date",
    "ipc_main",
    "cited_by_count",
    "license_count",
    "transfer_count",
    "applicant_credit_codes",
]


@st.composite
def rows(draw) -> dict[str, str]:
    """A valid row with some cells replaced, and some optional columns missing from the file."""
    office = draw(OFFICE)
    cells = {
        "jurisdiction": office,
        "publication_number": draw(st.one_of(NUMBER_TAIL.map(lambda tail: office + tail), ANY)),
        "application_number": draw(st.sampled_from(["2020100000001.1", "", "号" * 100, "x"]) | ANY),
        "patent_type": draw(_choice(PatentType)),
        "legal_status": draw(_choice(LegalStatus)),
        "title": draw(st.sampled_from(["一种装置", "", _over("title")]) | ANY),
        "ipc_main": draw(st.sampled_from(["G06F16/35", "", _over("ipc_main")]) | ANY),
        "application_date": draw(DATE_CELL),
        "publication_date": draw(DATE_CELL),
        "grant_date": draw(DATE_CELL),
        "cited_by_count": draw(COUNT),
        "license_count": draw(COUNT),
        "transfer_count": draw(COUNT),
        "applicant_names": draw(NAMES),
        "applicant_credit_codes": draw(CODES),
    }
    # Each cell as generated or as the valid row has it, so that most rows fail in one place or none.
    changed = draw(st.sets(st.sampled_from(sorted(cells))))
    row = {**patent_row(1), **{key: value for key, value in cells.items() if key in changed}}
    for key in draw(st.sets(st.sampled_from(OPTIONAL))):
        del row[key]
    return row


def errors(report: ErrorReport) -> list[tuple]:
    return [(e.row, e.column, e.value, e.reason) for e in report.errors]


@CHECKS
@given(rows())
def test_a_row_the_fast_path_accepts_is_accepted_by_every_check_with_the_same_values(row):
    fast_path = RowValidator(ErrorReport())
    fast = fast_path._valid(dict(row))
    checks_report = ErrorReport()
    checks = RowValidator(checks_report)
    checked = checks._checked(2, dict(row))
    if fast is not None:
        assert errors(checks_report) == [] and fast == checked
    # The natural keys the duplicate search stages, whichever way the row went.
    assert fast_path.keys == checks.keys


@CHECKS
@given(rows())
def test_the_validator_gives_what_every_check_gives_errors_included(row):
    report, checks_report = ErrorReport(), ErrorReport()
    validator = RowValidator(report)
    given_values = validator(2, dict(row))
    checks = RowValidator(checks_report)
    assert given_values == checks._checked(2, dict(row))
    assert errors(report) == errors(checks_report)
    assert validator.keys == checks.keys
