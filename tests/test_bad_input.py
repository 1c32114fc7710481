"""Bad files through every way in: the import commands and the admin upload (no import API exists).

The corpus is in tests/data/bad_files/ (small text files, one problem each); binary files, damaged
workbooks and the 100 MB line are generated here rather than committed. Each file must be refused with
an error that names the row and the cause, in the report's Chinese-with-English form, change nothing,
print no traceback, answer no 500, and leave an import record that is ``rejected`` for that cause (not
an "internal error").
"""

import io
import random
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import override_settings
from django.urls import reverse

from enterprises.management.commands.import_designation_list import Command as ListCommand
from enterprises.management.commands.import_enterprises import Command as EnterprisesCommand
from enterprises.models import Designation, Enterprise
from imports.models import ImportRecord
from patents.management.commands.import_patents import Command as PatentsCommand
from patents.models import Patent
from tests.enterprises.import_helpers import csv_bytes, enterprise_row, xlsx_bytes
from utilities.tabular import FileRejected, csv_reader
from utilities.tabular.cells import Column
from utilities.tabular.table import open_table

pytestmark = pytest.mark.django_db

CORPUS = Path(settings.BASE_DIR) / "tests" / "data" / "bad_files"

# file → (where the error is, a word of its cause); "文件" is the whole file (no row).
ENTERPRISE_FILES = {
    "ragged_extra_cells.csv": ("第3行", "多于表头"),
    "unclosed_quote_swallows_next_row.csv": ("第3行", "引号未闭合"),
    "unclosed_quote_to_the_end.csv": ("第3行", "引号未闭合"),
    "quote_inside_a_cell.csv": ("第3行", "引号"),
    "empty.csv": ("第1行", "文件为空"),
    "blank_lines_only.csv": ("第1行", "文件为空"),
    "header_only.csv": ("第2行", "只有表头"),
    "formula_payloads.csv": ("第3行", "公式"),
    "script_payloads.csv": ("第3行", "脚本"),
    "absurd_dates.csv": ("第2行", "1900"),
    "absurd_numbers.csv": ("第2行", "过大"),
    "control_characters.csv": ("第3行", "控制字符"),
    "big5_encoded.csv": ("第1行", "UTF-8"),
    "utf16_encoded.csv": ("文件", "UTF-16"),
}
PATENT_FILES = {
    "ragged_extra_cells.csv": ("第3行", "多于表头"),
    "unclosed_quote_swallows_next_row.csv": ("第2行", "引号未闭合"),
    "header_only.csv": ("第2行", "只有表头"),
    "formula_payloads.csv": ("第3行", "公式"),
    "absurd_dates.csv": ("第2行", "1900"),
    "absurd_numbers.csv": ("第2行", "过大"),
}
LIST_FILES = {
    "ragged_extra_cells.csv": ("第3行", "多于表头"),
    "unclosed_quote_to_the_end.csv": ("第3行", "引号未闭合"),
    "header_only.csv": ("第2行", "只有表头"),
    "script_payloads.csv": ("第2行", "脚本"),
}


# --- generated files: binary, damaged, huge ----------------------------------------------------------


def _binary_junk() -> bytes:
    return random.Random(8).randbytes(64 * 1024)


def _old_xls() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(9).randbytes(4096)


