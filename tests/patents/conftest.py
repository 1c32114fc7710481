"""Helpers for the patent tests: a valid patents.csv row to vary, and running the import on bytes."""

import csv
import io

import pytest

from patents.services import patent_import

HEADER = [
    "publication_number",
    "application_number",
    "jurisdiction",
    "patent_type",
    "title",
    "application_date",
    "publication_date",
    "grant_date",
    "legal_status",
    "ipc_main",
    "cited_by_count",
    "license_count",
    "transfer_count",
    "applicant_names",
    "applicant_credit_codes",
]


def patent_row(n: int = 1, **values: str) -> dict[str, str]:
    """A valid row for patent number ``n``; keyword arguments override cells."""
    row = {
        "publication_number": f"CN{112000000 + n}A",
        "application_number": f"2020{10000000 + n}.{n % 10}",
        "jurisdiction": "CN",
        "patent_type": "invention",
        "title": f"一种测试装置{n}",
        "application_date": "2020-03-01",
        "publication_date": "2020-09-01",
        "grant_date": "",
        "legal_status": "pending",
        "ipc_main": "G06F16/35",
        "cited_by_count": "3",
        "license_count": "0",
        "transfer_count": "1",
        "applicant_names": f"测试申请人{n}有限公司",
        "applicant_credit_codes": "",
    }
    row.update(values)
    return row


def patents_csv(rows: list[dict[str, str]], *, header: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    header = header or HEADER
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(key, "") for key in header])
    return text.getvalue().encode(encoding)


def run_import(data: bytes, **options):
    return patent_import(stream=io.BytesIO(data), file_name="patents.csv", **options)


@pytest.fixture
def import_rows():
    """Import rows (dicts) as a patents.csv file and return the outcome."""

    def run(rows, **options):
        return run_import(patents_csv(rows), **options)

    return run
