"""Duplicates inside patents.csv: reported row by row, in row order, among the other errors of the file.

The check runs in SQL over the staged keys of every row (so memory does not grow with the file); these
tests pin the report it gives to the one the row-by-row check in Python gave before.
"""

import pytest

from patents.models import Patent, PatentApplicant
from patents.services import patent_file as services
from patents.services import staging
from tests.patents.conftest import patent_row, patents_csv, run_import
from utilities.tabular import FileRejected

pytestmark = pytest.mark.django_db

DUPLICATE_PUBLICATION = "公开号在文件中重复"


def duplicate_application(office: str) -> str:
    return f"同一受理局 {office} 的申请号在文件中重复"


def report_of(rows):
    with pytest.raises(FileRejected) as caught:
        run_import(patents_csv(rows))
    assert not Patent.objects.exists()
    assert not PatentApplicant.objects.exists()
    return caught.value.report


def errors_of(rows) -> list[tuple[int, str, str, str]]:
    return [(e.row, e.column, e.value, e.reason) for e in report_of(rows).errors]


def test_a_repeated_publication_number_is_reported_on_the_later_row():
    rows = [patent_row(1), patent_row(2), patent_row(3, publication_number="cn112000001a")]
    assert errors_of(rows) == [(4, "publication_number", "CN112000001A", DUPLICATE_PUBLICATION)]


def test_a_repeated_application_number_of_the_same_office_is_reported_on_the_later_row():
    number = patent_row(1)["application_number"]
    rows = [patent_row(1), patent_row(2, application_number=number)]
    assert errors_of(rows) == [(3, "application_number", number, duplicate_application("CN"))]


def test_each_repetition_is_reported_and_a_row_repeating_both_keys_gets_both_errors():
    rows = [patent_row(1), patent_row(1), patent_row(2), patent_row(1)]
    number = patent_row(1)["application_number"]
    assert errors_of(rows) == [
        (3, "publication_number", "CN112000001A", DUPLICATE_PUBLICATION),
        (3, "application_number", number, duplicate_application("CN")),
        (5, "publication_number", "CN112000001A", DUPLICATE_PUBLICATION),
        (5, "application_number", number, duplicate_application("CN")),
    ]


def test_duplicates_are_found_after_the_first_invalid_row_and_in_row_order_with_it():
    rows = [patent_row(1), patent_row(2, legal_status="?"), patent_row(3), patent_row(3)]
    errors = errors_of(rows)
    assert [(row, column) for row, column, _value, _reason in errors] == [
        (3, "legal_status"),
        (5, "publication_number"),
        (5, "application_number"),
    ]


def test_an_invalid_row_still_counts_as_the_first_occurrence():
    rows = [patent_row(1, application_date="not a date"), patent_row(1, title="again")]
    assert [(row, column) for row, column, _value, _reason in errors_of(rows)] == [
        (2, "application_date"),
        (3, "publication_number"),
        (3, "application_number"),
    ]


def test_the_cell_errors_of_a_row_come_before_its_duplicate_errors():
    rows = [patent_row(1), patent_row(1, cited_by_count="-1")]
    assert [(row, column) for row, column, _value, _reason in errors_of(rows)] == [
        (3, "cited_by_count"),
        (3, "publication_number"),
        (3, "application_number"),
    ]


def test_a_row_without_keys_is_no_duplicate_of_another():
    rows = [patent_row(1, publication_number=""), patent_row(2, publication_number="")]
    assert [(row, column) for row, column, _value, _reason in errors_of(rows)] == [
        (2, "publication_number"),
        (3, "publication_number"),
    ]


def test_the_first_200_problems_are_listed_in_row_order_and_all_are_counted():
    # Rows 2..151 have a bad status; rows 152..301 repeat row 2's publication number (with new application
    # numbers): 300 problems, the first 200 being the 150 cell errors then 50 duplicates.
    rows = [patent_row(n, legal_status="?") for n in range(1, 151)]
    rows += [patent_row(n, publication_number="CN112000001A") for n in range(151, 301)]
    report = report_of(rows)
    assert report.total == 300
    assert len(report.errors) == 200
    assert [e.row for e in report.errors] == list(range(2, 202))
    assert {e.column for e in report.errors[:150]} == {"legal_status"}
    assert {e.column for e in report.errors[150:]} == {"publication_number"}
    assert "100" in report.lines()[-1]


