"""The commands `import_enterprises` and `import_designation_list`: counts on success, exit 1 with the report."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from enterprises.management.commands.import_designation_list import Command as ListCommand
from enterprises.management.commands.import_enterprises import Command as EnterprisesCommand
from enterprises.models import Designation, Enterprise
from imports.models import ImportRecord
from tests.enterprises.import_helpers import csv_bytes, enterprise_row, list_bytes
from tests.factories import make_credit_code

pytestmark = pytest.mark.django_db

REAL_SAMPLE = Path(__file__).resolve().parent.parent / "data" / "little_giants_key_support_sample.csv"


@pytest.fixture
def keep_connection(monkeypatch):
    """run_from_argv closes every connection when it ends; the test's transaction must survive it."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def write(tmp_path: Path, data: bytes, name: str = "enterprises.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_import_enterprises_prints_the_counts(regions, tmp_path):
    out = io.StringIO()

    call_command(
        "import_enterprises", str(write(tmp_path, csv_bytes([enterprise_row(1), enterprise_row(2)]))), stdout=out
    )

    assert "企业：新建 2，更新 0，未变 0" in out.getvalue()
    assert "认定：新建 2" in out.getvalue()
    assert Enterprise.objects.count() == 2


def test_import_enterprises_dry_run_writes_nothing(regions, tmp_path):
    out = io.StringIO()

    call_command("import_enterprises", str(write(tmp_path, csv_bytes([enterprise_row(1)]))), "--dry-run", stdout=out)

    assert f"第2行 新建 {make_credit_code(1)} 苏州导入测试1科技有限公司" in out.getvalue()
    assert "试运行" in out.getvalue()
    assert not Enterprise.objects.exists()


def test_import_enterprises_ignore_unknown_accepts_extra_columns(regions, tmp_path):
    path = write(tmp_path, csv_bytes([{**enterprise_row(1), "备注": "x"}]))

    call_command("import_enterprises", str(path), "--ignore-unknown", stdout=io.StringIO())

    assert Enterprise.objects.count() == 1


def test_an_invalid_file_exits_with_status_1_and_the_error_report(regions, tmp_path, capsys, keep_connection):
    path = write(tmp_path, csv_bytes([enterprise_row(1), enterprise_row(2, employees="-3", city="杭州")]))

    with pytest.raises(SystemExit) as excinfo:
        EnterprisesCommand().run_from_argv(["manage.py", "import_enterprises", str(path)])

    assert excinfo.value.code == 1
    err = capsys.readouterr().err
    assert "第3行 [employees] “-3”: 应为不小于0的整数" in err
    assert "第3行 [city] “杭州”" in err
    assert "2 个错误" in err
    assert not Enterprise.objects.exists()
    assert ImportRecord.objects.get().outcome == ImportRecord.Outcome.REJECTED


def test_a_missing_file_is_a_command_error(regions, tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_enterprises", str(tmp_path / "nope.csv"))


def test_import_designation_list_imports_an_official_list(regions, tmp_path):
    out = io.StringIO()
    path = write(
        tmp_path, list_bytes([(1, "厦门市", "厦门测试有限公司"), (2, "辽宁省", "沈阳测试有限公司")]), "list.csv"
    )

    call_command("import_designation_list", str(path), "--batch", "4", stdout=out)

    assert "新建待补全企业：2" in out.getvalue()
    assert set(Designation.objects.values_list("batch", flat=True)) == {4}
    assert set(Enterprise.objects.values_list("city_id", flat=True)) == {"350200", "210100"}


def test_import_designation_list_takes_the_status(regions, tmp_path):
    path = write(tmp_path, list_bytes([(1, "江苏省", "苏州测试有限公司")]), "list.csv")

    call_command("import_designation_list", str(path), "--batch", "5", "--status", "announced", stdout=io.StringIO())

    assert Designation.objects.get().status == "announced"


def test_import_designation_list_reads_the_real_sample_without_batch(regions):
    out = io.StringIO()

    call_command("import_designation_list", str(REAL_SAMPLE), stdout=out)

    assert "企业：新建 70" in out.getvalue()
    assert sorted(set(Designation.objects.values_list("batch", flat=True))) == [1, 2, 3]


def test_an_invalid_list_exits_with_status_1(regions, tmp_path, capsys, keep_connection):
    path = write(tmp_path, list_bytes([(1, "火星", "某公司")]), "list.csv")

    with pytest.raises(SystemExit) as excinfo:
        ListCommand().run_from_argv(["manage.py", "import_designation_list", str(path), "--batch", "4"])

    assert excinfo.value.code == 1
    assert "第2行 [province] “火星”: 未知省份" in capsys.readouterr().err
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("command", ["import_enterprises", "import_patents"])
def test_a_header_only_file_fails_the_command(regions, tmp_path, command):
    header = "credit_code,name,province,city,batch\r\n" if command == "import_enterprises" else None
    if header is None:
        from patents.services import PATENT_COLUMNS

        header = ",".join(column.key for column in PATENT_COLUMNS) + "\r\n"
    err = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command(command, str(write(tmp_path, header.encode())), stderr=err)

    assert raised.value.returncode == 1
    assert "文件只有表头，没有数据行" in err.getvalue()