def _renamed_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _damaged_xlsx() -> bytes:
    whole = xlsx_bytes([enterprise_row(i) for i in range(1, 30)])
    return whole[: len(whole) // 2]


def _long_cell() -> bytes:
    return csv_bytes([enterprise_row(1), enterprise_row(2, name="长" * 200_000)])


GENERATED = {
    "junk.csv": (_binary_junk, ("文件", "文件不是 CSV 或 XLSX 格式")),
    "old.xls": (_old_xls, ("文件", "文件不是 CSV 或 XLSX 格式")),
    "report.xlsx": (_renamed_docx, ("文件", ".docx")),
    "damaged.xlsx": (_damaged_xlsx, ("文件", "XLSX")),
    "long_cell.csv": (_long_cell, ("第3行", "单元格过长")),
}


@pytest.fixture(scope="session")
def hundred_mb_line(tmp_path_factory) -> Path:
    """A first line of 100 MB, written in chunks (never held in memory here)."""
    path = tmp_path_factory.mktemp("bad-files") / "hundred_mb_line.csv"
    with path.open("wb") as out:
        chunk = b"x," * (1 << 19)
        for _ in range(100):
            out.write(chunk)
        out.write(b"\r\n")
    return path


# --- running a file through the command line and the admin ------------------------------------------


@pytest.fixture
def keep_connection(monkeypatch):
    """run_from_argv closes every connection when it ends; the test's transaction must survive it."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def _state() -> tuple[int, int, int]:
    return Enterprise.objects.count(), Designation.objects.count(), Patent.objects.count()


COMMANDS = {
    "enterprises": (EnterprisesCommand, ["import_enterprises"]),
    "patents": (PatentsCommand, ["import_patents"]),
    "lists": (ListCommand, ["import_designation_list", "--batch", "3"]),
}


def _command_refuses(kind: str, path: Path, expected: tuple[str, str], capsys) -> None:
    command, argv = COMMANDS[kind]
    before = _state()
    with pytest.raises(SystemExit) as exit_info:
        command().run_from_argv(["manage.py", argv[0], str(path), *argv[1:]])
    out = capsys.readouterr()
    assert exit_info.value.code == 1
    where, cause = expected
    assert "Traceback" not in out.err + out.out
    lines = [line for line in out.err.splitlines() if cause in line]
    assert lines, out.err[:2000]
    assert lines[0].startswith(where), lines[0]
    assert "文件被拒绝，未写入任何数据" in out.err
    assert _state() == before
    record = ImportRecord.objects.latest("pk")
    assert record.outcome == ImportRecord.Outcome.REJECTED
    assert "内部错误" not in str(record.errors)


@pytest.mark.parametrize("name", sorted(ENTERPRISE_FILES))
def test_the_enterprise_command_refuses_a_bad_file(regions, name, capsys, keep_connection):
    _command_refuses("enterprises", CORPUS / "enterprises" / name, ENTERPRISE_FILES[name], capsys)


@pytest.mark.parametrize("name", sorted(PATENT_FILES))
def test_the_patent_command_refuses_a_bad_file(regions, name, capsys, keep_connection):
    _command_refuses("patents", CORPUS / "patents" / name, PATENT_FILES[name], capsys)


@pytest.mark.parametrize("name", sorted(LIST_FILES))
def test_the_designation_list_command_refuses_a_bad_file(regions, name, capsys, keep_connection):
    _command_refuses("lists", CORPUS / "lists" / name, LIST_FILES[name], capsys)


@pytest.mark.parametrize("kind", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(GENERATED))
def test_every_command_refuses_binary_damaged_and_oversized_files(
    regions, kind, name, tmp_path, capsys, keep_connection
):
    make, expected = GENERATED[name]
    if kind == "patents" and name.endswith(".xlsx"):
        expected = ("文件", "XLSX")  # patents.csv is CSV only, whatever the workbook holds
    if kind != "enterprises" and name == "long_cell.csv":
        pytest.skip("an enterprise-shaped file")
    path = tmp_path / name
    path.write_bytes(make())
    _command_refuses(kind, path, expected, capsys)


@pytest.mark.parametrize("kind", sorted(COMMANDS))
def test_every_command_refuses_a_100_mb_line(regions, kind, hundred_mb_line, capsys, keep_connection):
    _command_refuses(kind, hundred_mb_line, ("第1行", "行过长"), capsys)


ADMIN_CASES = [("enterprises", CORPUS / "enterprises" / name, expected) for name, expected in ENTERPRISE_FILES.items()]
ADMIN_CASES += [("designation_list", CORPUS / "lists" / name, expected) for name, expected in LIST_FILES.items()]


def _admin_refuses(admin_client, kind: str, name: str, data: bytes, expected: tuple[str, str]) -> None:
    before = _state()
    response = admin_client.post(
        reverse("admin:enterprises_enterprise_import"),
        {"kind": kind, "file": SimpleUploadedFile(name, data), "status": "confirmed", "batch": "3"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    if not data:  # Django's upload field refuses an empty file before any import runs
        assert "errorlist" in page and _state() == before
        return
    where, cause = expected
    row = where.removeprefix("第").removesuffix("行") if where != "文件" else "0"
    assert re.search(rf"<tr><td>{row}\d*</td>.*{re.escape(cause)}", page), page[page.find("import-errors") :][:1500]
    assert "Traceback" not in page
    assert _state() == before
    assert ImportRecord.objects.latest("pk").outcome == ImportRecord.Outcome.REJECTED


@pytest.mark.parametrize(("kind", "path", "expected"), ADMIN_CASES, ids=lambda v: getattr(v, "name", None))
def test_the_admin_upload_refuses_a_bad_file(regions, admin_client, kind, path, expected):
    _admin_refuses(admin_client, kind, path.name, path.read_bytes(), expected)


@pytest.mark.parametrize("kind", ["enterprises", "designation_list"])
@pytest.mark.parametrize("name", sorted(GENERATED))
def test_the_admin_upload_refuses_binary_and_damaged_files(regions, admin_client, kind, name):
    make, expected = GENERATED[name]
    if kind != "enterprises" and name == "long_cell.csv":
        pytest.skip("an enterprise-shaped file")
    _admin_refuses(admin_client, kind, name, make(), expected)


# Above the default upload limit (IMPORT_UPLOAD_MAX_BYTES, 50 MB): the line check protects a portal that
# raised it, and the command line, which has no upload limit.
@override_settings(IMPORT_UPLOAD_MAX_BYTES=200 * 1024 * 1024)
def test_the_admin_upload_refuses_a_100_mb_line(regions, admin_client, hundred_mb_line):
    with hundred_mb_line.open("rb") as stream:
        _admin_refuses(admin_client, "enterprises", hundred_mb_line.name, stream.read(), ("第1行", "行过长"))


def test_the_admin_in_english_shows_the_english_cause(regions, admin_client):
    response = admin_client.post(
        "/en/admin/enterprises/enterprise/import/",
        {"kind": "enterprises", "file": SimpleUploadedFile("junk.csv", _binary_junk()), "status": "confirmed"},
    )
    assert "not a CSV or XLSX file (save as .xlsx)" in response.content.decode()


# --- the reader itself ------------------------------------------------------------------------------


def test_bytes_of_another_encoding_later_in_the_file_are_reported_with_their_row(monkeypatch):
    monkeypatch.setattr(csv_reader, "SNIFF_BYTES", 16)  # the sample decodes as UTF-8, row 3 does not
    data = "name,province\n苏州甲,江苏省\n".encode() + "苏州乙,江苏省\n".encode("gbk")
    table = open_table(io.BytesIO(data), [Column("name", "企业名称"), Column("province", "省份")])
    with pytest.raises(FileRejected) as rejected:
        list(table.rows())
    error = rejected.value.report.errors[0]
    assert (error.row, error.column) == (3, "name")
    assert "UTF-8" in error.reason


def test_a_quoted_cell_on_one_line_and_trailing_empty_cells_are_fine():
    data = 'name,province\n"苏州,甲",江苏省,,\n'.encode()
    table = open_table(io.BytesIO(data), [Column("name", "企业名称"), Column("province", "省份")])
    assert list(table.rows()) == [(2, {"name": "苏州,甲", "province": "江苏省"})]


def test_row_numbers_follow_the_lines_of_the_file():
    data = "name,province\n\n苏州甲,江苏省\n\n苏州乙,江苏省\n".encode()
    table = open_table(io.BytesIO(data), [Column("name", "企业名称"), Column("province", "省份")])
    assert [number for number, _ in table.rows()] == [3, 5]
