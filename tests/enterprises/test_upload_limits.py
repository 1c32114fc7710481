"""Bounded uploads (issue #22, finding 6): no file an official sends may exhaust the server.

The admin upload refuses a file above ``IMPORT_UPLOAD_MAX_BYTES``. Before openpyxl reads a workbook,
``utilities.tabular`` checks the zip (summed uncompressed size, compression ratio) and the sheet's declared
dimension, and bounds the rows and columns it reads whatever the sheet declares. The bombs are generated
here with zipfile (never committed) and sent through the admin and the command line in a subprocess of
their own, which must refuse them within seconds and under 300 MB of peak memory; a subprocess that is
still reading after 20 s is killed and the test fails.
"""

import io
import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from enterprises.models import Enterprise
from imports.models import ImportRecord
from tests.database import worker_database_url
from tests.enterprises.import_helpers import HEADER, enterprise_row, rejected, run, xlsx_bytes

SUBPROCESS_TIMEOUT = 20  # seconds: a bomb read before the fix takes minutes, or gigabytes
MAX_SECONDS = 5  # to refuse a bomb, once the interpreter and Django are up
MAX_PEAK_KB = 300 * 1024

pytestmark = pytest.mark.django_db


# --- generated workbooks -------------------------------------------------------------------------------


def _workbook_with(path: Path, member: str, chunks, *, content_type: str = "") -> Path:
    """A valid one-row workbook of ours whose ``member`` is replaced by ``chunks`` (streamed, compressed);
    ``content_type``: declare the member in [Content_Types].xml (a new part, such as shared strings)."""
    template = zipfile.ZipFile(io.BytesIO(xlsx_bytes([enterprise_row(1)])))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in template.infolist():
            if info.filename == member:
                continue
            data = template.read(info.filename)
            if content_type and info.filename == "[Content_Types].xml":
                override = f'<Override PartName="/{member}" ContentType="{content_type}" /></Types>'
                data = data.replace(b"</Types>", override.encode())
            archive.writestr(info.filename, data)
        with archive.open(member, "w") as out:
            for chunk in chunks:
                out.write(chunk)
    return path


SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def shared_strings_bomb(path: Path) -> Path:
    """150 MB of shared strings ("ab", each a string object of its own once read) in a file of < 1 MB:
    under the summed-size limit, far above the compression ratio of any real workbook."""
    header = "".join(f"<si><t>{key}</t></si>" for key in HEADER)
    repeated = b"<si><t>ab</t></si>" * 50_000  # 900 KB

    def chunks():
        yield ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + header).encode()
        for _ in range(170):
            yield repeated
        yield b"</sst>"

    return _workbook_with(path, "xl/sharedStrings.xml", chunks(), content_type=SHARED_STRINGS)


WIDE_ROWS = 20_000


def wide_sheet(path: Path, *, dimension: bool) -> Path:
    """The header in A1:N1, then one cell at column XFD (16,384) on each of 20,000 rows."""
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{key}</t></is></c>' for i, key in enumerate(HEADER))

    def chunks():
        yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        if dimension:
            yield f'<dimension ref="A1:XFD{WIDE_ROWS + 1}"/>'.encode()
        yield f'<sheetData><row r="1">{header}</row>'.encode()
        for row in range(2, WIDE_ROWS + 2):
            yield f'<row r="{row}"><c r="XFD{row}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
        yield b"</sheetData></worksheet>"

    return _workbook_with(path, "xl/worksheets/sheet1.xml", chunks())


BOMBS = {
    "shared_strings": (shared_strings_bomb, "压缩比"),
    "wide_declared": (lambda path: wide_sheet(path, dimension=True), "工作表声明的范围"),
    "wide_undeclared": (lambda path: wide_sheet(path, dimension=False), "第 16384 列（XFD）"),
}


# --- a subprocess that imports the file and reports its time and peak memory ----------------------------

_RUNNER = r"""
import json, sys, time
import django
django.setup()
channel, path, username = sys.argv[1:4]
started = time.monotonic()
if channel == "command":
    import contextlib, io
    from django.core.management import ManagementUtility
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            ManagementUtility(["manage.py", "import_enterprises", path]).execute()
            code = 0
        except SystemExit as exit:
            code = exit.code
    text = err.getvalue()
else:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    with open(path, "rb") as upload:
        response = client.post(reverse("admin:enterprises_enterprise_import"), {"kind": "enterprises", "status": "confirmed", "file": upload})
    code, text = response.status_code, response.content.decode()
seconds = time.monotonic() - started
# VmHWM belongs to this program's memory map, which exec made new; ru_maxrss would carry over the RSS of
# the test process this one was forked from (hundreds of MB late in a full run).
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"code": code, "text": text, "seconds": seconds, "peak_kb": peak_kb}))
"""