# A file whose rows are all valid is written without searching it for duplicates first: the writes stop at
# any repeated key, roll back to before themselves, and the file gets the report the search gives. Each
# kind of repetition is stopped by something different, so each is pinned here, row by row and (on
# PostgreSQL) as a bulk load, whose unique constraints are only built again after the rows are in.
write_modes = pytest.mark.parametrize("bulk", [pytest.param(False, id="rows"), pytest.param(True, id="bulk")])


@pytest.fixture
def write_mode(monkeypatch):
    def apply(bulk: bool) -> None:
        if bulk:
            monkeypatch.setattr(services, "BULK_ROWS", 1)

    return apply


def stored() -> list[tuple[str, str, str]]:
    fields = ("publication_number", "application_number", "title")
    return list(Patent.objects.order_by("publication_number").values_list(*fields))


def rejected_leaving_data_as_it_was(rows) -> list[tuple[int, str, str, str]]:
    before = stored()
    with pytest.raises(FileRejected) as caught:
        run_import(patents_csv(rows))
    assert stored() == before
    return [(e.row, e.column, e.value, e.reason) for e in caught.value.report.errors]


def test_a_valid_file_is_written_without_the_search(monkeypatch):
    def search(*args, **kwargs):
        raise AssertionError("searched a valid file for duplicates before writing it")

    monkeypatch.setattr(staging, "duplicates", search)
    outcome = run_import(patents_csv([patent_row(1), patent_row(2)]))
    assert outcome.counts["created"] == 2


@write_modes
def test_two_new_patents_with_one_publication_number(bulk, write_mode):
    write_mode(bulk)
    rows = [patent_row(1), patent_row(2, publication_number="CN112000001A")]
    assert rejected_leaving_data_as_it_was(rows) == [(3, "publication_number", "CN112000001A", DUPLICATE_PUBLICATION)]


@write_modes
def test_two_rows_for_one_existing_patent(bulk, write_mode):
    run_import(patents_csv([patent_row(1), patent_row(2)]))
    write_mode(bulk)
    rows = [patent_row(1, title="改一"), patent_row(1, title="改二", application_number="X-1")]
    assert rejected_leaving_data_as_it_was(rows) == [(3, "publication_number", "CN112000001A", DUPLICATE_PUBLICATION)]


@write_modes
def test_a_new_and_an_existing_patent_given_one_application_number(bulk, write_mode):
    run_import(patents_csv([patent_row(1)]))
    write_mode(bulk)
    rows = [patent_row(1, application_number="X-1"), patent_row(3, application_number="X-1")]
    assert rejected_leaving_data_as_it_was(rows) == [(3, "application_number", "X-1", duplicate_application("CN"))]


@write_modes
def test_two_existing_patents_given_one_application_number(bulk, write_mode):
    run_import(patents_csv([patent_row(1), patent_row(2)]))
    write_mode(bulk)
    rows = [patent_row(1, application_number="X-1"), patent_row(2, application_number="X-1")]
    assert rejected_leaving_data_as_it_was(rows) == [(3, "application_number", "X-1", duplicate_application("CN"))]


def test_a_repetition_that_also_conflicts_with_the_database_is_reported_as_a_repetition():
    run_import(patents_csv([patent_row(1)]))
    number = patent_row(1)["application_number"]
    rows = [patent_row(1), patent_row(2, application_number=number)]
    assert rejected_leaving_data_as_it_was(rows) == [(3, "application_number", number, duplicate_application("CN"))]


def test_a_dry_run_is_searched_as_it_writes_nothing():
    rows = [patent_row(1), patent_row(1)]
    with pytest.raises(FileRejected) as caught:
        run_import(patents_csv(rows), dry_run=True)
    assert [(e.row, e.column) for e in caught.value.report.errors] == [
        (3, "publication_number"),
        (3, "application_number"),
    ]
