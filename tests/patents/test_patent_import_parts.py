"""A large patents.csv is read in parts by worker processes (staging.py): the import must come out exactly
as reading the file in one piece does, the report of a bad file included, row for row."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import transaction
from django.utils import translation

from patents.models import Patent, PatentApplicant
from patents.services import staging
from tests.factories import EnterpriseFactory
from tests.patents.conftest import patent_row, patents_csv, run_import
from utilities.tabular import FileRejected

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def read_in(monkeypatch, settings):
    """read_in(parts=True|False): the next imports read the file in small parts (threads for workers) or whole."""

    loads = []
    load = staging._load

    def counted(cursor, taken):
        loads.append(len(taken[0]))
        load(cursor, taken)

    def choose(*, parts: bool, processes: bool = False) -> list:
        """Returns the list of the COPY batches that will be loaded (their patents' sizes)."""
        settings.PATENT_IMPORT_PROCESSES = 2 if parts else 1
        monkeypatch.setattr(staging, "PARALLEL_FROM_BYTES", 0)
        monkeypatch.setattr(staging, "PART_BYTES", 700)
        monkeypatch.setattr(staging, "_load", counted)
        if not processes:
            monkeypatch.setattr(staging, "django_process_pool", ThreadPoolExecutor)
        loads.clear()
        return loads

    return choose


def imported() -> tuple[list, list]:
    patents = list(Patent.objects.order_by("publication_number").values_list(*staging.STAGE_PATENT_COLUMNS[3:]))
    applicants = list(
        PatentApplicant.objects.order_by("patent__publication_number", "position").values_list(
            "patent__publication_number", "position", "name", "name_normalized", "credit_code", "enterprise_id"
        )
    )
    return patents, applicants


def outcome_of(data: bytes) -> tuple:
    """(counts, patents, applicants) of importing ``data``, or the rejection's errors; nothing is kept."""
    with transaction.atomic():
        try:
            outcome = run_import(data)
        except FileRejected as rejected:
            result = ("rejected", rejected.report.total, rejected.report.errors)
        else:
            result = (outcome.counts, *imported())
        transaction.set_rollback(True)
    return result


def rows(count: int) -> list[dict[str, str]]:
    # Varied enough to cross the parts' cuts in every column: several applicants, a quoted title with a
    # comma, a backslash and a tab (COPY escapes), a credit code, a grant date, a foreign office.
    result = []
    for n in range(1, count + 1):
        row = patent_row(n, title=f"一种装置{n}，含逗号, 与 \\ 反斜杠")
        if n % 3 == 0:
            row.update(applicant_names=f"甲公司;测试申请人{n}有限公司", applicant_credit_codes=";")
        if n % 4 == 0:
            row.update(grant_date="2021-05-06", legal_status="valid")
        if n % 5 == 0:
            row.update(jurisdiction="WO", publication_number=f"WO{2020000000 + n}A1")
        if n % 7 == 0:
            row.update(title=f"制表符\t在标题{n}中")
        result.append(row)
    return result


def test_a_valid_file_imports_the_same_in_parts(read_in):
    EnterpriseFactory(name="甲公司")
    data = patents_csv(rows(120))
    assert len(read_in(parts=False)) == 0
    one_piece = outcome_of(data)
    loads = read_in(parts=True)
    assert outcome_of(data) == one_piece
    assert len(loads) > 10  # in parts: one COPY each
    assert one_piece[0]["created"] == 120 and one_piece[0]["applicants_linked"] == 40
    titles = {patent[0]: patent[4] for patent in one_piece[1]}
    assert titles["CN112000007A"] == "制表符\t在标题7中"
    # With and without a grant date (COPY's NULL is a backslash too).
    assert titles["CN112000001A"] == "一种装置1，含逗号, 与 \\ 反斜杠"
    assert titles["CN112000004A"] == "一种装置4，含逗号, 与 \\ 反斜杠"


BAD_FILES = {
    "invalid cells": lambda good: [*good[:50], {**good[50], "application_date": "2020-13-01"}, *good[51:]],
    "duplicates across parts": lambda good: [*good, {**good[3], "title": "重复"}, {**good[90]}],
    "a formula (reader)": lambda good: [*good[:70], {**good[70], "ipc_main": "=1+2"}, *good[71:]],
    "reader and validator problems": lambda good: [
        {**good[0], "cited_by_count": "x"},
        *good[1:100],
        {**good[100], "title": "<b>粗体</b>"},
    ],
    "many errors (over the report's limit)": lambda good: [{**row, "patent_type": "未知"} for row in good] * 3,
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_gets_the_same_report_in_parts(read_in, case):
    data = patents_csv(BAD_FILES[case](rows(110)))
    read_in(parts=False)
    one_piece = outcome_of(data)
    read_in(parts=True)
    assert one_piece[0] == "rejected"
    assert outcome_of(data) == one_piece


def test_the_report_is_in_the_language_of_the_import(read_in):
    data = patents_csv([*rows(60), {**patent_row(61), "application_date": "yesterday"}])
    read_in(parts=True)
    with translation.override("en"):
        rejected = outcome_of(data)
    assert rejected[2][0].reason == "the date must be written YYYY-MM-DD"


def test_a_quote_inside_a_cell_makes_the_import_read_the_file_in_one_piece(read_in):
    good = rows(100)
    # 5" unquoted: the quote count no longer says where quotes are, so the parts may be cut wrong.
    text = patents_csv(good).decode().replace("一种装置40，", '一种5"装置40，', 1)
    data = text.replace('"一种5"装置40', '一种5"装置40').encode()
    read_in(parts=False)
    one_piece = outcome_of(data)
    loads = read_in(parts=True)
    assert outcome_of(data) == one_piece
    assert loads[-1] > 10_000  # the whole file, at last in one piece


def test_worker_processes_read_the_parts(read_in):
    data = patents_csv(rows(80))
    read_in(parts=False)
    one_piece = outcome_of(data)
    loads = read_in(parts=True, processes=True)
    assert outcome_of(data) == one_piece
    assert len(loads) > 5