def _limit_address_space() -> None:
    # Whatever the file does, the test machine keeps its memory: the child dies at 2 GB.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def _import_in_subprocess(channel: str, path: Path, username: str = "") -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "DATABASE_URL": worker_database_url()}
    try:
        finished = subprocess.run(
            [sys.executable, "-c", _RUNNER, channel, str(path), username],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_TIMEOUT,
            preexec_fn=_limit_address_space,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the {channel} was still reading {path.name} after {SUBPROCESS_TIMEOUT} s")
    assert finished.stdout, finished.stderr[-3000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


def _refused_quickly_and_lightly(result: dict, cause: str) -> None:
    assert cause in result["text"], result["text"][-3000:]
    assert result["seconds"] < MAX_SECONDS, result["seconds"]
    assert result["peak_kb"] < MAX_PEAK_KB, f"peak {result['peak_kb'] // 1024} MB"
    assert Enterprise.objects.count() == 0
    record = ImportRecord.objects.latest("pk")
    assert record.outcome == ImportRecord.Outcome.REJECTED
    assert cause in str(record.errors)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_the_command_refuses_an_xlsx_bomb_within_seconds_and_300_mb(regions, bomb, tmp_path):
    make, cause = BOMBS[bomb]
    result = _import_in_subprocess("command", make(tmp_path / f"{bomb}.xlsx"))
    assert result["code"] == 1
    _refused_quickly_and_lightly(result, cause)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_the_admin_upload_refuses_an_xlsx_bomb_within_seconds_and_300_mb(regions, bomb, tmp_path, django_user_model):
    make, cause = BOMBS[bomb]
    django_user_model.objects.create_superuser("bomb-admin", "bomb@example.com", "bomb-password")
    result = _import_in_subprocess("admin", make(tmp_path / f"{bomb}.xlsx"), "bomb-admin")
    assert result["code"] == 200
    _refused_quickly_and_lightly(result, cause)


# --- the limits themselves, in process --------------------------------------------------------------------


def test_a_legitimate_workbook_still_imports(regions):
    outcome = run(xlsx_bytes([enterprise_row(i) for i in range(1, 6)]), file_name="enterprises.xlsx")
    assert outcome.counts["enterprises_created"] == 5


def _sheet_xml(rows: str, dimension: str = "") -> bytes:
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{key}</t></is></c>' for i, key in enumerate(HEADER))
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'{dimension}<sheetData><row r="1">{header}</row>{rows}</sheetData></worksheet>'
    ).encode()


def _workbook_bytes(tmp_path: Path, sheet: bytes) -> bytes:
    return _workbook_with(tmp_path / "sheet.xlsx", "xl/worksheets/sheet1.xml", [sheet]).read_bytes()


@override_settings(XLSX_MAX_ROWS=1000)
def test_a_row_beyond_the_row_limit_is_refused_with_its_row(regions, tmp_path):
    # No dimension declared: a cell on row 1,048,576 would have openpyxl yield a million empty rows first.
    sheet = _sheet_xml('<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    report = rejected(_workbook_bytes(tmp_path, sheet), file_name="rows.xlsx")
    assert [(error.row, error.reason) for error in report.errors] == [(1048576, "工作表超过 1,000 行的上限")]


@override_settings(XLSX_MAX_COLUMNS=20)
def test_a_cell_beyond_the_column_limit_is_refused_with_its_row_and_column(regions, tmp_path):
    sheet = _sheet_xml('<row r="2"><c r="U2" t="inlineStr"><is><t>x</t></is></c></row>')
    report = rejected(_workbook_bytes(tmp_path, sheet), file_name="wide.xlsx")
    assert [(error.row, error.reason) for error in report.errors] == [(2, "第 21 列（U）有数据，超过 20 列的上限")]


def test_a_declared_dimension_beyond_the_limits_is_refused(regions, tmp_path):
    sheet = _sheet_xml("", dimension='<dimension ref="A1:N1048576"/>')
    report = rejected(_workbook_bytes(tmp_path, sheet), file_name="declared.xlsx")
    assert "1048576 行 × 14 列" in report.errors[0].reason
    assert "200000 行、64 列" in report.errors[0].reason


@override_settings(XLSX_MAX_UNCOMPRESSED_BYTES=1024 * 1024)
def test_a_workbook_unpacking_beyond_the_size_limit_is_refused_naming_the_limit(regions, tmp_path):
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{os.urandom(16).hex()}</t></is></c></row>'
        for n in range(2, 30_000)
    )
    report = rejected(_workbook_bytes(tmp_path, _sheet_xml(rows)), file_name="big.xlsx")
    assert "超过 1 MB 的上限" in report.errors[0].reason


# --- the admin upload's size limit ---------------------------------------------------------------------------


@override_settings(IMPORT_UPLOAD_MAX_BYTES=1024 * 1024)
def test_the_admin_upload_refuses_a_file_above_the_size_limit_naming_it(regions, admin_client):
    data = b"name,province\n" + b"x" * (1024 * 1024)
    response = admin_client.post(
        reverse("admin:enterprises_enterprise_import"),
        {"kind": "enterprises", "file": SimpleUploadedFile("big.csv", data), "status": "confirmed"},
    )
    page = response.content.decode()
    assert "文件超过 1 MB 的上限" in page
    assert not ImportRecord.objects.exists()


def test_a_workbook_of_too_many_parts_is_refused_before_its_directory_is_read(regions, tmp_path):
    path = _workbook_with(tmp_path / "parts.xlsx", "xl/worksheets/sheet1.xml", [_sheet_xml("")])
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(1001):
            archive.writestr(f"xl/media/part{number}.bin", b"")
    report = rejected(path.read_bytes(), file_name="parts.xlsx")
    assert "超过 1000 个的上限" in report.errors[0].reason
