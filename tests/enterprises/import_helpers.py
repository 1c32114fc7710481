"""Building interchange files for the import tests: rows as dicts, written as CSV (any encoding) or XLSX."""

import csv
import io

import pytest

from enterprises.services import ENTERPRISE_COLUMNS, enterprise_import
from tests.factories import make_credit_code
from utilities.tabular import FileRejected

HEADER = [column.key for column in ENTERPRISE_COLUMNS]


def enterprise_row(serial: int = 1, **values: str) -> dict[str, str]:
    """A valid enterprises.csv row in 苏州 (320500); override any column by keyword."""
    row = {
        "credit_code": make_credit_code(serial),
        "name": f"苏州导入测试{serial}科技有限公司",
        "former_names": "",
        "province": "江苏省",
        "city": "苏州市",
        "industry_field": "next_gen_it",
        "employees": "120",
        "listing_board": "",
        "stock_code": "",
        "primary_financing": "0",
        "founded_on": "2010-05-01",
        "batch": "3",
        "designation_status": "confirmed",
        "designated_on": "2021-07-01",
    }
    row.update(values)
    return row


def csv_bytes(rows: list[dict[str, str]], *, header: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    header = header or (list(rows[0]) if rows else HEADER)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(list(row.values()))
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict[str, str]], *, header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def list_bytes(rows: list[tuple], *, header=("序号", "省份", "企业名称"), encoding: str = "utf-8") -> bytes:
    """An official MIIT list as its CSV conversion looks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


# --- running enterprise_import ------------------------------------------------------------------------


def run(data: bytes, **options):
    return enterprise_import(stream=io.BytesIO(data), file_name=options.pop("file_name", "enterprises.csv"), **options)


def rejected(data: bytes, **options):
    with pytest.raises(FileRejected) as excinfo:
        run(data, **options)
    return excinfo.value.report


def one_error(report):
    assert report.total == 1, report.lines()
    return report.errors[0]


def with_wrong_check_character(code: str) -> str:
    return code[:17] + ("0" if code[17] != "0" else "1")
